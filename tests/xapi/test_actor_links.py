"""An admin links an external actor (an e-mail address, an app's own account) to a learner:
its statements then count as the learner's, and unlinking takes that back."""

import pytest

from lms.competence import services as competence
from lms.extensions import db
from lms.xapi import services as xapi

VR_ROOM = "https://vr-lab.example/privacy-escape-room"
VISITOR = {"objectType": "Agent", "mbox": "mailto:ann@example.org", "name": "Ann at the VR lab"}
VR_LAB = {"objectType": "Agent", "name": "VR lab", "account": {"homePage": "http://127.0.0.1:5000",
                                                                "name": "credential/abc"}}


def passed(actor=VISITOR, activity=VR_ROOM, **extra):
    return {"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "object": {"id": activity},
            **extra}


def levels(key):
    return {f"{e.competence.framework.slug}:{e.competence.code}": e.level
            for p in competence.profile(key) for e in p.entries if e.level}


@pytest.fixture
def mapped(ctx, courses):
    competence.map_activities("admin", [(VR_ROOM, "digcomp:4.2@5")])
    db.session.flush()


def test_linking_makes_past_and_future_statements_the_learners(mapped, make_user):
    """Once linked, the learner's record and competences include what the VR lab sent,
    before the link and after it; the evidence is derived once, at link time."""
    ann = make_user("ann")
    key = xapi.account_key(ann.public_id)
    before, = xapi.record([passed()], authority=VR_LAB)
    assert levels(key) == {}
    assert xapi.link_actor("mbox:mailto:ann@example.org", key) == 1
    assert levels(key) == {"digcomp:4.2": "5"}
    after, = xapi.record([passed(verb={"id": "http://adlnet.gov/expapi/verbs/completed"})], authority=VR_LAB)
    assert [row.seq for row in xapi.statements_for_actor(key)] == [after.seq, before.seq]
    evidence = competence.evidence_of(key, competence.competence_for("digcomp", "4.2").id)
    assert sorted(e.statement_seq for e in evidence) == [before.seq, after.seq]
    assert competence.statement_for(key, before.seq) is before
    assert levels("mbox:mailto:ann@example.org") == {"digcomp:4.2": "5"}  # the actor keeps its own


def test_unlinking_withdraws_the_evidence_and_the_statements(mapped, make_user):
    """Unlinking takes the actor's statements out of the learner's record and levels."""
    ann = make_user("ann")
    key = xapi.account_key(ann.public_id)
    xapi.record([passed()], authority=VR_LAB)
    xapi.link_actor("mbox:mailto:ann@example.org", key)
    assert xapi.unlink_actor("mbox:mailto:ann@example.org") == key
    assert levels(key) == {} and xapi.statements_for_actor(key) == []
    xapi.record([passed()], authority=VR_LAB)
    assert levels(key) == {}


def test_the_admin_list_shows_external_actors_with_counts_and_provider(ctx, make_user):
    """Platform accounts and groups are not listed; search narrows by identifier."""
    ann = make_user("ann")
    own = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(ann.public_id)}}
    group = {"objectType": "Group", "member": [VISITOR]}
    xapi.record([passed(), passed(), passed(actor={"openid": "https://id.example/bob"}), passed(actor=own),
                 passed(actor=group)], authority=VR_LAB)
    actors, total = xapi.external_actors()
    assert total == 2
    assert [(a.key, a.statements, a.provider) for a in actors] == [
        ("openid:https://id.example/bob", 1, "VR lab"), ("mbox:mailto:ann@example.org", 2, "VR lab")]
    assert actors[1].agent["name"] == "Ann at the VR lab" and actors[1].learner_key is None
    found, total = xapi.external_actors("ANN@example")
    assert total == 1 and found[0].key == "mbox:mailto:ann@example.org"
    assert xapi.external_actors("100%_") == ([], 0)


@pytest.mark.parametrize("actor_key, message", [
    ("mbox:mailto:nobody@example.org", "No stored statement"),
    ("account:http://127.0.0.1:5000|00000000-0000-0000-0000-000000000000", "platform account"),
    ("group:abc", "group"),
])
def test_links_that_make_no_sense_are_refused(ctx, make_user, actor_key, message):
    """Each refusal names the problem and links nothing."""
    ann = make_user("ann")
    with pytest.raises(xapi.LinkError, match=message):
        xapi.link_actor(actor_key, xapi.account_key(ann.public_id))
    assert xapi.linked_actor_keys(xapi.account_key(ann.public_id)) == []


def test_an_actor_links_to_one_learner_and_e_mail_actors_never_to_pupils(ctx, make_user):
    """A pupil's record never holds an e-mail address; a second link must wait for an unlink."""
    ann, bob = make_user("ann"), make_user("bob")
    xapi.record([passed()], authority=VR_LAB)
    with pytest.raises(xapi.LinkError, match="e-mail"):
        xapi.link_actor("mbox:mailto:ann@example.org", xapi.account_key(bob.public_id),
                        identified_by_email_allowed=False)
    xapi.link_actor("mbox:mailto:ann@example.org", xapi.account_key(ann.public_id))
    with pytest.raises(xapi.LinkError, match="unlink it first"):
        xapi.link_actor("mbox:mailto:ann@example.org", xapi.account_key(bob.public_id))
    with pytest.raises(xapi.LinkError, match="not linked"):
        xapi.unlink_actor("openid:https://id.example/bob")
