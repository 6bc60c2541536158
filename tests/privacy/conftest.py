"""A person who did everything the platform records, and a scan for any trace of them."""

from __future__ import annotations

import base64
import os
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.accounts import sessions
from lms.catalog import services as catalog
from lms.content import services as content
from lms.exercises import services as exercises
from lms.extensions import db
from lms.gradebook import access as gradebook_access
from lms.gradebook import work as gradebook_work
from lms.gradebook.models import HAND_IN
from lms.learning import services as learning
from lms.notifications import services as notifications
from lms.tasks import services as tasks
from lms.teaching import services as teaching
from lms.teaching.models import ClassMember
from lms.xapi import credentials, documents
from lms.xapi import services as xapi
from lms.xapi.models import OutboxEntry
from tests import factories

POSTGRES = bool(os.environ.get("LMS_TEST_DATABASE_URL"))
FIXTURES = Path(__file__).parent.parent / "fixtures"
VR_ACTIVITY = "https://vr-lab.example/solar-system"


@dataclass
class Trace:
    """Everything that would identify the person, or that they wrote."""

    user_id: int
    public_id: str
    username: str
    display_name: str
    email: str
    texts: list[str] = field(default_factory=list)
    external_actor: dict = field(default_factory=dict)
    lrs_headers: dict = field(default_factory=dict)
    certificate_code: str = ""
    teacher_id: int = 0
    reviewer_id: int = 0

    @property
    def needles(self) -> list[str]:
        """What a scan looks for; a UUID also as SQLite stores it (32 hex digits)."""
        return [self.public_id, self.public_id.replace("-", ""), self.username, self.display_name, self.email,
                self.external_actor["mbox"].removeprefix("mailto:"), *self.texts]


def import_all() -> None:
    content.import_courses(FIXTURES / "courses")
    content.import_courses(FIXTURES / "task-courses")
    db.session.commit()


