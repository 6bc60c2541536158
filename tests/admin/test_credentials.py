"""The admin's page of one LRS credential: the right to speak for the platform's learners,
granted, withdrawn and kept on record, and the actors linked from its statements."""

import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.xapi import credentials
from lms.xapi import services as xapi
from lms.xapi.models import CredentialGrant
from tests import factories
from tests.xapi.test_api import statement


def issue(app, name="VR lab", scopes=("statements/write",)):
    with app.app_context():
        credential, _ = credentials.issue(name, list(scopes))
        db.session.commit()
        return credential.id


def test_admin_grants_and_withdraws_the_right_and_the_record_keeps_both(app, client, admin, login):
    """The page says what the right means; granted, with a reason, it shows who granted it;
    withdrawn, both steps stay listed, and the list of credentials marks only a grant in force."""
    credential_id = issue(app)
    login(admin)
    page = client.get(f"/admin/lrs/credentials/{credential_id}").get_data(as_text=True)
    assert "may not send statements about the platform’s learners" in page
    assert "This right has never been granted" in page
    response = client.post(f"/admin/lrs/credentials/{credential_id}/grant",
                           data={"reason": "Agreement with the VR lab of 12 March"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "“VR lab” may now send statements about the platform’s learners." in page
    assert "These credentials may send statements about the platform’s learners." in page
    assert "Agreement with the VR lab of 12 March" in page and f"{admin.display_name} ({admin.username})" in page
    assert "speaks for the platform’s learners" in client.get("/admin/lrs/credentials").get_data(as_text=True)
    response = client.post(f"/admin/lrs/credentials/{credential_id}/withdraw", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "may no longer send statements about the platform’s learners" in page
    assert "in force" not in page and page.count(f"{admin.display_name} ({admin.username})") == 2
    assert "speaks for the platform’s learners" not in client.get("/admin/lrs/credentials").get_data(as_text=True)
    with app.app_context():
        grant, = db.session.scalars(sa.select(CredentialGrant))
        assert grant.granted_by == admin.public_id and grant.withdrawn_by == admin.public_id
        assert grant.withdrawn_at >= grant.granted_at


def test_refusals_on_the_credential_page_say_why_and_change_nothing(app, client, admin, login):
    """Withdrawing what was never granted, granting twice, a reason too long, a revoked
    credential, an unknown one."""
    credential_id = issue(app)
    login(admin)
    response = client.post(f"/admin/lrs/credentials/{credential_id}/withdraw")
    assert response.status_code == 400 and "have no right to speak" in response.get_data(as_text=True)
    response = client.post(f"/admin/lrs/credentials/{credential_id}/grant", data={"reason": "r" * 201})
    assert response.status_code == 400 and "200" in response.get_data(as_text=True)
    assert client.post(f"/admin/lrs/credentials/{credential_id}/grant").status_code == 302
    response = client.post(f"/admin/lrs/credentials/{credential_id}/grant")
    assert response.status_code == 400 and "already" in response.get_data(as_text=True)
    revoked_id = issue(app, "Old exhibit")
    client.post(f"/admin/lrs/credentials/{revoked_id}/revoke")
    page = client.get(f"/admin/lrs/credentials/{revoked_id}").get_data(as_text=True)
    assert "Revoked on" in page and "Grant the right" not in page
    response = client.post(f"/admin/lrs/credentials/{revoked_id}/grant")
    assert response.status_code == 400 and "revoked" in response.get_data(as_text=True)
    assert client.get("/admin/lrs/credentials/999999").status_code == 404
    assert client.post("/admin/lrs/credentials/999999/grant").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CredentialGrant)) == 1


def test_the_grant_form_needs_its_csrf_token(make_app):
    """With CSRF on (as in production), a grant without the form's token is refused."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.make_user("chief", roles=("learner", "admin"))
        credential, _ = credentials.issue("VR lab", ["all"])
        db.session.commit()
        credential_id = credential.id
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"login": "chief", "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    for action in ("grant", "withdraw"):
        refused = client.post(f"/admin/lrs/credentials/{credential_id}/{action}")
        assert refused.status_code == 400 and "The form had expired" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CredentialGrant)) == 0


def test_the_page_lists_the_actors_linked_from_its_statements(app, client, admin, adult, login):
    """An actor the VR lab named, once linked to a learner, is listed on the VR lab's page."""
    with app.app_context():
        credential, _ = credentials.issue("VR lab", ["all"])
        xapi.record([statement(actor={"mbox": "mailto:ann@example.org"})], authority=credentials.authority(credential))
        xapi.link_actor("mbox:mailto:ann@example.org", xapi.account_key(adult.public_id))
        db.session.commit()
        credential_id = credential.id
    login(admin)
    page = client.get(f"/admin/lrs/credentials/{credential_id}").get_data(as_text=True)
    assert "mailto:ann@example.org" in page and f"{adult.display_name} ({adult.username})" in page


@pytest.mark.parametrize("path, data", [
    ("/admin/lrs/credentials", {"name": "VR lab\x00", "scopes": ["all"]}),
    ("/admin/lrs/credentials/{id}/grant", {"reason": "agreed\x00"}),
    ("/admin/lrs/actors/link", {"actor_key": "mbox:mailto:ann@example.org\x00", "learner": "admin"}),
    ("/admin/lrs/actors/link", {"actor_key": "mbox:mailto:ann@example.org", "learner": "ad\x00min"}),
    ("/admin/lrs/actors/unlink", {"actor_key": "mbox:mailto:ann@example.org\x00"}),
    ("/admin/competences/mappings", {"activity_id": "https://lab.example/a", "competence": "digcomp:4.2@5\x00"}),
])
def test_u0000_in_the_lrs_admin_forms_is_refused_at_the_field(app, client, admin, login, path, data):
    """PostgreSQL can neither store nor compare it: a 400 naming the character, nothing changed."""
    credential_id = issue(app)
    login(admin)
    response = client.post(path.format(id=credential_id), data=data)
    assert response.status_code == 400
    assert "not allowed (U+0000)" in response.get_data(as_text=True)
    with app.app_context():
        assert len(credentials.all_credentials()) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CredentialGrant)) == 0


def test_u0000_in_the_actor_search_is_shown_and_ignored(client, admin, login):
    login(admin)
    response = client.get("/admin/lrs/actors", query_string={"q": "ann\x00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "not allowed (U+0000)" in page and "0 external actors." in page
