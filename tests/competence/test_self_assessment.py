"""Teachers' DigCompEdu self-assessment: kept apart from evidence, and it proposes a plan."""

import pytest

from lms.competence import services
from lms.content import services as content
from lms.extensions import db


@pytest.fixture
def shipped(app):
    """The shipped frameworks and courses (the digital-pedagogy course maps DigCompEdu)."""
    with app.app_context():
        content.import_courses(content.COURSES_DIR)
        db.session.commit()


def test_a_teacher_assesses_themselves_and_gets_a_plan(app, client, teacher, login, shipped):
    login(teacher)
    page = client.get("/my/self-assessment").get_data(as_text=True)
    assert "2.1 Selecting digital resources" in page and "Newcomer" in page
    with app.app_context():
        framework = services.self_assessment_framework()
        ids = {c.code: c.id for c in framework.competences}
    response = client.post("/my/self-assessment", data={f"c-{ids['2.1']}": "A2", f"c-{ids['4.1']}": "B2"})
    assert response.status_code == 302
    page = client.get("/my/self-assessment").get_data(as_text=True)
    assert "Your learning plan" in page and "you: A2" in page
    assert 'href="/courses/digital-pedagogy/learn/' in page  # a lesson that develops 2.1
    assert "you: B2" not in page  # 4.1 is already at B1 or above
    competences = client.get("/my/competences").get_data(as_text=True)
    assert "No evidence yet." in competences  # self-assessed levels are not evidence


def test_a_level_the_framework_does_not_have_is_refused(app, client, teacher, login, shipped):
    login(teacher)
    with app.app_context():
        competence_id = services.self_assessment_framework().competences[0].id
    response = client.post("/my/self-assessment", data={f"c-{competence_id}": "Z9"})
    assert response.status_code == 400 and "is not a level of digcompedu" in response.get_data(as_text=True)
    with app.app_context():
        assert services.self_assessed(services_key(teacher)) == {}


def services_key(user):
    from lms.xapi import services as xapi

    return xapi.account_key(user.public_id)
