"""Teachers' DigCompEdu self-assessment: a questionnaire about their practice that gives a
starting level per competence, kept apart from evidence, and proposes a plan."""

import html
import re
import shutil
from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.competence import services
from lms.competence.models import Framework, SelfAssessment
from lms.content import services as content
from lms.extensions import db
from lms.xapi import services as xapi


@pytest.fixture
def shipped(app):
    """The shipped frameworks and courses (the digital-pedagogy course maps DigCompEdu)."""
    with app.app_context():
        content.import_courses(content.COURSES_DIR)
        db.session.commit()


def key(user):
    return xapi.account_key(user.public_id)


def statements_of(app, code):
    with app.app_context():
        return [s.code for s in services.questionnaire().competences[code]]


def test_the_shipped_questionnaire_has_two_or_three_statements_for_each_of_the_22_competences(ctx, shipped):
    """Every DigCompEdu competence is asked about, in English and in Latvian."""
    form = services.questionnaire()
    assert len(form.competences) == 22
    assert all(2 <= len(items) <= 3 and all(s.text and s.text_lv for s in items) for items in form.competences.values())
    assert [entry["value"] for entry in form.scale] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("answers, level", [
    ([0, 0], "A1"), ([0, 1], "A1"), ([1, 1], "A2"), ([1, 2], "B1"), ([2, 2], "B1"), ([2, 3], "B2"),
    ([3, 3], "C1"), ([3, 4], "C1"), ([4, 4], "C2"), ([4, 4, 3], "C2"), ([4, 3, 3], "C1"), ([2, 2, 3], "B2")])
def test_the_mean_answer_maps_to_a_starting_level(ctx, shipped, answers, level):
    """Answers that say "routinely" give Pioneer; "rarely" gives Explorer; and so on between."""
    assert services.questionnaire().level_for(answers) == level


