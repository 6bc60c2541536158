"""A learner solves a code exercise in the page's editor: a failing try, the failing
tests, a fix, a submission that passes, and the course progress moving; then they open
the earlier failing submission from the list and copy its code back. Code is graded off
the page's request: the page waits for each grading's results and shows them."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser

WRONG_SUM = "export function sum(numbers) {\nreturn numbers[0] + numbers[1];\n}\n"
RIGHT_SUM = "export function sum(numbers) {\nreturn numbers.reduce((a, b) => a + b, 0);\n}\n"
ENDLESS = "export function sum(numbers) {\nwhile (true) {}\n}\n"
# A submission's results come no sooner than the time limit plus the grader's margin (3.5 s).
GRADED = 30_000


def replace_code(page, code):
    """Select everything in the editor and put ``code`` in its place, as a paste would."""
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def test_a_learner_fails_then_passes_an_exercise_and_the_progress_moves(page, accessible, live_user):
    """A failing run and submit, a syntax error marked, a pass, progress, work kept, the failing try reopened."""
    username, password = live_user("ilze-coder", display_name="Ilze Kalniņa")
    sign_in(page, username, password)
    page.goto("/courses/code-practice")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("heading", name="Functions in a minute")).to_be_visible()
    page.get_by_role("link", name="Next: Sum of the numbers").click()

    expect(page.get_by_role("heading", name="Sum of the numbers")).to_be_visible()
    expect(page.get_by_text("0% done")).to_be_visible()
    expect(page.locator(".cm-editor")).to_be_visible()          # the real editor replaced the textarea
    expect(page.locator("textarea[name=code]")).to_be_hidden()
    expect(page.get_by_text("press Escape and then Tab")).to_be_visible()
    accessible(page)

    # Tab indents inside the editor; Escape then Tab leaves it for the Run button.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Tab")
    assert page.locator("textarea[name=code]").input_value().endswith("}\n  ")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Run the example tests")).to_be_focused()

    replace_code(page, WRONG_SUM)
    page.get_by_role("button", name="Run the example tests").click()
    results = page.locator("#results")
    expect(results.get_by_text("1 of 2 tests passed.")).to_be_visible(timeout=GRADED)
    expect(results.get_by_text("expected 3 to be 6")).to_be_visible()
    expect(results.locator("li.failed .test-name")).to_have_text(["adds three numbers"])
    accessible(page)

    # Submitted as it is, it fails (a hidden test too) and counts nothing yet.
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("Checking your code…")).to_be_visible()      # the page waits, buttons off
    expect(page.get_by_role("button", name="Run the example tests")).to_be_disabled()
    expect(results.get_by_text("1 of 4 tests passed.")).to_be_visible(timeout=GRADED)
    expect(page.get_by_text("0% done")).to_be_visible()
    expect(results.get_by_text("A hidden test shows only whether it passed")).to_be_visible()
    expect(results.locator("li.failed:has(small) .test-message")).to_have_count(0)  # hidden: no message
    accessible(page)

    replace_code(page, "export function sum(numbers) {\nreturn numbers.reduce(;\n}\n")
    page.get_by_role("button", name="Run the example tests").click()
    expect(results.get_by_text("syntax error on line 2")).to_be_visible(timeout=GRADED)
    expect(page.locator(".cm-lintRange-error, .cm-lint-marker-error").first).to_be_visible()  # marked in the editor

    replace_code(page, RIGHT_SUM)
    page.get_by_role("button", name="Submit for grading").click()
    expect(results.get_by_text("Every test passed. This exercise is done.")).to_be_visible(timeout=GRADED)
    expect(results.get_by_text("an empty array adds up to 0")).to_be_visible()  # hidden test, by name
    expect(page.get_by_text("33% done")).to_be_visible()
    expect(page.locator(".course-nav li.current")).to_have_class(re.compile(r"\bdone\b"))
    # The new best score and the submissions list show at once, without a reload.
    expect(page.locator("#best-score")).to_have_text(re.compile(r"Best score: 100%\s*·\s*Passed"))
    expect(page.locator("ol.submissions li.best")).to_contain_text("Submission 2: 100%")
    accessible(page)

    # The work is kept: a reload opens the learner's own code and the stored result.
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("numbers.reduce((a, b) => a + b, 0)")
    expect(page.get_by_text("Every test passed. This exercise is done.")).to_be_visible()
    expect(page.get_by_text("33% done")).to_be_visible()

    # Reset asks first; saying no keeps the code.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("link", name="Reset to the starter code").click()
    expect(page.locator(".cm-content")).to_contain_text("numbers.reduce")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Reset to the starter code").click()
    expect(page.locator(".cm-content")).to_contain_text("// your code here")

    # The earlier failing submission opens from the list: its code, its failing tests, and
    # the passing one marked as the one that counts; its code can come back into the editor.
    page.reload()
    submissions = page.locator("ol.submissions")
    expect(submissions.locator("li.best")).to_contain_text("Submission 2: 100%")
    expect(submissions.locator("li.best")).to_contain_text("Best: this one counts")
    submissions.get_by_role("link", name="Submission 1: 25%").click()
    expect(page.get_by_role("heading", name="Submission 1")).to_be_visible()
    expect(page.get_by_text("Score: 25%")).to_be_visible()
    expect(page.locator(".submitted-code")).to_contain_text("return numbers[0] + numbers[1];")
    failed = page.locator("#results li.failed")
    expect(failed.locator(".test-name")).to_have_text(["adds three numbers", "an empty array adds up to 0",
                                                       "adds a long list"])
    expect(failed.first.get_by_text("expected 3 to be 6")).to_be_visible()
    expect(page.get_by_text("This replaces the code that is in the editor now")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Copy this code into the editor").click()
    expect(page.get_by_role("heading", name="Sum of the numbers")).to_be_visible()
    expect(page.get_by_text("The editor has the code of submission 1.")).to_be_visible()
    expect(page.locator(".cm-content")).to_contain_text("numbers[0] + numbers[1]")
    expect(page.get_by_text("33% done")).to_be_visible()  # copying changed no result


def check_again_until(page, text, tries=60):
    """Without JavaScript the page does not refresh itself: the learner follows "Check again"."""
    for _ in range(tries):
        if page.get_by_text(text).count():
            return
        page.get_by_role("link", name="Check again").click()
        page.wait_for_timeout(500)
    expect(page.get_by_text(text)).to_be_visible()


def test_a_second_submit_while_one_is_graded_is_refused_with_a_message(page, context, accessible, live_user):
    """An endless loop is being graded; from a second tab the learner submits again: the page
    says their code is already being graded, changes nothing, and shows the first one's
    results (the time limit) when they come."""
    username, password = live_user("impatient-coder")
    sign_in(page, username, password)
    page.goto("/courses/code-practice")
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto("/courses/code-practice/learn/sum-numbers")
    second = context.new_page()
    second.goto("/courses/code-practice/learn/sum-numbers")
    expect(second.locator(".cm-editor")).to_be_visible()

    replace_code(page, ENDLESS)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("Checking your code…")).to_be_visible()

    replace_code(second, RIGHT_SUM)
    second.get_by_role("button", name="Submit for grading").click()
    refusal = second.locator("#results").get_by_text("Your code is already being graded. Wait for its results")
    expect(refusal).to_be_visible()
    accessible(second)
    stopped = "Your code ran longer than the time limit, so it was stopped."
    expect(second.locator("#results").get_by_text(stopped)).to_be_visible(timeout=GRADED)  # it waited for the first
    expect(page.locator("#results").get_by_text(stopped)).to_be_visible(timeout=GRADED)
    expect(page.locator("#results").get_by_text("0 of 4 tests passed.")).to_be_visible()
    # Only the first submission was made; the refused one left nothing behind.
    page.reload()
    expect(page.locator("ol.submissions li")).to_have_count(1)
    expect(page.locator(".cm-content")).to_contain_text("while (true)")

    # Reopened while a grading is going, the page says so and waits for it by itself.
    replace_code(page, WRONG_SUM)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("Checking your code…")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Your submission is being graded.")).to_be_visible()
    accessible(page)
    expect(page.locator("#results").get_by_text("1 of 4 tests passed.")).to_be_visible(timeout=GRADED)


def test_without_javascript_the_exercise_is_a_plain_form_that_still_works(browser, base_url, live_user):
    """The same page with JavaScript off: the textarea form runs, submits and resets on the server.
    (No axe scan here: axe itself needs JavaScript; the journey above scans the same page.)"""
    context = browser.new_context(java_script_enabled=False, locale="en-GB", base_url=base_url)
    page = context.new_page()
    username, password = live_user("no-script-learner")
    sign_in(page, username, password)
    page.goto("/courses/code-practice")
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto("/courses/code-practice/learn/sum-numbers")
    code = page.get_by_label("Your code")
    expect(code).to_be_visible()                                   # the textarea itself, no editor
    expect(page.locator(".cm-editor")).to_have_count(0)
    code.fill(WRONG_SUM)
    page.get_by_role("button", name="Run the example tests").click()
    check_again_until(page, "1 of 2 tests passed.")
    expect(page.get_by_text("expected 3 to be 6")).to_be_visible()
    expect(page.get_by_label("Your code")).to_have_value(WRONG_SUM)
    page.get_by_label("Your code").fill(RIGHT_SUM)
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_text("Your submission is being graded.")).to_be_visible()  # said at once
    expect(page.get_by_label("Your code")).to_have_value(RIGHT_SUM)
    check_again_until(page, "Every test passed. This exercise is done.")
    expect(page.get_by_text("33% done")).to_be_visible()
    page.get_by_role("link", name="Reset to the starter code").click()
    page.get_by_role("button", name="Yes, reset my code").click()
    expect(page.get_by_label("Your code")).to_have_value(re.compile(r"// your code here"))
    context.close()
