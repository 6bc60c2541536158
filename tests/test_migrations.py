"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import json
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


def test_quiz_settings_default_and_the_answer_key_leaves_the_question_definitions(make_app):
    """0017: quizzes already imported get the default answer rule, and the correct
    responses and choices that earlier statements left in the question activities'
    shared definitions are removed; other activities keep theirs."""
    app = make_app(schema=False)
    question = "http://127.0.0.1:5000/xapi/activities/question/first-steps/basics-check/bits"
    external = "https://lab.example/activities/q1"
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0011_xapi_actors")
        with db.engine.begin() as connection:
            connection.execute(db.metadata.tables["xapi_activity"].insert(), [
                {"activity_id": question, "definition": {
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "choice",
                    "choices": [{"id": "o1", "description": {"en": "Eight"}}], "correctResponsesPattern": ["o1"]}},
                {"activity_id": external, "definition": {"interactionType": "numeric", "correctResponsesPattern": ["8"]}}])
            connection.execute(sa.text(
                "INSERT INTO course (id, slug, title, summary, language, audiences, track, level, estimated_hours,"
                " status, competences, lesson_completion, archived, imported_at) VALUES (1, 'c', 'C', 'S', 'en', '[]',"
                " 't', 'beginner', 1, 'published', '[]', 'mark_done', false, '2026-01-01')"))
            connection.execute(sa.text(
                "INSERT INTO course_module (id, course_id, slug, title, position, optional, archived)"
                " VALUES (1, 1, 'm', 'M', 0, false, false)"))
            connection.execute(sa.text(
                "INSERT INTO course_item (course_id, module_id, slug, kind, title, position, optional, archived,"
                " competences) VALUES (1, 1, 'q', 'quiz', 'Q', 0, false, false, '[]'),"
                " (1, 1, 'l', 'lesson', 'L', 1, false, false, '[]')"))
        upgrade()
        definitions = dict(db.session.execute(sa.text("SELECT activity_id, definition FROM xapi_activity")).all())
        definitions = {key: value if isinstance(value, dict) else json.loads(value) for key, value in definitions.items()}
        assert definitions[question] == {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                         "interactionType": "choice"}
        assert definitions[external]["correctResponsesPattern"] == ["8"]
        items = set(db.session.execute(sa.text("SELECT slug, show_answers, shuffle_options, draw FROM course_item")))
        assert items == {("q", "after_passed_or_last_attempt", False, None), ("l", None, False, None)}
        db.session.rollback()
        downgrade(revision="0011_xapi_actors")
        assert "paper" not in {c["name"] for c in sa.inspect(db.engine).get_columns("quiz_attempt")}


