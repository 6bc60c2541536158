"""Evidence is derived in the one door, levels read from the aggregate, voiding withdraws."""

import uuid

import sqlalchemy as sa
import pytest
from werkzeug.datastructures import MultiDict

from lms.catalog import services as catalog
from lms.competence import services
from lms.competence.models import ActivityCompetence, Evidence, LearnerCompetence
from lms.extensions import db
from lms.learning import services as learning
from lms.xapi import services as xapi
from tests.conftest import ALL_CORRECT


def levels(actor_key):
    return {f"{e.competence.framework.slug}:{e.competence.code}": e.level
            for p in services.profile(actor_key) for e in p.entries if e.level}


@pytest.fixture
def course(ctx, courses):
    return catalog.get_course("first-steps")


def test_importing_courses_maps_their_items(course):
    mapped = {(m.activity_id.rsplit("/", 2)[-1], m.competence.code, m.level)
              for m in db.session.scalars(sa.select(ActivityCompetence))}
    assert ("welcome", "2.1", "1") in mapped and ("basics-check", "4.2", "2") in mapped


def test_learning_steps_raise_levels_with_their_evidence(course, make_user):
    user = make_user("ann")
    enrollment = learning.enrol(user, course)
    key = xapi.account_key(user.public_id)
    learning.mark_done(enrollment, catalog.find_item(course, "welcome"))
    assert levels(key) == {"digcomp:2.1": "1"}
    attempt = learning.start_attempt(enrollment, catalog.find_item(course, "basics-check"))
    learning.submit_attempt(enrollment, attempt, MultiDict(ALL_CORRECT).to_dict(flat=False))
    profile = {e.competence.code: e for p in services.profile(key) for e in p.entries if e.level}
    assert profile["4.2"].level == "2"
    evidence, = profile["4.2"].evidence  # the passed quiz, with its score
    assert evidence.score == 1.0 and evidence.activity_id.endswith("/quiz/first-steps/basics-check")


def test_a_failed_quiz_is_no_evidence(course, make_user):
    user = make_user("ann")
    enrollment = learning.enrol(user, course)
    attempt = learning.start_attempt(enrollment, catalog.find_item(course, "basics-check"))
    wrong = {**ALL_CORRECT, "q-bits": "1", "q-device": "x", "q-share-password": "true"}
    learning.submit_attempt(enrollment, attempt, MultiDict(wrong).to_dict(flat=False))
    assert "digcomp:4.2" not in levels(xapi.account_key(user.public_id))


def external(actor, activity, verb="passed", score=None, statement_id=None):
    statement = {"actor": actor, "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                 "object": {"id": activity}}
    if statement_id:
        statement["id"] = statement_id
    if score is not None:
        statement["result"] = {"score": {"scaled": score}, "success": True}
    return statement


def test_an_external_statement_raises_a_level_and_voiding_withdraws_it(course, make_user):
    user = make_user("ann")
    actor = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(user.public_id)}}
    services.map_activities("admin", [("https://vr-lab.example/privacy-escape-room", "digcomp:4.2@5")])
    key = xapi.account_key(user.public_id)
    statement_id = str(uuid.uuid4())
    xapi.record([external(actor, "https://vr-lab.example/privacy-escape-room", statement_id=statement_id)])
    assert levels(key) == {"digcomp:4.2": "5"}
    xapi.record([{"actor": {"mbox": "mailto:vr-lab@example.org"}, "verb": {"id": xapi.VOIDED},
                  "object": {"objectType": "StatementRef", "id": statement_id}}])
    assert levels(key) == {}
    assert db.session.scalar(sa.select(Evidence.withdrawn)) is True


def test_voiding_one_of_two_keeps_the_other_level(course, make_user):
    user = make_user("ann")
    actor = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(user.public_id)}}
    services.map_activities("admin", [("https://lab.example/a", "digcomp:4.2@3"), ("https://lab.example/b", "digcomp:4.2@6")])
    high = str(uuid.uuid4())
    xapi.record([external(actor, "https://lab.example/a"), external(actor, "https://lab.example/b", statement_id=high)])
    key = xapi.account_key(user.public_id)
    assert levels(key) == {"digcomp:4.2": "6"}
    xapi.record([{"actor": actor, "verb": {"id": xapi.VOIDED}, "object": {"objectType": "StatementRef", "id": high}}])
    assert levels(key) == {"digcomp:4.2": "3"}
    row = db.session.get(LearnerCompetence, (key, services.competence_for("digcomp", "4.2").id))
    assert row.evidence_count == 1


def test_unknown_competences_in_a_mapping_are_reported(ctx, courses):
    unknown = services.map_activities("admin", [("https://lab.example/a", "digcomp:5.4@2")])
    assert unknown == ["digcomp:5.4@2"]


def test_a_broken_framework_file_is_refused_naming_it(ctx, tmp_path):
    (tmp_path / "broken.yaml").write_text("slug: broken\ntitle: B\nlevels: [{code: '1'}]\nareas:\n"
                                          "  - code: a\n    title: A\n    competences:\n"
                                          "      - {code: x, title: X}\n      - {code: x, title: Y}\n")
    with pytest.raises(services.FrameworkError) as error:
        services.import_frameworks(tmp_path)
    assert "broken.yaml: areas[0].competences[1].code: 'x' is used twice" in error.value.problems


def test_the_import_command(app, runner, tmp_path):
    from tests.conftest import FIXTURE_COURSES

    result = runner.invoke(args=["competence", "import", str(FIXTURE_COURSES / "_frameworks")])
    assert result.exit_code == 0 and "digcomp" in result.output
    (tmp_path / "bad.yaml").write_text("slug: bad\n")
    failed = runner.invoke(args=["competence", "import", str(tmp_path)])
    assert failed.exit_code == 1 and "bad.yaml: title: is required" in failed.output


def test_role_readiness_counts_met_competences_and_names_what_closes_each_gap(course, make_user):
    user = make_user("ann")
    enrollment = learning.enrol(user, course)
    learning.mark_done(enrollment, catalog.find_item(course, "welcome"))
    key = xapi.account_key(user.public_id)
    services.map_activities("admin", [("https://lab.example/privacy", "digcomp:4.2@3")])
    (role,) = services.readiness(key)
    assert (role.met, role.total, role.percent) == (1, 2, 50)
    (gap,) = role.gaps
    assert (gap.competence.code, gap.required, gap.current) == ("4.2", "3", None)
    assert gap.next_activities == ["https://lab.example/privacy"]


def test_a_role_with_an_unknown_competence_is_refused(ctx, tmp_path):
    import shutil

    from tests.conftest import FIXTURE_COURSES

    shutil.copy(FIXTURE_COURSES / "_frameworks" / "digcomp.yaml", tmp_path)
    (tmp_path / "roles.yaml").write_text("roles:\n  - slug: r\n    title: R\n    title_lv: R\n    requires: [digcomp:1.1@2]\n")
    with pytest.raises(services.FrameworkError) as error:
        services.import_frameworks(tmp_path)
    assert error.value.problems == ["roles.yaml: roles[0].requires[0]: unknown competence digcomp:1.1"]
