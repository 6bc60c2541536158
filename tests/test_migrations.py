"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from lms.extensions import db
from tests.conftest import drop_everything


def test_models_and_migrations_agree(make_app):
    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "run `flask db migrate` and tidy the new revision"


def test_migrations_downgrade_to_nothing_and_up_again(make_app):
    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert {"user_account", "user_role"} <= set(sa.inspect(db.engine).get_table_names())


def test_flask_lms_init_is_idempotent(make_app):
    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["lms", "init"])
        assert result.exit_code == 0, result.output
        assert "Database is up to date." in result.output


def test_the_active_days_are_filled_from_the_statements_already_stored(make_app):
    """After upgrading, the weekly figures count what learners did before the upgrade (in Riga
    days: 22:30 UTC on a Sunday in winter is already Monday), and voided or external statements not."""
    from datetime import date

    from lms.admin.models import ActiveDay

    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0006_self_assessment")
        learner = f"account:{app.config['LMS_BASE_URL'].rstrip('/')}|{uuid.uuid4()}"
        rows = [(learner, datetime(2026, 1, 4, 22, 30), False), (learner, datetime(2026, 1, 5, 8, 0), False),
                (learner, datetime(2026, 1, 3, 12, 0), True), ("mbox:mailto:visitor@example.org", datetime(2026, 1, 5), False)]
        with db.engine.begin() as connection:
            connection.execute(db.metadata.tables["xapi_statement"].insert(), [
                {"statement_id": uuid.uuid4(), "actor_key": actor, "verb_id": "http://adlnet.gov/expapi/verbs/experienced",
                 "activity_id": "https://example.org/a", "timestamp": moment, "stored": moment, "voided": voided,
                 "data": {}} for actor, moment, voided in rows])
        upgrade()
        days = {(row.actor_key, row.day, row.week, row.statements) for row in db.session.scalars(sa.select(ActiveDay))}
        assert days == {(learner, date(2026, 1, 5), date(2026, 1, 5), 2)}


def test_index_rows_that_repeat_a_statements_own_columns_go_and_come_back(make_app):
    """0010 drops the agent and activity index rows of a statement's own actor and object
    activity (its indexed columns hold them); the related rows stay, and the filters find
    the statement as before. Downgrading writes the dropped rows again."""
    from lms.xapi import services
    from lms.xapi.models import Statement

    app = make_app(schema=False)
    agent_rows = lambda: set(db.session.execute(sa.text("SELECT seq, agent_key, direct FROM xapi_statement_agent")))  # noqa: E731
    activity_rows = lambda: set(db.session.execute(sa.text("SELECT seq, activity_id, direct FROM xapi_statement_activity")))  # noqa: E731
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0009_figures_self_assessment")
        tables = db.metadata.tables
        with db.engine.begin() as connection:
            connection.execute(tables["xapi_statement"].insert(), [{
                "seq": 1, "statement_id": uuid.uuid4(), "actor_key": "mbox:mailto:ann@example.org",
                "verb_id": "http://adlnet.gov/expapi/verbs/experienced", "activity_id": "https://example.org/a",
                "timestamp": datetime(2026, 1, 5), "stored": datetime(2026, 1, 5), "voided": False, "data": {}}])
            connection.execute(tables["xapi_statement_agent"].insert(), [
                {"seq": 1, "agent_key": "mbox:mailto:ann@example.org", "direct": True},
                {"seq": 1, "agent_key": "account:https://lab.example|app", "direct": False}])
            connection.execute(tables["xapi_statement_activity"].insert(), [
                {"seq": 1, "activity_id": "https://example.org/a", "direct": True},
                {"seq": 1, "activity_id": "https://example.org/course", "direct": False}])
        before = agent_rows(), activity_rows()
        db.session.rollback()  # on PostgreSQL, an open read would hold off the migration's ALTER TABLE
        upgrade()
        assert agent_rows() == {(1, "account:https://lab.example|app", False)}
        assert activity_rows() == {(1, "https://example.org/course", False)}
        with app.test_request_context():
            found = lambda condition: db.session.scalars(sa.select(Statement.seq).where(condition)).all()  # noqa: E731
            assert found(services.naming_agent("mbox:mailto:ann@example.org")) == [1]
            assert found(services.naming_agent("account:https://lab.example|app")) == []
            assert found(services.naming_agent("account:https://lab.example|app", related=True)) == [1]
            assert found(services.naming_activity("https://example.org/a")) == [1]
            assert found(services.naming_activity("https://example.org/course", related=True)) == [1]
        db.session.rollback()
        downgrade(revision="0009_figures_self_assessment")
        assert (agent_rows(), activity_rows()) == before
        db.session.rollback()


