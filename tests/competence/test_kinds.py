"""Evidence says how it was obtained, and levels above the lowest rest on assessed or
external evidence unless a course file says taking part counts."""

import shutil

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from lms.catalog import services as catalog
from lms.competence import services
from lms.competence.models import ActivityCompetence, Evidence
from lms.content import services as content
from lms.extensions import db
from lms.learning import services as learning
from lms.xapi import credentials, services as xapi, vocabulary
from lms.xapi.models import Statement
from tests.conftest import ALL_CORRECT, FIXTURE_COURSES


def entries(actor_key):
    return {f"{e.competence.framework.slug}:{e.competence.code}": e
            for p in services.profile(actor_key) for e in p.entries if e.evidence}


def levels(actor_key):
    return {reference: entry.level for reference, entry in entries(actor_key).items() if entry.level}


@pytest.fixture
def course(ctx, courses):
    return catalog.get_course("first-steps")


def pass_quiz(enrollment, course):
    attempt = learning.start_attempt(enrollment, catalog.find_item(course, "basics-check"))
    learning.submit_attempt(enrollment, attempt, MultiDict(ALL_CORRECT).to_dict(flat=False))


def test_opening_lessons_mapped_above_the_lowest_level_does_not_give_that_level(course, make_user):
    """A learner who only opens a lesson mapped at level 2 sees it as participation, not yet assessed, and has no level 2."""
    course.lesson_completion = "on_open"
    user = make_user("ann")
    enrollment = learning.enrol(user, course)
    key = xapi.account_key(user.public_id)
    learning.open_item(enrollment, catalog.find_item(course, "safe-passwords"))  # digcomp:4.2@2
    assert "digcomp:4.2" not in levels(key)
    entry = entries(key)["digcomp:4.2"]
    (evidence,) = entry.evidence
    assert (evidence.kind, evidence.level, evidence.counted) == ("participated", "2", False)
    assert entry.not_yet_counted is evidence
    assert services.levels_for([key])[key] == {}


def test_a_lesson_done_at_the_lowest_level_counts_as_participation(course, make_user):
    user = make_user("ann")
    learning.mark_done(learning.enrol(user, course), catalog.find_item(course, "welcome"))  # digcomp:2.1@1
    key = xapi.account_key(user.public_id)
    assert levels(key) == {"digcomp:2.1": "1"}
    (evidence,) = entries(key)["digcomp:2.1"].evidence
    assert (evidence.kind, evidence.counted) == ("participated", True)


def test_passing_the_quiz_gives_the_level_as_assessed_evidence(course, make_user):
    user = make_user("ann")
    enrollment = learning.enrol(user, course)
    key = xapi.account_key(user.public_id)
    learning.mark_done(enrollment, catalog.find_item(course, "safe-passwords"))
    assert "digcomp:4.2" not in levels(key)
    pass_quiz(enrollment, course)
    assert levels(key)["digcomp:4.2"] == "2"
    entry = entries(key)["digcomp:4.2"]
    assert {(e.kind, e.counted) for e in entry.evidence} == {("assessed", True), ("participated", False)}
    assert entry.not_yet_counted is None  # the level is assessed now: nothing waits above it


def test_a_passed_exercise_is_assessed_evidence(course, make_user):
    user = make_user("ann")
    activity = vocabulary.activity_id("exercise", "first-steps", "passwords-kata")
    services.map_activities("course:first-steps-extra", [(activity, "digcomp:4.2@3")])
    actor = {"objectType": "Agent", "account": {"homePage": vocabulary.base_url(), "name": str(user.public_id)}}
    xapi.record([{"actor": actor, "verb": {"id": vocabulary.VERB_BASE + "passed"},
                  "object": {"id": activity, "definition": {"type": vocabulary.ACTIVITY_TYPES["exercise"]}},
                  "result": {"success": True, "score": {"scaled": 1.0}}}])
    key = xapi.account_key(user.public_id)
    assert levels(key) == {"digcomp:4.2": "3"}
    assert entries(key)["digcomp:4.2"].evidence[0].kind == "assessed"