def _insert(connection, table: str, **values):
    """A row written through the table as it is at the current revision (reflected), so a
    migration test keeps working when later migrations change the models."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    return connection.execute(reflected.insert().values(**values)).inserted_primary_key[0]


def test_hidden_test_details_are_removed_from_submissions_already_stored(make_app):
    """0018: a learner's earlier submission no longer keeps (or shows) what a hidden test said
    or printed, which gave away its inputs; visible tests keep every detail. Downgrading puts
    back the keys older code reads, empty."""
    visible = {"name": "adds three numbers", "hidden": False, "passed": False,
               "message": "expected 3 to be 6", "logs": ["called with [ 1, 2, 3 ]"]}
    leaky = {"name": "adds a long list", "hidden": True, "passed": False,
             "message": "expected 30 to be 100", "logs": ["called with [ 10, 20, 30, 40 ]"]}
    app = make_app(schema=False)
    now = datetime(2026, 1, 1)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0017_quiz_settings")
        with db.engine.begin() as connection:
            course = _insert(connection, "course", slug="c", title="C", summary="S", language="en", audiences=[],
                             track="t", level="beginner", estimated_hours=1, status="published", competences=[],
                             lesson_completion="mark_done", archived=False, imported_at=now)
            module = _insert(connection, "course_module", course_id=course, slug="m", title="M", position=0,
                             optional=False, archived=False)
            item = _insert(connection, "course_item", course_id=course, module_id=module, slug="e",
                           kind="exercise", title="E", position=0, optional=False, archived=False,
                           competences=[], shuffle_options=False)
            user = _insert(connection, "user_account", public_id=uuid.uuid4().hex, username="ann", display_name="Ann",
                           audience="adult", password_hash="x", active=True, created_at=now)
            enrollment = _insert(connection, "enrollment", user_id=user, course_id=course,
                                 registration=uuid.uuid4().hex, active=True, enrolled_at=now, last_activity_at=now,
                                 progress=0)
            _insert(connection, "exercise_submission", enrollment_id=enrollment, item_id=item, number=1,
                    submitted_at=now, code="export const sum = () => 0;", status="ok", results=[visible, leaky],
                    logs=[], error="", passed_count=0, total=2, score=0.0, passed=False, duration_ms=1.0)

        def stored():
            value = db.session.scalar(sa.text("SELECT results FROM exercise_submission"))
            db.session.rollback()
            return value if isinstance(value, list) else json.loads(value)

        upgrade()
        assert stored() == [visible, {"name": "adds a long list", "hidden": True, "passed": False}]
        downgrade(revision="0017_quiz_settings")
        assert stored() == [visible, {"name": "adds a long list", "hidden": True, "passed": False,
                                      "message": "", "logs": []}]
        db.session.rollback()


def test_evidence_gets_its_kind_from_its_statement_and_levels_rest_on_what_counts(make_app):
    """0016: a lesson done is participation, a passed quiz assessed, an external app's statement
    external with the app's name; a level that rested on taking part above the lowest level
    goes back to what counts (or away), and a downgrade brings the old levels back."""
    app = make_app(schema=False)
    base = app.config["LMS_BASE_URL"].rstrip("/")
    platform = {"objectType": "Agent", "account": {"homePage": base, "name": "lms"}}
    vr_lab = {"objectType": "Agent", "name": "VR lab", "account": {"homePage": base, "name": "credential/abc"}}
    activity = f"{base}/xapi/activities/%s/first-steps/%s"
    verb = "http://adlnet.gov/expapi/verbs/%s"
    tables = db.metadata.tables
    levels_now = lambda: {(r.actor_key, r.competence_id): (r.level, r.evidence_count) for r in db.session.execute(  # noqa: E731
        sa.text("SELECT actor_key, competence_id, level, evidence_count FROM learner_competence"))}
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0013_sessions")
        with db.engine.begin() as connection:
            connection.execute(tables["competence_framework"].insert(), [{
                "id": 1, "slug": "digcomp", "title": "DigComp",
                "levels": [{"code": str(n), "title": str(n)} for n in range(1, 9)]}])
            connection.execute(tables["competence"].insert(), [
                {"id": c, "framework_id": 1, "code": code, "area_code": code[0], "area_title": "A", "title": code,
                 "position": c} for c, code in ((1, "4.2"), (2, "2.1"))])
            statements = [  # seq, actor, verb, activity, type, authority
                (1, "ann", "completed", activity % ("lesson", "safe-passwords"), "lesson", platform),
                (2, "ann", "completed", activity % ("lesson", "welcome"), "lesson", platform),
                (3, "ann", "passed", "https://vr-lab.example/escape-room", None, vr_lab),
                (4, "bob", "completed", activity % ("lesson", "safe-passwords"), "lesson", platform),
                (5, "cay", "passed", activity % ("quiz", "basics-check"), "assessment", platform),
            ]
            connection.execute(tables["xapi_statement"].insert(), [{
                "seq": seq, "statement_id": uuid.uuid4(), "actor_key": f"account:{base}|{actor}",
                "verb_id": verb % verb_name, "activity_id": object_id, "timestamp": datetime(2026, 1, 5),
                "stored": datetime(2026, 1, 5), "voided": False,
                "data": {"authority": authority, "object": {"id": object_id, **({"definition": {
                    "type": f"http://adlnet.gov/expapi/activities/{kind}"}} if kind else {})}}}
                for seq, actor, verb_name, object_id, kind, authority in statements])
            evidence = [  # seq, actor, competence, level, withdrawn
                (1, "ann", 1, "3", False), (2, "ann", 1, "1", False), (3, "ann", 2, "5", False),
                (4, "bob", 1, "2", False), (5, "cay", 1, "2", False), (5, "cay", 2, "6", True)]
            connection.execute(tables["competence_evidence"].insert(), [{
                "actor_key": f"account:{base}|{actor}", "competence_id": competence, "level": level, "rank": int(level),
                "statement_seq": seq, "activity_id": "x", "at": datetime(2026, 1, 5), "withdrawn": withdrawn}
                for seq, actor, competence, level, withdrawn in evidence])
            connection.execute(tables["learner_competence"].insert(), [{
                "actor_key": f"account:{base}|{actor}", "competence_id": competence, "level": level, "rank": int(level),
                "evidence_count": count, "updated_at": datetime(2026, 1, 5)}
                for actor, competence, level, count in (("ann", 1, "3", 2), ("ann", 2, "5", 1), ("bob", 1, "2", 1),
                                                        ("cay", 1, "2", 1))])
        before = levels_now()
        db.session.rollback()
        upgrade()
        kinds = {(seq, competence): (kind, provider, counted) for seq, competence, kind, provider, counted in
                 db.session.execute(sa.text("SELECT statement_seq, competence_id, kind, provider, counted"
                                            " FROM competence_evidence"))}
        assert kinds == {(1, 1): ("participated", None, False), (2, 1): ("participated", None, True),
                         (3, 2): ("external", "VR lab", True), (4, 1): ("participated", None, False),
                         (5, 1): ("assessed", None, True), (5, 2): ("assessed", None, True)}
        key = lambda actor: f"account:{base}|{actor}"  # noqa: E731
        assert levels_now() == {(key("ann"), 1): ("1", 1), (key("ann"), 2): ("5", 1), (key("cay"), 1): ("2", 1)}
        db.session.rollback()
        downgrade(revision="0013_sessions")
        assert levels_now() == before
        db.session.rollback()


def test_links_made_before_the_upgrade_keep_the_provider_they_were_linked_from(make_app):
    """0015 records, for each actor already linked to a learner, the credential that sent
    its latest statement: only that provider keeps speaking for the actor."""
    from lms.xapi.models import ActorLink

    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0016_evidence_kinds")
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
        downgrade(revision="0016_evidence_kinds")
        assert "credential_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("xapi_actor_link")}


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
        upgrade(revision="0015_credential_grants")
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
        for row in rows["competence_evidence"]:  # columns of 0016, which comes before 0014
            row.update(kind="assessed", counted=True)
        with db.engine.begin() as connection:
            for name, values in rows.items():
                connection.execute(t[name].insert(), values)
        db.session.rollback()
        upgrade()

        query = lambda sql: {tuple(row) for row in db.session.execute(sa.text(sql))}  # noqa: E731
        old_ann = f"account:{OLD}|{ann}"
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
        downgrade(revision="0015_credential_grants")
        assert "platform_identity" not in sa.inspect(db.engine).get_table_names()


def test_the_gradebook_s_work_views_move_into_the_one_access_log_and_back(make_app):
    """0030 drops ``work_view``: each opening of a learner's work becomes access-log entries
    (its first and, when opened again, its last), with the item and the viewer's role, so
    the learner's record still says who looked. Downgrading puts the rows back."""
    from lms.audit import services as audit
    from tests import factories

    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0024_privacy")
        pupil = factories.make_user("mig-pupil", audience="pupil")
        teacher = factories.make_user("mig-teacher", roles=("teacher",))
        tables, now = db.metadata.tables, datetime(2026, 3, 2, 10, 0)
        with db.engine.begin() as connection:
            connection.execute(tables["course"].insert().values(
                id=1, slug="c", title="C", summary="", language="lv", audiences=["pupil"], track="t", level="l",
                estimated_hours=1, status="published", competences=[], lesson_completion="view", archived=False,
                imported_at=now))
            connection.execute(tables["course_module"].insert().values(
                id=1, course_id=1, slug="m", title="M", summary="", position=1, optional=False, archived=False))
            connection.execute(tables["course_item"].insert().values(
                id=1, course_id=1, module_id=1, slug="q", kind="quiz", title="Fractions", position=1,
                optional=False, archived=False, competences=[]))
            connection.execute(tables["enrollment"].insert().values(
                id=1, user_id=pupil.id, course_id=1, registration=uuid.uuid4(), active=True, enrolled_at=now,
                last_activity_at=now, progress=0))
            connection.execute(sa.text(
                "INSERT INTO work_view (enrollment_id, item_id, viewer_id, viewer_role, first_at, last_at, views) "
                "VALUES (1, 1, :viewer, 'class-teacher', :first, :last, 3)"),
                {"viewer": teacher.id, "first": now, "last": datetime(2026, 3, 4, 9, 0)})
        db.session.rollback()
        upgrade(revision="0030_privacy_finish")
        [view] = audit.views_of(pupil.id)
        assert (view.viewer.username, view.viewer_role, view.item_id, view.views) == (
            "mig-teacher", "class-teacher", 1, 2)
        assert (view.first_at, view.last_at) == (now, datetime(2026, 3, 4, 9, 0))
        assert db.session.execute(sa.text("SELECT what FROM access_log_entry")).scalars().all() == [
            "answers", "answers"]
        db.session.rollback()
        downgrade(revision="0024_privacy")
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT viewer_role, views FROM work_view")).all()
            left = connection.execute(sa.text("SELECT count(*) FROM access_log_entry")).scalar()
        assert [tuple(row) for row in rows] == [("class-teacher", 2)] and left == 0
        db.session.rollback()
        upgrade()


