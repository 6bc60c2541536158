"""The main pages work under their Content-Security-Policy: nothing is refused on any of
them, the code editor is styled and runs code, the charts draw, and axe still scans."""

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from lms.xapi import credentials
from tests.browser.test_exercises import replace_code
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser

RIGHT_SUM = "export function sum(numbers) {\nreturn numbers.reduce((a, b) => a + b, 0);\n}\n"


def opens(page, path, heading, csp):
    """Open ``path``, see its heading, and find no policy violation on the way."""
    page.goto(path)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    page.wait_for_load_state("load")
    assert csp.problems() == []


def test_the_watcher_sees_a_violation(page, csp):
    """The listener the journeys rely on does report a refused inline script."""
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.injected = true"; document.body.append(s); }""")
    for _ in range(100):  # the report comes back through the binding a moment later
        if len(csp.problems()) >= 2:
            break
        page.wait_for_timeout(20)
    assert page.evaluate("() => window.injected") is None
    assert any("script-src-elem refused inline" in v for v in csp.problems()), csp.problems()
    assert any(v.startswith("console: ") for v in csp.problems()), csp.problems()
    csp.clear()  # seen: the fixture need not fail this test


def test_the_main_pages_break_no_rule_of_their_policy(page, accessible, live_user, live_server, csp):
    """Home, catalogue, course, lesson, quiz, exercise (a run in the editor), my learning,
    competences, class, programme, admin and LRS pages, sign-in, register and join."""
    opens(page, "/", "Learn digital skills in your city", csp)
    opens(page, "/login", "Sign in", csp)
    opens(page, "/register", "Create an account", csp)
    opens(page, "/join", "Join a class", csp)
    opens(page, "/password/reset", "Forgot your password?", csp)
    accessible(page)  # axe is injected and runs under the policy

    boss, password = live_user("csp-boss", roles=("learner", "teacher", "admin"), audience="teacher")
    for number in range(5):  # enough people for the programme's figures to be shown, and drawn
        live_user(f"csp-adult-{number}")
    with live_server.app_context():
        credentials.issue("VR lab", ["all"])
        db.session.commit()
    sign_in(page, boss, password)
    opens(page, "/courses", "Courses", csp)
    opens(page, "/courses/first-steps", "First steps online", csp)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("heading", name="Welcome", exact=True)).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("heading", name="Safe passwords")).to_be_visible()
    opens(page, "/courses/first-steps/learn/basics-check", "Basics check", csp)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()

    # The exercise: the editor is styled (CodeMirror's <style> carries the nonce) and a run shows results.
    opens(page, "/courses/code-practice", "Code practice", csp)
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto("/courses/code-practice/learn/sum-numbers")
    editor = page.locator(".cm-editor")
    expect(editor).to_be_visible()
    assert editor.evaluate("(e) => getComputedStyle(e).display") == "flex"  # CodeMirror's own styles apply
    assert page.locator("head style[nonce]").count() >= 1
    replace_code(page, "export function sum(numbers) {\nreturn numbers.reduce(;\n}\n")
    page.get_by_role("button", name="Run the example tests").click()
    marker = page.locator(".cm-lint-marker-error").first
    expect(marker).to_be_visible()
    # The error marks are drawn from the site's own files, not from data: images the policy refuses.
    assert "/static/img/lint-error.svg" in marker.evaluate("(e) => getComputedStyle(e).content")
    assert "/static/img/lint-underline.svg" in page.locator(".cm-lintRange-error").first.evaluate(
        "(e) => getComputedStyle(e).backgroundImage")
    replace_code(page, RIGHT_SUM)
    page.get_by_role("button", name="Run the example tests").click()
    expect(page.locator("#results").get_by_text("Every example test passed.")).to_be_visible()
    accessible(page)
    assert csp.problems() == []

    opens(page, "/my", "My learning", csp)
    opens(page, "/my/competences", "My competences", csp)
    expect(page.locator("svg.competence-chart").first).to_be_visible()
    accessible(page)
    opens(page, "/my/record", "My learning record", csp)
    opens(page, "/account", "My account", csp)

    opens(page, "/classes", "My classes", csp)
    page.get_by_label("Class name").fill("Robotics club")
    page.get_by_label("School activity; parents were informed on the date below").check()
    page.get_by_label("Date parents were informed or consent collected").fill("2026-09-01")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", name="Robotics club")).to_be_visible()
    page.get_by_role("link", name="Printable join sheet").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("() => window.printed") is True  # the button works without an onclick attribute

    opens(page, "/admin/programme", "Programme figures", csp)
    expect(page.locator("svg.competence-chart").first).to_be_visible()
    accessible(page)
    opens(page, "/admin/users", "Users", csp)
    opens(page, "/admin/users/new", "New account", csp)
    opens(page, "/admin/lrs/credentials", "LRS credentials", csp)
    opens(page, "/admin/lrs/actors", "External actors", csp)
    opens(page, "/admin/lrs/forwarding", "Forwarding to an external LRS", csp)
    opens(page, "/admin/competences/mappings", "Competence mappings", csp)
    accessible(page)
    assert csp.problems() == []
    assert re.match(r"default-src 'self'", page.request.get("/").headers["content-security-policy"])
