"""An admin lets an external app speak for the platform's learners, and takes it back."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def test_an_admin_grants_a_credential_the_right_to_speak_for_learners_and_withdraws_it(page, accessible, live_user):
    admin, password = live_user("lrs-chief", roles=("learner", "admin"), display_name="Dace Kalna")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, admin, password)
    page.goto("/admin/lrs/credentials")
    page.get_by_label("Credential name").fill("VR lab, Ventspils")
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_text("Copy the secret now")).to_be_visible()
    page.get_by_role("link", name="VR lab, Ventspils", exact=True).click()
    expect(page.get_by_role("heading", name="Speaking for the platform’s learners")).to_be_visible()
    expect(page.get_by_text("These credentials may not send statements about the platform’s learners.")).to_be_visible()
    accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Reason (optional)").fill("Agreement of 12 March")
    page.get_by_role("button", name="Grant the right to speak for learners").click()
    expect(page.get_by_text("“VR lab, Ventspils” may now send statements about the platform’s learners.")).to_be_visible()
    expect(page.get_by_role("cell", name="Agreement of 12 March")).to_be_visible()
    accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Withdraw the right").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("may no longer send statements about the platform’s learners")).to_be_visible()
    expect(page.get_by_role("link", name="Dace Kalna (lrs-chief)")).to_have_count(2)
    accessible(page)
