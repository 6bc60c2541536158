"""Bad input cannot hurt the LRS: deep JSON, U+0000, lone surrogates, numbers out of range,
forged ``more`` links and identifiers longer than their columns are each a 400 that names
what is wrong, and nothing is stored. Run on SQLite and on PostgreSQL (which enforces
column lengths and refuses U+0000)."""

import base64
import json
import uuid
from urllib.parse import unquote

import jwt
import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from lms.extensions import db
from lms.xapi import credentials
from lms.xapi.models import Document, Statement
from tests.xapi.test_api import statement
from tests.xapi.test_documents_and_attachments import attachment, multipart, signing_key

AGENT = {"mbox": "mailto:visitor@example.org"}
STATE = {"activityId": "https://vr-lab.example/room", "agent": json.dumps(AGENT), "stateId": "progress"}


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def stored(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Statement)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Document)))


def post(client, lab, raw: str):
    return client.post("/xapi/statements", data=raw.encode(), content_type="application/json", headers=lab)


def with_raw(value_json: str, where: str = "name") -> str:
    """A batch whose second statement carries ``value_json`` (raw JSON text) at ``where``."""
    good = json.dumps(statement())
    if where == "name":
        bad = ('{"actor": {"mbox": "mailto:a@example.org", "name": %s}, "verb": {"id": "http://x.example/v"},'
               ' "object": {"id": "http://x.example/o"}}' % value_json)
    elif where == "key":
        bad = ('{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.example/v"},'
               ' "object": {"id": "http://x.example/o"}, "result": {"extensions": {"http://x.example/e": {%s: 1}}}}'
               % value_json)
    else:
        bad = ('{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://x.example/v"},'
               ' "object": {"id": "http://x.example/o"}, "result": {"extensions": {"http://x.example/e": %s}}}'
               % value_json)
    return f"[{good}, {bad}]"


@pytest.mark.parametrize("raw, message", [
    (deep(5000), "nested more than 100 levels deep"),
    (with_raw(deep(150), "extension"), "[1].result.extensions.http://x.example/e[0][0]"),
    (with_raw('"Ann\\u0000"'), "[1].actor.name: contains the character U+0000"),
    (with_raw('"\\u0000"', "key"), "the key '\\x00' contains the character U+0000"),
    (with_raw('"\\ud800"'), "[1].actor.name: contains a lone surrogate (U+D800)"),
    (with_raw('"\\udc00x"', "key"), "contains a lone surrogate (U+DC00)"),
    (with_raw("1e400", "extension"), "the number 1e400 is out of range"),
    (with_raw("-" + "9" * 400, "extension"), "is out of range"),
    (with_raw("NaN", "extension"), "NaN is not a JSON value"),
    (with_raw("Infinity", "extension"), "Infinity is not a JSON value"),
])
def test_bad_json_in_statements_is_a_400_naming_the_problem(app, client, lab, raw, message):
    response = post(client, lab, raw)
    assert response.status_code == 400 and message in response.json["error"], response.json
    assert stored(app) == (0, 0)


def test_a_surrogate_pair_is_a_character_and_is_kept(app, client, lab):
    """An emoji written as an escaped pair of surrogates is one good character."""
    response = post(client, lab, with_raw('"\\ud83d\\ude00"'))
    assert response.status_code == 200 and stored(app) == (2, 0)


def test_json_nested_just_within_the_limit_is_kept(client, lab):
    extension = json.loads(deep(90))
    response = client.post("/xapi/statements", json=statement(result={"extensions": {"http://x.example/e": extension}}),
                           headers=lab)
    assert response.status_code == 200


@pytest.mark.parametrize("body, message", [
    (deep(5000), "nested more than 100 levels deep"),
    ('{"a": "\\u0000"}', "a: contains the character U+0000"),
    ('{"\\udfff": 1}', "contains a lone surrogate"),
    ('{"a": 1e999}', "out of range"),
])
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_bad_json_in_documents_is_a_400(app, client, lab, body, message, method):
    response = client.open("/xapi/activities/state", method=method, query_string=STATE, data=body.encode(),
                           content_type="application/json", headers=lab)
    assert response.status_code == 400 and message in response.json["error"]
    assert stored(app) == (0, 0)


@pytest.mark.parametrize("agent, message", [
    (deep(5000), "agent: not valid JSON: nested more than 100 levels deep"),
    ('{"mbox": "mailto:a@example.org", "name": "\\u0000"}', "agent: not valid JSON: name: contains the character"),
    ('{"mbox": "mailto:a@example.org", "name": "\\ud800"}', "lone surrogate"),
    ('{"mbox": "mailto:a@example.org", "x": 1e400}', "out of range"),
])
@pytest.mark.parametrize("path", ["/xapi/statements", "/xapi/agents", "/xapi/agents/profile",
                                  "/xapi/activities/state"])
