"""A teacher follows a class in the gradebook, opens a pupil's code from a cell, comments
on one of its lines and exports the gradebook; the pupil gets the notification and sees
the comment on the exercise's page and who opened their work. Every page axe-clean, at
desktop width and at 390 px (the gradebook's table scrolls in its own box)."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
from tests.tasks.conftest import PDF, TASK_COURSES

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


WRONG_SUM = "export function sum(numbers) {\nreturn numbers[0] - numbers[1];\n}\n"
DESKTOP = {"width": 1280, "height": 800}
GRADED = 60_000  # a code submission's results come after the grader's time limit, longer on a loaded machine


def both_widths(page, accessible):
    """The page axe-clean at desktop width and at 390 px, where nothing sticks out sideways;
    the page is left at the width it had."""
    width = page.viewport_size
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        accessible(page)
        fits(page)
    page.set_viewport_size(width)


def test_the_teacher_workbench_from_assigning_to_export_and_the_pupil_sees_it_all(
        browser, base_url, accessible, live_server, live_user, tmp_path):
    """Issue 12's done-when in one walk, every main page checked at desktop width and at 390 px."""
    teacher, teacher_password = live_user("ms-priede", audience="teacher", roles=("learner", "teacher"),
                                          display_name="Anna Kalna")
    with live_server.app_context():
        content.import_courses(TASK_COURSES)
        db.session.commit()
    due = (datetime.now(ZoneInfo("Europe/Riga")) + timedelta(days=4)).replace(hour=17, minute=30)
    plan = tmp_path / "stundas-plāns.pdf"
    plan.write_bytes(PDF)
    desk = browser.new_context(base_url=base_url, locale="en-GB", viewport=DESKTOP, accept_downloads=True)
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport=PHONE)
    try:
        # The teacher makes a class, assigns the task course with a due date and the code course, and posts.
        page = desk.new_page()
        sign_in(page, teacher, teacher_password)
        page.get_by_role("link", name="My classes").click()
        page.get_by_label("Class name").fill("Year 9 makers")
        page.get_by_label("School activity; parents were informed on the date below").check()
        page.get_by_label("Date parents were informed or consent collected").fill("2026-09-01")
        page.get_by_role("button", name="Create the class").click()
        code = page.locator(".join-code").inner_text()
        course_form = page.locator("form.assign-form").first
        course_form.get_by_label("Course").select_option(label="Project work")
        course_form.get_by_label("Due on (optional)").fill(due.strftime("%Y-%m-%dT%H:%M"))
        course_form.get_by_role("button", name="Assign to the class").click()
        expect(page.get_by_text("Project work is assigned")).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Project work"))).to_contain_text("5:30 PM")
        course_form = page.locator("form.assign-form").first
        course_form.get_by_label("Course").select_option(label="Code practice")
        course_form.get_by_role("button", name="Assign to the class").click()
        expect(page.get_by_text("Code practice is assigned")).to_be_visible()
        page.get_by_label("Announcement").fill("Hand in your **lesson plan** by Friday.")
        page.get_by_role("button", name="Post to the class").click()
        expect(page.get_by_text("The announcement is posted")).to_be_visible()
        both_widths(page, accessible)
        class_url = page.url

        # The pupil joins on a phone, hands in the task with a file and submits code that fails.
        pupil = phone.new_page()
        pupil.goto("/join")
        pupil.get_by_label("Class code").fill(code)
        pupil.get_by_label("Your first name or a nickname").fill("Marta")
        pupil.get_by_label("Choose a username").fill("marta-wb")
        pupil.get_by_label("Choose a password", exact=True).fill("pupil password")
        pupil.get_by_label("Repeat the password").fill("pupil password")
        pupil.get_by_role("button", name="Join").click()
        expect(pupil.get_by_role("button", name="Sign out")).to_be_attached()
        pupil.goto("/courses/project-work/learn/lesson-plan")
        expect(pupil.get_by_role("heading", name="Plan a flipped lesson")).to_be_visible()
        pupil.get_by_label("Your answer").fill("Pupils watch a video at home.")
        pupil.get_by_label("Add files").set_input_files(str(plan))
        pupil.get_by_role("button", name="Hand in for review").click()
        expect(pupil.get_by_text("Hand-in 1 is waiting for review")).to_be_visible()
        expect(pupil.get_by_role("link", name="stundas-plāns.pdf").first).to_be_visible()
        both_widths(pupil, accessible)
        pupil.goto("/courses/code-practice/learn/sum-numbers")
        expect(pupil.locator(".cm-editor")).to_be_visible()
        pupil.locator(".cm-content").click()
        pupil.keyboard.press("Control+a")
        pupil.keyboard.insert_text(WRONG_SUM)
        pupil.get_by_role("button", name="Submit for grading").click()
        expect(pupil.locator("#results").get_by_text("tests passed.")).to_be_visible(timeout=GRADED)

        # The teacher comments on line 2 of the code from the gradebook and asks for another try on the task.
        page.goto(class_url)
        page.get_by_role("link", name="Gradebook", exact=True).click()
        expect(page.get_by_role("heading", name="Gradebook: Year 9 makers")).to_be_visible()
        page.get_by_role("link", name="Marta, Sum of the numbers").click()
        expect(page.get_by_text("return numbers[0] - numbers[1];")).to_be_visible()
        page.get_by_text("Comment on this").click()
        page.get_by_label("Line (optional)").fill("2")
        page.get_by_label("Comment for the learner").fill("Add them all: try **reduce**.")
        page.get_by_role("button", name="Send the comment").click()
        expect(page.get_by_text("Your comment is saved; Marta is notified.")).to_be_visible()
        both_widths(page, accessible)
        page.get_by_role("link", name=re.compile("^Notifications")).first.click()
        page.get_by_role("link", name="A hand-in is waiting for your review: Marta: Plan a flipped lesson").click()
        expect(page.get_by_role("link", name="stundas-plāns.pdf")).to_be_visible()
        page.get_by_label(re.compile("^Vague")).check()
        page.get_by_label(re.compile("^Listening only")).check()
        page.get_by_label("Comment for the learner").fill("Say **what pupils do** in class.")
        page.get_by_label("Ask for another try").check()
        both_widths(page, accessible)
        page.get_by_role("button", name="Save the review").click()
        expect(page.get_by_text("Marta is asked for another try.")).to_be_visible()

        # The pupil sees the feedback, hands in again and is accepted.
        pupil.goto("/courses/project-work/learn/lesson-plan")
        expect(pupil.get_by_text("Your reviewer asks for another try")).to_be_visible()
        expect(pupil.get_by_text("Rubric: 1 of 6 points (17%)")).to_be_visible()
        expect(pupil.locator(".review-comment strong")).to_have_text("what pupils do")
        # Who opened the hand-in comes from the one access log: under the hand-in and on the page.
        expect(pupil.locator(".hand-in .seen")).to_have_text(re.compile("^Opened by Anna Kalna on "))
        expect(pupil.get_by_text("Your teacher Anna Kalna viewed your work here")).to_be_visible()
        both_widths(pupil, accessible)
        pupil.get_by_label("Your answer").fill("At home: a video. In class: pairs practise, I give feedback.")
        pupil.get_by_role("button", name="Hand in for review").click()
        expect(pupil.get_by_text("Hand-in 2 is waiting for review")).to_be_visible()

        page.get_by_role("link", name="Reviews").click()
        expect(page.get_by_text("1 hand-in is waiting.")).to_be_visible()
        page.get_by_role("link", name="Marta: Plan a flipped lesson").click()
        expect(page.get_by_role("heading", name="Earlier hand-ins")).to_be_visible()
        page.get_by_label(re.compile("^Clear and checkable")).check()
        page.get_by_label(re.compile("^Active practice with feedback")).check()
        page.get_by_label("Accept the work").check()
        page.get_by_role("button", name="Save the review").click()
        expect(page.get_by_text("Accepted: Marta's work is done.")).to_be_visible()

        # The teacher sees it all in the gradebook and exports it.
        page.goto(class_url)
        page.get_by_role("link", name="Gradebook", exact=True).click()
        expect(page.get_by_role("rowheader", name="Marta")).to_be_visible()
        expect(page.get_by_role("link", name="Marta, Plan a flipped lesson")).to_be_visible()
        expect(page.get_by_role("link", name="Marta, Sum of the numbers")).to_be_visible()
        both_widths(page, accessible)
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        csv_file = download.value
        assert csv_file.suggested_filename.endswith(".csv")
        exported = Path(csv_file.path()).read_text(encoding="utf-8-sig")
        assert "Marta" in exported and "Plan a flipped lesson" in exported
        with page.expect_download() as download:
            page.get_by_role("link", name="Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        assert Path(download.value.path()).read_bytes()[:2] == b"PK"
        page.get_by_role("link", name="Marta, Plan a flipped lesson").click()
        expect(page.get_by_text("Pupils watch a video at home.")).to_be_visible()
        both_widths(page, accessible)

        # The pupil: the announcement and the due date on the dashboard, the feedback notification,
        # the accepted task, and the reviewed task as assessed evidence.
        pupil.goto("/my")
        announcements = pupil.get_by_role("region", name="Announcements")
        expect(announcements).to_contain_text("Hand in your lesson plan by Friday.")
        due_list = pupil.get_by_role("region", name="What is due")
        expect(due_list).to_contain_text("Project work")
        expect(due_list).to_contain_text("Year 9 makers")
        expect(due_list).to_contain_text("5:30 PM")
        both_widths(pupil, accessible)
        pupil.get_by_role("link", name=re.compile("^Notifications")).first.click()
        expect(pupil.get_by_role("link", name="Your work on Plan a flipped lesson has been reviewed")
               ).to_have_count(2)  # another try, then accepted
        both_widths(pupil, accessible)
        pupil.get_by_role("link", name="You have feedback on Sum of the numbers").click()
        expect(pupil.get_by_role("heading", name="Feedback on your work")).to_be_visible()
        expect(pupil.get_by_text("line 2").first).to_be_visible()
        both_widths(pupil, accessible)
        pupil.goto("/courses/project-work/learn/lesson-plan")
        expect(pupil.get_by_text("Your work is accepted. This task is done.")).to_be_visible()
        pupil.goto("/my/competences")
        expect(pupil.get_by_text("or a task its reviewer accepted")).to_be_visible()
        task_evidence = pupil.locator("ul.evidence li", has_text="Plan a flipped lesson (Project work)")
        expect(task_evidence.first).to_be_visible()
        for entry in task_evidence.all():
            expect(entry).to_contain_text("· Assessed ·")
        both_widths(pupil, accessible)
    finally:
        desk.close()
        phone.close()
