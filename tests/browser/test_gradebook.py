"""A teacher follows a class in the gradebook, opens a pupil's code from a cell, comments
on one of its lines and exports the gradebook; the pupil gets the notification and sees
the comment on the exercise's page and who opened their work. Every page axe-clean, at
desktop width and at 390 px (the gradebook's table scrolls in its own box)."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from lms.catalog import services as catalog
from lms.content import services as content
from lms.extensions import db
from lms.learning import services as learning
from lms.tasks import services as tasks
from lms.teaching import services as teaching
from tests.browser.test_journeys import sign_in
from tests.gradebook.conftest import submit_code
from tests.tasks.conftest import TASK_COURSES

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def fits(page):
    """Nothing sticks out sideways at this width: the page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_a_teacher_follows_up_in_the_gradebook_and_the_pupil_sees_the_feedback(
        browser, base_url, accessible, live_server, live_user):
    teacher, teacher_password = live_user("ms-kalna", audience="teacher", roles=("learner", "teacher"),
                                          display_name="Ilze Ozola")
    with live_server.test_request_context():
        content.import_courses(TASK_COURSES)
        school_class = teaching.create_class(teaching.accounts.find_by_login(teacher), "Coding club")
        teaching.assign_course(school_class, catalog.get_course("project-work"),
                               due_at=datetime.utcnow() + timedelta(days=3))
        code_course = catalog.get_course("code-practice")
        teaching.assign_course(school_class, code_course)
        pupil = teaching.join(school_class, username="juris-gb", display_name="Juris", password="pupil password")
        teaching.join(school_class, username="liga-gb", display_name="Līga", password="pupil password")
        tasks.save(learning.active_enrollment(pupil, catalog.get_course("project-work")),
                   catalog.find_item(catalog.get_course("project-work"), "reflection"), text="I learnt.",
                   hand_in=True)
        submit_code(learning.active_enrollment(pupil, code_course), catalog.find_item(code_course, "sum-numbers"))
        db.session.commit()
        class_id = school_class.id
    desk = browser.new_context(base_url=base_url, locale="en-GB", accept_downloads=True)
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport=PHONE)
    try:
        page = desk.new_page()
        sign_in(page, teacher, teacher_password)
        page.goto("/classes")
        expect(page.get_by_text("1 hand-in waits for your review.")).to_be_visible()
        page.goto(f"/classes/{class_id}")
        page.get_by_role("link", name="Gradebook", exact=True).click()
        expect(page.get_by_role("heading", name="Gradebook: Coding club")).to_be_visible()
        expect(page.get_by_role("rowheader", name="Juris")).to_be_visible()
        expect(page.get_by_role("rowheader", name="Līga")).to_be_visible()
        accessible(page)
        page.get_by_label("Show").select_option("needs_review")
        page.get_by_role("button", name="Apply").click()
        expect(page.get_by_text("1 of 2 learners: Needs review.")).to_be_visible()
        expect(page.get_by_role("rowheader", name="Līga")).to_have_count(0)
        page.set_viewport_size(PHONE)
        accessible(page)
        fits(page)
        page.set_viewport_size({"width": 1280, "height": 800})
        with page.expect_download() as download:
            page.get_by_role("link", name="Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        assert download.value.suggested_filename.endswith(".csv")

        page.goto(f"/classes/{class_id}/gradebook")
        page.get_by_role("link", name="Juris, Sum of the numbers").click()
        expect(page.get_by_text("return a - b;")).to_be_visible()
        expect(page.get_by_text("hidden test")).to_be_visible()
        page.get_by_text("Comment on this").click()
        page.get_by_label("Line (optional)").fill("2")
        page.get_by_label("Comment for the learner").fill("Add the numbers: use **+** here.")
        accessible(page)
        page.get_by_role("button", name="Send the comment").click()
        expect(page.get_by_text("Your comment is saved; Juris is notified.")).to_be_visible()
        page.set_viewport_size(PHONE)
        accessible(page)
        fits(page)

        learner = phone.new_page()
        sign_in(learner, "juris-gb", "pupil password")
        learner.get_by_role("link", name="Notifications").click()
        learner.get_by_role("link", name="You have feedback on Sum of the numbers").click()
        expect(learner.get_by_role("heading", name="Feedback on your work")).to_be_visible()
        expect(learner.get_by_text("line 2").first).to_be_visible()
        expect(learner.get_by_text("viewed your work here")).to_be_visible()
        accessible(learner)
        fits(learner)
        learner.goto("/my/feedback")
        expect(learner.get_by_text("Your teacher Ilze Ozola commented on your work on")).to_be_visible()
        accessible(learner)
        fits(learner)
    finally:
        desk.close()
        phone.close()
