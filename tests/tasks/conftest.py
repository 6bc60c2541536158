"""Fixtures for reviewed tasks: the project-work course, a class with its teacher and a
pupil, a learner outside classes with the course's reviewer, and outsiders."""

from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.catalog import services as catalog
from lms.content import services as content
from lms.extensions import db
from lms.learning import services as learning
from lms.tasks import services
from lms.teaching import services as teaching
from tests import factories

TASK_COURSES = Path(__file__).parent.parent / "fixtures" / "task-courses"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 30
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


@contextmanager
def count_queries(app):
    """The SQL statements run inside the block."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def office(main: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML package with its main part (and extra parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def task_course(app):
    """project-work: a lesson, the lesson-plan task (text, link, files, a rubric, pass mark
    50%) and the reflection task (text only, no rubric)."""
    with app.app_context():
        content.import_courses(TASK_COURSES)
        db.session.commit()
    return TASK_COURSES


@dataclass
class People:
    course: object
    plan: object        # the lesson-plan task
    reflection: object
    teacher: object     # runs "Year 7", which has the course assigned
    pupil: object       # in Year 7
    other_teacher: object  # runs another class with the course assigned
    adult: object       # in no class; reviewed by the course's reviewer
    reviewer: object    # assigned to project-work
    other_reviewer: object  # assigned to another course only

    def enrollment(self, user):
        return learning.active_enrollment(user, self.course)


def build_people() -> People:
    make = factories.make_user
    teacher = make("ms-ozola", audience="teacher", roles=("learner", "teacher"), display_name="Ilze Ozola")
    other_teacher = make("mr-berzins", audience="teacher", roles=("learner", "teacher"))
    reviewer = make("reviewer", audience="teacher", roles=("learner", "teacher"), display_name="Rita Reviewer")
    other_reviewer = make("other-reviewer", audience="teacher", roles=("learner", "teacher"))
    adult = make("adult-learner", audience="adult")
    course = catalog.get_course("project-work")
    year7 = teaching.create_class(teacher, "Year 7")
    teaching.assign_course(year7, course)
    pupil = teaching.join(year7, username="anna", display_name="Anna", password=factories.PASSWORD)
    other = teaching.create_class(other_teacher, "Year 8")
    teaching.assign_course(other, course)
    learning.enrol(adult, course)
    services.assign_reviewer(course, reviewer)
    content.import_courses(Path(__file__).parent.parent / "fixtures" / "courses")
    services.assign_reviewer(catalog.get_course("first-steps"), other_reviewer)
    db.session.commit()
    return People(course, catalog.find_item(course, "lesson-plan"), catalog.find_item(course, "reflection"),
                  teacher, pupil, other_teacher, adult, reviewer, other_reviewer)


@pytest.fixture
def people(ctx, task_course):
    """Everyone a task's permissions concern, inside the test's app context."""
    return build_people()


@pytest.fixture
def cast(app, task_course):
    """The same people for tests that use the client (no context left pushed)."""
    with app.test_request_context():
        return build_people()
