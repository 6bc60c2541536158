"""Flow helpers for tests about sign-in sessions: browsers of their own, signed in through
the real login form, and fresh browsers that present copied cookies."""

from lms.accounts import services, sessions
from tests.factories import PASSWORD

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.4 Mobile/15E148 Safari/604.1")


def signed_in(app, user, password=PASSWORD, remember=False, user_agent=FIREFOX_LINUX):
    """A browser of its own, signed in as ``user`` through the login form."""
    browser = app.test_client()
    browser.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=user_agent)
    data = {"login": user.username, "password": password, **({"remember": "y"} if remember else {})}
    response = browser.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert browser.get("/account").status_code == 200
    return browser


def replay(app, **cookies):
    """A fresh browser that presents the given cookies, as someone who copied them would."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def cookies_of(browser):
    return {name: browser.get_cookie(name).value for name in ("session", "remember_token")
            if browser.get_cookie(name) is not None}


def is_signed_in(browser) -> bool:
    response = browser.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def live_count(app, username):
    with app.app_context():
        return len(sessions.live_sessions(services.find_by_login(username)))
