"""A request cannot carry more than the site accepts, nor a number no column can hold:
the sender gets a clear 413 or 404, never a 500, and nothing is saved."""

import pytest

from lms import create_app
from lms.accounts.models import User
from lms.config import ConfigError
from lms.extensions import db

BIG = "9" * 25  # beyond any 64-bit id
REGISTER = {"audience": "adult", "username": "janis", "email": "janis@example.org",
            "password": "a good long password", "confirm": "a good long password"}


def users(app):
    with app.app_context():
        return db.session.query(User).count()


def test_a_form_over_the_limit_gets_a_413_page_and_nothing_is_saved(client, app):
    """Registering with a 2 MiB name is refused before the form is read: a page that says why."""
    response = client.post("/register", data={**REGISTER, "display_name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Too much sent" in page
    assert "What you sent is larger than this site accepts (at most 1 MiB). Nothing was saved" in page
    assert users(app) == 0


def test_a_json_client_gets_the_413_as_json(client, app):
    response = client.post("/register", data="x" * (1024 * 1024 + 1), content_type="application/octet-stream",
                           headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert response.json["error"] == "Too much sent"
    assert "at most 1 MiB" in response.json["message"]


def test_the_413_page_speaks_latvian_to_a_latvian_visitor(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    response = client.post("/login", data={"login": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "vairāk, nekā šī vietne pieņem (ne vairāk kā 1 MiB)" in response.get_data(as_text=True)


def test_the_limit_is_a_setting(make_app):
    app = make_app(LMS_MAX_REQUEST_BYTES=200_000)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/register", data={**REGISTER, "display_name": "x" * 250_000})
    assert response.status_code == 413
    assert "at most 195.3 KiB" in response.get_data(as_text=True)
    response = client.post("/register", data={**REGISTER, "display_name": "Jānis"})
    assert response.status_code == 302


def test_a_limit_too_small_for_learners_code_stops_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_MAX_REQUEST_BYTES", "100000")
    with pytest.raises(ConfigError, match="LMS_MAX_REQUEST_BYTES: 100000 is too small for "
                                          "LMS_EXERCISE_MAX_CODE_BYTES=65536; set it to at least 196608"):
        create_app({"SECRET_KEY": "x"})


@pytest.mark.parametrize("path", [
    f"/classes/{BIG}", f"/classes/{BIG}/join-sheet", f"/my/competences/evidence/{BIG}",
    f"/courses/first-steps/learn/basics-check/attempts/{BIG}", f"/admin/lrs/credentials/{BIG}/revoke",
    f"/courses/code-practice/learn/sum-numbers/submissions/{BIG}",
])
def test_a_number_in_the_address_too_large_for_an_id_is_not_found(client, make_user, login, courses, path):
    """An id no column can hold is a plain 404, not a database error."""
    login(make_user("boss", roles=("learner", "teacher", "admin")))
    client.post("/courses/first-steps/enrol")
    client.post("/courses/code-practice/enrol")
    method = client.post if path.endswith("/revoke") else client.get
    assert method(path).status_code == 404


def test_ids_up_to_the_columns_size_are_looked_up(client, make_user, login, courses):
    """The largest id a column holds is looked up (and not found); one more is refused before the database."""
    login(make_user("boss", roles=("learner", "teacher", "admin")))
    assert client.get(f"/classes/{2**31 - 1}").status_code == 404
    assert client.get(f"/classes/{2**31}").status_code == 404
    assert client.get(f"/my/competences/evidence/{2**63 - 1}").status_code == 404
    assert client.get(f"/my/competences/evidence/{2**63}").status_code == 404


@pytest.mark.parametrize("path", [f"/admin/users?page={BIG}", f"/admin/lrs/actors?page={BIG}",
                                  f"/admin/users?page=-{BIG}", "/admin/users?page=" + "9" * 5000])
def test_a_page_number_too_large_shows_an_empty_page(client, admin, login, path):
    login(admin)
    assert client.get(path).status_code == 200
