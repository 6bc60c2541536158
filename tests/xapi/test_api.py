"""The LRS over HTTP, as an external app and a learner's browser use it."""

import datetime
import json
import time
import uuid

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.xapi import credentials
from lms.xapi.models import Credential

VERSION = {"X-Experience-API-Version": "1.0.3"}


def statement(**changes):
    return {"actor": {"objectType": "Agent", "mbox": "mailto:visitor@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
            "object": {"id": "https://vr-lab.example/solar-system"}, **changes}


def test_about_needs_no_credentials(client):
    response = client.get("/xapi/about")
    assert response.json == {"version": ["1.0.3", "2.0.0"]}
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_post_then_get_by_id(client, lab):
    posted = client.post("/xapi/statements", json=[statement(), statement()], headers=lab)
    assert posted.status_code == 200 and len(posted.json) == 2
    got = client.get("/xapi/statements", query_string={"statementId": posted.json[0]}, headers=lab)
    assert got.status_code == 200 and got.json["id"] == posted.json[0]
    assert got.json["authority"]["name"] == "VR lab"
    assert "X-Experience-API-Consistent-Through" in got.headers


def test_put_is_idempotent_and_conflicts_give_409(client, lab):
    statement_id = str(uuid.uuid4())
    url = f"/xapi/statements?statementId={statement_id}"
    assert client.put(url, json=statement(), headers=lab).status_code == 204
    assert client.put(url, json=statement(), headers=lab).status_code == 204
    changed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert client.put(url, json=changed, headers=lab).status_code == 409


def test_a_bad_batch_stores_nothing_and_names_the_problem(client, lab):
    response = client.post("/xapi/statements", json=[statement(), statement(verb={"id": "nope"})], headers=lab)
    assert response.status_code == 400 and "statements[1].verb.id" in response.json["error"]
    assert client.get("/xapi/statements", headers=lab).json["statements"] == []


@pytest.mark.parametrize("headers,status", [
    ({}, 401), ({"X-Experience-API-Version": "1.0.3", "Authorization": "Basic bm9wZTpub3Bl"}, 401),
])
def test_without_valid_credentials_is_401(client, headers, status):
    assert client.post("/xapi/statements", json=statement(), headers={**VERSION, **headers}).status_code == status


def test_the_version_header_is_required(client, lab):
    headers = {k: v for k, v in lab.items() if k != "X-Experience-API-Version"}
    response = client.get("/xapi/statements", headers=headers)
    assert response.status_code == 400 and "X-Experience-API-Version" in response.json["error"]
    assert client.get("/xapi/statements", headers={**headers, "X-Experience-API-Version": "2.5"}).status_code == 400


def test_scopes_are_enforced(client, issue):
    writer, _ = issue("statements/write")
    reader, _ = issue("statements/read")
    assert client.get("/xapi/statements", headers=writer).status_code == 403
    assert client.post("/xapi/statements", json=statement(), headers=reader).status_code == 403


def test_read_mine_sees_only_what_it_sent(client, issue):
    own, _ = issue("statements/write", "statements/read/mine", name="Exhibit")
    other, _ = issue("all", name="Other")
    client.post("/xapi/statements", json=statement(), headers=own)
    client.post("/xapi/statements", json=statement(), headers=other)
    seen = client.get("/xapi/statements", headers=own).json["statements"]
    assert [s["authority"]["name"] for s in seen] == ["Exhibit"]


def test_a_revoked_credential_is_refused(app, client, issue):
    headers, credential_id = issue("all")
    with app.app_context():
        credentials.revoke(credentials.get(credential_id))
        db.session.commit()
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_a_credential_revoked_by_another_server_is_refused_within_seconds(app, client, issue, monkeypatch):
    """Each process remembers a credential briefly; a revocation made elsewhere (here
    straight in the database) is refused once that memory has expired."""
    headers, credential_id = issue("all")
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(Credential).where(Credential.id == credential_id).values(
            revoked_at=datetime.datetime(2026, 1, 1)))
        db.session.commit()
    later = time.monotonic() + credentials.CACHE_SECONDS
    monkeypatch.setattr(credentials, "_clock", lambda: later)
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_filters_and_paging(client, lab):
    registration = str(uuid.uuid4())
    batch = [statement(verb={"id": f"http://adlnet.gov/expapi/verbs/v{n}"},
                       context={"registration": registration,
                                "contextActivities": {"parent": [{"id": "https://vr-lab.example/planets"}]}})
             for n in range(5)]
    batch.append(statement(actor={"mbox": "mailto:other@example.org"}))
    client.post("/xapi/statements", json=batch, headers=lab)
    get = lambda **q: client.get("/xapi/statements", query_string=q, headers=lab).json  # noqa: E731
    agent = json.dumps({"mbox": "mailto:visitor@example.org"})
    assert len(get(agent=agent)["statements"]) == 5
    assert len(get(verb="http://adlnet.gov/expapi/verbs/v3")["statements"]) == 1
    assert len(get(registration=registration)["statements"]) == 5
    assert get(activity="https://vr-lab.example/planets")["statements"] == []
    assert len(get(activity="https://vr-lab.example/planets", related_activities="true")["statements"]) == 5
    first = get(agent=agent, limit=2, ascending="true")
    assert [s["verb"]["id"][-2:] for s in first["statements"]] == ["v0", "v1"] and first["more"]
    second = client.get(first["more"], headers=lab).json
    assert [s["verb"]["id"][-2:] for s in second["statements"]] == ["v2", "v3"]
    assert get(since="2999-01-01T00:00:00Z")["statements"] == []
    bad = client.get("/xapi/statements", query_string={"colour": "blue"}, headers=lab)
    assert bad.status_code == 400 and "colour" in bad.json["error"]


