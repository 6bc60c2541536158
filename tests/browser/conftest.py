"""Browser journeys: Debian's Chromium driven by pytest-playwright against a live server.

Without Chromium these tests skip, unless ``LMS_REQUIRE_BROWSER=1`` (CI) makes that a
failure. A screenshot of a failing test is kept under ``test-results/``.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from lms import create_app
from lms.accounts import services
from lms.content import services as content
from lms.extensions import db
from tests.conftest import FIXTURE_COURSES

CHROMIUM = Path(os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium"))
_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("LMS_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and LMS_REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        # Quiet start-up: no background calls to the outside, which this network refuses.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real app on a free loopback port, on its own SQLite database."""
    folder = tmp_path_factory.mktemp("live")
    os.environ.setdefault("LMS_INSTANCE_PATH", str(folder))
    app = create_app({
        "SECRET_KEY": "browser-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
        "LMS_LOGIN_RATE_LIMIT": "1000 per minute",
        "LMS_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    })
    with app.app_context():
        db.create_all()
        content.import_courses(FIXTURE_COURSES)
        db.session.commit()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Replaces pytest-base-url's fixture: pages are opened relative to the live server."""
    return live_server.config["LIVE_URL"]


# Reported from inside the page through a binding, which (like the init script) the
# page's Content-Security-Policy does not govern. One kind is set apart: when a learner
# types over a selection in the code editor, Chromium's own editing puts a style
# attribute (the deleted text's colour) on the line it merges, CodeMirror removes it at
# once, and the policy refusing it changes nothing anyone sees. Any other refusal counts.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const editing = event.effectiveDirective === "style-src-attr" && event.target instanceof Element
    && event.target.closest(".cm-content[contenteditable=true]") !== null;
  window.lmsCspViolation(editing, `${location.pathname}: ${event.effectiveDirective} refused `
    + `${event.blockedURI || "inline"} ${JSON.stringify(event.sample || "")} `
    + `(${event.sourceFile || "page"}:${event.lineNumber})`);
}, true);
"""


class CspWatch:
    """The violations a page reported, as events (``securitypolicyviolation``) and as the
    console's "... violates the following Content Security Policy directive" messages."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.console: list[str] = []
        self.editing = 0  # Chromium's own style attributes in the editor (see above)

    def event(self, editing: bool, text: str) -> None:
        if editing:
            self.editing += 1
        else:
            self.events.append(text)

    def message(self, text: str) -> None:
        if "Content Security Policy" in text:
            self.console.append(text)

    def problems(self) -> list[str]:
        """Every violation that counts; each set-apart event has one console message too."""
        console, skip = [], self.editing
        for text in self.console:
            if skip and text.startswith("Applying inline style violates"):
                skip -= 1
                continue
            console.append("console: " + text)
        return self.events + console

    def clear(self) -> None:
        self.events.clear()
        self.console.clear()
        self.editing = 0


@pytest.fixture
def csp(page) -> CspWatch:
    """The Content-Security-Policy violations on the pages ``page`` opens; the ``page``
    fixture fails any journey that leaves one."""
    return page.lms_csp


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test on any Content-Security-Policy violation."""
    watch = CspWatch()
    page.expose_function("lmsCspViolation", lambda editing, text: watch.event(editing, text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: watch.message(message.text))
    page.lms_csp = watch
    yield page
    assert watch.problems() == [], "Content-Security-Policy violations: " + "; ".join(watch.problems())


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def live_user(live_server):
    """``live_user("name", roles=...)`` creates an account on the live server's database."""

    def make(username: str, password: str = "browser password", **fields):
        fields.setdefault("audience", "adult")
        fields.setdefault("display_name", username.title())
        if fields["audience"] != "pupil":
            fields.setdefault("email", f"{username}@example.org")
        with live_server.app_context():
            services.create_user(username=username, password=password, **fields)
            db.session.commit()
        return username, password

    return make


def axe_problems(page, options: dict | None = None) -> list[str]:
    """Serious or critical axe-core violations, and text axe could only call "needs review"
    because it is the colour of its background (white on white): axe reports a 1:1
    contrast as incomplete, not as a violation, yet nobody can read that text."""
    results = _axe.run(page, options={"resultTypes": ["violations", "incomplete"], **(options or {})}).response
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in bad]
    for check in results["incomplete"]:
        if check["id"] != "color-contrast":
            continue
        for node in check["nodes"]:
            data = next((c.get("data") or {} for c in node.get("any", []) if c.get("id") == "color-contrast"), {})
            ratio, expected = data.get("contrastRatio"), data.get("expectedContrastRatio")
            if data.get("messageKey") == "equalRatio" or (ratio and expected and ratio < float(str(expected).split(":")[0])):
                problems.append(f"color-contrast: {data.get('fgColor')} on {data.get('bgColor')} "
                                f"(ratio {ratio}) at {node['target']}")
    return problems


@pytest.fixture
def accessible():
    """``accessible(page)`` scans the page with axe-core: no serious or critical problem,
    and no text the colour of its background."""

    def check(page) -> None:
        problems = axe_problems(page)
        assert problems == [], f"{page.url}: " + "; ".join(problems)

    return check


DESTRUCTIVE = "main .danger, main .danger-outline, main .link-button"


@pytest.fixture
def readable_in_every_state():
    """``readable_in_every_state(page)``: axe's colour-contrast check on the page as it is,
    then with the pointer over each destructive control, then with each one focused, so a
    button that turns invisible on hover or focus fails too. Returns how many it checked."""

    def check(page, selector: str = DESTRUCTIVE) -> int:
        only_contrast = {"runOnly": ["color-contrast"]}
        problems = [f"as shown: {p}" for p in axe_problems(page, only_contrast)]
        controls = page.locator(selector)
        for index in range(controls.count()):
            control = controls.nth(index)
            if not control.is_visible():
                continue
            name = control.inner_text().strip()
            control.hover()
            problems += [f"{name!r} hovered: {p}" for p in axe_problems(page, only_contrast)]
            control.focus()
            page.mouse.move(0, 0)
            problems += [f"{name!r} focused: {p}" for p in axe_problems(page, only_contrast)]
        assert problems == [], f"{page.url}: " + "; ".join(problems)
        return controls.count()

    return check
