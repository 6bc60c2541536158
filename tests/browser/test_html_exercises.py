"""A learner writes an HTML page in an exercise of the shipped course "HTML un CSS": the
editor highlights HTML, the example tests fail on the starter page with a message naming
what is missing, the fixed page passes, and the page works at 390 px wide."""

import pytest
from playwright.sync_api import expect

from lms.content import loader
from lms.content import services as content
from lms.content.services import COURSES_DIR
from lms.extensions import db
from tests.browser.test_exercises import GRADED, replace_code
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def html_course(live_server):
    """The shipped course, imported into the live database (once per session)."""
    with live_server.app_context():
        specs, problems = loader.load(COURSES_DIR)
        assert problems == []
        content.import_specs([spec for spec in specs if spec.slug == "html-css"])
        db.session.commit()


def test_a_learner_fixes_a_page_in_the_html_editor_and_passes(page, accessible, live_user, html_course):
    username, password = live_user("html-page-learner", display_name="Anna Bērziņa")
    sign_in(page, username, password)
    page.goto("/courses/html-css")
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto("/courses/html-css/learn/card-box-model")

    expect(page.get_by_role("heading", name="Preces kartīte un kastes modelis")).to_be_visible()
    expect(page.locator("label[for=code]")).to_contain_text("HTML, CSS")
    expect(page.locator(".cm-editor")).to_be_visible()
    # HTML highlighting: tag names are marked up by the HTML mode, not left as plain text
    expect(page.locator(".cm-content span").filter(has_text="style").first).to_be_visible()
    accessible(page)

    page.get_by_role("button", name="Run the example tests").click()
    results = page.locator("#results")
    expect(results.get_by_text("0 of 2 tests passed.")).to_be_visible(timeout=GRADED)
    expect(results.get_by_text('your style sheet has no rule for the selector "*" (outside @media)')).to_be_visible()
    accessible(page)

    starter = page.locator("textarea[name=code]").input_value()
    fixed = starter.replace(
        ".card {\n        width: 320px;\n        padding: 24px;\n        border: 1px solid #d1d5db;\n      }",
        "*, *::before, *::after { box-sizing: border-box; }\n"
        "      body { margin: 0; font-family: system-ui, sans-serif; line-height: 1.5; }\n"
        "      .card { max-width: 20rem; margin: 2rem auto; padding: 1.5rem;"
        " border: 1px solid #d1d5db; border-radius: 0.5rem; }\n"
        "      .card img { display: block; max-width: 100%; }\n"
        "      .card .price { font-size: 1.25rem; font-weight: bold; }\n"
        "      .card .button { display: inline-block; padding: 0.5rem 1rem; }")
    assert fixed != starter
    replace_code(page, fixed)
    page.get_by_role("button", name="Submit for grading").click()
    expect(results.get_by_text("Every test passed. This exercise is done.")).to_be_visible(timeout=GRADED)
    accessible(page)

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    expect(page.locator(".cm-editor")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
