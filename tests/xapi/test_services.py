import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.xapi import services
from lms.xapi.models import Actor, Statement, StatementActivity, StatementAgent


def statement(**changes):
    base = {
        "actor": {"objectType": "Agent", "account": {"homePage": "https://vr-lab.example", "name": "visitor-7"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"id": "https://vr-lab.example/activities/solar-system"},
    }
    base.update(changes)
    return base


def stored():
    return list(db.session.scalars(sa.select(Statement).order_by(Statement.seq)))


def test_a_statement_is_stamped_and_stored(ctx):
    row, = services.record([statement()])
    assert uuid.UUID(row.data["id"]) == row.statement_id
    assert row.data["stored"].endswith("Z") and row.data["timestamp"] == row.data["stored"]
    assert row.data["authority"]["account"]["name"] == "lms" and row.data["version"] == "1.0.3"
    assert row.actor_key == "account:https://vr-lab.example|visitor-7"
    assert row.activity_id == "https://vr-lab.example/activities/solar-system"


def test_a_batch_is_all_or_nothing_and_every_problem_is_named(ctx):
    bad = statement(verb={"id": "not an iri"}, result={"score": {"scaled": 2}})
    with pytest.raises(services.StatementError) as error:
        services.record([statement(), bad, {"actor": {}}])
    problems = error.value.problems
    assert "statements[1].verb.id: must be an absolute IRI" in problems
    assert "statements[1].result.score.scaled: must be between -1 and 1" in problems
    assert "statements[2].verb: is required" in problems
    assert any(p.startswith("statements[2].actor:") for p in problems)
    assert stored() == []


def test_a_resend_is_harmless_and_a_different_statement_with_the_same_id_conflicts(ctx):
    statement_id = str(uuid.uuid4())
    first, = services.record([statement(id=statement_id)])
    again, = services.record([statement(id=statement_id.upper())])
    assert again is first
    in_a_lesson = {"contextActivities": {"parent": [{"id": "https://vr-lab.example/activities/planets"}]}}
    with pytest.raises(services.StatementConflict):
        services.record([statement(id=str(uuid.uuid4()), context=in_a_lesson,
                                   actor={"mbox": "mailto:new@example.org"}),
                         statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})])
    with pytest.raises(services.StatementError, match="twice in the batch"):
        services.record([statement(id=statement_id), statement(id=statement_id)])
    assert len(stored()) == 1
    # The refused batch's first statement left no index rows behind either.
    assert db.session.scalars(sa.select(StatementAgent.seq).distinct()).all() == [first.seq]  # authority
    assert db.session.scalars(sa.select(StatementActivity.seq)).all() == []
    assert db.session.scalars(sa.select(Actor.actor_key)).all() == [first.actor_key]


def test_voiding_marks_the_target_and_hides_it_from_the_learners_record(ctx):
    target, = services.record([statement()])
    services.record([statement(verb={"id": services.VOIDED},
                               object={"objectType": "StatementRef", "id": str(target.statement_id)})])
    assert target.voided
    assert [row.verb_id for row in services.statements_for_actor(target.actor_key)] == [services.VOIDED]


def test_listeners_hear_every_stored_statement(ctx, monkeypatch):
    heard = []
    monkeypatch.setattr(services, "_listeners", [])
    services.add_listener(heard.extend)
    rows = services.record([statement(), statement()])
    assert heard == rows


def test_a_listener_failure_stores_nothing(ctx, monkeypatch):
    def broken(rows):
        raise RuntimeError("listener broke")

    monkeypatch.setattr(services, "_listeners", [broken])
    with pytest.raises(RuntimeError):
        services.record([statement()])
    db.session.rollback()
    assert stored() == []


def test_actor_keys_are_stable_for_every_kind_of_identifier():
    assert services.actor_key({"mbox": "mailto:a@example.org"}) == "mbox:mailto:a@example.org"
    group = {"objectType": "Group", "member": [{"mbox": "mailto:b@x.org"}, {"mbox": "mailto:a@x.org"}]}
    reordered = {"objectType": "Group", "member": list(reversed(group["member"]))}
    assert services.actor_key(group) == services.actor_key(reordered)


def test_the_learners_record_page_and_download_show_only_their_statements(app, client, enrolled, make_user):
    from lms.learning import services as learning
    from lms.catalog import services as catalog

    with app.app_context():
        other = make_user("other")
        learning.enrol(other, catalog.get_course("first-steps"))
        db.session.commit()
    client.get("/courses/first-steps/learn/welcome")
    page = client.get("/my/record").get_data(as_text=True)
    assert "Opened" in page and "Welcome" in page and "Enrolled in" in page
    download = client.get("/my/record.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    statements = download.json
    assert [s["verb"]["display"]["en-US"] for s in statements] == ["registered", "experienced"]
    with app.app_context():
        from lms.accounts import services as accounts

        me = str(accounts.find_by_login("adult").public_id)
    assert {s["actor"]["account"]["name"] for s in statements} == {me}


def test_the_first_thing_a_fresh_process_does_can_be_recording(tmp_path):
    """Rows come back as the ORM loads them, bypassing the constructor; that must work
    before anything else in the process has used the models (a new worker's first POST)."""
    script = (
        "from lms import create_app\n"
        "from lms.extensions import db\n"
        "from lms.xapi import services\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'fresh.sqlite3'}'}})\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    row, = services.record([{'actor': {'mbox': 'mailto:a@example.org'},\n"
        "                             'verb': {'id': 'http://adlnet.gov/expapi/verbs/experienced'},\n"
        "                             'object': {'id': 'https://vr-lab.example/a'}}])\n"
        "    db.session.commit()\n"
        "    print(row.seq, row.actor_key)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "LMS_INSTANCE_PATH": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "mbox:mailto:a@example.org"]