def did_everything(app) -> Trace:
    """An adult in a class who took a quiz (with a written answer), submitted code, handed in
    tasks with a file that were reviewed, completed a course with a certificate, had an
    external actor linked to them with statements, State and an Agent Profile, notifications,
    a sign-in session and self-assessment; some of their statements were already forwarded."""
    import_all()
    make = factories.make_user
    teacher = make("ms-ozola", audience="teacher", roles=("learner", "teacher"), display_name="Ilze Ozola")
    reviewer = make("reviewer", audience="teacher", roles=("learner", "teacher"), display_name="Rita Reviewer")
    person = make("zelma-k", audience="adult", display_name="Zelma Kalniņa", email="zelma.kalnina@example.org")
    trace = Trace(person.id, str(person.public_id), "zelma-k", "Zelma Kalniņa", "zelma.kalnina@example.org",
                  teacher_id=teacher.id, reviewer_id=reviewer.id)
    school_class = teaching.create_class(teacher, "Evening group")
    db.session.add(ClassMember(class_id=school_class.id, user_id=person.id))
    sessions.start(person, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", remember=True)

    # A quiz, with a written answer.
    first_steps = catalog.get_course("first-steps")
    enrollment = learning.enrol(person, first_steps)
    quiz = catalog.find_item(first_steps, "basics-check")
    attempt = learning.start_attempt(enrollment, quiz)
    form = {}
    for entry in learning.attempt_paper(attempt):
        kind = entry.question["type"]
        if kind in ("single", "multiple"):
            form[f"q-{entry.question['id']}"] = [entry.options[0][0]]
        else:
            form[f"q-{entry.question['id']}"] = [{"true_false": "false", "numeric": "8"}.get(
                kind, "the wifi box Zelma keeps under her bed")]
    trace.texts.append("the wifi box Zelma keeps under her bed")
    learning.submit_attempt(enrollment, attempt, form)

    # Code, submitted and graded.
    code_practice = catalog.get_course("code-practice")
    code_enrollment = learning.enrol(person, code_practice)
    code = "// Zelma's quokka solution\nexport function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
    trace.texts.append("Zelma's quokka solution")
    exercises.submit(code_enrollment, catalog.find_item(code_practice, "sum-numbers"), code)

    # Tasks with a file, reviewed with feedback, completing the course: a certificate.
    project = catalog.get_course("project-work")
    tasks.assign_reviewer(project, reviewer)
    project_enrollment = learning.enrol(person, project)
    learning.mark_done(project_enrollment, catalog.find_item(project, "why-plan"))
    plan_text = "My plan: pupils build a papier-mache volcano named Zelmagora."
    file_text = "Attached notes about the marmalade experiment"
    trace.texts += ["papier-mache volcano named Zelmagora", "marmalade experiment"]
    plan = tasks.save(project_enrollment, catalog.find_item(project, "lesson-plan"), text=plan_text,
                      link="https://example.org/zelmagora-plan",
                      uploads=[tasks.Upload("zelma-notes.txt", file_text.encode())], hand_in=True)
    trace.texts.append("zelmagora-plan")
    tasks.review(reviewer, plan, levels={"level-objective": "2", "level-activities": "2"},
                 comment="Zelma, the volcano idea is lovely.", decision="accepted")
    trace.texts.append("the volcano idea is lovely")
    reflection = tasks.save(project_enrollment, catalog.find_item(project, "reflection"),
                            text="I will try exit tickets with the otter puppet.", hand_in=True)
    trace.texts.append("exit tickets with the otter puppet")
    # The reviewer opens the hand-in in the gradebook and comments on it.
    plan_item = catalog.find_item(project, "lesson-plan")
    role = gradebook_access.role_for(reviewer, project_enrollment, plan_item)
    assert role is not None
    gradebook_work.record_view(project_enrollment, plan_item, reviewer, role)
    gradebook_work.comment(reviewer, project_enrollment, plan_item, target=HAND_IN, target_id=plan.id,
                           body="Zelma, the lava could be red jelly from the school canteen.")
    trace.texts.append("red jelly from the school canteen")
    tasks.review(reviewer, reflection, levels={}, comment="Good.", decision="accepted")
    certificate = learning.certificate_for(project_enrollment)
    assert certificate is not None
    learning.set_certificate_name_visible(certificate, True)
    trace.certificate_code = certificate.code
    notifications.notify(person, "announcement", "Evening group", "/classes")

    # An external app's statements about an actor linked to the person, its State and Agent Profile.
    credential, secret = credentials.issue("VR lab", ["all"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    trace.lrs_headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    actor = {"objectType": "Agent", "name": "Zelma Kalniņa", "mbox": "mailto:zelma.vr@example.org"}
    trace.external_actor = actor
    xapi.record([{"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                  "object": {"id": VR_ACTIVITY}, "result": {"response": "Zelma steered past Saturn's rings"}}],
                authority=credentials.authority(credential))
    trace.texts.append("steered past Saturn")
    xapi.link_actor(xapi.actor_key(actor), xapi.account_key(person.public_id))
    documents.put("state", "progress", json.dumps({"note": "Zelma reached the asteroid belt"}).encode(),
                  "application/json", activity_id=VR_ACTIVITY, agent_key=xapi.actor_key(actor))
    documents.put("agent_profile", "prefs", b"Zelma likes the purple spaceship", "text/plain",
                  agent_key=xapi.actor_key(actor))
    documents.put("state", "bookmark", b"Zelma's bookmark", "text/plain", activity_id=VR_ACTIVITY,
                  agent_key=xapi.account_key(person.public_id))
    trace.texts += ["asteroid belt", "purple spaceship", "Zelma's bookmark"]
    # The forwarder delivered half of what was queued before the erasure (as `flask xapi
    # forward` marks what the external LRS stored).
    entries = list(db.session.scalars(sa.select(OutboxEntry).order_by(OutboxEntry.id)))
    assert entries, "forwarding is configured, so statements are queued"
    for entry in entries[: len(entries) // 2]:
        entry.state = "delivered"
    db.session.commit()
    return trace


def scan_database(needles: list[str]) -> list[str]:
    """Every column of every table in the database (reflected, not from the models), as text
    and bytes, searched for each needle; returns where each was found."""
    found = []
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                for column, value in zip(table.columns.keys(), row):
                    text = _as_text(value)
                    for needle in needles:
                        if needle.lower() in text.lower():
                            found.append(f"{table.name}.{column}: {needle!r}")
    return found


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def scan_files(folder: Path, needles: list[str]) -> list[str]:
    found = []
    for path in folder.rglob("*") if folder.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                if needle.encode() in data or needle.lower().encode() in data.lower():
                    found.append(f"{path}: {needle!r}")
    return found


@pytest.fixture
def forwarding_app(make_app):
    """Forwarding configured (to an address the test never calls), so every statement is queued."""
    return make_app(LMS_XAPI_FORWARD_URL="https://lrs.example.org/xapi")
