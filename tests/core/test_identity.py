"""The platform identity: records are built from an IRI fixed in the database when it is
created, never from the address the site is served at (LMS_BASE_URL)."""

import sqlalchemy as sa

from lms.competence.models import ActivityCompetence
from lms.core import identity
from lms.extensions import db
from lms.learning.models import Certificate
from lms.xapi import services as xapi
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from tests.conftest import ALL_CORRECT, FIXTURE_COURSES, TEST_PASSWORD

NEW_ADDRESS = "https://learn.example.lv"
XAPI = {"X-Experience-API-Version": "1.0.3"}


def signed_in(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/login", data={"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def finish_first_steps(client):
    for slug in ("welcome", "safe-passwords"):
        assert client.post(f"/courses/first-steps/learn/{slug}/done").status_code == 302
    client.post("/courses/first-steps/learn/basics-check/attempts")
    assert client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT).status_code == 302


def levels(client) -> dict[str, str]:
    return {f"{framework['framework']}:{entry['code']}": entry["level"]
            for framework in client.get("/my/competences.json").json for entry in framework["competences"]}


def test_a_new_address_keeps_every_learners_records_evidence_and_certificate(app, make_app, client, enrolled,
                                                                             teacher, admin):
    """The site moves from 127.0.0.1:5000 to its real domain: a learner finds their record,
    statements, levels, progress and certificate as they were, and what learners do next
    counts as evidence through the mappings made before the move."""
    first_address = app.config["LMS_BASE_URL"]
    finish_first_steps(client)
    record = client.get("/my/record.json").json
    statements = client.get("/xapi/statements", headers=XAPI).json["statements"]
    competences = client.get("/my/competences.json").json
    assert len(record) == len(statements) > 10 and levels(client) == {"digcomp:2.1": "1", "digcomp:4.2": "2"}
    with app.app_context():
        code = db.session.scalar(sa.select(Certificate.code))

    moved = make_app(schema=False, LMS_BASE_URL=NEW_ADDRESS)
    with moved.app_context():
        assert identity.platform_identity() == first_address
    learner = signed_in(moved, enrolled)
    assert learner.get("/my/record.json").json == record
    page = learner.get("/my/record").get_data(as_text=True)
    assert page.count("<li>") >= len(record) and "First steps online" in page
    assert learner.get("/xapi/statements", headers=XAPI).json["statements"] == statements
    assert learner.get("/my/competences.json").json == competences
    assert 'value="100"' in learner.get("/my").get_data(as_text=True)
    public = moved.test_client()
    verified = public.get(f"/certificates/{code}", headers={"Accept-Language": "en"})
    assert verified.status_code == 200 and "This certificate is genuine." in verified.get_data(as_text=True)
    # A link meant for people is at the address the site is served at now.
    assert f"{NEW_ADDRESS}/certificates/{code}" in learner.get("/courses/first-steps/certificate").get_data(as_text=True)

    # After the move: a lesson done counts through the mapping the course import made
    # before it, and the statement names the learner as every earlier one does.
    newcomer = signed_in(moved, teacher)
    newcomer.post("/courses/first-steps/enrol")
    assert newcomer.post("/courses/first-steps/learn/welcome/done").status_code == 302
    assert levels(newcomer) == {"digcomp:2.1": "1"}
    with moved.app_context():
        rows = db.session.scalars(sa.select(Statement)).all()
        assert {row.data["actor"]["account"]["homePage"] for row in rows} == {first_address}
        assert {row.data["authority"]["account"]["homePage"] for row in rows} == {first_address}
        # Importing the courses again under the new address keeps every activity id.
        from lms.content import services as content

        content.import_courses(FIXTURE_COURSES)
        db.session.commit()
        mapped = db.session.scalars(sa.select(ActivityCompetence.activity_id)).all()
        assert mapped and all(a.startswith(f"{first_address}/xapi/activities/") for a in mapped)
    # The platform's own activities are not taken for an external app's unmapped ones.
    mappings = signed_in(moved, admin).get("/admin/competences/mappings").get_data(as_text=True)
    assert "Every external activity seen so far is mapped." in mappings


def test_the_identity_is_read_from_the_database_once_per_app(app):
    """Building statements asks the database for the identity once, then remembers it."""
    queries = []

    def seen(connection, cursor, statement, *args):
        queries.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            for _ in range(3):
                vocabulary.activity_id("lesson", "a", "b")
                xapi.account_key("someone")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert len([q for q in queries if "platform_identity" in q]) == 1


def test_flask_lms_init_fixes_the_identity_once_and_flask_lms_identity_shows_it(make_app):
    """A new database takes LMS_BASE_URL as its identity; a later address changes it not."""
    from tests.conftest import drop_everything

    first = make_app(schema=False, LMS_BASE_URL="http://127.0.0.1:5000/")
    with first.app_context():
        drop_everything(db.engine)
    too_early = first.test_cli_runner().invoke(args=["lms", "identity"])
    assert too_early.exit_code == 1 and "run `flask lms init`" in too_early.output
    created = first.test_cli_runner().invoke(args=["lms", "init"])
    assert created.exit_code == 0, created.output
    assert "Platform identity: http://127.0.0.1:5000\n" in created.output

    later = make_app(schema=False, LMS_BASE_URL=NEW_ADDRESS)
    upgraded = later.test_cli_runner().invoke(args=["lms", "init"])
    assert upgraded.exit_code == 0 and "Platform identity: http://127.0.0.1:5000\n" in upgraded.output
    shown = later.test_cli_runner().invoke(args=["lms", "identity"])
    assert shown.exit_code == 0, shown.output
    assert "Platform identity: http://127.0.0.1:5000 (fixed " in shown.output
    assert f"Site address (LMS_BASE_URL): {NEW_ADDRESS}" in shown.output
    with later.app_context():
        assert vocabulary.actor("x")["account"]["homePage"] == "http://127.0.0.1:5000"
        assert vocabulary.base_url() == "http://127.0.0.1:5000"  # the former name, kept for its callers