def test_bad_json_in_the_agent_parameter_is_a_400(client, lab, agent, message, path):
    query = {"agent": agent, **({"activityId": STATE["activityId"]} if path.endswith("/state") else {})}
    response = client.get(path, query_string=query, headers=lab)
    assert response.status_code == 400 and message in response.json["error"]


@pytest.mark.parametrize("params, message", [
    ({"verb": "http://x.example/\x00"}, "verb: contains the character U+0000"),
    ({"activity\x00": "x"}, "A parameter's name contains the character U+0000"),
    ({"registration": "\x00"}, "registration: contains the character U+0000"),
    ({"since": "0001-01-01T00:00:00+01:00"}, "since: must be an ISO 8601 timestamp"),
])
def test_bad_text_in_query_parameters_is_a_400(client, lab, params, message):
    response = client.get("/xapi/statements", query_string=params, headers=lab)
    assert response.status_code == 400 and message in response.json["error"]


def test_nul_in_a_document_parameter_stores_nothing(app, client, lab):
    response = client.put("/xapi/activities/state", query_string={**STATE, "stateId": "a\x00b"}, data=b"{}",
                          content_type="application/json", headers=lab)
    assert response.status_code == 400 and "stateId: contains the character U+0000" in response.json["error"]
    assert stored(app) == (0, 0)


def test_a_timestamp_outside_the_range_of_dates_is_refused(app, client, lab):
    response = client.post("/xapi/statements", json=statement(timestamp="0001-01-01T00:00:00+05:00"), headers=lab)
    assert response.status_code == 400 and "timestamp: must be an ISO 8601" in response.json["error"]


def more_link(client, lab) -> str:
    client.post("/xapi/statements", json=[statement() for _ in range(3)], headers=lab)
    more = client.get("/xapi/statements", query_string={"limit": 1}, headers=lab).json["more"]
    assert more
    return more.split("more=", 1)[1]


def test_a_more_link_works_and_an_altered_one_is_refused(client, lab):
    """The link the LRS gave out pages on; changing any character of it, or writing one by
    hand in the old unsigned form, is a 400."""
    token = unquote(more_link(client, lab))
    assert len(client.get("/xapi/statements", query_string={"more": token}, headers=lab).json["statements"]) == 1
    position = len(token) // 2
    altered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1:]
    forged = base64.urlsafe_b64encode(json.dumps({"p": {}, "after": 10 ** 30}).encode()).decode()
    another_secret = URLSafeSerializer("another secret", salt="lms.xapi.more").dumps({"p": {}, "after": 5})
    for bad in (altered, forged, another_secret, token + "x", "", "not a link", "e30.abc"):
        response = client.get("/xapi/statements", query_string={"more": bad}, headers=lab)
        assert response.status_code == 400 and "more: not a link this LRS gave out" in response.json["error"], bad


LONG = "x" * 1100


@pytest.mark.parametrize("changes, field", [
    ({"verb": {"id": "http://x.example/" + "v" * 600}}, "statements[1].verb.id: is 617 characters long"),
    ({"object": {"id": "http://x.example/" + LONG}}, "statements[1].object.id: is 1117 characters long"),
    ({"context": {"contextActivities": {"parent": [{"id": "http://x.example/" + LONG}]}}},
     "statements[1].context.contextActivities.parent[0].id: is 1117"),
    ({"actor": {"openid": "http://x.example/" + "o" * 600}}, "statements[1].actor.openid: is 617"),
    ({"actor": {"mbox": "mailto:" + "a" * 600 + "@example.org"}}, "statements[1].actor.mbox: is"),
    ({"actor": {"account": {"homePage": "http://x.example/" + "h" * 300, "name": "n" * 300}}},
     "statements[1].actor.account: homePage and name are 617 characters long together"),
    ({"context": {"instructor": {"openid": "http://x.example/" + "o" * 600}}}, "statements[1].context.instructor.openid"),
    ({"object": {"objectType": "SubStatement", "actor": AGENT, "verb": {"id": "http://x.example/" + "v" * 600},
                 "object": {"id": "http://x.example/o"}}}, "statements[1].object.verb.id: is 617"),
])
def test_identifiers_longer_than_their_columns_are_a_400_naming_the_field(app, client, lab, changes, field):
    response = client.post("/xapi/statements", json=[statement(), statement(**changes)], headers=lab)
    assert response.status_code == 400 and field in response.json["error"], response.json
    assert stored(app) == (0, 0)


def test_identifiers_as_long_as_their_columns_are_kept(app, client, lab):
    """The limits are the columns' own: at the limit, every database stores the statement."""
    at_limit = statement(verb={"id": "http://x.example/" + "v" * (512 - 17)},
                         object={"id": "http://x.example/" + "a" * (1024 - 17)},
                         actor={"account": {"homePage": "http://x.example/", "name": "n" * (512 - 9 - 17)}})
    response = client.post("/xapi/statements", json=at_limit, headers=lab)
    assert response.status_code == 200, response.json
    got = client.get("/xapi/statements", query_string={"verb": at_limit["verb"]["id"]}, headers=lab).json
    assert [s["id"] for s in got["statements"]] == response.json


