import uuid

from lms.accounts import services
from lms.extensions import db


def test_admin_lists_and_searches_users(client, admin, adult, pupil, login):
    login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "3 accounts found." in page
    assert all(name in page for name in ("admin", "adult", "pupil"))
    found = client.get("/admin/users", query_string={"q": "pup"}).get_data(as_text=True)
    assert "1 account found." in found and ">pupil<" in found and ">adult<" not in found
    by_role = client.get("/admin/users", query_string={"role": "admin"}).get_data(as_text=True)
    assert "1 account found." in by_role


def test_bad_filter_values_are_ignored_not_an_error(client, admin, login):
    login(admin)
    response = client.get("/admin/users", query_string={"role": "emperor", "page": "-4", "status": "x"})
    assert response.status_code == 200


def test_admin_creates_a_pupil_without_email(client, app, admin, login):
    login(admin)
    response = client.post("/admin/users/new", data={
        "audience": "pupil", "display_name": "Anna", "username": "anna7",
        "email": "", "password": "pupil password", "roles": ["learner"]})
    assert response.status_code == 302
    with app.app_context():
        pupil = services.find_by_login("anna7")
        assert pupil.audience == "pupil" and pupil.email is None


def test_a_pupil_with_an_email_is_refused_with_the_field_named(client, app, admin, login):
    login(admin)
    page = client.post("/admin/users/new", data={
        "audience": "pupil", "display_name": "Anna", "username": "anna7",
        "email": "anna@example.org", "password": "pupil password", "roles": ["learner"]}).get_data(as_text=True)
    assert "Pupils&#39; accounts have no e-mail address." in page or "Pupils' accounts have no e-mail address." in page
    with app.app_context():
        assert services.find_by_login("anna7") is None


def test_admin_changes_roles(client, app, admin, adult, login):
    login(admin)
    response = client.post(f"/admin/users/{adult.public_id}/roles", data={"roles": ["learner", "teacher"]})
    assert response.status_code == 302
    with app.app_context():
        assert services.find_by_login("adult").roles == {"learner", "teacher"}


def test_the_last_admin_cannot_remove_their_own_admin_role(client, app, admin, login):
    login(admin)
    response = client.post(f"/admin/users/{admin.public_id}/roles", data={"roles": ["learner"]})
    assert response.status_code == 400
    assert "last administrator" in response.get_data(as_text=True)
    with app.app_context():
        assert "admin" in services.find_by_login("admin").roles


def test_the_last_admin_cannot_be_deactivated(client, app, admin, login):
    login(admin)
    page = client.post(f"/admin/users/{admin.public_id}/active", data={"active": "0"},
                       follow_redirects=True).get_data(as_text=True)
    assert "last administrator" in page
    with app.app_context():
        assert services.find_by_login("admin").active


def test_deactivate_and_reactivate(client, app, admin, adult, login):
    login(admin)
    client.post(f"/admin/users/{adult.public_id}/active", data={"active": "0"})
    with app.app_context():
        assert not services.find_by_login("adult").active
    page = client.get(f"/admin/users/{adult.public_id}").get_data(as_text=True)
    assert "Reactivate" in page
    client.post(f"/admin/users/{adult.public_id}/active", data={"active": "1"})
    with app.app_context():
        assert services.find_by_login("adult").active


def test_an_unknown_user_is_404_and_a_bad_active_value_400(client, admin, adult, login):
    login(admin)
    assert client.get(f"/admin/users/{uuid.uuid4()}").status_code == 404
    assert client.get("/admin/users/not-a-uuid").status_code == 404
    assert client.post(f"/admin/users/{adult.public_id}/active", data={"active": "maybe"}).status_code == 400


def test_user_list_pages_keep_the_filters(client, app, admin, login, make_user):
    with app.app_context():
        for number in range(55):
            services.create_user(username=f"kid{number:02d}", password="pupil password", display_name="Kid",
                                 audience="pupil")
        db.session.commit()
    login(admin)
    page = client.get("/admin/users", query_string={"audience": "pupil"}).get_data(as_text=True)
    assert "55 accounts found." in page and "Page 1 of 2" in page
    assert "audience=pupil" in page and "page=2" in page


def test_an_admin_cannot_create_an_account_with_a_hidden_character_in_its_name(client, app, admin, login):
    login(admin)
    page = client.post("/admin/users/new", data={
        "audience": "pupil", "display_name": "An\u202dna", "username": "anna7",
        "email": "", "password": "pupil password", "roles": ["learner"]}).get_data(as_text=True)
    assert "“Display name” contains an invisible or text-direction character (U+202D LEFT-TO-RIGHT OVERRIDE)." \
           in page
    with app.app_context():
        assert services.find_by_login("anna7") is None
