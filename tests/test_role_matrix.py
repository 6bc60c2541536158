"""Every route, opened by every kind of visitor, answers as the matrix says.

A new route fails ``test_the_matrix_covers_every_route`` until it is added here, so the
matrix grows with the application."""

import pytest

from lms.accounts import services

ANON, PUPIL, ADULT, TEACHER, ADMIN = "anonymous", "pupil", "adult", "teacher", "admin"
VISITORS = (ANON, PUPIL, ADULT, TEACHER, ADMIN)


def everyone(code):
    return dict.fromkeys(VISITORS, code)


def signed_in(code):
    return {ANON: 302, PUPIL: code, ADULT: code, TEACHER: code, ADMIN: code}


def admin_only(code):
    return {ANON: 302, PUPIL: 403, ADULT: 403, TEACHER: 403, ADMIN: code}


# (endpoint, method): (path builder, form data, expected status per visitor)
MATRIX = {
    ("static", "GET"): (lambda s: "/static/css/site.css", None, everyone(200)),
    ("core.home", "GET"): (lambda s: "/", None, everyone(200)),
    ("core.healthz", "GET"): (lambda s: "/healthz", None, everyone(200)),
    ("core.set_language", "POST"): (lambda s: "/language", {"locale": "en"}, everyone(302)),
    ("accounts.register", "GET"): (lambda s: "/register", None, {**everyone(302), ANON: 200}),
    ("accounts.register", "POST"): (lambda s: "/register", {}, {**everyone(302), ANON: 200}),
    ("accounts.login", "GET"): (lambda s: "/login", None, {**everyone(302), ANON: 200}),
    ("accounts.login", "POST"): (lambda s: "/login", {}, {**everyone(302), ANON: 200}),
    ("accounts.logout", "POST"): (lambda s: "/logout", {}, everyone(302)),
    ("accounts.settings", "GET"): (lambda s: "/account", None, signed_in(200)),
    ("accounts.settings", "POST"): (lambda s: "/account", {}, signed_in(200)),
    ("accounts.change_password", "GET"): (lambda s: "/account/password", None, signed_in(200)),
    ("accounts.change_password", "POST"): (lambda s: "/account/password", {}, signed_in(200)),
    ("accounts.request_password_reset", "GET"): (lambda s: "/password/reset", None, everyone(200)),
    ("accounts.request_password_reset", "POST"): (lambda s: "/password/reset", {}, everyone(200)),
    ("accounts.reset_password", "GET"): (lambda s: f"/password/reset/{s['token']}", None, everyone(200)),
    ("accounts.reset_password", "POST"): (lambda s: f"/password/reset/{s['token']}", {}, everyone(200)),
    ("admin.list_users", "GET"): (lambda s: "/admin/users", None, admin_only(200)),
    ("admin.create_user", "GET"): (lambda s: "/admin/users/new", None, admin_only(200)),
    ("admin.create_user", "POST"): (lambda s: "/admin/users/new", {}, admin_only(200)),
    ("admin.show_user", "GET"): (lambda s: f"/admin/users/{s['subject']}", None, admin_only(200)),
    ("admin.update_roles", "POST"): (lambda s: f"/admin/users/{s['subject']}/roles",
                                     {"roles": ["learner"]}, admin_only(302)),
    ("admin.set_active", "POST"): (lambda s: f"/admin/users/{s['subject']}/active",
                                   {"active": "1"}, admin_only(302)),
}


@pytest.fixture
def app(make_app):
    # The walk signs in once per route; the login limit is tested in tests/accounts.
    return make_app(LMS_LOGIN_RATE_LIMIT="1000 per minute")


def test_the_matrix_covers_every_route(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - MATRIX.keys() == set(), "add these routes to the role matrix"
    assert MATRIX.keys() - routes == set(), "these routes no longer exist"


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_route_answers_each_visitor_as_expected(app, client, make_user, login, visitor):
    subject = make_user("subject")
    with app.app_context():
        token = services.make_reset_token(services.find_by_login("subject"), app.config["SECRET_KEY"])
    make_user("keeper", roles=("admin",))  # so the admin under test is never the last one
    if visitor != ANON:
        roles = {PUPIL: ("learner",), ADULT: ("learner",), TEACHER: ("learner", "teacher"),
                 ADMIN: ("learner", "admin")}[visitor]
        audience = {PUPIL: "pupil", ADULT: "adult", TEACHER: "teacher", ADMIN: "adult"}[visitor]
        user = make_user(f"{visitor}-user", audience=audience, roles=roles)
    values = {"subject": subject.public_id, "token": token}

    wrong = []
    for (endpoint, method), (path, data, expected) in sorted(MATRIX.items()):
        if visitor != ANON:
            client.delete_cookie("session")
            login(user)
        response = client.open(path(values), method=method, data=data)
        response.close()
        if response.status_code != expected[visitor]:
            wrong.append(f"{method} {endpoint}: {response.status_code}, expected {expected[visitor]}")
        if visitor == ANON and expected[visitor] == 302 and endpoint.startswith("admin."):
            assert "/login" in response.headers["Location"]
    assert wrong == []
