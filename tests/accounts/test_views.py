import re

from lms.accounts import services
from lms.accounts.models import User
from lms.extensions import db
from tests.factories import PASSWORD

NEW = {"audience": "adult", "display_name": "Jānis Bērziņš", "username": "janis",
       "email": "janis@example.org", "password": "a good long password", "confirm": "a good long password"}


def count_users(app):
    with app.app_context():
        return db.session.query(User).count()


def test_an_adult_registers_and_is_signed_in(client, app):
    response = client.post("/register", data=NEW, follow_redirects=True)
    assert response.status_code == 200
    assert "Welcome, Jānis Bērziņš" in response.get_data(as_text=True)
    assert "Sign out" in response.get_data(as_text=True)
    with app.app_context():
        user = services.find_by_login("janis")
        assert user.audience == "adult" and user.roles == {"learner"} and user.email == "janis@example.org"


def test_a_teacher_registers_as_a_teacher_audience(client, app):
    client.post("/register", data={**NEW, "audience": "teacher"})
    with app.app_context():
        assert services.find_by_login("janis").audience == "teacher"


def test_a_taken_username_is_named_and_typed_values_kept_but_not_the_password(client, app, make_user):
    make_user("janis")
    response = client.post("/register", data={**NEW, "email": "new@example.org"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This username is taken" in page
    assert 'value="new@example.org"' in page and 'value="Jānis Bērziņš"' in page
    assert "a good long password" not in page
    assert count_users(app) == 1


def test_a_taken_email_is_named(client, make_user):
    make_user("someone", email="janis@example.org")
    page = client.post("/register", data=NEW).get_data(as_text=True)
    assert "An account with this e-mail address already exists" in page


def test_mismatched_passwords_and_bad_email_are_named(client, app):
    page = client.post("/register", data={**NEW, "confirm": "different", "email": "not-an-email"}).get_data(as_text=True)
    assert "The two passwords differ" in page
    assert "Invalid email address" in page or "e-mail" in page
    assert 'aria-invalid="true"' in page
    assert count_users(app) == 0


def test_posting_pupil_as_audience_to_register_is_refused(client, app):
    response = client.post("/register", data={**NEW, "audience": "pupil"})
    assert response.status_code == 200
    assert count_users(app) == 0


def test_login_with_username_or_email(client, make_user):
    make_user("janis")
    for identifier in ("janis", "JANIS@example.org"):
        response = client.post("/login", data={"login": identifier, "password": PASSWORD})
        assert response.status_code == 302
        client.post("/logout")


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user):
    make_user("janis")
    wrong = client.post("/login", data={"login": "janis", "password": "nope nope"}).get_data(as_text=True)
    unknown = client.post("/login", data={"login": "nobody", "password": "nope nope"}).get_data(as_text=True)
    message = "The username, e-mail address or password is not right."
    assert message in wrong and message in unknown
    assert 'value="janis"' in wrong  # what was typed stays


def test_a_deactivated_user_cannot_sign_in(client, make_user):
    make_user("gone", active=False)
    page = client.post("/login", data={"login": "gone", "password": PASSWORD}).get_data(as_text=True)
    assert "is not right" in page


def test_a_user_deactivated_while_signed_in_is_signed_out(client, app, adult, login):
    login(adult)
    assert client.get("/account").status_code == 200
    with app.app_context():
        services.find_by_login("adult").active = False
        db.session.commit()
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_next_redirect_stays_on_the_site(client, adult):
    ok = client.post("/login?next=/account", data={"login": "adult", "password": PASSWORD})
    assert ok.headers["Location"] == "/account"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/login", query_string={"next": evil}, data={"login": "adult", "password": PASSWORD})
        assert response.headers["Location"] == "/", evil
        client.post("/logout")


def test_a_protected_page_sends_you_to_login_and_back(client, adult):
    response = client.get("/account")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    back = client.post(location, data={"login": "adult", "password": PASSWORD})
    assert back.headers["Location"] == "/account"


def test_remember_me_sets_a_long_lived_cookie(client, adult):
    client.post("/login", data={"login": "adult", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_remember_cookie(client, adult):
    client.post("/login", data={"login": "adult", "password": PASSWORD})
    assert client.get_cookie("remember_token") is None


def test_logout_signs_out(client, adult, login):
    login(adult)
    response = client.post("/logout", follow_redirects=True)
    assert "You have signed out." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_logout_by_get_is_not_allowed(client, adult, login):
    login(adult)
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_change_password(client, adult, login):
    login(adult)
    wrong = client.post("/account/password", data={"current_password": "wrong one",
                                                   "new_password": "new password 1", "confirm": "new password 1"})
    assert "The current password is not right." in wrong.get_data(as_text=True)
    ok = client.post("/account/password", data={"current_password": PASSWORD,
                                                "new_password": "new password 1", "confirm": "new password 1"})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"login": "adult", "password": "new password 1"}).status_code == 302


def test_settings_save_name_and_language(client, app, adult, login):
    login(adult)
    client.post("/account", data={"display_name": "Anna K", "locale": "lv"})
    with app.app_context():
        user = services.find_by_login("adult")
        assert (user.display_name, user.locale) == ("Anna K", "lv")
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="lv">' in page


def test_empty_display_name_is_refused(client, app, adult, login):
    login(adult)
    response = client.post("/account", data={"display_name": "  ", "locale": ""})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)