def test_the_agent_filter_finds_an_agent_as_actor_or_object_and_related_finds_it_anywhere(client, lab):
    """The statement's own actor column and the index rows (object, team, authority) answer together."""
    guide = {"objectType": "Agent", "mbox": "mailto:guide@example.org"}
    posted = client.post("/xapi/statements", json=[
        statement(actor=guide),
        statement(object=guide, verb={"id": "http://adlnet.gov/expapi/verbs/mentored"}),
        statement(context={"instructor": guide}),
        statement()], headers=lab).json
    get = lambda **q: [s["id"] for s in client.get("/xapi/statements", query_string=q, headers=lab).json["statements"]]  # noqa: E731
    agent = json.dumps(guide)
    assert sorted(get(agent=agent)) == sorted(posted[:2])
    assert sorted(get(agent=agent, related_agents="true")) == sorted(posted[:3])
    lab_agent = json.dumps(client.get("/xapi/statements", query_string={"statementId": posted[3]},
                                      headers=lab).json["authority"])
    assert get(agent=lab_agent) == [] and sorted(get(agent=lab_agent, related_agents="true")) == sorted(posted)
    assert get(agent=agent, verb="http://adlnet.gov/expapi/verbs/mentored") == [posted[1]]


def test_voided_statements_are_found_only_by_voided_statement_id(client, lab):
    target = client.post("/xapi/statements", json=statement(), headers=lab).json[0]
    void = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                     object={"objectType": "StatementRef", "id": target})
    client.post("/xapi/statements", json=void, headers=lab)
    assert client.get("/xapi/statements", query_string={"statementId": target}, headers=lab).status_code == 404
    found = client.get("/xapi/statements", query_string={"voidedStatementId": target}, headers=lab)
    assert found.status_code == 200 and found.json["id"] == target


def test_a_learners_browser_reads_only_their_own_statements(client, enrolled, lab):
    client.post("/xapi/statements", json=statement(), headers=lab)
    mine = client.get("/xapi/statements", headers=VERSION).json["statements"]
    assert mine and all(s["actor"].get("account") for s in mine)
    assert client.post("/xapi/statements", json=statement(), headers=VERSION).status_code == 401


def test_a_learners_browser_reads_the_statements_of_actors_linked_to_them(app, client, adult, make_user, login, lab):
    """What the VR lab sent as ann@example.org is the adult's once an admin links it, and
    stays out of everyone else's reads."""
    from lms.xapi import services as xapi

    client.post("/xapi/statements", json=statement(actor={"mbox": "mailto:ann@example.org"}), headers=lab)
    other = make_user("other", audience="adult")
    login(adult)
    assert client.get("/xapi/statements", headers=VERSION).json["statements"] == []
    with app.app_context():
        xapi.link_actor("mbox:mailto:ann@example.org", xapi.account_key(adult.public_id))
        db.session.commit()
    mine = client.get("/xapi/statements", headers=VERSION).json["statements"]
    assert [s["actor"]["mbox"] for s in mine] == ["mailto:ann@example.org"]
    by_id = client.get("/xapi/statements", query_string={"statementId": mine[0]["id"]}, headers=VERSION)
    assert by_id.status_code == 200
    client.post("/logout")
    login(other)
    assert client.get("/xapi/statements", headers=VERSION).json["statements"] == []
    assert client.get("/xapi/statements", query_string={"statementId": mine[0]["id"]},
                      headers=VERSION).status_code == 404


def test_admin_issues_and_revokes_credentials(client, admin, login):
    login(admin)
    page = client.post("/admin/lrs/credentials", data={"name": "VR lab", "scopes": ["statements/write"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Copy the secret now" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post("/admin/lrs/credentials", data={"name": "", "scopes": []}).status_code == 400
    listing = client.get("/admin/lrs/credentials").get_data(as_text=True)
    assert "VR lab" in listing and "Copy the secret now" not in listing
    response = client.post("/admin/lrs/credentials/1/revoke", follow_redirects=True)
    assert "are revoked" in response.get_data(as_text=True)
    assert client.post("/admin/lrs/credentials/999/revoke").status_code == 404


def test_the_forwarding_page_shows_the_queue(client, admin, login):
    login(admin)
    page = client.get("/admin/lrs/forwarding").get_data(as_text=True)
    assert "Forwarding is off" in page and "Waiting" in page
    response = client.post("/admin/lrs/forwarding/retry", follow_redirects=True)
    assert "0 refused statements are queued again." in response.get_data(as_text=True)


V2 = {"X-Experience-API-Version": "2.0.0"}


def test_version_2_is_served_by_the_request_header(client, lab):
    headers = {**lab, **V2}
    ok = statement(context={"contextAgents": [{"objectType": "contextAgent",
                                               "agent": {"mbox": "mailto:guide@example.org"},
                                               "relevantTypes": ["https://vr-lab.example/types/guide"]}]})
    posted = client.post("/xapi/statements", json=ok, headers=headers)
    assert posted.status_code == 200 and posted.headers["X-Experience-API-Version"] == "2.0.0"
    got = client.get("/xapi/statements", query_string={"statementId": posted.json[0]}, headers=headers)
    assert got.json["version"] == "2.0.0"
    bad = statement(context={"contextAgents": [{"objectType": "agent", "agent": {}, "relevantTypes": []}]})
    response = client.post("/xapi/statements", json=bad, headers=headers)
    assert response.status_code == 400 and "context.contextAgents[0].objectType" in response.json["error"]


def test_version_2_refuses_the_alternate_request_syntax(client, lab):
    form = {"Authorization": lab["Authorization"], "X-Experience-API-Version": "2.0.0",
            "content": json.dumps(statement())}
    assert client.post("/xapi/statements?method=POST", data=form).status_code == 400
