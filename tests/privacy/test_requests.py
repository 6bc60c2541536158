"""Erasure requests: who may ask, the admin's decision, and what is kept afterwards."""

import sqlalchemy as sa

from lms.accounts.models import User
from lms.extensions import db
from lms.privacy.models import ErasureRequest
from lms.teaching import services as teaching
from tests import factories


def make_class(app):
    """A teacher with a pupil in their class, another teacher, and an admin."""
    with app.app_context():
        teacher = factories.make_user("ms-ozola", audience="teacher", roles=("learner", "teacher"),
                                      display_name="Ilze Ozola")
        factories.make_user("mr-berzins", audience="teacher", roles=("learner", "teacher"))
        factories.make_user("admin", roles=("learner", "admin"))
        school_class = teaching.create_class(teacher, "Year 5")
        pupil = teaching.join(school_class, username="anna-b", display_name="Anna Bērziņa",
                              password=factories.PASSWORD)
        db.session.commit()
        return str(pupil.public_id), pupil.id


def sign_in(client, username):
    client.post("/logout")
    response = client.post("/login", data={"login": username, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_a_teacher_asks_to_erase_a_pupil_and_an_admin_approves(app, client):
    """The request waits for an admin; approved, the pupil is erased and the request says so without their name."""
    public_id, pupil_id = make_class(app)
    sign_in(client, "ms-ozola")
    assert "Ask to erase Anna Bērziņa" in client.get(f"/privacy/erasure/{public_id}").get_data(as_text=True)
    response = client.post(f"/privacy/erasure/{public_id}", data={"reason": "Anna's family moved to Rīga."})
    assert response.status_code == 302
    again = client.post(f"/privacy/erasure/{public_id}", data={"reason": ""})
    assert again.status_code == 400 and "already open" in again.get_data(as_text=True)
    sign_in(client, "admin")
    with app.app_context():
        request_id = db.session.scalar(sa.select(ErasureRequest.id))
    page = client.get(f"/admin/privacy/requests/{request_id}").get_data(as_text=True)
    assert "Anna Bērziņa" in page and "family moved" in page and "their teacher" in page
    ask = client.get(f"/admin/privacy/requests/{request_id}/approve").get_data(as_text=True)
    assert "Yes, erase Anna Bērziņa" in ask
    response = client.post(f"/admin/privacy/requests/{request_id}/approve")
    assert response.status_code == 302
    page = client.get(f"/admin/privacy/requests/{request_id}").get_data(as_text=True)
    assert "Approved: erased" in page and "Anna" not in page and "family moved" not in page
    with app.app_context():
        pupil = db.session.get(User, pupil_id)
        assert pupil.erased_at is not None and pupil.username != "anna-b"
    sign_in(client, "ms-ozola")
    assert "Anna" not in client.get("/classes").get_data(as_text=True)


def test_only_the_person_their_teacher_or_an_admin_may_ask(app, client):
    """Another teacher, or an adult asking about a pupil, gets a 404 and nothing is recorded."""
    public_id, _ = make_class(app)
    with app.app_context():
        factories.make_user("adult")
    for username in ("mr-berzins", "adult"):
        sign_in(client, username)
        assert client.get(f"/privacy/erasure/{public_id}").status_code == 404
        assert client.post(f"/privacy/erasure/{public_id}", data={"reason": "x"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ErasureRequest)) == 0


def test_a_person_asks_for_their_own_erasure_and_sees_the_refusal_with_its_reason(app, client):
    with app.app_context():
        adult = factories.make_user("adult")
        factories.make_user("admin", roles=("learner", "admin"))
        public_id = str(adult.public_id)
    sign_in(client, "adult")
    assert client.post(f"/privacy/erasure/{public_id}", data={"reason": ""}).status_code == 302
    assert "Waiting for a decision" in client.get("/my/privacy").get_data(as_text=True)
    sign_in(client, "admin")
    with app.app_context():
        request_id = db.session.scalar(sa.select(ErasureRequest.id))
    empty = client.post(f"/admin/privacy/requests/{request_id}/refuse", data={"reason": " "})
    assert empty.status_code == 400 and "This field is required." in empty.get_data(as_text=True)
    response = client.post(f"/admin/privacy/requests/{request_id}/refuse",
                           data={"reason": "Your certificate is needed for the grant report until June."})
    assert response.status_code == 302
    assert client.post(f"/admin/privacy/requests/{request_id}/approve").status_code == 302
    sign_in(client, "adult")
    page = client.get("/my/privacy").get_data(as_text=True)
    assert "Refused" in page and "grant report until June" in page


def test_approving_the_erasure_of_the_last_admin_is_refused_and_changes_nothing(app, client):
    with app.app_context():
        factories.make_user("admin", roles=("learner", "admin"))
    sign_in(client, "admin")
    with app.app_context():
        admin_id = db.session.scalar(sa.select(User.public_id).where(User.username == "admin"))
    assert client.post(f"/privacy/erasure/{admin_id}", data={"reason": ""}).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(sa.select(ErasureRequest.id))
    response = client.post(f"/admin/privacy/requests/{request_id}/approve", follow_redirects=True)
    assert "last active administrator" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ErasureRequest, request_id).status == "open"
        assert db.session.scalar(sa.select(User.erased_at).where(User.username == "admin")) is None
