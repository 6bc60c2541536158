"""A teacher dates a course and tells the class something; a pupil sees both, on a
desktop and on a phone."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_pupil_sees_the_due_date_the_announcement_and_a_notification(page, accessible, live_user):
    teacher, password = live_user("ms-berzina", audience="teacher", roles=("learner", "teacher"),
                                  display_name="Dace Bērziņa")
    due = (datetime.now(ZoneInfo("Europe/Riga")) + timedelta(days=2)).replace(hour=18, minute=0)
    sign_in(page, teacher, password)
    page.get_by_role("link", name="My classes").click()
    page.get_by_label("Class name").fill("Coding club")
    page.get_by_label("School activity; parents were informed on the date below").check()
    page.get_by_label("Date parents were informed or consent collected").fill("2026-09-01")
    page.get_by_role("button", name="Create the class").click()
    code = page.locator(".join-code").inner_text()
    course_form = page.locator("form.assign-form").first
    course_form.get_by_label("Course").select_option(label="First steps online")
    course_form.get_by_label("Due on (optional)").fill(due.strftime("%Y-%m-%dT%H:%M"))
    course_form.get_by_role("button", name="Assign to the class").click()
    expect(page.get_by_text("First steps online is assigned")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("First steps online"))).to_contain_text("6:00 PM")
    accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Join a class").click()
    page.get_by_label("Class code").fill(code)
    page.get_by_label("Your first name or a nickname").fill("Lauma")
    page.get_by_label("Choose a username").fill("lauma-code")
    page.get_by_label("Choose a password", exact=True).fill("pupil password")
    page.get_by_label("Repeat the password").fill("pupil password")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, teacher, password)
    page.get_by_role("link", name="My classes").click()
    page.get_by_role("link", name="Coding club").click()
    page.get_by_label("Announcement").fill("Bring headphones on **Tuesday**.")
    page.get_by_role("button", name="Post to the class").click()
    expect(page.get_by_text("The announcement is posted")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "lauma-code", "pupil password")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/my")
        expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
        announcements = page.get_by_role("region", name="Announcements")
        expect(announcements).to_contain_text("Bring headphones on Tuesday.")
        expect(announcements.locator("strong")).to_have_text("Tuesday")
        due_list = page.get_by_role("region", name="What is due")
        expect(due_list).to_contain_text("First steps online")
        expect(due_list).to_contain_text("Due")
        expect(due_list).to_contain_text("Coding club")
        accessible(page)
    page.get_by_role("link", name="Notifications 1 unread").click()
    page.get_by_role("link", name="New announcement in Coding club").click()
    expect(page.get_by_role("heading", name="Coding club")).to_be_visible()
    expect(page.get_by_text("Teacher: Dace Bērziņa")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    page.goto("/my")
    expect(page.get_by_role("region", name="Announcements")).to_have_count(0)
    page.set_viewport_size({"width": 1280, "height": 900})
