"""Erasure reaches every table, stored file and the LRS's answers, and refuses what it must."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.admin import services as figures
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.privacy import erasure
from lms.xapi.models import OutboxEntry, Statement
from tests import factories
from tests.privacy.conftest import POSTGRES, VR_ACTIVITY, did_everything, scan_database, scan_files


def counted(tables) -> list:
    """Every figure's value but the active accounts per audience and the stored statements per
    provider (an erased account is not active; their statements are gone)."""
    return [(str(table.title), [[getattr(cell, "value", str(cell)) for cell in row] for row in table.rows])
            for table in tables[1:-1]]


def lrs_answers(client, trace) -> list[str]:
    """What the LRS answers an app that may read everything: every statement (all pages),
    the agent, the activity, and the State and Agent Profile documents."""
    headers = trace.lrs_headers
    bodies = []
    url = "/xapi/statements?limit=50"
    while url:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200
        bodies.append(answer.get_data(as_text=True))
        url = answer.get_json().get("more") or ""
    agent = '{"mbox": "mailto:zelma.vr@example.org"}'
    for path, query in [
        ("/xapi/activities/state", {"activityId": VR_ACTIVITY, "agent": agent}),
        ("/xapi/activities/state", {"activityId": VR_ACTIVITY, "agent": agent, "stateId": "progress"}),
        ("/xapi/agents/profile", {"agent": agent}),
        ("/xapi/agents/profile", {"agent": agent, "profileId": "prefs"}),
        ("/xapi/activities", {"activityId": VR_ACTIVITY}),
    ]:
        bodies.append(client.get(path, query_string=query, headers=headers).get_data(as_text=True))
    # The agents resource echoes the identifier it is asked about; what it adds must not name them.
    person = client.get("/xapi/agents", query_string={"agent": agent}, headers=headers).get_json()
    bodies.append(str(person.get("name", "")))
    return bodies


def test_after_erasing_a_person_who_did_everything_no_trace_of_them_is_left(forwarding_app, tmp_path):
    """A scan of every column of every table, every stored file and the LRS's answers finds none of
    their public id, username, name, e-mail or anything they wrote; figures still count them."""
    app = forwarding_app
    with app.test_request_context(headers={"Accept-Language": "en"}):
        trace = did_everything(app)
        admin = factories.make_user("admin", roles=("learner", "admin"))
        assert set(scan_database(trace.needles)), "the scan finds the person before the erasure"
        before = figures.figures()
        delivered = set(db.session.scalars(sa.select(OutboxEntry.statement_seq).where(OutboxEntry.state == "delivered")))
        person = db.session.get(User, trace.user_id)
        erased = erasure.erase(person, by=admin)
        db.session.commit()
        assert erased.statements > 0 and erased.files == 1
        assert sum(len(ids) for ids in erased.forwarded.values()) == len(delivered)
        assert list(erased.forwarded) == ["https://lrs.example.org/xapi"]

        assert scan_database(trace.needles) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEntry)) == 0, "nothing of theirs is forwarded"
        # Programme figures count what happened, without a name.
        assert counted(figures.figures()) == counted(before)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 3
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert [body for body in lrs_answers(client, trace) if any(n.lower() in body.lower() for n in trace.needles)] == []
    page = client.get(f"/certificates/{trace.certificate_code}").get_data(as_text=True)
    assert "withdrawn" in page and trace.display_name not in page
    assert scan_files(app.instance_path and Path(app.instance_path), trace.needles) == []
    if not POSTGRES:
        with app.app_context():
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert scan_files(tmp_path, trace.needles) == [], "the SQLite file keeps nothing of them (secure_delete)"


def test_the_last_active_admin_someone_with_an_open_request_and_a_non_admin_are_refused(ctx):
    """Each refusal says why and erases nothing."""
    from lms.privacy.models import ErasureRequest

    admin = factories.make_user("admin", roles=("learner", "admin"))
    teacher = factories.make_user("teacher", audience="teacher", roles=("learner", "teacher"))
    adult = factories.make_user("adult")
    cases = [(admin, admin, "last active administrator"), (adult, teacher, "Only an administrator")]
    db.session.add(ErasureRequest(subject_id=teacher.id, requested_by_id=teacher.id, requester_role="self"))
    db.session.commit()
    cases.append((teacher, admin, "open erasure request"))
    for person, by, message in cases:
        with pytest.raises(erasure.ErasureError, match=message):
            erasure.erase(person, by=by)
        db.session.rollback()
        assert db.session.get(User, person.id).erased_at is None and person.username in ("admin", "adult", "teacher")


def test_a_second_admin_can_erase_the_first_and_an_erased_account_cannot_sign_in(ctx, client):
    admin = factories.make_user("admin", roles=("learner", "admin"))
    other = factories.make_user("other-admin", roles=("learner", "admin"))
    erasure.erase(admin, by=other)
    db.session.commit()
    assert admin.erased_at is not None and not admin.active and admin.roles == frozenset()
    response = client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
    assert response.status_code != 302
    with pytest.raises(erasure.ErasureError, match="already been erased"):
        erasure.erase(admin, by=other)


def test_an_erasure_that_fails_part_way_leaves_everything_as_it_was_and_says_so(forwarding_app, monkeypatch):
    """The database fails after the statements are deleted (injected: the tasks' part raises a
    database error); the admin is told, and every trace of the person is still there."""
    from sqlalchemy.exc import OperationalError

    from lms.privacy import requests as erasure_requests
    from lms.privacy.models import ErasureRequest

    app = forwarding_app
    with app.test_request_context():
        trace = did_everything(app)
        factories.make_user("admin", roles=("learner", "admin"))
        person = db.session.get(User, trace.user_id)
        request_id = erasure_requests.request_erasure(person, by=person).id
        db.session.commit()
        before = sorted(scan_database(trace.needles))
        statements = db.session.scalar(sa.select(sa.func.count()).select_from(Statement))

    def fail(*args, **kwargs):
        raise OperationalError("DELETE FROM task_file", {}, Exception("disk I/O error"))

    monkeypatch.setattr(erasure, "_erase_tasks", fail)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
    response = client.post(f"/admin/privacy/requests/{request_id}/approve", follow_redirects=True)
    assert "The erasure failed and nothing was changed (OperationalError)" in response.get_data(as_text=True)
    with app.app_context():
        assert sorted(scan_database(trace.needles)) == before
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Statement)) == statements
        assert db.session.get(ErasureRequest, request_id).status == "open"
