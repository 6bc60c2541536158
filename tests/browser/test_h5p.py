"""H5P in a course: an admin adds the GreetingCard content type (made outside the project,
by H5P's own CLI) and approves it; a pupil plays the activity in its sandboxed frame, the
statement it reports is stored with the platform's actor and the item's activity id and
completes the item; a message forged for another item is refused. Axe-clean, desktop and
390 px."""

from __future__ import annotations

import re
import shutil

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.content import services as content
from lms.extensions import db
from lms.learning import services as learning
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from tests.browser.test_journeys import sign_in
from tests.conftest import FIXTURE_COURSES
from tests.h5p import builders
from tests.h5p.test_course_items import course_folder

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
COMPLETED = """(item) => H5P.externalDispatcher.trigger("xAPI", {statement: {
  actor: {objectType: "Agent", name: "Anna", mbox: "mailto:anna@example.org"},
  verb: {id: "http://adlnet.gov/expapi/verbs/completed", display: {"en-US": "completed"}},
  object: {objectType: "Activity", id: location.href, definition: {name: {"en-US": "Sveiciens"}}},
  result: {completion: true, score: {raw: 1, max: 1, min: 0, scaled: 1}}}})"""
FORGED = """() => window.parent.postMessage({type: "lms-h5p-statement", item: "another-item", statement: {
  actor: {objectType: "Agent", name: "x"}, verb: {id: "http://adlnet.gov/expapi/verbs/completed"},
  object: {id: "http://example.org/x"}}}, "*")"""


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def player_frame(page):
    return next(frame for frame in page.frames if "/h5p/play/" in frame.url)


def statements(live_server, verb):
    with live_server.app_context():
        return [row.data for row in db.session.scalars(sa.select(Statement).where(
            Statement.verb_id == vocabulary.VERB_BASE + verb))]


def test_a_package_made_outside_is_approved_imported_and_played_by_a_pupil(browser, base_url, accessible,
                                                                           live_server, live_user, tmp_path):
    admin, admin_password = live_user("h5p-admin", roles=("learner", "admin"))
    pupil, pupil_password = live_user("h5p-pupil", audience="pupil", email=None)
    package_file = tmp_path / "sveiciens.h5p"
    package_file.write_bytes(builders.greeting_card())
    office = browser.new_context(base_url=base_url, locale="en-GB")
    desk = browser.new_context(base_url=base_url, locale="en-GB")
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport=PHONE)
    try:
        page = office.new_page()
        sign_in(page, admin, admin_password)
        page.goto("/admin/h5p/libraries")
        page.get_by_label("H5P package (.h5p)").set_input_files(str(package_file))
        page.get_by_role("button", name="Add the libraries").click()
        expect(page.get_by_text("H5P.GreetingCard 1.0 1.0.0 was added; approve it to let it run.")).to_be_visible()
        accessible(page)
        page.get_by_role("button", name="Approve (Greeting card 1.0.0)").click()
        expect(page.get_by_text("H5P.GreetingCard 1.0 is approved: content that needs it may run.")).to_be_visible()
        accessible(page)

        with live_server.test_request_context():
            root = course_folder(tmp_path / "course", extra="completion: completed\n")
            # The live server's frameworks are the fixtures' excerpt: importing without them would put
            # the shipped frameworks in their place under every later browser test.
            shutil.copytree(FIXTURE_COURSES / "_frameworks", root / "_frameworks")
            content.import_courses(root)
            learning.enrol(accounts.find_by_login(pupil), catalog.get_course("drosiba"))
            db.session.commit()

        for context in (desk, phone):
            learner = context.new_page()
            errors = []
            learner.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            learner.on("console", lambda message, errors=errors: errors.append(message.text)
                       if "Content Security Policy" in message.text else None)
            sign_in(learner, pupil, pupil_password)
            learner.goto("/courses/drosiba/learn/sveiciens")
            expect(learner.get_by_role("heading", name="Sveiciens")).to_be_visible()
            frame = learner.locator("#h5p-frame")
            expect(frame).to_have_attribute("sandbox", "allow-scripts")
            expect(learner.frame_locator("#h5p-frame").get_by_text("Sveika, pasaule!")) \
                .to_be_visible(timeout=15000)
            expect(learner.get_by_text("Licence: CC BY-SA")).to_be_visible()
            accessible(learner)
            fits(learner)
            assert errors == [], errors  # H5P runs in the sandbox and its policy without tripping

        learner = desk.pages[0]
        learner.goto("/courses/drosiba/learn/sveiciens")
        expect(learner.frame_locator("#h5p-frame").get_by_text("Sveika, pasaule!")) \
            .to_be_visible(timeout=15000)
        player_frame(learner).evaluate(COMPLETED, "sveiciens")
        expect(learner.get_by_text("Done: the activity is completed.")).to_be_visible()
        with live_server.app_context():
            user = accounts.find_by_login(pupil)
            activity = vocabulary.activity_id("h5p", "drosiba", "sveiciens")
            mine = [s for s in statements(live_server, "completed") if s["object"]["id"] == activity]
            assert mine and all(s["actor"] == vocabulary.actor(user.public_id) for s in mine)
            assert "mbox" not in str(mine)
        learner.reload()
        expect(learner.get_by_text("Done", exact=True)).to_be_visible()

        before = len(statements(live_server, "completed"))
        learner.evaluate("""() => window.postMessage({type: "lms-h5p-statement", item: "sveiciens",
            statement: {verb: {id: "http://adlnet.gov/expapi/verbs/completed"}}}, "*")""")
        expect(learner.frame_locator("#h5p-frame").get_by_text("Sveika, pasaule!")) \
            .to_be_visible(timeout=15000)
        player_frame(learner).evaluate(FORGED)
        expect(learner.get_by_text("The statement is about another item; nothing was recorded.")).to_be_visible()
        assert len(statements(live_server, "completed")) == before
        assert re.search(r"/courses/drosiba/learn/sveiciens$", learner.url)
    finally:
        office.close()
        desk.close()
        phone.close()
