"""A class with tasks, code exercises and a quiz assigned, for the gradebook's tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lms.catalog import services as catalog
from lms.exercises.models import ExerciseSubmission
from lms.extensions import db
from lms.learning import services as learning
from lms.tasks import services as tasks
from lms.teaching import services as teaching
from lms.teaching.models import SchoolClass
from tests import factories
from tests.tasks.conftest import People, build_people, count_queries, task_course  # noqa: F401

CODE = "function sum(a, b) {\n  return a - b;\n}\n"


@dataclass
class Book:
    people: People
    class_id: int
    code_course: object
    quiz: object
    exercise: object

    @property
    def school_class(self):
        """The class as the teacher's page loads it (the session keeps objects after a commit)."""
        db.session.expire_all()
        return teaching.class_for_teacher(self.class_id, self.people.teacher)


def submit_code(enrollment, item, code=CODE, passed=False, score=0.5):
    """A graded submission, as a grader stores it (the grader itself is tested in tests/exercises)."""
    made = db.session.query(ExerciseSubmission).filter_by(enrollment_id=enrollment.id, item_id=item.id).count()
    submission = ExerciseSubmission(
        enrollment_id=enrollment.id, item_id=item.id, number=made + 1, code=code, status="ok",
        results=[{"name": "adds two numbers", "hidden": False, "passed": passed, "message": "expected 5, got -1",
                  "logs": []},
                 {"name": "secret case", "hidden": True, "passed": passed}],
        logs=[], error="", passed_count=2 if passed else 1, total=2, score=score, passed=passed)
    db.session.add(submission)
    db.session.flush()
    return submission


def build_book() -> Book:
    people = build_people()
    db.session.expire_all()
    year7 = teaching.class_for_teacher(db.session.query(SchoolClass).filter_by(name="Year 7").one().id, people.teacher)
    code_course = catalog.get_course("code-practice")
    first_steps = catalog.get_course("first-steps")
    teaching.assign_course(year7, code_course)
    quiz = catalog.find_item(first_steps, "basics-check")
    teaching.assign_item(year7, quiz)
    db.session.commit()
    return Book(people, year7.id, code_course, quiz, catalog.find_item(code_course, "sum-numbers"))


@pytest.fixture
def book(ctx, task_course):  # noqa: F811
    return build_book()


@pytest.fixture
def staged(app, task_course):  # noqa: F811
    """The same, for tests that use the client; the pupil has handed in the reflection and
    submitted code once."""
    with app.test_request_context():
        made = build_book()
        pupil = made.people.pupil
        tasks.save(made.people.enrollment(pupil), made.people.reflection, text="I learnt a lot.", hand_in=True)
        submit_code(learning.active_enrollment(pupil, made.code_course), made.exercise)
        db.session.commit()
        people = made.people
        for user in (people.teacher, pupil, people.other_teacher, people.adult, people.reviewer, people.other_reviewer):
            db.session.refresh(user)  # loaded before the context ends, for the client's sign-in
        return made


def add_pupil(book: Book, name: str, username: str):
    db.session.expire_all()
    return teaching.join(book.school_class, username=username, display_name=name, password=factories.PASSWORD)
