"""The admin page that links external actors to learners."""

from lms.extensions import db
from lms.xapi import services as xapi

VR_LAB = {"objectType": "Agent", "name": "VR lab", "account": {"homePage": "http://127.0.0.1:5000",
                                                                "name": "credential/abc"}}


def send(app, *actors):
    with app.app_context():
        xapi.record([{"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                      "object": {"id": "https://vr-lab.example/solar-system"}} for actor in actors],
                    authority=VR_LAB)
        db.session.commit()


def test_admin_sees_searches_links_and_unlinks_an_actor(app, client, admin, adult, login):
    """The actor appears with its statements and provider; linked, the learner's record
    shows what the VR lab sent; unlinked, it no longer does."""
    send(app, {"mbox": "mailto:visitor@example.org"}, {"mbox": "mailto:visitor@example.org"},
         {"openid": "https://id.example/zed"})
    login(admin)
    page = client.get("/admin/lrs/actors").get_data(as_text=True)
    assert "2 external actors." in page and "mailto:visitor@example.org" in page and "VR lab" in page
    found = client.get("/admin/lrs/actors", query_string={"q": "zed"}).get_data(as_text=True)
    assert "1 external actor." in found and "visitor@example.org" not in found
    response = client.post("/admin/lrs/actors/link", data={"actor_key": "mbox:mailto:visitor@example.org",
                                                           "learner": adult.username})
    assert response.status_code == 302
    page = client.get("/admin/lrs/actors").get_data(as_text=True)
    assert "2 statements now count as" in page and f"({adult.username})" in page and "Unlink" in page
    with app.app_context():
        assert len(xapi.statements_for_actor(xapi.account_key(adult.public_id))) == 2
    response = client.post("/admin/lrs/actors/unlink", data={"actor_key": "mbox:mailto:visitor@example.org"})
    assert response.status_code == 302
    assert "no longer count" in client.get("/admin/lrs/actors").get_data(as_text=True)
    with app.app_context():
        assert xapi.statements_for_actor(xapi.account_key(adult.public_id)) == []


def test_bad_links_are_refused_with_a_reason_and_change_nothing(app, client, admin, adult, pupil, login):
    """An unknown learner, an unseen actor, an e-mail actor for a pupil, a missing name."""
    send(app, {"mbox": "mailto:visitor@example.org"})
    login(admin)
    cases = [({"actor_key": "mbox:mailto:visitor@example.org", "learner": "nobody"}, "No account has"),
             ({"actor_key": "mbox:mailto:ghost@example.org", "learner": adult.username}, "No stored statement"),
             ({"actor_key": "mbox:mailto:visitor@example.org", "learner": pupil.username}, "pupil"),
             ({"actor_key": "mbox:mailto:visitor@example.org", "learner": ""}, "Enter the learner"),
             ({"learner": adult.username}, "was not linked")]
    for data, message in cases:
        response = client.post("/admin/lrs/actors/link", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), data
    response = client.post("/admin/lrs/actors/unlink", data={"actor_key": "mbox:mailto:visitor@example.org"})
    assert response.status_code == 400 and "not linked" in response.get_data(as_text=True)
    with app.app_context():
        assert xapi.linked_actor_keys(xapi.account_key(adult.public_id)) == []
        assert xapi.linked_actor_keys(xapi.account_key(pupil.public_id)) == []


def test_the_learners_own_record_page_lists_linked_statements(app, client, admin, adult, login):
    """After the link the learner sees the VR lab's statement on their own record page."""
    send(app, {"mbox": "mailto:visitor@example.org"})
    with app.app_context():
        xapi.link_actor("mbox:mailto:visitor@example.org", xapi.account_key(adult.public_id))
        db.session.commit()
    login(adult)
    page = client.get("/my/record").get_data(as_text=True)
    assert "https://vr-lab.example/solar-system</span>" in page
    assert client.get("/my/record.json").json[0]["actor"] == {"mbox": "mailto:visitor@example.org"}
