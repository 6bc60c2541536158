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


OLD, NEW, EVIL = "http://127.0.0.1:5000", "https://learn.example.lv", "https://evil.example"


def _statement(seq, actor_base, name, verb, activity, authority, **extra):
    data = {"id": str(uuid.uuid4()), "actor": {"objectType": "Agent", "account": {"homePage": actor_base, "name": name}},
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"}, "object": {"id": activity},
            "authority": {"objectType": "Agent", "account": {"homePage": authority[0], "name": authority[1]}},
            "timestamp": "2026-01-05T10:00:00.000Z", "stored": "2026-01-05T10:00:00.000Z", **extra}
    return {"seq": seq, "statement_id": uuid.UUID(data["id"]), "actor_key": f"account:{actor_base}|{name}",
            "verb_id": data["verb"]["id"], "activity_id": activity, "timestamp": datetime(2026, 1, 5, 10),
            "stored": datetime(2026, 1, 5, 10), "voided": False, "data": data}


def test_records_written_under_two_addresses_move_to_the_one_most_used(make_app):
    """A site that moved from 127.0.0.1:5000 to its domain before upgrading: the identity is
    the address most of the platform's statements were written under, and every record
    written under the other one (statements, index rows, actors, evidence, levels,
    self-assessments, active days, documents, definitions, mappings, links) moves to it,
    merged where the learner already had one. An address only named by an outsider's
    statement is not the platform's and stays as it was."""
    from datetime import date

    from lms.core import identity
    from lms.xapi import services

    ann = str(uuid.uuid4())
    app = make_app(schema=False, LMS_BASE_URL=NEW)
    old_lesson, new_lesson = f"{OLD}/xapi/activities/lesson/c/l1", f"{NEW}/xapi/activities/lesson/c/l1"
    old_course, new_course = f"{OLD}/xapi/activities/course/c", f"{NEW}/xapi/activities/course/c"
    answer = f'see "{NEW}/xapi/activities/x" and {NEW}'
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0011_xapi_actors")
        t = db.metadata.tables
        rows = {
            "xapi_statement": [
                _statement(1, OLD, ann, "completed", old_lesson, (OLD, "lms"),
                           context={"contextActivities": {"grouping": [{"id": old_course}]},
                                    "extensions": {f"{OLD}/xapi/extensions/competences": [
                                        {"id": f"{OLD}/xapi/competences/digcomp/2.1", "level": "1"}]}}),
                _statement(2, OLD, ann, "passed", f"{OLD}/xapi/activities/quiz/c/q1", (OLD, "lms")),
                _statement(3, OLD, ann, "experienced", old_lesson, (OLD, "credential/k1")),
                _statement(4, NEW, ann, "completed", new_lesson, (NEW, "lms"),
                           result={"response": answer},
                           context={"contextActivities": {"grouping": [{"id": new_course}], "other": [{"id": old_course}]},
                                    "extensions": {f"{NEW}/xapi/extensions/competences": [
                                        {"id": f"{NEW}/xapi/competences/digcomp/2.1", "level": "2"}]}}),
                # An outsider names its own homePage, the victim's id and an "lms" agent.
                _statement(5, EVIL, ann, "passed", f"{EVIL}/xapi/activities/x", (NEW, "credential/k1"),
                           context={"instructor": {"objectType": "Agent", "account": {"homePage": EVIL, "name": "lms"}}}),
            ],
            "xapi_statement_agent": [
                {"seq": 1, "agent_key": f"account:{OLD}|lms", "direct": False},
                {"seq": 2, "agent_key": f"account:{OLD}|lms", "direct": False},
                {"seq": 3, "agent_key": f"account:{OLD}|credential/k1", "direct": False},
                {"seq": 4, "agent_key": f"account:{NEW}|lms", "direct": False},
                {"seq": 5, "agent_key": f"account:{NEW}|credential/k1", "direct": False},
                {"seq": 5, "agent_key": f"account:{EVIL}|lms", "direct": False}],
            "xapi_statement_activity": [
                {"seq": 1, "activity_id": old_course, "direct": False},
                {"seq": 4, "activity_id": new_course, "direct": False},
                {"seq": 4, "activity_id": old_course, "direct": False}],
            "xapi_actor": [{"actor_key": f"account:{OLD}|{ann}", "first_seq": 1},
                           {"actor_key": f"account:{NEW}|{ann}", "first_seq": 4},
                           {"actor_key": f"account:{EVIL}|{ann}", "first_seq": 5}],
            "xapi_actor_link": [
                # What an admin did to get the orphaned records back, and an e-mail actor.
                {"actor_key": f"account:{OLD}|{ann}", "learner_key": f"account:{NEW}|{ann}",
                 "linked_at": datetime(2026, 1, 6)},
                {"actor_key": "mbox:mailto:ann@example.org", "learner_key": f"account:{NEW}|{ann}",
                 "linked_at": datetime(2026, 1, 6)}],
            "competence_framework": [{"id": 1, "slug": "digcomp", "title": "DigComp", "levels": [
                {"code": "1"}, {"code": "2"}]}],
            "competence": [{"id": c, "framework_id": 1, "code": code, "area_code": "a", "area_title": "A",
                            "title": code, "position": c} for c, code in ((1, "2.1"), (2, "4.2"))],
            "activity_competence": [
                {"id": 1, "activity_id": old_lesson, "competence_id": 1, "level": "1", "source": "course:c"},
                {"id": 2, "activity_id": new_lesson, "competence_id": 1, "level": "1", "source": "course:c"},
                {"id": 3, "activity_id": f"{NEW}/xapi/activities/quiz/c/q1", "competence_id": 2, "level": "2",
                 "source": "course:c"}],
            "competence_evidence": [
                {"id": 1, "actor_key": f"account:{OLD}|{ann}", "competence_id": 1, "level": "1", "rank": 1,
                 "statement_seq": 1, "activity_id": old_lesson, "at": datetime(2026, 1, 5)},
                {"id": 2, "actor_key": f"account:{OLD}|{ann}", "competence_id": 2, "level": "2", "rank": 2,
                 "statement_seq": 2, "activity_id": f"{OLD}/xapi/activities/quiz/c/q1", "at": datetime(2026, 1, 5)},
                {"id": 3, "actor_key": f"account:{NEW}|{ann}", "competence_id": 1, "level": "2", "rank": 2,
                 "statement_seq": 4, "activity_id": new_lesson, "at": datetime(2026, 2, 1)},
                # Given by the admin's link: the same statements again, for the new account.
                {"id": 4, "actor_key": f"account:{NEW}|{ann}", "competence_id": 1, "level": "1", "rank": 1,
                 "statement_seq": 1, "activity_id": old_lesson, "at": datetime(2026, 1, 5)},
                {"id": 5, "actor_key": f"account:{NEW}|{ann}", "competence_id": 2, "level": "2", "rank": 2,
                 "statement_seq": 2, "activity_id": f"{OLD}/xapi/activities/quiz/c/q1", "at": datetime(2026, 1, 5)}],
            "learner_competence": [
                {"actor_key": f"account:{OLD}|{ann}", "competence_id": 1, "level": "1", "rank": 1, "evidence_count": 1,
                 "updated_at": datetime(2026, 1, 5)},
                {"actor_key": f"account:{OLD}|{ann}", "competence_id": 2, "level": "2", "rank": 2, "evidence_count": 1,
                 "updated_at": datetime(2026, 1, 5)},
                {"actor_key": f"account:{NEW}|{ann}", "competence_id": 1, "level": "2", "rank": 2, "evidence_count": 2,
                 "updated_at": datetime(2026, 2, 1)},
                {"actor_key": f"account:{NEW}|{ann}", "competence_id": 2, "level": "2", "rank": 2, "evidence_count": 1,
                 "updated_at": datetime(2026, 1, 6)}],
            "self_assessment": [
                {"actor_key": f"account:{OLD}|{ann}", "competence_id": 1, "level": "1", "rank": 1,
                 "assessed_at": datetime(2026, 1, 1)},
                {"actor_key": f"account:{NEW}|{ann}", "competence_id": 1, "level": "2", "rank": 2,
                 "assessed_at": datetime(2026, 2, 1)}],
            "self_assessment_answer": [
                {"actor_key": f"account:{OLD}|{ann}", "statement_code": "s1", "competence_id": 1, "value": 4,
                 "answered_at": datetime(2026, 3, 1)},
                {"actor_key": f"account:{NEW}|{ann}", "statement_code": "s1", "competence_id": 1, "value": 2,
                 "answered_at": datetime(2026, 2, 1)}],
            "learner_active_day": [
                {"actor_key": f"account:{OLD}|{ann}", "day": date(2026, 1, 5), "week": date(2026, 1, 5), "statements": 3},
                {"actor_key": f"account:{NEW}|{ann}", "day": date(2026, 1, 5), "week": date(2026, 1, 5), "statements": 1},
                {"actor_key": f"account:{NEW}|{ann}", "day": date(2026, 2, 1), "week": date(2026, 1, 26), "statements": 1}],
            "xapi_document": [
                {"kind": "state", "activity_id": old_lesson, "agent_key": f"account:{OLD}|{ann}", "registration": "",
                 "document_id": "bookmark", "content_type": "text/plain", "content": b"old", "etag": "1",
                 "updated": datetime(2026, 1, 5)},
                {"kind": "state", "activity_id": new_lesson, "agent_key": f"account:{NEW}|{ann}", "registration": "",
                 "document_id": "bookmark", "content_type": "text/plain", "content": b"newer", "etag": "2",
                 "updated": datetime(2026, 2, 1)},
                {"kind": "agent_profile", "activity_id": "", "agent_key": f"account:{NEW}|{ann}", "registration": "",
                 "document_id": "prefs", "content_type": "application/json", "content": b"{}", "etag": "3",
                 "updated": datetime(2026, 2, 1)}],
            "xapi_activity": [{"activity_id": old_lesson, "definition": {"name": {"en": "as first known"}}},
                              {"activity_id": new_lesson, "definition": {"name": {"en": "as known later"}}}],
        }
        with db.engine.begin() as connection:
            for name, values in rows.items():
                connection.execute(t[name].insert(), values)
        db.session.rollback()
        upgrade()

        query = lambda sql: {tuple(row) for row in db.session.execute(sa.text(sql))}  # noqa: E731
        old_ann, new_ann = f"account:{OLD}|{ann}", f"account:{NEW}|{ann}"
        assert query("SELECT iri FROM platform_identity") == {(OLD,)}
        assert query("SELECT seq, actor_key, activity_id FROM xapi_statement") == {
            (1, old_ann, old_lesson), (2, old_ann, f"{OLD}/xapi/activities/quiz/c/q1"), (3, old_ann, old_lesson),
            (4, old_ann, old_lesson), (5, f"account:{EVIL}|{ann}", f"{EVIL}/xapi/activities/x")}
        moved = db.session.scalar(sa.select(t["xapi_statement"].c.data).where(t["xapi_statement"].c.seq == 4))
        assert moved["actor"]["account"]["homePage"] == moved["authority"]["account"]["homePage"] == OLD
        assert moved["context"]["contextActivities"] == {"grouping": [{"id": old_course}], "other": [{"id": old_course}]}
        assert moved["context"]["extensions"] == {f"{OLD}/xapi/extensions/competences": [
            {"id": f"{OLD}/xapi/competences/digcomp/2.1", "level": "2"}]}
        assert moved["result"]["response"] == answer  # a learner's words are theirs
        outsider = db.session.scalar(sa.select(t["xapi_statement"].c.data).where(t["xapi_statement"].c.seq == 5))
        assert outsider["actor"]["account"]["homePage"] == EVIL
        assert outsider["context"]["instructor"]["account"]["homePage"] == EVIL
        assert outsider["authority"]["account"]["homePage"] == OLD
        assert query("SELECT seq, agent_key FROM xapi_statement_agent") == {
            (1, f"account:{OLD}|lms"), (2, f"account:{OLD}|lms"), (3, f"account:{OLD}|credential/k1"),
            (4, f"account:{OLD}|lms"), (5, f"account:{OLD}|credential/k1"), (5, f"account:{EVIL}|lms")}
        assert query("SELECT seq, activity_id FROM xapi_statement_activity") == {(1, old_course), (4, old_course)}
        assert query("SELECT actor_key, first_seq FROM xapi_actor") == {(old_ann, 1), (f"account:{EVIL}|{ann}", 5)}
        # The admin's link is undone (the account is the platform's again), and the evidence
        # it gave withdrawn: Ann's levels rest on each statement once.
        assert query("SELECT actor_key, learner_key FROM xapi_actor_link") == {("mbox:mailto:ann@example.org", old_ann)}
        assert query("SELECT id, actor_key, activity_id, withdrawn FROM competence_evidence") == {
            (1, old_ann, old_lesson, False), (2, old_ann, f"{OLD}/xapi/activities/quiz/c/q1", False),
            (3, old_ann, old_lesson, False), (4, old_ann, old_lesson, True),
            (5, old_ann, f"{OLD}/xapi/activities/quiz/c/q1", True)}
        assert query("SELECT actor_key, competence_id, level, rank, evidence_count FROM learner_competence") == {
            (old_ann, 1, "2", 2, 2), (old_ann, 2, "2", 2, 1)}
        assert query("SELECT actor_key, competence_id, level FROM self_assessment") == {(old_ann, 1, "2")}
        assert query("SELECT actor_key, statement_code, value FROM self_assessment_answer") == {(old_ann, "s1", 4)}
        days = t["learner_active_day"]
        assert set(db.session.execute(sa.select(days.c.actor_key, days.c.day, days.c.statements))) == {
            (old_ann, date(2026, 1, 5), 4), (old_ann, date(2026, 2, 1), 1)}
        assert {(kind, activity, agent, bytes(content)) for kind, activity, agent, content in
                query("SELECT kind, activity_id, agent_key, content FROM xapi_document")} == {
            ("state", old_lesson, old_ann, b"newer"), ("agent_profile", "", old_ann, b"{}")}
        assert query("SELECT activity_id FROM xapi_activity") == {(old_lesson,)}
        assert query("SELECT activity_id, competence_id FROM activity_competence") == {
            (old_lesson, 1), (f"{OLD}/xapi/activities/quiz/c/q1", 2)}
        db.session.rollback()

        # The app served at the new address reads it all as Ann's.
        with app.test_request_context():
            identity.forget()
            assert identity.platform_identity() == OLD
            assert [row.seq for row in services.statements_for_actor(services.account_key(ann))] == [4, 3, 2, 1]
            found = db.session.scalars(sa.select(t["xapi_statement"].c.seq).where(
                services.naming_activity(old_course, related=True))).all()
            assert sorted(found) == [1, 4]
        db.session.rollback()


def test_a_store_without_statements_takes_the_address_of_this_moment(make_app):
    """Upgrading a database in which nothing was recorded yet fixes LMS_BASE_URL as it is."""
    app = make_app(schema=False, LMS_BASE_URL=NEW + "/")
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
        assert db.session.execute(sa.text("SELECT iri FROM platform_identity")).all() == [(NEW,)]
        db.session.rollback()
        downgrade(revision="0011_xapi_actors")
        assert "platform_identity" not in sa.inspect(db.engine).get_table_names()
