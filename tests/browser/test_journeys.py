"""The first journeys a person takes: register, sign in, switch language, sign out."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def fill_registration(page, name, username, email, password="a strong password"):
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create the account").click()


def sign_in(page, username, password):
    page.goto("/login")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()


def test_an_adult_registers_and_lands_signed_in(page, accessible):
    page.goto("/")
    accessible(page)
    page.get_by_role("link", name="Register").first.click()
    accessible(page)
    page.get_by_label("an adult learner").check()
    fill_registration(page, "Laura Kalniņa", "laura", "laura@example.org")
    expect(page.get_by_text("Welcome, Laura Kalniņa! Your account is ready.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    accessible(page)


def test_a_registration_mistake_is_shown_at_the_field(page, accessible, live_user):
    live_user("taken")
    page.goto("/register")
    fill_registration(page, "Someone", "taken", "someone@example.org")
    expect(page.get_by_text("This username is taken. Please choose another.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-mail address")).to_have_value("someone@example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    accessible(page)


def test_sign_in_switch_language_and_sign_out(page, accessible, live_user):
    username, password = live_user("martins")
    sign_in(page, username, password)
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()

    page.get_by_role("button", name="Latviešu").click()
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("link", name="Sākums")).to_be_visible()
    accessible(page)

    page.goto("/account")
    expect(page.get_by_role("heading", name="Mans konts")).to_be_visible()
    accessible(page)

    page.get_by_role("button", name="Iziet").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Pieteikties")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url("/login?next=%2Faccount", ignore_case=True)


def test_a_wrong_password_gets_one_generic_message(page, accessible, live_user):
    username, _ = live_user("ieva")
    sign_in(page, username, "not the password")
    expect(page.get_by_role("alert")).to_have_text("The username, e-mail address or password is not right.")
    expect(page.get_by_label("Username or e-mail address")).to_have_value(username)
    accessible(page)


def test_an_admin_finds_a_user_and_deactivates_them(page, accessible, live_user):
    admin, password = live_user("chief", roles=("learner", "admin"))
    live_user("leaver")
    sign_in(page, admin, password)
    page.get_by_role("link", name="Users").click()
    accessible(page)
    page.get_by_label("Search").fill("leaver")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="leaver").click()
    accessible(page)
    page.get_by_role("link", name="Deactivate leaver").click()
    expect(page.get_by_role("heading", name="Deactivate Leaver (leaver)?")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Yes, deactivate leaver").click()
    expect(page.get_by_text("leaver is deactivated and can no longer sign in.")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Programme").click()
    expect(page.get_by_role("heading", name="Learners by audience")).to_be_visible()
    accessible(page)


def test_a_forgotten_password_is_reset_through_the_emailed_link(page, accessible, live_user, caplog):
    caplog.set_level("INFO", logger="lms.mail")
    username, _ = live_user("forgetful")
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    accessible(page)
    page.get_by_label("E-mail address").fill("forgetful@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("we have sent it a link", exact=False)).to_be_visible()
    mail = "\n".join(r.getMessage() for r in caplog.records if r.name == "lms.mail")
    path = re.search(r"https?://[^/\s]+(/password/reset/\S+)", mail).group(1)
    page.goto(path)
    accessible(page)
    page.get_by_label("New password", exact=True).fill("my new password")
    page.get_by_label("Repeat the new password").fill("my new password")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_text("You can sign in with the new password now.", exact=False)).to_be_visible()
    sign_in(page, username, "my new password")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    page.goto("/account/password")
    accessible(page)


def test_a_learner_sees_where_they_are_signed_in_and_signs_out_everywhere_else(browser, base_url, accessible,
                                                                                live_user):
    username, password = live_user("traveller")
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 390, "height": 844})
    laptop = browser.new_context(base_url=base_url, locale="en-GB")
    try:
        on_laptop, on_phone = laptop.new_page(), phone.new_page()
        sign_in(on_laptop, username, password)
        sign_in(on_phone, username, password)
        on_phone.goto("/account")
        expect(on_phone.get_by_role("heading", name="Where you are signed in")).to_be_visible()
        expect(on_phone.get_by_role("table").get_by_role("row")).to_have_count(3)
        expect(on_phone.get_by_text("this device")).to_have_count(1)
        accessible(on_phone)
        on_phone.get_by_role("link", name="Sign out everywhere else").click()
        expect(on_phone.get_by_text("This signs your account out on 1 other device or browser", exact=False)
               ).to_be_visible()
        accessible(on_phone)
        on_phone.get_by_role("button", name="Yes, sign out everywhere else").focus()
        on_phone.keyboard.press("Enter")
        expect(on_phone.get_by_text("You are signed out on 1 other device. This one stays signed in.")).to_be_visible()
        expect(on_phone.get_by_text("You are signed in on this device only.")).to_be_visible()
        on_laptop.goto("/account")
        expect(on_laptop).to_have_url("/login?next=%2Faccount", ignore_case=True)
    finally:
        phone.close()
        laptop.close()
