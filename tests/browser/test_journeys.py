"""The first journeys a person takes: register, sign in, switch language, sign out."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_adult_registers_and_lands_signed_in(page, accessible):
    page.goto("/")
    accessible(page)
    page.get_by_role("link", name="Register").first.click()
    accessible(page)
    page.get_by_label("an adult learner").check()
    page.get_by_label("Your name").fill("Laura Kalniņa")
    page.get_by_label("Username").fill("laura")
    page.get_by_label("E-mail address").fill("laura@example.org")
    page.get_by_label("Password", exact=True).fill("a strong password")
    page.get_by_label("Repeat the password").fill("a strong password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_text("Welcome, Laura Kalniņa! Your account is ready.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    accessible(page)


def test_a_registration_mistake_is_shown_at_the_field(page, accessible, live_user):
    live_user("taken")
    page.goto("/register")
    page.get_by_label("Your name").fill("Someone")
    page.get_by_label("Username").fill("taken")
    page.get_by_label("E-mail address").fill("someone@example.org")
    page.get_by_label("Password", exact=True).fill("a strong password")
    page.get_by_label("Repeat the password").fill("a strong password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_text("This username is taken. Please choose another.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-mail address")).to_have_value("someone@example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    accessible(page)


def test_sign_in_switch_language_and_sign_out(page, accessible, live_user):
    username, password = live_user("martins")
    page.goto("/login")
    accessible(page)
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()
    expect(page.get_by_text("Signed in as Martins.")).to_be_visible()

    page.get_by_role("button", name="Latviešu").click()
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("link", name="Sākums")).to_be_visible()
    accessible(page)

    page.goto("/account")
    expect(page.get_by_role("heading", name="Mans konts")).to_be_visible()
    accessible(page)

    page.get_by_role("button", name="Iziet").click()
    expect(page.get_by_role("link", name="Pieteikties")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url("/login?next=%2Faccount", ignore_case=True)


def test_a_wrong_password_gets_one_generic_message(page, accessible, live_user):
    username, _ = live_user("ieva")
    page.goto("/login")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").last.click()
    expect(page.get_by_role("alert")).to_have_text("The username, e-mail address or password is not right.")
    expect(page.get_by_label("Username or e-mail address")).to_have_value(username)
    accessible(page)


def test_an_admin_finds_a_user_and_deactivates_them(page, accessible, live_user):
    admin, password = live_user("chief", roles=("learner", "admin"))
    live_user("leaver")
    page.goto("/login")
    page.get_by_label("Username or e-mail address").fill(admin)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()
    page.get_by_role("link", name="Users").click()
    accessible(page)
    page.get_by_label("Search").fill("leaver")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="leaver").click()
    accessible(page)
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("leaver is deactivated and can no longer sign in.")).to_be_visible()
    accessible(page)