@pytest.mark.parametrize("changes, field", [
    ({"activityId": "http://x.example/" + LONG}, "activityId: is 1117 characters long"),
    ({"stateId": "s" * 256}, "stateId: is 256 characters long"),
    ({"agent": json.dumps({"openid": "http://x.example/" + "o" * 600})}, "agent: .openid: is 617"),
])
def test_document_identifiers_longer_than_their_columns_are_a_400(app, client, lab, changes, field):
    response = client.put("/xapi/activities/state", query_string={**STATE, **changes}, data=b"{}",
                          content_type="application/json", headers=lab)
    assert response.status_code == 400 and field in response.json["error"], response.json
    assert stored(app) == (0, 0)


@pytest.mark.parametrize("path, params", [("/xapi/activities/profile", {"activityId": "https://vr-lab.example/room"}),
                                          ("/xapi/agents/profile", {"agent": json.dumps(AGENT)})])
def test_profile_ids_and_content_types_longer_than_their_columns_are_a_400(app, client, lab, path, params):
    response = client.put(path, query_string={**params, "profileId": "p" * 300}, data=b"{}",
                          content_type="application/json", headers={**lab, "If-None-Match": "*"})
    assert response.status_code == 400 and "profileId: is 300 characters long" in response.json["error"]
    response = client.put(path, query_string={**params, "profileId": "p"}, data=b"x",
                          content_type="text/" + "x" * 300, headers={**lab, "If-None-Match": "*"})
    assert response.status_code == 400 and "Content-Type: is 305 characters long" in response.json["error"]
    assert stored(app) == (0, 0)


def test_a_credential_name_longer_than_its_column_is_refused_naming_the_field(ctx):
    with pytest.raises(credentials.CredentialError) as refused:
        credentials.issue("n" * 121, ["all"])
    assert refused.value.field == "name" and "longer than 120 characters" in str(refused.value)
    credential, _ = credentials.issue("n" * 120, ["all"])
    db.session.flush()
    assert credential.name == "n" * 120


def test_the_admin_form_refuses_a_long_credential_name(client, admin, login):
    login(admin)
    response = client.post("/admin/lrs/credentials", data={"name": "n" * 121, "scopes": ["all"]})
    assert response.status_code == 400 and "120" in response.get_data(as_text=True)


def test_the_command_line_refuses_a_long_credential_name(app):
    result = app.test_cli_runner().invoke(args=["xapi", "issue-credential", "n" * 121])
    assert result.exit_code != 0 and "120" in result.output  # in the default language


def test_a_statement_id_is_checked_before_any_lookup(client, lab):
    assert client.get("/xapi/statements", query_string={"statementId": "x" * 40}, headers=lab).status_code == 400
    response = client.put("/xapi/statements", query_string={"statementId": str(uuid.uuid4()) + "x"}, json=statement(),
                          headers=lab)
    assert response.status_code == 400


@pytest.mark.parametrize("key", ["a\x00b", "k" * 5000, "ÄÖ"])
def test_credentials_whose_key_is_no_key_are_a_401(client, key):
    token = base64.b64encode(f"{key}:secret".encode()).decode()
    response = client.get("/xapi/statements", headers={"Authorization": f"Basic {token}",
                                                       "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401


def test_an_attachment_with_a_content_type_longer_than_its_column_is_a_400(app, client, lab):
    payload = b"a picture of Mars"
    body, content_type = multipart(statement(attachments=[attachment(payload)]), [("image/" + "x" * 300, payload)])
    response = client.post("/xapi/statements", data=body, content_type=content_type, headers=lab)
    assert response.status_code == 400 and "Part 2's Content-Type is 306 characters long" in response.json["error"]
    assert stored(app) == (0, 0)


def test_a_signature_whose_statement_is_nested_too_deep_is_a_400(app, client, lab):
    """The JWS verifies, but its payload is JSON nested thousands of levels deep (PyJWT
    reads it and refuses it)."""
    key, x5c = signing_key()
    token = jwt.api_jws.encode(deep(5000).encode(), key, algorithm="RS256", headers={"x5c": [x5c]}).encode()
    sent = statement(attachments=[attachment(token, "http://adlnet.gov/expapi/attachments/signature",
                                             "application/octet-stream")])
    body, content_type = multipart(sent, [("application/octet-stream", token)])
    response = client.post("/xapi/statements", data=body, content_type=content_type, headers=lab)
    assert response.status_code == 400 and "The signature does not verify" in response.json["error"]
    assert stored(app) == (0, 0)
