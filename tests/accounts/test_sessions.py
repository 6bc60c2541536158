"""Sign-in sessions end when they should: signing out, a new password, deactivation and
"sign out everywhere" refuse every cookie of the sessions they end, even copied ones."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login.utils import encode_cookie

from lms.accounts import services, sessions
from lms.accounts.models import SignInSession
from lms.core.clock import utcnow
from lms.extensions import db
from tests.accounts.test_views import reset_link
from tests.signins import (CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE, cookies_of, is_signed_in, live_count,
                            replay, signed_in)
from tests.factories import PASSWORD


# Signing out --------------------------------------------------------------------------

def test_a_session_cookie_copied_before_signing_out_does_not_work_after(app, adult):
    """Someone who copied my session cookie is signed out when I sign out."""
    browser = signed_in(app, adult)
    copied = cookies_of(browser)
    assert is_signed_in(replay(app, **copied))
    browser.post("/logout")
    assert not is_signed_in(browser)
    assert not is_signed_in(replay(app, **copied))


def test_a_remember_me_cookie_copied_before_signing_out_does_not_work_after(app, adult):
    """A "keep me signed in" cookie stops working when I sign out, even a copy of it."""
    browser = signed_in(app, adult, remember=True)
    remember = {"remember_token": browser.get_cookie("remember_token").value}
    assert is_signed_in(replay(app, **remember)), "the cookie alone signs in before signing out"
    browser.post("/logout")
    assert not is_signed_in(replay(app, **remember))


def test_signing_out_on_one_device_leaves_the_others_signed_in(app, adult):
    """Signing out on my phone does not sign me out on my laptop."""
    laptop, phone = signed_in(app, adult), signed_in(app, adult, user_agent=SAFARI_IPHONE)
    phone.post("/logout")
    assert is_signed_in(laptop) and not is_signed_in(phone)


def test_cookies_from_before_sign_in_sessions_are_refused(app, adult):
    """After the upgrade everyone signs in again: a cookie naming only the account's id
    (what cookies carried before) signs no one in."""
    with app.test_request_context():
        session_cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": str(adult.public_id), "_fresh": True})
        remember_cookie = encode_cookie(str(adult.public_id))
    assert not is_signed_in(replay(app, session=session_cookie))
    assert not is_signed_in(replay(app, remember_token=remember_cookie))


def test_the_database_keeps_only_a_hash_of_the_token(app, adult):
    """A copy of the database does not hold anything a browser could present."""
    browser = signed_in(app, adult, remember=True)
    with app.app_context():
        stored = db.session.scalars(sa.select(SignInSession)).one()
    remember = browser.get_cookie("remember_token").value
    assert stored.token_hash not in remember
    assert stored.token_hash == sessions.hash_token(remember.split("|")[0])


# A new password -------------------------------------------------------------------------

def test_changing_the_password_signs_out_every_other_device_and_keeps_this_one(app, adult):
    """After I change my password, my other devices and their "keep me signed in" cookies
    need the new password; I stay signed in where I changed it."""
    here = signed_in(app, adult)
    elsewhere = signed_in(app, adult, remember=True, user_agent=CHROME_WINDOWS)
    copied = cookies_of(elsewhere)
    response = here.post("/account/password", data={"current_password": PASSWORD, "new_password": "new password 1",
                                                    "confirm": "new password 1"}, follow_redirects=True)
    assert "Every other device signed in to your account is signed out." in response.get_data(as_text=True)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(replay(app, remember_token=copied["remember_token"]))
    assert live_count(app, "adult") == 1


def test_a_wrong_current_password_signs_nobody_out(app, adult):
    """A refused password change changes nothing, sessions included."""
    here, elsewhere = signed_in(app, adult), signed_in(app, adult, remember=True)
    here.post("/account/password", data={"current_password": "not my password", "new_password": "new password 1",
                                         "confirm": "new password 1"})
    assert is_signed_in(here) and is_signed_in(elsewhere)


def test_resetting_the_password_by_the_emailed_link_signs_out_every_device(app, adult, caplog):
    """Whoever signed in with the old password, kept signed in or not, is signed out once I
    reset it."""
    caplog.set_level("INFO", logger="lms.mail")
    laptop = signed_in(app, adult, remember=True)
    phone = signed_in(app, adult, user_agent=SAFARI_IPHONE)
    copied = cookies_of(laptop)
    visitor = replay(app)
    visitor.post("/password/reset", data={"email": "adult@example.org"})
    path = reset_link(caplog)
    done = visitor.post(path, data={"password": "brand new secret", "confirm": "brand new secret"},
                        follow_redirects=True)
    assert "every device signed in to your account is signed out" in done.get_data(as_text=True)
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert not is_signed_in(replay(app, **copied))
    assert not is_signed_in(replay(app, remember_token=copied["remember_token"]))
    assert live_count(app, "adult") == 0
    assert is_signed_in(signed_in(app, adult, password="brand new secret"))


def test_a_reset_from_a_device_that_was_signed_in_signs_it_out_too(app, adult, caplog):
    """Resetting from a browser that is signed in leaves no session behind."""
    caplog.set_level("INFO", logger="lms.mail")
    browser = signed_in(app, adult, remember=True)
    copied = cookies_of(browser)
    browser.post("/password/reset", data={"email": "adult@example.org"})
    browser.post(reset_link(caplog), data={"password": "brand new secret", "confirm": "brand new secret"})
    assert not is_signed_in(browser) and not is_signed_in(replay(app, **copied))


def test_a_new_password_set_by_someone_else_ends_every_session(ctx, make_user):
    """A password a teacher sets for a pupil (or any new password not set from one of the
    account's own sessions) signs the account out everywhere."""
    pupil = make_user("pupil1", audience="pupil")
    for remember in (False, True):
        sessions.start(pupil, user_agent=FIREFOX_LINUX, remember=remember)
    db.session.commit()
    services.set_password(pupil, "teacher chose this")
    db.session.commit()
    assert sessions.live_sessions(pupil) == []
    reasons = db.session.scalars(sa.select(SignInSession.end_reason)).all()
    assert reasons == ["password-changed", "password-changed"]


# Sign out everywhere ------------------------------------------------------------------

def test_the_account_page_lists_where_i_am_signed_in(app, adult):
    """I can see each device I am signed in on, when I signed in and when it was last used,
    and which one I am using."""
    signed_in(app, adult, user_agent=CHROME_WINDOWS, remember=True)
    here = signed_in(app, adult, user_agent=FIREFOX_LINUX)
    page = here.get("/account").get_data(as_text=True)
    assert "Where you are signed in" in page
    assert "Firefox on Linux" in page and "Chrome on Windows" in page
    firefox_row = page[page.index("Firefox on Linux"):].split("</tr>")[0]
    chrome_row = page[page.index("Chrome on Windows"):].split("</tr>")[0]
    assert "this device" in firefox_row and "this device" not in chrome_row
    assert "kept signed in" in chrome_row and "kept signed in" not in firefox_row
    assert "Sign out everywhere else" in page


def test_sign_out_everywhere_asks_first_saying_what_it_does(app, adult):
    """The confirmation says how many devices will be signed out and lists them; asking
    changes nothing."""
    signed_in(app, adult, user_agent=CHROME_WINDOWS, remember=True)
    signed_in(app, adult, user_agent=SAFARI_IPHONE)
    here = signed_in(app, adult)
    page = here.get("/account/sign-out-everywhere").get_data(as_text=True)
    assert "This signs your account out on 2 other devices and browsers" in page
    assert "You stay signed in here." in page
    assert "Chrome on Windows" in page and "Mobile Safari on iOS" in page and "Firefox on Linux" not in page
    assert 'method="post"' in page and "Yes, sign out everywhere else" in page
    assert live_count(app, "adult") == 3


def test_sign_out_everywhere_ends_every_other_session_and_keeps_this_one(app, adult):
    """After "sign out everywhere", my other devices and their copied cookies are signed out;
    I am not."""
    elsewhere = [signed_in(app, adult, user_agent=CHROME_WINDOWS, remember=True),
                 signed_in(app, adult, user_agent=SAFARI_IPHONE)]
    copied = [cookies_of(browser) for browser in elsewhere]
    here = signed_in(app, adult)
    response = here.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "You are signed out on 2 other devices. This one stays signed in." in response.get_data(as_text=True)
    assert is_signed_in(here)
    assert not any(is_signed_in(browser) for browser in elsewhere)
    assert not any(is_signed_in(replay(app, **cookies)) for cookies in copied)
    assert not is_signed_in(replay(app, remember_token=copied[0]["remember_token"]))
    assert live_count(app, "adult") == 1
    page = here.get("/account").get_data(as_text=True)
    assert "You are signed in on this device only." in page


def test_sign_out_everywhere_only_touches_my_own_account(app, adult, make_user):
    """Another learner's sessions are not mine to end."""
    other = make_user("other")
    theirs = signed_in(app, other)
    signed_in(app, adult).post("/account/sign-out-everywhere")
    assert is_signed_in(theirs)


def test_sign_out_everywhere_needs_the_form_token(make_app, make_user):
    """A page elsewhere cannot sign me out everywhere: without the CSRF token the POST is
    refused and nothing ends."""
    app = make_app(WTF_CSRF_ENABLED=True)
    adult = make_user("adult")
    elsewhere = signed_in_with_csrf(app, adult)
    here = signed_in_with_csrf(app, adult)
    assert here.post("/account/sign-out-everywhere").status_code == 400
    assert is_signed_in(elsewhere) and live_count(app, "adult") == 2


def signed_in_with_csrf(app, user):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    form = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert browser.post("/login", data={"login": user.username, "password": PASSWORD,
                                        "csrf_token": token}).status_code == 302
    return browser


# Lifetime and cost ------------------------------------------------------------------------

def age(app, username, **changes):
    """Move ``username``'s sessions into the past."""
    with app.app_context():
        for sign_in in db.session.scalars(sa.select(SignInSession).join(SignInSession.user)
                                          .where(SignInSession.user.has(username=username))):
            for field, delta in changes.items():
                setattr(sign_in, field, getattr(sign_in, field) - delta)
        db.session.commit()


def test_last_active_moves_on_as_the_session_is_used_but_not_on_every_page(app, adult):
    """"Last active" follows use within a few minutes, without a write on every page view."""
    browser = signed_in(app, adult)
    with app.app_context():
        before = db.session.scalars(sa.select(SignInSession)).one()
    age(app, "adult", last_seen_at=timedelta(minutes=2))
    browser.get("/my")
    with app.app_context():
        fresh = db.session.scalars(sa.select(SignInSession)).one()
        assert fresh.last_seen_at == before.last_seen_at - timedelta(minutes=2), "no write within five minutes"
    age(app, "adult", last_seen_at=timedelta(minutes=10), expires_at=timedelta(minutes=10))
    browser.get("/my")
    with app.app_context():
        touched = db.session.scalars(sa.select(SignInSession)).one()
        assert utcnow() - touched.last_seen_at < timedelta(minutes=1)
        assert touched.expires_at - touched.last_seen_at == timedelta(hours=24)


def test_a_session_not_kept_signed_in_ends_after_a_day_unused(app, adult):
    """Without "keep me signed in", a browser left unused for LMS_SESSION_IDLE_HOURS has to
    sign in again; one kept signed in does not."""
    kept = signed_in(app, adult, remember=True, user_agent=CHROME_WINDOWS)
    not_kept = signed_in(app, adult)
    age(app, "adult", last_seen_at=timedelta(hours=25), expires_at=timedelta(hours=25),
        created_at=timedelta(hours=25))
    assert not is_signed_in(not_kept)
    assert is_signed_in(kept)
    assert live_count(app, "adult") == 1


def test_a_kept_session_ends_when_its_cookie_would(app, adult):
    """The server does not honour a "keep me signed in" cookie past its own lifetime (365
    days), whatever the browser does with its expiry date."""
    browser = signed_in(app, adult, remember=True)
    remember = browser.get_cookie("remember_token").value
    age(app, "adult", created_at=timedelta(days=366), expires_at=timedelta(days=366))
    assert not is_signed_in(replay(app, remember_token=remember))


def test_finding_the_signed_in_user_is_one_read(app, adult):
    """Each page view of a signed-in user costs one read for the session, the account and
    its roles together."""
    browser = signed_in(app, adult)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert browser.get("/").status_code == 302  # to the dashboard
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    about_accounts = [s for s in statements if any(t in s for t in ("sign_in_session", "user_account", "user_role"))]
    assert len(about_accounts) == 1, about_accounts
    assert "sign_in_session" in about_accounts[0] and "user_role" in about_accounts[0]


def test_signing_in_again_forgets_sessions_that_stopped_a_month_ago(app, adult):
    """Ended sessions are kept for 30 days, then deleted the next time the account signs in."""
    signed_in(app, adult).post("/logout")
    signed_in(app, adult).post("/logout")
    age(app, "adult", ended_at=timedelta(days=31), created_at=timedelta(days=31), last_seen_at=timedelta(days=31),
        expires_at=timedelta(days=31))
    signed_in(app, adult)
    with app.app_context():
        rows = db.session.scalars(sa.select(SignInSession)).all()
        assert len(rows) == 1 and rows[0].ended_at is None


# What is kept about the device ------------------------------------------------------------

@pytest.mark.parametrize("user_agent, expected", [
    (FIREFOX_LINUX, ("Firefox", "Linux")),
    (CHROME_WINDOWS, ("Chrome", "Windows")),
    (SAFARI_IPHONE, ("Mobile Safari", "iOS")),
    ("curl/8.5.0", ("curl", None)),
    ("", (None, None)),
    ("\x00" * 5000, (None, None)),
])
def test_the_device_is_its_browser_and_system_without_versions(user_agent, expected):
    """The account page names a device by browser and system; nothing finer is kept."""
    assert sessions.describe_device(user_agent) == expected


def test_no_address_or_version_is_stored_with_a_session(app, adult):
    """Only the browser and system names are kept about the device: no IP address, no version."""
    signed_in(app, adult, user_agent=CHROME_WINDOWS)
    with app.app_context():
        row = db.session.execute(sa.select(SignInSession.__table__)).mappings().one()
    assert "127.0.0.1" not in repr(dict(row)) and "124.0" not in repr(dict(row))
    assert (row["browser"], row["os"]) == ("Chrome", "Windows")


def test_an_unnamed_device_is_shown_as_an_unknown_browser(app, adult):
    """A browser that sends no User-Agent is still listed, plainly."""
    page = signed_in(app, adult, user_agent="").get("/account").get_data(as_text=True)
    assert "An unknown browser" in page
