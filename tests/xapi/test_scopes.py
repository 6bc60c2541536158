"""Every LRS resource, opened with every method by credentials of every scope (and by a
learner's browser and by nobody), answers as the scope matrix says.

A new LRS route fails ``test_the_matrix_covers_every_lrs_route`` until it is added here."""

import json
import uuid

import pytest

from lms.xapi.models import SCOPES
from tests.xapi.conftest import VERSION
from tests.xapi.test_api import statement

AGENT = json.dumps({"mbox": "mailto:visitor@example.org"})
ACTIVITY = "https://vr-lab.example/solar-system"
STATE = {"activityId": ACTIVITY, "agent": AGENT}
ACTIVITY_PROFILE = {"activityId": ACTIVITY}
AGENT_PROFILE = {"agent": AGENT}

# Who may read and who may write each resource, written out from xAPI's scope names:
# "all" may do anything and "all/read" read anything; "statements/read/mine" reads only
# what the credential sent (its rows are checked in tests/xapi/test_api.py).
READERS = {
    "statements": {"statements/read", "statements/read/mine", "all/read", "all"},
    "state": {"state", "all/read", "all"},
    "activity_profile": {"profile", "all/read", "all"},
    "agent_profile": {"profile", "all/read", "all"},
    "activities": {"statements/read", "all/read", "all"},
    "agents": {"statements/read", "statements/read/mine", "all/read", "all"},
}
WRITERS = {
    "statements": {"statements/write", "all"},
    "state": {"state", "all"},
    "activity_profile": {"profile", "all"},
    "agent_profile": {"profile", "all"},
}


def requests():
    """(resource, method, request) for every method of every resource; each request is
    valid, so the scope alone decides between success and 403. ``fresh`` makes the ids new."""
    def document(path, params, id_name):
        for method in ("GET", "HEAD", "PUT", "POST", "DELETE"):
            def build(fresh, method=method):
                query = dict(params)
                if method != "GET" and method != "HEAD":
                    query[id_name] = fresh
                headers = {"If-None-Match": "*"} if method == "PUT" else {}
                body = json.dumps({"level": 1}) if method in ("PUT", "POST") else None
                return dict(method=method, path=path, query_string=query, data=body, headers=headers,
                            content_type="application/json" if body else None)
            yield method, build

    yield "statements", "GET", lambda fresh: dict(method="GET", path="/xapi/statements")
    yield "statements", "HEAD", lambda fresh: dict(method="HEAD", path="/xapi/statements")
    yield "statements", "POST", lambda fresh: dict(method="POST", path="/xapi/statements", json=statement())
    yield "statements", "PUT", lambda fresh: dict(method="PUT", path="/xapi/statements",
                                                  query_string={"statementId": str(uuid.uuid4())}, json=statement())
    for resource, path, params, id_name in (("state", "/xapi/activities/state", STATE, "stateId"),
                                            ("activity_profile", "/xapi/activities/profile", ACTIVITY_PROFILE,
                                             "profileId"),
                                            ("agent_profile", "/xapi/agents/profile", AGENT_PROFILE, "profileId")):
        for method, build in document(path, params, id_name):
            yield resource, method, build
    for method in ("GET", "HEAD"):
        yield "activities", method, lambda fresh, method=method: dict(
            method=method, path="/xapi/activities", query_string={"activityId": ACTIVITY})
        yield "agents", method, lambda fresh, method=method: dict(
            method=method, path="/xapi/agents", query_string={"agent": AGENT})


SUCCESS = {"GET": 200, "HEAD": 200, "POST": 200, "PUT": 204, "DELETE": 204}


def expected(resource, method, scope) -> int:
    writes = method in ("PUT", "POST", "DELETE")
    allowed = (WRITERS if writes else READERS).get(resource, set())
    if scope in allowed:
        return 204 if (resource != "statements" and method == "POST") else SUCCESS[method]
    return 403


def endpoint(resource, method) -> str:
    if resource == "statements":
        return {"POST": "lrs.post_statements", "PUT": "lrs.put_statement"}.get(method, "lrs.get_statements")
    return f"lrs.{resource}"


def test_the_matrix_covers_every_lrs_route(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lrs.")
              for method in rule.methods - {"OPTIONS"}} - {("lrs.about", "GET"), ("lrs.about", "HEAD")}
    walked = {(endpoint(resource, method), method) for resource, method, _ in requests()}
    assert routes == walked
    assert set(SCOPES) == {"statements/write", "statements/read/mine", "statements/read", "state", "profile",
                           "all/read", "all"}, "a new scope needs its column in this matrix"


@pytest.mark.parametrize("scope", SCOPES)
def test_every_resource_and_method_answers_each_scope_as_expected(client, issue, scope):
    headers, _ = issue(scope)
    wrong = []
    for resource, method, build in requests():
        request = build(f"doc-{uuid.uuid4().hex[:8]}")
        response = client.open(request.pop("path"), headers={**headers, **request.pop("headers", {})}, **request)
        if response.status_code != expected(resource, method, scope):
            wrong.append(f"{method} {resource}: {response.status_code}, expected "
                         f"{expected(resource, method, scope)} ({response.get_data(as_text=True)[:120]})")
        if response.status_code == 403 and method != "HEAD":
            assert "These credentials may not" in response.json["error"] and scope in response.json["error"]
    assert wrong == []


@pytest.mark.parametrize("visitor", ["a learner's browser", "nobody"])
def test_without_credentials_only_a_learner_reads_their_statements(client, enrolled, visitor):
    """A signed-in learner's browser reads its own statements and nothing else; no one
    else gets anything without credentials (401)."""
    if visitor == "nobody":
        client.post("/logout")
    wrong = []
    for resource, method, build in requests():
        request = build("doc")
        response = client.open(request.pop("path"), headers={**VERSION, **request.pop("headers", {})}, **request)
        want = 200 if (visitor != "nobody" and resource == "statements" and method in ("GET", "HEAD")) else 401
        if response.status_code != want:
            wrong.append(f"{method} {resource}: {response.status_code}, expected {want}")
    assert wrong == []


def test_about_needs_nothing(client):
    assert client.get("/xapi/about").status_code == 200


def test_read_mine_sees_only_the_names_in_its_own_statements_on_the_agents_resource(client, issue):
    """The Person object lists names from the statements the credential may read."""
    mine, _ = issue("statements/write", "statements/read/mine", name="Exhibit")
    other, _ = issue("all", name="Other")
    client.post("/xapi/statements", json=statement(actor={"mbox": "mailto:visitor@example.org", "name": "Visitor"}),
                headers=mine)
    client.post("/xapi/statements", json=statement(actor={"mbox": "mailto:visitor@example.org", "name": "Secret"}),
                headers=other)
    person = client.get("/xapi/agents", query_string={"agent": AGENT}, headers=mine).json
    assert person["name"] == ["Visitor"]
    everyone = client.get("/xapi/agents", query_string={"agent": AGENT}, headers=other).json
    assert sorted(everyone["name"]) == ["Secret", "Visitor"]