def reset_link(caplog) -> str:
    text = "\n".join(record.getMessage() for record in caplog.records if record.name == "lms.mail")
    match = re.search(r"http://127\.0\.0\.1:5000(/password/reset/\S+)", text)
    assert match, text
    return match.group(1)


def test_password_reset_by_emailed_link(client, adult, caplog):
    caplog.set_level("INFO", logger="lms.mail")
    response = client.post("/password/reset", data={"email": "ADULT@example.org"}, follow_redirects=True)
    assert "we have sent it a link" in response.get_data(as_text=True)
    path = reset_link(caplog)
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": "brand new secret", "confirm": "brand new secret"})
    assert done.status_code == 302
    assert client.post("/login", data={"login": "adult", "password": "brand new secret"}).status_code == 302
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 400 and "not valid any more" in again.get_data(as_text=True)


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, caplog):
    caplog.set_level("INFO", logger="lms.mail")
    response = client.post("/password/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "we have sent it a link" in response.get_data(as_text=True)
    assert not [r for r in caplog.records if r.name == "lms.mail"]


def test_forged_reset_link_says_so_and_changes_nothing(client, adult):
    response = client.post("/password/reset/not-a-real-token", data={"password": "brand new secret",
                                                                   "confirm": "brand new secret"})
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert client.post("/login", data={"login": "adult", "password": PASSWORD}).status_code == 302


def test_expired_reset_link_says_so(make_app, make_user):
    app = make_app(LMS_PASSWORD_RESET_MAX_AGE=-1)
    user = make_user("janis")
    token = services.make_reset_token(user, app.config["SECRET_KEY"])
    client = app.test_client()
    response = client.get(f"/password/reset/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(make_app, make_user):
    app = make_app(LMS_LOGIN_RATE_LIMIT="3 per minute")
    make_user("janis")
    client = app.test_client()
    codes = [client.post("/login", data={"login": "janis", "password": "wrong pass"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many attempts" in client.post("/login", data={"login": "janis", "password": PASSWORD},
                                              headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the form is not limited


def test_two_app_servers_share_login_limits_through_redis(make_app, make_user):
    """With several app servers, an attacker cannot multiply attempts by server."""
    import os
    import uuid

    import pytest

    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LMS_REQUIRE_REDIS") == "1":
            pytest.fail("LMS_REQUIRE_REDIS=1 but LMS_TEST_REDIS_URL is not set")
        pytest.skip("set LMS_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test Redis storage")
    settings = {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4()}",
                "LMS_LOGIN_RATE_LIMIT": "4 per minute"}
    first, second = make_app(**settings), make_app(**settings)
    make_user("janis")
    codes = []
    for app in (first, second, first, second, first):
        codes.append(app.test_client().post("/login", data={"login": "janis", "password": "wrong pass"}).status_code)
    assert codes == [200, 200, 200, 200, 429]
    import redis

    store = redis.Redis.from_url(url)
    keys = store.keys(f"*{settings['RATELIMIT_KEY_PREFIX']}*")
    assert keys, "the counters live in Redis, where every app server sees them"
    store.delete(*keys)
    store.close()


SPOOFED = "Anna\u202enimda"  # shown as "Annaadmin"


def test_a_name_or_username_with_a_hidden_character_is_refused_at_registration(client, app):
    """Registering as "Anna‮nimda" (shown reversed) is refused with the field named; no account is made."""
    response = client.post("/register", data={**NEW, "display_name": SPOOFED})
    page = response.get_data(as_text=True)
    assert "“Display name” contains an invisible or text-direction character (U+202E RIGHT-TO-LEFT OVERRIDE)." \
           in page
    assert 'aria-invalid="true"' in page
    response = client.post("/register", data={**NEW, "username": "jan\u200bis"})
    assert "“Username” contains an invisible or text-direction character (U+200B ZERO WIDTH SPACE)." \
           in response.get_data(as_text=True)
    assert count_users(app) == 0


def test_the_refusal_is_in_latvian_for_a_latvian_visitor(client, app):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    page = client.post("/register", data={**NEW, "display_name": "Anna\u2066"}).get_data(as_text=True)
    assert "„Attēlojamais vārds” satur neredzamu vai teksta virzienu mainošu rakstzīmi (U+2066 LEFT-TO-RIGHT " \
           "ISOLATE)." in page
    assert count_users(app) == 0


def test_the_account_page_refuses_a_hidden_character_in_the_name(client, app, adult, login):
    login(adult)
    response = client.post("/account", data={"display_name": "Adult\ufeff", "locale": ""})
    assert "“Display name” contains an invisible or text-direction character (U+FEFF ZERO WIDTH NO-BREAK SPACE)." \
           in response.get_data(as_text=True)
    with app.app_context():
        assert services.find_by_login("adult").display_name == "Adult"
