"""The LRS's document resources, attachments, signatures and the alternate syntax."""

import base64
import datetime
import hashlib
import json
from urllib.parse import urlencode

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.xapi.test_api import statement

AGENT = json.dumps({"mbox": "mailto:visitor@example.org"})
ACTIVITY = "https://vr-lab.example/solar-system"


def test_state_put_get_merge_list_delete(client, lab):
    where = {"activityId": ACTIVITY, "agent": AGENT}
    url = "/xapi/activities/state?" + urlencode({**where, "stateId": "progress"})
    assert client.put(url, json={"planet": "Mars", "seen": 3}, headers=lab).status_code == 204
    assert client.post(url, json={"seen": 4}, headers=lab).status_code == 204
    got = client.get(url, headers=lab)
    assert got.json == {"planet": "Mars", "seen": 4} and got.headers["ETag"]
    listing = client.get("/xapi/activities/state?" + urlencode(where), headers=lab)
    assert listing.json == ["progress"]
    assert client.post(url, data="not json", content_type="text/plain", headers=lab).status_code == 400
    assert client.delete(url, headers=lab).status_code == 204
    assert client.get(url, headers=lab).status_code == 404


def test_state_needs_its_parameters(client, lab):
    response = client.get("/xapi/activities/state?" + urlencode({"activityId": ACTIVITY}), headers=lab)
    assert response.status_code == 400 and "agent" in response.json["error"]


def test_profiles_use_etags_for_concurrency(client, lab):
    url = "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "settings"})
    assert client.put(url, json={"a": 1}, headers=lab).status_code == 400  # no precondition
    assert client.put(url, json={"a": 1}, headers={**lab, "If-None-Match": "*"}).status_code == 204
    etag = client.get(url, headers=lab).headers["ETag"]
    assert client.put(url, json={"a": 2}, headers=lab).status_code == 409
    assert client.put(url, json={"a": 2}, headers={**lab, "If-Match": '"stale"'}).status_code == 412
    assert client.put(url, json={"a": 2}, headers={**lab, "If-Match": etag}).status_code == 204
    assert client.get(url, headers=lab).json == {"a": 2}


def test_activities_and_agents_resources(client, lab):
    client.post("/xapi/statements", json=statement(
        actor={"mbox": "mailto:visitor@example.org", "name": "Visitor"},
        object={"id": ACTIVITY, "definition": {"name": {"en": "Solar system"}}}), headers=lab)
    client.post("/xapi/statements", json=statement(
        object={"id": ACTIVITY, "definition": {"name": {"lv": "Saules sistēma"}}}), headers=lab)
    activity = client.get("/xapi/activities?" + urlencode({"activityId": ACTIVITY}), headers=lab).json
    assert activity["definition"]["name"] == {"en": "Solar system", "lv": "Saules sistēma"}
    person = client.get("/xapi/agents?" + urlencode({"agent": AGENT}), headers=lab).json
    assert person["objectType"] == "Person" and person["mbox"] == ["mailto:visitor@example.org"]
    assert "Visitor" in person["name"]


def multipart(statements, parts):
    boundary = "xapi-boundary"
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statements)}\r\n".encode()]
    for content_type, payload in parts:
        digest = hashlib.sha256(payload).hexdigest()
        chunks.append(f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                      f"X-Experience-API-Hash: {digest}\r\n\r\n".encode() + payload + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def attachment(payload: bytes, usage="https://vr-lab.example/attachments/photo", content_type="text/plain"):
    return {"usageType": usage, "display": {"en": "photo"}, "contentType": content_type,
            "length": len(payload), "sha2": hashlib.sha256(payload).hexdigest()}


def test_attachments_are_stored_and_returned_in_a_multipart_response(client, lab):
    payload = b"a picture of Mars"
    body, content_type = multipart(statement(attachments=[attachment(payload)]), [("text/plain", payload)])
    posted = client.post("/xapi/statements", data=body, content_type=content_type, headers=lab)
    assert posted.status_code == 200
    got = client.get("/xapi/statements", query_string={"statementId": posted.json[0], "attachments": "true"},
                     headers=lab)
    assert got.mimetype == "multipart/mixed" and payload in got.data


def test_a_missing_or_unclaimed_part_is_refused(client, lab):
    payload = b"data"
    body, content_type = multipart(statement(attachments=[attachment(payload)]), [])
    assert client.post("/xapi/statements", data=body, content_type=content_type, headers=lab).status_code == 400
    body, content_type = multipart(statement(), [("text/plain", payload)])
    assert client.post("/xapi/statements", data=body, content_type=content_type, headers=lab).status_code == 400
    assert client.get("/xapi/statements", headers=lab).json["statements"] == []


def signing_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "VR lab")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    x5c = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    return key, x5c


@pytest.mark.parametrize("tamper", [False, True])
def test_signed_statements_are_verified(client, lab, tamper):
    key, x5c = signing_key()
    signed = statement()
    token = jwt.encode(signed, key, algorithm="RS256", headers={"x5c": [x5c]}).encode()
    sent = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"}) if tamper else statement()
    sent["attachments"] = [attachment(token, "http://adlnet.gov/expapi/attachments/signature",
                                      "application/octet-stream")]
    body, content_type = multipart(sent, [("application/octet-stream", token)])
    response = client.post("/xapi/statements", data=body, content_type=content_type, headers=lab)
    assert response.status_code == (400 if tamper else 200)


def test_the_alternate_request_syntax(client, lab):
    form = {"Authorization": lab["Authorization"], "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json", "statementId": "6fa459ea-ee8a-3ca4-894e-db77e160355e",
            "content": json.dumps(statement())}
    response = client.post("/xapi/statements?method=PUT", data=form)
    assert response.status_code == 204
    got = client.post("/xapi/statements?method=GET", data={
        "Authorization": lab["Authorization"], "X-Experience-API-Version": "1.0.3",
        "statementId": "6fa459ea-ee8a-3ca4-894e-db77e160355e"})
    assert got.status_code == 200 and got.json["id"] == "6fa459ea-ee8a-3ca4-894e-db77e160355e"