def test_who_opened_a_hand_in_moves_into_the_one_access_log_and_back(make_app):
    """0040 drops ``task_hand_in_view``: the access-log entries already written for the same
    openings (without their item) get the item, the hand-in's number and the viewer's role,
    an opening the log lacks becomes entries of its own, and the learner still sees who
    opened each hand-in and when. Downgrading puts the rows back."""
    from datetime import timedelta

    from lms.audit import services as audit
    from tests import factories

    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade(revision="0032_studio_media")
        pupil = factories.make_user("mig-pupil", audience="pupil")
        teacher = factories.make_user("mig-teacher", roles=("teacher",))
        now = datetime(2026, 3, 2, 10, 0)
        tables = db.metadata.tables  # these tables are the same at 0032 and at the head

        def _insert(connection, table, **values):
            connection.execute(tables[table].insert().values(**values))

        with db.engine.begin() as connection:
            _insert(connection, "course", id=1, slug="c", title="C", summary="", language="lv", audiences=["pupil"],
                    track="t", level="l", estimated_hours=1, status="published", competences=[],
                    lesson_completion="view", archived=False, imported_at=now, translations={})
            _insert(connection, "course_module", id=1, course_id=1, slug="m", title="M", summary="", position=1,
                    optional=False, archived=False, translations={})
            _insert(connection, "course_item", id=1, course_id=1, module_id=1, slug="t", kind="task",
                    title="Reflection", position=1, optional=False, archived=False, competences=[], translations={})
            _insert(connection, "enrollment", id=1, user_id=pupil.id, course_id=1, registration=uuid.uuid4(),
                    active=True, enrolled_at=now, last_activity_at=now, progress=0)
            _insert(connection, "school_class", id=1, name="5.b", teacher_id=teacher.id, join_code="ABCD2345",
                    created_at=now)
            _insert(connection, "class_member", class_id=1, user_id=pupil.id, joined_at=now)
            _insert(connection, "class_course", class_id=1, course_id=1)
            for number in (1, 2):
                _insert(connection, "task_hand_in", id=number, enrollment_id=1, item_id=1, number=number, text="",
                        text_html="", link="", submitted_at=now, status="another_try" if number == 1 else "waiting")
            views = sa.text("INSERT INTO task_hand_in_view (hand_in_id, viewer_id, first_at, last_at, views) "
                            "VALUES (:hand_in, :viewer, :first, :last, :views)")
            connection.execute(views, {"hand_in": 1, "viewer": teacher.id, "first": now,
                                       "last": now + timedelta(days=2), "views": 3})
            connection.execute(views, {"hand_in": 2, "viewer": teacher.id, "first": now + timedelta(days=3),
                                       "last": now + timedelta(days=3), "views": 1})
            # The same openings of hand-in 1 as the log had them: its page, and later a file.
            for at, detail in ((now + timedelta(milliseconds=300), "Reflection"),
                               (now + timedelta(days=2, milliseconds=100), "Reflection: plan.pdf")):
                connection.execute(sa.text(
                    "INSERT INTO access_log_entry (at, viewer_id, subject_id, what, detail, viewer_role) "
                    "VALUES (:at, :viewer, :subject, 'hand_in', :detail, '')"),
                    {"at": at, "viewer": teacher.id, "subject": pupil.id, "detail": detail})
        db.session.rollback()
        upgrade(revision="0040_hand_in_views")
        seen = audit.views_by_number(pupil.id, 1)
        [first], [second] = seen[1], seen[2]
        assert (first.viewer.username, first.viewer_role, first.views) == ("mig-teacher", "class-teacher", 2)
        assert abs(first.first_at - now) < timedelta(seconds=1)
        assert first.last_at == now + timedelta(days=2, milliseconds=100)
        assert (second.first_at, second.views, second.viewer_role) == (now + timedelta(days=3), 1, "class-teacher")
        entries = db.session.execute(sa.text("SELECT detail, item_id FROM access_log_entry ORDER BY at")).all()
        assert [tuple(entry) for entry in entries] == [
            ("Reflection", 1), ("Reflection: plan.pdf", 1), ("Reflection", 1)]
        db.session.rollback()
        downgrade(revision="0032_studio_media")
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT hand_in_id, views FROM task_hand_in_view ORDER BY hand_in_id")).all()
            itemless = connection.execute(sa.text(
                "SELECT count(*) FROM access_log_entry WHERE item_id IS NULL")).scalar()
        assert [tuple(row) for row in rows] == [(1, 2), (2, 1)] and itemless == 3
        db.session.rollback()
        upgrade()
