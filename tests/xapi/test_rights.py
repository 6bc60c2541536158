"""Evidence only from those entitled to give it: an external app speaks only for people of
its own and voids only what it sent."""

import datetime
import time
import uuid

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.xapi import credentials, services, vocabulary
from lms.xapi.models import ActorLink, Statement
from tests.xapi.conftest import VERSION
from tests.xapi.test_api import statement

HOME = "http://127.0.0.1:5000"  # the tests' platform homePage (vocabulary.base_url())


def learner_actor(user, home=HOME):
    return {"objectType": "Agent", "account": {"homePage": home, "name": str(user.public_id)}}


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Statement))


def grant(app, credential_id, admin=None):
    with app.app_context():
        credentials.grant_speaking_for_learners(credentials.get(credential_id), admin)
        db.session.commit()


def withdraw(app, credential_id):
    with app.app_context():
        credentials.withdraw_speaking_for_learners(credentials.get(credential_id), None)
        db.session.commit()


@pytest.mark.parametrize("where", ["actor", "trailing slash", "upper-case host", "group member",
                                   "identified group", "substatement actor", "substatement group member"])
def test_an_app_cannot_post_a_statement_about_a_platform_learner(app, client, issue, adult, where):
    """Wherever the learner's platform account appears as who did it, the whole batch is
    refused with 403, the message names the place, and nothing is stored."""
    headers, _ = issue("all")
    own = learner_actor(adult)
    body = {
        "actor": statement(actor=own),
        "trailing slash": statement(actor=learner_actor(adult, HOME + "/")),
        "upper-case host": statement(actor=learner_actor(adult, "HTTP://127.0.0.1:5000")),
        "group member": statement(actor={"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}, own]}),
        "identified group": statement(actor={"objectType": "Group", "account": own["account"]}),
        "substatement actor": statement(object={"objectType": "SubStatement", "actor": own,
                                                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                                                "object": {"id": "https://vr-lab.example/room"}}),
        "substatement group member": statement(object={
            "objectType": "SubStatement", "actor": {"objectType": "Group", "member": [own]},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": "https://vr-lab.example/room"}}),
    }[where]
    path = {"group member": "statements[1].actor.member[1]", "substatement actor": "statements[1].object.actor",
            "substatement group member": "statements[1].object.actor.member[0]"}.get(where, "statements[1].actor")
    response = client.post("/xapi/statements", json=[statement(), body], headers=headers)
    assert response.status_code == 403
    assert f"{path}: is an account of this platform" in response.json["error"]
    assert "an admin can grant them that right" in response.json["error"]
    assert stored(app) == 0
    put = client.put(f"/xapi/statements?statementId={uuid.uuid4()}", json=body, headers=headers)
    assert put.status_code == 403 and stored(app) == 0


def test_an_app_granted_the_right_speaks_for_learners_until_it_is_withdrawn(app, client, issue, adult):
    """Granted, the VR lab's statements about a learner are stored; withdrawn, refused again."""
    headers, credential_id = issue("statements/write")
    about_learner = statement(actor=learner_actor(adult))
    assert client.post("/xapi/statements", json=about_learner, headers=headers).status_code == 403
    grant(app, credential_id)
    assert client.post("/xapi/statements", json=about_learner, headers=headers).status_code == 200
    withdraw(app, credential_id)
    assert client.post("/xapi/statements", json=about_learner, headers=headers).status_code == 403
    assert stored(app) == 1


def test_an_app_may_name_itself_as_the_actor(client, issue):
    """Its own authority account is the app's, not a learner's."""
    headers, credential_id = issue("all")
    me = client.post("/xapi/statements", json=statement(), headers=headers).json[0]
    authority = client.get("/xapi/statements", query_string={"statementId": me}, headers=headers).json["authority"]
    assert client.post("/xapi/statements", json=statement(actor=authority), headers=headers).status_code == 200
    other, _ = issue("all", name="Other app")
    assert client.post("/xapi/statements", json=statement(actor=authority), headers=other).status_code == 403


def test_platform_accounts_are_those_of_the_platform_identity(app, client, issue, adult, monkeypatch):
    """The platform's homePage is what ``vocabulary.base_url()`` says, whatever address the
    site is served at."""
    headers, _ = issue("all")
    monkeypatch.setattr(vocabulary, "base_url", lambda: "https://learn.example.lv")
    assert client.post("/xapi/statements", json=statement(actor=learner_actor(adult, "https://learn.example.lv")),
                       headers=headers).status_code == 403
    assert client.post("/xapi/statements", json=statement(actor=learner_actor(adult)),
                       headers=headers).status_code == 200


def test_an_actor_linked_to_a_learner_is_spoken_for_only_by_its_provider(app, client, issue, adult):
    """Once an admin linked the VR lab's ann@example.org to a learner, her statements are
    that learner's evidence: another app cannot add to it, unless granted the right."""
    lab, lab_id = issue("all", name="VR lab")
    other, other_id = issue("all", name="Science centre")
    ann = {"mbox": "mailto:ann@example.org"}
    assert client.post("/xapi/statements", json=statement(actor=ann), headers=other).status_code == 200
    assert client.post("/xapi/statements", json=statement(actor=ann), headers=lab).status_code == 200
    with app.app_context():
        services.link_actor("mbox:mailto:ann@example.org", services.account_key(adult.public_id))
        db.session.commit()
        assert [link.actor_key for link in services.links_from(lab_id)] == ["mbox:mailto:ann@example.org"]
    assert client.post("/xapi/statements", json=statement(actor=ann), headers=lab).status_code == 200
    before = stored(app)
    refused = client.post("/xapi/statements", json=[statement(), statement(actor=ann)], headers=other)
    assert refused.status_code == 403 and "statements[1].actor: is linked to a learner" in refused.json["error"]
    team = statement(actor={"objectType": "Group", "member": [ann]})
    assert client.post("/xapi/statements", json=team, headers=other).status_code == 403
    assert stored(app) == before
    grant(app, other_id)
    assert client.post("/xapi/statements", json=statement(actor=ann), headers=other).status_code == 200


def test_an_actor_linked_from_the_platforms_own_statements_is_spoken_for_by_no_app(app, client, issue, adult):
    """A link made from statements no credential sent leaves no app to speak for the actor."""
    headers, _ = issue("all")
    with app.app_context():
        services.record([statement(actor={"openid": "https://id.example/zed"})])
        services.link_actor("openid:https://id.example/zed", services.account_key(adult.public_id))
        db.session.commit()
    response = client.post("/xapi/statements", json=statement(actor={"openid": "https://id.example/zed"}),
                           headers=headers)
    assert response.status_code == 403


def void(target_id):
    return statement(verb={"id": services.VOIDED}, object={"objectType": "StatementRef", "id": target_id})


def is_voided(app, statement_id) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(Statement.voided).where(Statement.statement_id == uuid.UUID(statement_id)))


def test_an_app_voids_only_its_own_statements(app, client, issue):
    """Another app's attempt is refused with 403 and changes nothing; the sender may void."""
    lab, _ = issue("all", name="VR lab")
    other, other_id = issue("all", name="Science centre")
    target = client.post("/xapi/statements", json=statement(), headers=lab).json[0]
    before = stored(app)
    refused = client.post("/xapi/statements", json=[statement(), void(target)], headers=other)
    assert refused.status_code == 403
    assert "statements[1].object: voids a statement that these credentials did not send" in refused.json["error"]
    assert not is_voided(app, target) and stored(app) == before
    grant(app, other_id)  # speaking for learners is not voiding others' evidence
    assert client.post("/xapi/statements", json=void(target), headers=other).status_code == 403
    assert client.post("/xapi/statements", json=void(target), headers=lab).status_code == 200
    assert is_voided(app, target)


def test_nobody_but_the_platform_voids_the_platforms_statements(app, client, issue, enrolled):
    """The enrolment's statement stays, whoever else tries: an app (even one granted the
    right to speak for learners) or the learner's own browser."""
    headers, credential_id = issue("all")
    grant(app, credential_id)
    mine = client.get("/xapi/statements", headers=VERSION).json["statements"]
    target = mine[0]["id"]
    assert client.post("/xapi/statements", json=void(target), headers=headers).status_code == 403
    assert client.post("/xapi/statements", json=void(target), headers=VERSION).status_code == 401
    assert not is_voided(app, target)


def test_voiding_a_statement_not_stored_yet_is_stored_and_voids_nothing(app, client, issue):
    """The spec lets a voiding statement arrive first; there is no one else's statement to protect."""
    headers, _ = issue("all")
    assert client.post("/xapi/statements", json=void(str(uuid.uuid4())), headers=headers).status_code == 200


def test_a_link_made_by_another_server_is_honoured_within_seconds(app, client, issue, adult, monkeypatch):
    """Each process remembers the links briefly; one made elsewhere (here straight in the
    database) protects its actor once that memory has expired."""
    lab, lab_id = issue("all", name="VR lab")
    other, _ = issue("all", name="Science centre")
    ann = statement(actor={"mbox": "mailto:ann@example.org"})
    assert client.post("/xapi/statements", json=ann, headers=other).status_code == 200
    with app.app_context():
        db.session.add(ActorLink(actor_key="mbox:mailto:ann@example.org", credential_id=lab_id,
                                 learner_key=services.account_key(adult.public_id),
                                 linked_at=datetime.datetime(2026, 12, 1)))
        db.session.commit()
    later = time.monotonic() + services.LINKS_CACHE_SECONDS
    monkeypatch.setattr(services, "_clock", lambda: later)
    assert client.post("/xapi/statements", json=ann, headers=other).status_code == 403
    assert client.post("/xapi/statements", json=ann, headers=lab).status_code == 200
