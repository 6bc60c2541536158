"""Signing in, registering and joining a class on a Latvian phone: every message next to
a field is Latvian, WTForms' own included, and none is English."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_phones import OVERFLOW, PHONE

pytestmark = pytest.mark.browser

ENGLISH = ("This field is required", "Field must", "Field cannot", "Invalid email", "Not a valid",
           "The password must", "The two passwords", "Please log in", "is not right")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "lv-LV", "viewport": PHONE}


def shows_only_latvian(page, accessible, *messages):
    """Each message is visible next to its field; nothing English is; the page fits the phone."""
    for message in messages:
        expect(page.locator("main").get_by_text(message, exact=True).first).to_be_visible()
    text = page.locator("main").inner_text()
    assert [english for english in ENGLISH if english in text] == []
    width = page.evaluate(OVERFLOW)
    assert width["page"] <= width["viewport"] and width["elements"] == [], width
    accessible(page)


def test_signing_in_with_nothing_or_a_wrong_password_says_so_in_latvian(page, accessible, live_user):
    live_user("latviesu-lietotajs", locale="lv")
    page.goto("/login")
    page.get_by_role("main").get_by_role("button", name="Pieteikties").click()
    shows_only_latvian(page, accessible, "Šis lauks ir jāaizpilda.")
    expect(page.get_by_label("Lietotājvārds vai e-pasta adrese")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Lietotājvārds vai e-pasta adrese").fill("latviesu-lietotajs")
    page.get_by_label("Parole").fill("nepareiza parole")
    page.get_by_role("main").get_by_role("button", name="Pieteikties").click()
    shows_only_latvian(page, accessible, "Lietotājvārds, e-pasta adrese vai parole nav pareiza.")


def test_registering_with_nothing_or_wrong_values_says_what_is_wrong_in_latvian(page, accessible):
    page.goto("/register")
    page.get_by_role("button", name="Izveidot kontu").click()
    shows_only_latvian(page, accessible, "Šis lauks ir jāaizpilda.")
    page.get_by_label("Jūsu vārds").fill("Laura")
    page.get_by_label("Lietotājvārds").fill("la")
    page.get_by_label("E-pasta adrese").fill("laura-bez-domēna")
    page.get_by_label("Parole", exact=True).fill("īsa")
    page.get_by_label("Atkārtojiet paroli").fill("cita")
    page.get_by_role("button", name="Izveidot kontu").click()
    shows_only_latvian(page, accessible, "Laukā jābūt no 3 līdz 32 rakstzīmēm.", "Nederīga e-pasta adrese.",
                       "Parolē jābūt vismaz 8 rakstzīmēm.", "Abas paroles atšķiras.")


def test_joining_a_class_with_nothing_or_a_wrong_code_says_so_in_latvian(page, accessible):
    page.goto("/join")
    page.get_by_role("main").get_by_role("button", name="Pievienoties").click()
    shows_only_latvian(page, accessible, "Šis lauks ir jāaizpilda.")
    expect(page.locator("main p.error")).to_have_count(5)
    page.get_by_label("Klases kods").fill("NEPAREIZ")
    page.get_by_label("Jūsu vārds vai iesauka").fill("Anna")
    page.get_by_label("Izvēlieties lietotājvārdu").fill("anna-jauna")
    page.get_by_label("Izvēlieties paroli", exact=True).fill("laba parole")
    page.get_by_label("Atkārtojiet paroli").fill("laba parole")
    page.get_by_role("main").get_by_role("button", name="Pievienoties").click()
    shows_only_latvian(page, accessible, "Nevienai klasei nav šāda koda. Pārbaudiet to pie skolotāja.")
