"""An H5P activity from the studio to a learner, as one journey: an author, on a phone
(390 px), uploads the GreetingCard .h5p (made outside the project) into a studio course and
reads that its library waits for approval; publishing is refused naming it; an admin
approves it; the author plays the draft in its preview and publishes; a learner opens the activity and plays it to
completion. Every page axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.extensions import db
from lms.h5p import services as h5p
from lms.learning import services as learning
from lms.studio import services as studio
from tests.browser.test_h5p import COMPLETED, PHONE, fits, player_frame
from tests.browser.test_journeys import sign_in
from tests.h5p import builders

pytestmark = pytest.mark.browser
TITLE = "Greetings in the studio"


def forget_greeting_card(live_server):
    """The live server's store is shared by every browser journey: this one starts without
    the GreetingCard library (another journey may have approved it) and leaves none behind."""
    with live_server.app_context():
        stored = h5p.find("H5P.GreetingCard", 1, 0)
        if stored is not None:
            db.session.delete(stored)
            db.session.commit()


def test_an_author_brings_an_h5p_activity_that_a_learner_plays_once_approved(
        browser, base_url, accessible, live_server, live_user, tmp_path):
    forget_greeting_card(live_server)
    live_user("studio-h5p-admin", roles=("learner", "admin"))
    live_user("studio-h5p-author", audience="teacher", roles=("learner", "teacher"))
    live_user("studio-h5p-learner")
    with live_server.test_request_context(headers={"Accept-Language": "en"}):
        author = accounts.find_by_login("studio-h5p-author")
        studio.name_reviewer(author)  # this author also publishes
        course = studio.create_course(author, {
            "title": TITLE, "summary": "A card that greets.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 1, "competences": []})
        slug = course.slug
        db.session.commit()
    card = tmp_path / "sveiciens.h5p"
    card.write_bytes(builders.greeting_card())
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport=PHONE)
    office = browser.new_context(base_url=base_url, locale="en-GB")
    desk = browser.new_context(base_url=base_url, locale="en-GB")
    try:
        writer = phone.new_page()
        sign_in(writer, "studio-h5p-author", "browser password")
        writer.goto(f"/studio/courses/{slug}")
        writer.get_by_role("link", name="Add an interactive H5P activity to First module").click()
        accessible(writer)
        fits(writer)
        writer.get_by_label("H5P file (.h5p)").set_input_files(str(card))
        writer.get_by_label("Title").fill("Sveiciens")
        writer.get_by_label("When the activity counts as completed").select_option("completed")
        expect(writer.get_by_label("Counts as assessed evidence")).not_to_be_checked()
        writer.get_by_role("button", name="Add the activity").click()
        expect(writer.get_by_text("The H5P activity was added")).to_be_visible()
        expect(writer.get_by_text("This library waits for an administrator's approval:")).to_be_visible()
        expect(writer.get_by_role("listitem").filter(has_text="H5P.GreetingCard 1.0")).to_have_count(2)
        accessible(writer)
        fits(writer)

        writer.goto(f"/studio/courses/{slug}/publish")
        writer.get_by_role("button", name=f"Yes, publish {TITLE}").click()
        expect(writer.get_by_text("h5p/sveiciens.h5p: H5P.GreetingCard 1.0 is not approved",
                                  exact=False)).to_be_visible()
        accessible(writer)

        admin = office.new_page()
        sign_in(admin, "studio-h5p-admin", "browser password")
        admin.goto("/admin/h5p/libraries")
        admin.get_by_role("button", name="Approve (Greeting card 1.0.0)").click()
        expect(admin.get_by_text("H5P.GreetingCard 1.0 is approved: content that needs it may run.")).to_be_visible()

        writer.goto(f"/studio/courses/{slug}/h5p/sveiciens")
        expect(writer.get_by_text("Every library this activity needs is approved.")).to_be_visible()
        writer.get_by_role("link", name="See the saved version as learners will").click()
        expect(writer.frame_locator("#h5p-frame").get_by_text("Sveika, pasaule!")).to_be_visible(timeout=15000)
        accessible(writer)
        fits(writer)
        writer.goto(f"/studio/courses/{slug}/publish")
        writer.get_by_role("button", name=f"Yes, publish {TITLE}").click()
        expect(writer.get_by_text("Published: learners see this version now.")).to_be_visible()

        with live_server.app_context():
            learning.enrol(accounts.find_by_login("studio-h5p-learner"), catalog.get_course(slug))
            db.session.commit()
        learner = desk.new_page()
        sign_in(learner, "studio-h5p-learner", "browser password")
        learner.goto(f"/courses/{slug}/learn/sveiciens")
        expect(learner.get_by_role("heading", name="Sveiciens")).to_be_visible()
        expect(learner.frame_locator("#h5p-frame").get_by_text("Sveika, pasaule!")).to_be_visible(timeout=15000)
        accessible(learner)
        player_frame(learner).evaluate(COMPLETED, "sveiciens")
        expect(learner.get_by_text("Done: the activity is completed.")).to_be_visible()
    finally:
        phone.close()
        office.close()
        desk.close()
        forget_greeting_card(live_server)