def test_an_external_providers_passed_statement_counts_as_external_with_its_name(course, make_user):
    user = make_user("ann")
    credential, _ = credentials.issue("VR lab, Ventspils", ["statements/write"])
    services.map_activities("admin", [("https://vr-lab.example/escape-room", "digcomp:4.2@5"),
                                      ("https://vr-lab.example/tour", "digcomp:2.1@3")])
    actor = {"objectType": "Agent", "account": {"homePage": vocabulary.base_url(), "name": str(user.public_id)}}
    xapi.record([{"actor": actor, "verb": {"id": vocabulary.VERB_BASE + "passed"},
                  "object": {"id": "https://vr-lab.example/escape-room"}, "result": {"success": True}},
                 {"actor": actor, "verb": {"id": vocabulary.VERB_BASE + "completed"},
                  "object": {"id": "https://vr-lab.example/tour"}}],
                authority=credentials.authority(credential))
    key = xapi.account_key(user.public_id)
    assert levels(key) == {"digcomp:4.2": "5", "digcomp:2.1": "3"}
    found = {(e.kind, e.provider, e.counted) for entry in entries(key).values() for e in entry.evidence}
    assert found == {("external", "VR lab, Ventspils", True)}


def test_a_linked_actors_statements_count_as_external_evidence_for_the_learner(course, make_user):
    user = make_user("ann")
    credential, _ = credentials.issue("Science centre", ["statements/write"])
    services.map_activities("admin", [("https://science.example/exhibit", "digcomp:2.1@4")])
    xapi.record([{"actor": {"mbox": "mailto:ann@example.org"}, "verb": {"id": vocabulary.VERB_BASE + "completed"},
                  "object": {"id": "https://science.example/exhibit"}}], authority=credentials.authority(credential))
    key = xapi.account_key(user.public_id)
    xapi.link_actor("mbox:mailto:ann@example.org", key)
    assert levels(key) == {"digcomp:2.1": "4"}
    (evidence,) = entries(key)["digcomp:2.1"].evidence
    assert (evidence.kind, evidence.provider) == ("external", "Science centre")


def test_role_readiness_counts_assessed_levels_and_suggests_what_would_count(course, make_user):
    """Taking part in a lesson mapped at the level a role needs meets nothing; the gap names the quiz, not the lesson."""
    user = make_user("ann")
    key = xapi.account_key(user.public_id)
    lesson = vocabulary.activity_id("lesson", "first-steps", "more-reading")
    quiz = vocabulary.activity_id("quiz", "first-steps", "privacy-check")
    services.map_activities("course:first-steps-extra", [(lesson, "digcomp:4.2@3"), (quiz, "digcomp:4.2@3")])
    enrollment = learning.enrol(user, course)
    learning.mark_done(enrollment, catalog.find_item(course, "welcome"))
    learning.mark_done(enrollment, catalog.find_item(course, "more-reading"))
    (role,) = services.readiness(key)
    assert (role.met, role.total) == (1, 2)
    (gap,) = role.gaps
    assert (gap.competence.code, gap.current) == ("4.2", None)
    assert gap.next_activities == [quiz]


def test_a_course_file_lets_taking_part_in_a_lesson_count_at_its_level(ctx, tmp_path, make_user):
    folder = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / "first-steps", folder / "first-steps")
    lesson = folder / "first-steps" / "lessons" / "safe-passwords.md"
    lesson.write_text(lesson.read_text().replace("competences: [digcomp:4.2@2]\n",
                                                 "competences: [digcomp:4.2@2]\nparticipation_counts: true\n"))
    services.import_frameworks(FIXTURE_COURSES / "_frameworks")
    content.import_courses(folder)
    activity = vocabulary.activity_id("lesson", "first-steps", "safe-passwords")
    mapping = db.session.scalar(sa.select(ActivityCompetence).where(ActivityCompetence.activity_id == activity))
    assert mapping.participation_counts is True
    user = make_user("ann")
    course = catalog.get_course("first-steps")
    learning.mark_done(learning.enrol(user, course), catalog.find_item(course, "safe-passwords"))
    key = xapi.account_key(user.public_id)
    assert levels(key)["digcomp:4.2"] == "2"
    (evidence,) = entries(key)["digcomp:4.2"].evidence
    assert (evidence.kind, evidence.counted) == ("participated", True)


def test_voiding_the_assessed_evidence_leaves_participation_not_yet_assessed(course, make_user):
    user = make_user("ann")
    enrollment = learning.enrol(user, course)
    key = xapi.account_key(user.public_id)
    learning.mark_done(enrollment, catalog.find_item(course, "safe-passwords"))
    pass_quiz(enrollment, course)
    passed = db.session.scalar(sa.select(Evidence).where(Evidence.kind == "assessed"))
    statement_id = db.session.get(Statement, passed.statement_seq).statement_id
    xapi.record([{"actor": {"objectType": "Agent", "account": {"homePage": vocabulary.base_url(), "name": "lms"}},
                  "verb": {"id": xapi.VOIDED}, "object": {"objectType": "StatementRef", "id": str(statement_id)}}])
    assert "digcomp:4.2" not in levels(key)
    assert entries(key)["digcomp:4.2"].not_yet_counted.kind == "participated"
