"""The studio's lesson editor with media: the author writes Markdown in a highlighting
editor the keyboard can leave, sees the live preview, uploads an image (refused without
alt text), sees it in the preview; once published, a learner's lesson page shows it.
Every page axe-clean and usable 390 px wide."""

import pytest
from playwright.sync_api import expect

from lms.accounts.services import find_by_login
from lms.extensions import db
from lms.studio import services as studio
from tests.browser.test_journeys import sign_in
from tests.content.test_untrusted_files import png

pytestmark = pytest.mark.browser

SETTINGS = {"title": "Charts for the office", "summary": "Reading and making charts.", "language": "en",
            "audiences": ["adult"], "track": "studio", "level": "beginner", "estimated_hours": 1, "competences": []}


def test_an_author_writes_a_lesson_with_an_image_and_a_learner_sees_it(
        browser, base_url, accessible, live_server, live_user, tmp_path):
    live_user("media-author", audience="teacher", roles=("learner", "teacher"), display_name="Dace Media")
    live_user("media-learner", display_name="Kārlis")
    with live_server.test_request_context(headers={"Accept-Language": "en"}):
        author_user = find_by_login("media-author")
        studio.grant_author(author_user)
        slug = studio.create_course(author_user, dict(SETTINGS)).slug
        db.session.commit()
    author = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 390, "height": 800}).new_page()
    sign_in(author, "media-author", "browser password")
    author.goto(f"/studio/courses/{slug}/items/introduction")

    editor = author.get_by_role("textbox", name="Lesson text (Markdown)")
    expect(author.locator(".cm-editor .cm-content")).to_be_visible()  # the highlighting editor, not the textarea
    expect(author.get_by_text("To leave the editor with the keyboard, press Escape and then Tab.")).to_be_visible()
    editor.fill("# Introduction\n\nA chart shows **numbers** as shapes.")
    expect(author.locator(".cm-editor .tok-strong, .cm-editor .cm-line span").first).to_be_visible()
    expect(author.locator("#studio-preview strong")).to_have_text("numbers")
    editor.focus()
    author.keyboard.press("Escape")
    author.keyboard.press("Tab")
    assert author.evaluate("document.activeElement.closest('.cm-editor') === null")
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_text("Saved as revision 2.")).to_be_visible()
    accessible(author)

    picture = tmp_path / "sales chart.png"
    picture.write_bytes(png(40, 30))
    author.get_by_label("Image (PNG, JPEG, GIF, WebP or SVG, at most 1 MiB)").set_input_files(str(picture))
    author.get_by_role("button", name="Upload the image").click()
    expect(author.get_by_text("Describe the image in its alt text").first).to_be_visible()
    accessible(author)
    author.get_by_label("Image (PNG, JPEG, GIF, WebP or SVG, at most 1 MiB)").set_input_files(str(picture))
    author.get_by_label("Alt text: what the image shows").fill("Sales by month as bars")
    author.get_by_role("button", name="Upload the image").click()
    expect(author.get_by_text("The image was added at the end of the lesson")).to_be_visible()
    expect(author.locator(".cm-content")).to_contain_text("![Sales by month as bars](../images/sales-chart.png)")
    preview_image = author.locator("#studio-preview img[alt='Sales by month as bars']")
    expect(preview_image).to_be_visible()
    assert author.evaluate("document.querySelector('#studio-preview img').naturalWidth") == 40
    assert author.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    accessible(author)
    author.get_by_role("link", name="See the saved version as learners will").click()
    expect(author.get_by_text("nothing you do here is recorded")).to_be_visible()
    expect(author.get_by_role("img", name="Sales by month as bars")).to_be_visible()
    assert author.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    accessible(author)

    with live_server.app_context():
        studio.publish(studio.get(slug), None)
        db.session.commit()
    learner = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    sign_in(learner, "media-learner", "browser password")
    learner.goto(f"/courses/{slug}")
    learner.get_by_role("button", name="Enrol").first.click()
    learner.goto(f"/courses/{slug}/learn/introduction")
    shown = learner.get_by_role("img", name="Sales by month as bars")
    expect(shown).to_be_visible()
    assert learner.evaluate("document.querySelector('main img[alt=\"Sales by month as bars\"]').naturalWidth") == 40
    accessible(learner)
