"""A pupil hands in a task with a file on a phone; the teacher reviews it with the rubric
and asks for another try; the pupil hands in again and is accepted, and the work counts
as assessed evidence. Every page axe-clean, at desktop width and at 390 px."""

import re

import pytest
from playwright.sync_api import expect

from lms.catalog import services as catalog
from lms.content import services as content
from lms.extensions import db
from lms.teaching import services as teaching
from tests.browser.test_journeys import sign_in
from tests.tasks.conftest import PDF, TASK_COURSES

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def fits(page):
    """Nothing sticks out sideways at this width."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_a_pupil_hands_in_gets_another_try_and_is_accepted(browser, base_url, accessible, live_server, live_user,
                                                             tmp_path):
    teacher, teacher_password = live_user("ms-liepa", audience="teacher", roles=("learner", "teacher"),
                                          display_name="Ilze Liepa")
    with live_server.test_request_context():
        content.import_courses(TASK_COURSES)
        school_class = teaching.create_class(teaching.accounts.find_by_login(teacher), "Teachers' club")
        teaching.assign_course(school_class, catalog.get_course("project-work"))
        teaching.join(school_class, username="juris-task", display_name="Juris", password="pupil password")
        db.session.commit()
    plan = tmp_path / "plāns.pdf"
    plan.write_bytes(PDF)
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport=PHONE)
    desk = browser.new_context(base_url=base_url, locale="en-GB")
    try:
        pupil, reviewer = phone.new_page(), desk.new_page()
        sign_in(pupil, "juris-task", "pupil password")
        pupil.goto("/courses/project-work/learn/lesson-plan")
        expect(pupil.get_by_role("heading", name="Plan a flipped lesson")).to_be_visible()
        expect(pupil.get_by_text("Reviewed by your class teacher.")).to_be_visible()
        accessible(pupil)
        fits(pupil)
        pupil.get_by_label("Your answer").fill("Pupils watch a video at home and answer two questions.")
        pupil.get_by_label("Add files").set_input_files(str(plan))
        pupil.get_by_role("button", name="Hand in for review").click()
        expect(pupil.get_by_text("Hand-in 1 is waiting for review")).to_be_visible()
        expect(pupil.get_by_role("link", name="plāns.pdf").first).to_be_visible()
        accessible(pupil)
        fits(pupil)

        sign_in(reviewer, teacher, teacher_password)
        reviewer.get_by_role("link", name="Reviews").click()
        expect(reviewer.get_by_text("1 hand-in is waiting.")).to_be_visible()
        accessible(reviewer)
        reviewer.get_by_role("link", name="Juris: Plan a flipped lesson").click()
        expect(reviewer.get_by_text("Pupils watch a video at home")).to_be_visible()
        with reviewer.expect_download() as download:
            reviewer.get_by_role("link", name="plāns.pdf").click()
        assert download.value.suggested_filename == "plāns.pdf"
        accessible(reviewer)
        # The rubric with the keyboard: a radio group per criterion, arrows move between levels.
        reviewer.get_by_label(re.compile("^Missing")).focus()
        reviewer.keyboard.press("ArrowDown")
        expect(reviewer.get_by_label(re.compile("^Vague"))).to_be_checked()
        reviewer.get_by_label(re.compile("^Listening only")).check()
        reviewer.get_by_label("Comment for the learner").fill("Plan **what pupils do** in class.")
        reviewer.get_by_label("Ask for another try").check()
        reviewer.set_viewport_size(PHONE)
        accessible(reviewer)
        fits(reviewer)
        reviewer.get_by_role("button", name="Save the review").click()
        expect(reviewer.get_by_text("Juris is asked for another try.")).to_be_visible()
        expect(reviewer.get_by_text("Nothing is waiting for your review.")).to_be_visible()

        pupil.reload()
        expect(pupil.get_by_text("Your reviewer asks for another try")).to_be_visible()
        expect(pupil.get_by_text("Rubric: 1 of 6 points (17%)")).to_be_visible()
        expect(pupil.locator(".review-comment strong")).to_have_text("what pupils do")
        expect(pupil.get_by_text("Opened by Ilze Liepa")).to_be_visible()
        accessible(pupil)
        fits(pupil)
        pupil.get_by_label("Your answer").fill("At home: a video. In class: pairs practise and I give feedback.")
        pupil.get_by_role("button", name="Hand in for review").click()
        expect(pupil.get_by_text("Hand-in 2 is waiting for review")).to_be_visible()

        reviewer.set_viewport_size({"width": 1280, "height": 800})
        reviewer.goto("/reviews")
        reviewer.get_by_role("link", name="Juris: Plan a flipped lesson").click()
        expect(reviewer.get_by_role("heading", name="Earlier hand-ins")).to_be_visible()
        reviewer.get_by_label(re.compile("^Clear and checkable")).check()
        reviewer.get_by_label(re.compile("^Active practice with feedback")).check()
        reviewer.get_by_label("Accept the work").check()
        accessible(reviewer)
        reviewer.get_by_role("button", name="Save the review").click()
        expect(reviewer.get_by_text("Accepted: Juris's work is done.")).to_be_visible()

        pupil.reload()
        expect(pupil.get_by_text("Your work is accepted. This task is done.")).to_be_visible()
        expect(pupil.locator(".course-nav li.current")).to_have_class(re.compile(r"\bdone\b"))
        accessible(pupil)
        fits(pupil)
        pupil.goto("/my/competences")
        expect(pupil.get_by_text("Assessed").first).to_be_visible()
        accessible(pupil)
    finally:
        phone.close()
        desk.close()
