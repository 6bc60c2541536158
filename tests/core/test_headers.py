"""Every response carries the security headers, and every page holds only what its
Content-Security-Policy lets run (the browser journeys check the same in Chromium)."""

import re
from html.parser import HTMLParser

import pytest

from lms.teaching import services as teaching
from lms.extensions import db
from tests.conftest import ALL_CORRECT

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def nonce_of(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{22})'", policy).group(1)


@pytest.mark.parametrize("method, path, kwargs, status, kind", [
    ("get", "/", {}, 200, "page"),
    ("get", "/nowhere", {}, 404, "page"),
    ("get", "/account", {}, 302, "page"),
    ("post", "/register", {"data": "x" * (1024 * 1024 + 1), "content_type": "text/plain"}, 413, "page"),
    ("get", "/healthz", {}, 200, "other"),
    ("get", "/static/css/site.css", {}, 200, "other"),
    ("get", "/static/favicon.svg", {}, 200, "other"),
    ("get", "/xapi/about", {}, 200, "other"),
    ("get", "/xapi/statements", {"headers": {"X-Experience-API-Version": "1.0.3"}}, 401, "other"),
    ("get", "/nowhere", {"headers": {"Accept": "application/json"}}, 404, "other"),
])
def test_every_kind_of_response_carries_the_security_headers(client, method, path, kwargs, status, kind):
    """Pages, errors, redirects, JSON, static files and the LRS: nosniff, no framing, no referrer abroad."""
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    if kind == "page":
        assert policy.startswith("default-src 'self'; script-src 'self' 'nonce-")
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "form-action 'self'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy
    else:
        assert policy.startswith("default-src 'none'")
    assert "Strict-Transport-Security" not in response.headers  # the test site is served over http
    response.close()


def test_each_page_gets_its_own_nonce(client):
    assert nonce_of(client.get("/")) != nonce_of(client.get("/"))


def test_https_sites_ask_browsers_to_stay_on_https(make_app):
    client = make_app(LMS_BASE_URL="https://learn.example.lv").test_client()
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000"


class _Blocked(HTMLParser):
    """What in a page the policy would block: inline scripts and style elements without the
    page's nonce, style attributes, event-handler attributes, javascript: addresses, and
    anything loaded from another site."""

    def __init__(self, nonce: str) -> None:
        super().__init__()
        self.nonce, self.found = nonce, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") and not attrs.get("src") and attrs.get("nonce") != self.nonce:
            self.found.append(f"inline <{tag}> without the nonce")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name in ("src", "href", "action", "formaction") and value:
                if value.strip().lower().startswith("javascript:"):
                    self.found.append(f"javascript: {name} on <{tag}>")
                if tag in ("script", "img", "iframe") or (tag == "link" and attrs.get("rel") != "canonical"):
                    if re.match(r"^(https?:)?//", value):
                        self.found.append(f"<{tag} {name}={value}> from another site")

    handle_startendtag = handle_starttag


def blocked(response) -> list[str]:
    parser = _Blocked(nonce_of(response))
    parser.feed(response.get_data(as_text=True))
    return parser.found


@pytest.fixture
def lived_in(app, client, make_user, login, courses):
    """A site with a little of everything: a class with a pupil, a passed quiz, a code
    submission; returns the paths of its pages and who may open them."""
    teacher = make_user("teacher", audience="teacher", roles=("learner", "teacher", "admin"))
    with app.app_context():
        school_class = teaching.create_class(teacher, "Robotics club")
        db.session.commit()
        class_id, code = school_class.id, school_class.join_code
    login(teacher)
    client.post(f"/classes/{class_id}/courses", data={"course": "1"})
    client.post("/courses/first-steps/enrol")
    client.post("/courses/code-practice/enrol")
    client.post("/courses/first-steps/learn/basics-check/attempts")
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    client.post("/courses/code-practice/learn/sum-numbers/run", data={"code": "export const sum = () => 0;"})
    return class_id, code


PAGES = ["/courses", "/courses/first-steps", "/courses/first-steps/learn/welcome",
         "/courses/first-steps/learn/basics-check", "/courses/first-steps/learn/basics-check/attempts/1",
         "/courses/code-practice/learn/sum-numbers", "/courses/code-practice/learn/sum-numbers/reset",
         "/certificates", "/my", "/my/competences", "/my/record",
         "/account", "/account/password", "/classes", "/classes/{class_id}",
         "/classes/{class_id}/join-sheet", "/admin/users", "/admin/users/new", "/admin/programme",
         "/admin/lrs/credentials", "/admin/lrs/actors", "/admin/lrs/forwarding", "/admin/competences/mappings"]


def test_no_page_holds_what_its_policy_would_block(client, lived_in):
    """No page relies on an inline script, a style attribute or an onclick (the print buttons did)."""
    class_id, code = lived_in
    found = {}
    for path in PAGES:
        response = client.get(path.format(class_id=class_id))
        assert response.status_code == 200, path
        if blocked(response):
            found[path] = blocked(response)
    client.post("/logout")
    for path in ["/login", "/register", f"/join?code={code}", "/password/reset"]:
        response = client.get(path)
        assert response.status_code == 200, path
        if blocked(response):
            found[path] = blocked(response)
    assert found == {}