def test_a_teacher_answers_the_questionnaire_and_gets_levels_and_a_plan(app, client, teacher, login, shipped):
    login(teacher)
    page = client.get("/my/self-assessment").get_data(as_text=True)
    assert "Selecting digital resources" in page and "2.1 Selecting" not in page  # named, not coded
    assert "Routinely: I review it and help colleagues with it" in page
    assert "I search for digital learning resources with more than one search strategy" in page
    low, high = statements_of(app, "2.1"), statements_of(app, "4.1")
    data = {f"a-{code}": "1" for code in low} | {f"a-{code}": "3" for code in high}
    response = client.post("/my/self-assessment", data=data)
    assert response.status_code == 302
    page = client.get("/my/self-assessment").get_data(as_text=True)
    assert "Your learning plan" in page and "you: Explorer (A2)" in page
    assert 'href="/courses/digital-pedagogy/learn/' in page  # a lesson that develops 2.1
    assert "you: Leader (C1)" not in page  # 4.1 is at C1: above B1, not in the plan
    assert "Explorer (A2) · Self-assessed" in page and "Leader (C1) · Self-assessed" in page  # its kind, named
    latvian = client.get("/my/self-assessment", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Izzinātājs (A2) · Pašnovērtējums" in latvian
    with app.app_context():
        levels = {row.competence.code: row.level for row in services.self_assessed(key(teacher)).values()}
    assert levels == {"2.1": "A2", "4.1": "C1"}
    competences = client.get("/my/competences").get_data(as_text=True)
    assert "No evidence yet." in competences  # self-assessed levels are not evidence


def test_the_questionnaire_is_shown_in_latvian(app, client, teacher, login, shipped):
    """A teacher reading Latvian sees the statements and the scale in Latvian."""
    login(teacher)
    page = client.get("/my/self-assessment", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Digitālos mācību resursus es meklēju ar vairākām meklēšanas stratēģijām" in page
    assert "Reti vai ar kāda palīdzību" in page


def test_a_competence_answered_in_part_has_no_level_until_it_is_complete(app, client, teacher, login, shipped):
    login(teacher)
    first, second = statements_of(app, "3.1")[:2]
    assert client.post("/my/self-assessment", data={f"a-{first}": "4"}).status_code == 302
    with app.app_context():
        assert services.self_assessed(key(teacher)) == {}
        assert services.self_assessment_answers(key(teacher)) == {first: 4}  # the answer is kept
    third = statements_of(app, "3.1")[2]
    client.post("/my/self-assessment", data={f"a-{first}": "4", f"a-{second}": "4", f"a-{third}": "4"})
    with app.app_context():
        assert [row.level for row in services.self_assessed(key(teacher)).values()] == ["C2"]


def test_an_answer_outside_the_scale_is_refused_and_nothing_is_stored(app, client, teacher, login, shipped):
    login(teacher)
    code = statements_of(app, "1.1")[0]
    with app.app_context():
        statement = next(s for s in services.questionnaire().competences["1.1"] if s.code == code)
    response = client.post("/my/self-assessment", data={f"a-{code}": "9"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and f"The answer to “{statement.text}” is not one of the scale" in page
    assert f"{code}:" not in page.split("alert-error")[1].split("</div>")[0]  # named by its text, not its code
    latvian = html.unescape(client.post("/my/self-assessment", data={f"a-{code}": "9"},
                                        headers={"Accept-Language": "lv"}).get_data(as_text=True))
    assert f"Atbilde uz apgalvojumu „{statement.text_lv}”" in latvian
    with app.app_context():
        assert services.self_assessment_answers(key(teacher)) == {}


def test_a_level_chosen_on_the_earlier_form_stays_until_its_statements_are_answered(app, client, teacher, login, shipped):
    """Levels stored before the questionnaire keep their meaning and are labelled as such."""
    with app.app_context():
        competence = services.competence_for("digcompedu", "2.2")
        db.session.add(SelfAssessment(actor_key=key(teacher), competence_id=competence.id, level="A1", rank=1,
                                      assessed_at=datetime(2026, 11, 1)))
        db.session.commit()
    login(teacher)
    page = client.get("/my/self-assessment").get_data(as_text=True)
    assert "chosen directly on the earlier form" in page and "you: Newcomer (A1)" in page
    client.post("/my/self-assessment", data={f"a-{statements_of(app, '1.1')[0]}": "2"})  # another competence
    with app.app_context():
        assert {r.competence.code: r.level for r in services.self_assessed(key(teacher)).values()} == {"2.2": "A1"}
    client.post("/my/self-assessment", data={f"a-{code}": "4" for code in statements_of(app, "2.2")})
    with app.app_context():
        assert {r.competence.code: r.level for r in services.self_assessed(key(teacher)).values()} == {"2.2": "C2"}
    assert "chosen directly on the earlier form" not in client.get("/my/self-assessment").get_data(as_text=True)


def _broken_copy(tmp_path, change):
    folder = tmp_path / "frameworks"
    shutil.copytree(services.FRAMEWORKS_DIR, folder)
    path = folder / services.QUESTIONNAIRE_FILE
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


@pytest.mark.parametrize("change, message", [
    (lambda text: text.replace('"6.5":', '"6.9":'), "competences.6.9: unknown competence digcompedu:6.9"),
    (lambda text: text.replace('"6.5":', '"6.9":'), "competences: digcompedu:6.5 has no statements"),
    (lambda text: text.replace("{level: B2, from: 2.25}", "{level: B7, from: 2.25}"), "levels[3].level: must be a level of digcompedu"),
    (lambda text: text.replace("code: 1.1b", "code: 1.1a"), "competences.1.1[1].code: '1.1a' is used twice"),
    (lambda text: re.sub(r"    - code: 1.1b\n.*\n.*\n", "", text), "competences.1.1: needs 2 or 3 statements"),
    (lambda text: "scale: [\n", "cannot be read"),
])
def test_a_broken_questionnaire_is_refused_naming_the_problem(ctx, tmp_path, change, message):
    """The import names what is wrong in the questionnaire and stores nothing."""
    folder = _broken_copy(tmp_path, change)
    with pytest.raises(services.FrameworkError) as raised:
        services.import_frameworks(folder)
    assert any(message in problem for problem in raised.value.problems), raised.value.problems
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 0