def test_the_actors_table_is_filled_from_the_statements_already_stored(make_app):
    from lms.xapi.models import Actor

    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0010_lrs_ingest")
        with db.engine.begin() as connection:
            connection.execute(db.metadata.tables["xapi_statement"].insert(), [{
                "seq": seq, "statement_id": uuid.uuid4(), "actor_key": actor,
                "verb_id": "http://adlnet.gov/expapi/verbs/experienced", "activity_id": "https://example.org/a",
                "timestamp": datetime(2026, 1, 5), "stored": datetime(2026, 1, 5), "voided": False, "data": {}}
                for seq, actor in ((1, "mbox:mailto:ann@example.org"), (2, "openid:https://id.example/bob"),
                                   (3, "mbox:mailto:ann@example.org"))])
        upgrade()
        assert {(a.actor_key, a.first_seq) for a in db.session.scalars(sa.select(Actor))} == {
            ("mbox:mailto:ann@example.org", 1), ("openid:https://id.example/bob", 2)}
        db.session.rollback()


def test_links_made_before_the_upgrade_keep_the_provider_they_were_linked_from(make_app):
    """0015 records, for each actor already linked to a learner, the credential that sent
    its latest statement: only that provider keeps speaking for the actor."""
    from lms.xapi.models import ActorLink

    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0011_xapi_actors")
        tables = db.metadata.tables
        home = app.config["LMS_BASE_URL"].rstrip("/")
        authority = lambda key: {"objectType": "Agent", "account": {"homePage": home, "name": f"credential/{key}"}}  # noqa: E731
        with db.engine.begin() as connection:
            connection.execute(tables["xapi_credential"].insert(), [
                {"id": n, "name": f"App {n}", "key": f"key{n}", "secret_hash": "sha256:x", "scopes": ["all"],
                 "created_at": datetime(2026, 1, 1)} for n in (1, 2)])
            connection.execute(tables["xapi_statement"].insert(), [{
                "seq": seq, "statement_id": uuid.uuid4(), "actor_key": actor,
                "verb_id": "http://adlnet.gov/expapi/verbs/experienced", "activity_id": "https://example.org/a",
                "timestamp": datetime(2026, 1, 5), "stored": datetime(2026, 1, 5), "voided": False,
                "data": {"authority": made_by}}
                for seq, actor, made_by in ((1, "mbox:mailto:ann@example.org", authority("key1")),
                                            (2, "mbox:mailto:ann@example.org", authority("key2")),
                                            (3, "openid:https://id.example/bob", {"account": {"homePage": home,
                                                                                              "name": "lms"}}))])
            connection.execute(sa.text("INSERT INTO xapi_actor_link (actor_key, learner_key, linked_at)"
                                       " VALUES (:actor, :learner, :moment)"), [
                {"actor": actor, "learner": f"account:{home}|{uuid.uuid4()}", "moment": datetime(2026, 1, 6)}
                for actor in ("mbox:mailto:ann@example.org", "openid:https://id.example/bob")])
        upgrade()
        assert {(link.actor_key, link.credential_id) for link in db.session.scalars(sa.select(ActorLink))} == {
            ("mbox:mailto:ann@example.org", 2), ("openid:https://id.example/bob", None)}
        db.session.rollback()
        downgrade(revision="0011_xapi_actors")
        assert "credential_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("xapi_actor_link")}
