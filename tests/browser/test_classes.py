"""A teacher opens a class, a pupil joins it with the code and learns, the teacher sees it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_teacher_opens_a_class_and_a_pupil_joins_with_the_code(page, accessible, live_user):
    teacher, password = live_user("ms-ozola", audience="teacher", roles=("learner", "teacher"),
                                  display_name="Ilze Ozola")
    sign_in(page, teacher, password)
    page.get_by_role("link", name="My classes").click()
    accessible(page)
    page.get_by_label("Class name").fill("Robotics club")
    page.get_by_label("Year group or adult group").fill("5. klase")
    page.get_by_label("School activity; parents were informed on the date below").check()
    page.get_by_label("Date parents were informed or consent collected").fill("2026-09-01")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", name="Robotics club")).to_be_visible()
    accessible(page)
    code = page.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    page.get_by_label("Course").select_option(label="First steps online")
    page.get_by_role("button", name="Assign to the class").click()
    expect(page.get_by_text("First steps online is assigned")).to_be_visible()
    page.get_by_role("link", name="Printable join sheet").click()
    expect(page.get_by_text(code)).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Join a class").click()
    accessible(page)
    page.get_by_label("Class code").fill(code.lower())
    page.get_by_label("Your first name or a nickname").fill("Anna")
    page.get_by_label("Choose a username").fill("anna-robo")
    page.get_by_label("Choose a password", exact=True).fill("pupil password")
    page.get_by_label("Repeat the password").fill("pupil password")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Welcome to Robotics club!")).to_be_visible()
    expect(page.get_by_role("heading", name="First steps online")).to_be_visible()
    page.get_by_role("link", name=re.compile("Continue where I left off")).click()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("heading", name="Safe passwords")).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, teacher, password)
    page.get_by_role("link", name="My classes").click()
    page.get_by_role("link", name="Robotics club").click()
    row = page.get_by_role("row", name=re.compile("Anna")).first
    expect(row).to_contain_text("66%")
    accessible(page)
    # The heat map shows the level the lesson evidenced, and the cell opens its evidence.
    page.get_by_role("link", name="Anna, Interacting through digital technologies: Foundation (1)").click()
    expect(page.locator("main").get_by_role("link", name="Welcome", exact=True)).to_be_visible()
    accessible(page)
    # The level-2 lesson was taken part in, not assessed: the cell says so, and so does its evidence.
    page.go_back()
    page.get_by_role("link", name="Anna, Protecting personal data and privacy: no level yet; "
                                   "Foundation (2): participated; not yet assessed").click()
    expect(page.get_by_text("participated; not yet assessed")).to_be_visible()
    accessible(page)
