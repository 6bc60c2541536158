"""The studio's item forms in a browser: an author builds a quiz with every question type
through the form (buttons, no file), is shown the validator's message at the options of a
question without a correct answer, saves; an admin publishes; a learner takes the quiz.
The quiz, exercise and task forms fit a phone and are axe-clean."""

import pytest
from playwright.sync_api import expect

from lms.accounts.services import find_by_login
from lms.extensions import db
from lms.studio import files as studio_files
from lms.studio import services as studio
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser

QUIZ = (b"title: Network check\npass_mark: 60\nquestions:\n"
        b"- {id: q, type: true_false, prompt: Wi-Fi is the internet., answer: false}\n")


def _course(live_server, username, title):
    with live_server.test_request_context(headers={"Accept-Language": "en"}):
        user = find_by_login(username)
        studio.grant_author(user)
        course = studio.create_course(user, {
            "title": title, "summary": "Networks.", "language": "en", "audiences": ["adult"], "track": "studio",
            "level": "beginner", "estimated_hours": 1, "competences": ["digcomp:4.2@2"]})
        studio.add_item(course, user, course.head, "module-1", "quiz", "Network check", QUIZ)
        for kind, item_title in (("exercise", "The answer"), ("task", "Network plan")):
            studio.add_item(course, user, course.head, "module-1", kind, item_title,
                            studio_files.new_item_text(kind, item_title, "digcomp:4.2@2"))
        db.session.commit()
        return course.slug


def test_an_author_builds_a_quiz_of_every_type_and_a_learner_takes_it(
        browser, base_url, accessible, live_server, live_user):
    live_user("forms-admin", roles=("learner", "admin"), display_name="Forms Admin")
    live_user("ms-forms", audience="teacher", roles=("learner", "teacher"), display_name="Inga Forma")
    live_user("learner-forms", display_name="Kārlis Forms")
    slug = _course(live_server, "ms-forms", "Home networks")
    author = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    sign_in(author, "ms-forms", "browser password")
    author.goto(f"/studio/courses/{slug}")
    author.get_by_role("link", name="Network check", exact=True).click()
    expect(author.get_by_role("heading", name="Edit quiz")).to_be_visible()
    accessible(author)

    author.get_by_label("Pass mark (percent of the points)").fill("60")
    author.get_by_label("Attempts allowed (empty for unlimited)").fill("3")
    author.get_by_label("Show the correct answers and feedback").select_option("after_each_attempt")
    # Every button works from the keyboard: focus it and press Enter.
    for name in ("Add: Single choice (one correct option)", "Add: Multiple choice (one or more correct options)",
                 "Add: Number", "Add: Short text answer"):
        author.get_by_role("button", name=name).focus()
        author.keyboard.press("Enter")
        expect(author.get_by_role("button", name=name)).to_be_visible()
    expect(author.locator("fieldset.studio-question")).to_have_count(5)
    author.locator("#questions-1-prompt").fill("Which device connects your home to the internet?")
    author.locator("#questions-1-options-0-text").fill("A router")
    author.locator("#questions-1-options-0-feedback").fill("Yes: the router.")
    author.locator("#questions-1-options-1-text").fill("A keyboard")
    author.locator("#questions-2-prompt").fill("Which of these pass packets on?")
    author.locator("#questions-2-options-0-text").fill("A switch")
    author.locator("#questions-2-options-0-correct").check()
    author.locator("#questions-2-options-1-text").fill("A mouse")
    author.get_by_role("button", name="Add an option to question 3").click()
    author.locator("#questions-2-options-2-text").fill("A router")
    author.locator("#questions-2-options-2-correct").check()
    author.locator("#questions-3-prompt").fill("How many bits are in one byte?")
    author.locator("#questions-3-answer").fill("8")
    author.locator("#questions-4-prompt").fill("Name the device that connects your home network to the internet.")
    author.locator("#questions-4-accepted").fill("router\nmaršrutētājs")
    author.get_by_role("button", name="Save").first.click()

    # Question 2 has no correct option: the validator's message at its options, nothing saved.
    options = author.locator("#questions-1-options")
    expect(options.get_by_text("a single-choice question needs exactly one correct option, not 0")).to_be_visible()
    expect(author.get_by_text("Nothing was saved: the course has problems.")).to_be_visible()
    accessible(author)
    author.locator("#questions-1-options-0-correct").check()
    author.get_by_role("button", name="Move question 5 up").click()
    author.get_by_role("button", name="Save").first.click()
    expect(author.get_by_text("Saved as revision", exact=False)).to_be_visible()
    expect(author.locator("#questions-3-accepted")).to_have_value("router\nmaršrutētājs")
    author.get_by_role("link", name="Home networks").click()
    author.get_by_role("button", name="Submit for review").click()

    admin = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    sign_in(admin, "forms-admin", "browser password")
    admin.goto(f"/studio/courses/{slug}/publish")
    admin.get_by_role("button", name="Yes, publish Home networks").click()
    expect(admin.get_by_text("Published: learners see this version now.")).to_be_visible()

    learner = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    sign_in(learner, "learner-forms", "browser password")
    learner.goto(f"/courses/{slug}")
    learner.get_by_role("button", name="Enrol").first.click()
    learner.goto(f"/courses/{slug}/learn/network-check")
    learner.get_by_role("button", name="Start the quiz").click()
    learner.get_by_role("group", name="Question 1").get_by_label("False").check()
    learner.get_by_role("group", name="Question 2").get_by_label("A router").check()
    learner.get_by_role("group", name="Question 3").get_by_label("A switch").check()
    learner.get_by_role("group", name="Question 3").get_by_label("A router").check()
    learner.get_by_role("group", name="Question 4").get_by_label("Your answer").fill("maršrutētājs")
    learner.get_by_role("group", name="Question 5").get_by_label("Your answer").fill("8")
    learner.get_by_role("button", name="Submit my answers").click()
    expect(learner.get_by_text("You passed.")).to_be_visible()
    expect(learner.get_by_text("Yes: the router.")).to_be_visible()  # per-option feedback, shown after each attempt
    accessible(learner)


def test_the_item_forms_fit_a_phone_and_are_axe_clean(browser, base_url, accessible, live_server, live_user):
    live_user("mr-forms-phone", audience="teacher", roles=("learner", "teacher"), display_name="Pēteris Forma")
    slug = _course(live_server, "mr-forms-phone", "Networks on a phone")
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, "mr-forms-phone", "browser password")
    for item, button in (("network-check", "Add: Number"), ("the-answer", "Add a test: Hidden tests"),
                         ("network-plan", "Add a criterion")):
        phone.goto(f"/studio/courses/{slug}/items/{item}")
        phone.get_by_role("button", name=button).click()
        accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), item
    phone.get_by_label("Find a competence by name").fill("privacy")
    shown = phone.locator("#competences option:not([hidden])")
    expect(shown.first).to_contain_text("privacy")
    assert 0 < shown.count() < phone.locator("#competences option").count()
    assert all("privacy" in text for text in shown.all_inner_texts())
    phone.goto(f"/studio/courses/{slug}/items/network-check/remove")
    accessible(phone)
