"""The studio journey: an admin makes a teacher an author; the author creates a course,
writes a lesson with its live preview, adds a quiz and submits; the admin sees what
changes for learners and publishes; a learner does part of it; the author fixes a typo and
adds a lesson in a new draft and sees the diff; the admin publishes again and the
learner's progress is intact with the new lesson there; the course exports as a package
that `flask courses validate` accepts and imports into a fresh database as the same
course. Every studio page axe-clean."""

import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms import create_app
from lms.catalog.models import Course
from lms.extensions import db
from tests.browser.test_journeys import sign_in

pytestmark = pytest.mark.browser


def test_an_author_writes_a_course_an_admin_publishes_it_and_learners_keep_their_progress(
        browser, base_url, accessible, live_server, live_user, tmp_path):
    live_user("studio-admin", roles=("learner", "admin"), display_name="Anna Admin")
    live_user("ms-egle", audience="teacher", roles=("learner", "teacher"), display_name="Ilze Ozola")
    live_user("learner-liga", display_name="Līga")
    admin = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    author = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    learner = browser.new_context(base_url=base_url, locale="en-GB").new_page()

    sign_in(admin, "studio-admin", "browser password")
    admin.goto("/studio/authors")
    accessible(admin)
    admin.get_by_label("Username or e-mail address of a teacher").fill("ms-egle")
    admin.get_by_role("button", name="Make an author").click()
    expect(admin.get_by_text("Ilze Ozola can now write courses in the studio.")).to_be_visible()

    sign_in(author, "ms-egle", "browser password")
    author.goto("/studio")
    accessible(author)
    author.get_by_role("link", name="Create a course").click()
    author.get_by_label("Title", exact=True).fill("Safe passwords at work")
    author.get_by_label("Summary for the catalogue").fill("Make and keep strong passwords.")
    author.get_by_label("Language of the content").select_option("en")
    author.get_by_label("Adults").check()
    author.get_by_label("Level").select_option("beginner")
    author.get_by_label("Estimated hours").fill("2")
    author.get_by_label("Competences the course develops").select_option(
        label="DigComp 2.2 (test excerpt): Protecting personal data and privacy — Foundation (2)")
    accessible(author)
    author.get_by_role("button", name="Create the course").click()
    expect(author.get_by_role("heading", name="Safe passwords at work")).to_be_visible()
    accessible(author)

    author.get_by_role("link", name="Introduction", exact=True).click()
    expect(author.locator(".cm-editor .cm-content")).to_be_visible()  # the editor has replaced the textarea
    author.get_by_role("textbox", name="Lesson text (Markdown)").fill("# Introduction\n\nA strong pasword is **long**.")
    expect(author.locator("#studio-preview strong")).to_have_text("long")
    accessible(author)
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_text("Saved as revision 2.")).to_be_visible()
    author.get_by_role("link", name="Safe passwords at work").click()
    author.get_by_label("Kind").select_option("quiz")
    author.get_by_label("Title of the new item").fill("Password check")
    author.get_by_role("button", name="Add an item").click()
    expect(author.get_by_role("button", name="Add: True or false")).to_be_visible()
    author.get_by_role("link", name="Safe passwords at work").click()
    author.locator("#item-password-check").get_by_role("button", name="Move up", exact=False).focus()
    author.keyboard.press("Enter")
    expect(author.locator(".studio-outline li li").first).to_contain_text("Password check")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("Submitted for review: an administrator will publish it.")).to_be_visible()

    admin.goto("/studio")
    admin.get_by_role("link", name="Safe passwords at work").click()
    admin.get_by_role("link", name="Publish Safe passwords at work").click()
    expect(admin.get_by_text("Added: Password check, Introduction")).to_be_visible()
    accessible(admin)
    admin.get_by_role("button", name="Yes, publish Safe passwords at work").click()
    expect(admin.get_by_text("Published: learners see this version now.")).to_be_visible()

    sign_in(learner, "learner-liga", "browser password")
    learner.goto("/courses")
    learner.get_by_role("link", name="Safe passwords at work").click()
    learner.get_by_role("button", name="Enrol").first.click()
    learner.goto("/courses/safe-passwords-at-work/learn/introduction")
    expect(learner.get_by_text("A strong pasword is")).to_be_visible()
    learner.get_by_role("button", name="Mark as done").click()

    author.get_by_role("link", name="Introduction", exact=True).click()
    expect(author.locator(".cm-editor .cm-content")).to_be_visible()  # the editor has replaced the textarea
    author.get_by_role("textbox", name="Lesson text (Markdown)").fill("# Introduction\n\nA strong password is **long**.")
    author.get_by_role("button", name="Save").click()
    author.get_by_role("link", name="Safe passwords at work").click()
    author.get_by_label("Title of the new item").fill("Password managers")
    author.get_by_role("button", name="Add an item").click()
    author.get_by_role("link", name="Safe passwords at work").click()
    author.get_by_role("link", name="History").click()
    author.get_by_label("Compare revision").select_option("4")
    author.get_by_label("with revision").select_option("6")
    author.get_by_role("button", name="Compare").click()
    expect(author.locator("del", has_text="A strong pasword is **long**.")).to_be_visible()
    expect(author.locator("ins", has_text="A strong password is **long**.")).to_be_visible()
    accessible(author)

    admin.goto("/studio/courses/safe-passwords-at-work/publish")
    expect(admin.get_by_text("1 learners are enrolled.", exact=False)).to_be_visible()
    expect(admin.get_by_text("Added: Password managers")).to_be_visible()
    expect(admin.get_by_text("Changed: Introduction")).to_be_visible()
    admin.get_by_role("button", name="Yes, publish Safe passwords at work").click()

    learner.goto("/courses/safe-passwords-at-work")
    expect(learner.get_by_role("link", name="Password managers")).to_be_visible()
    learner.goto("/courses/safe-passwords-at-work/learn/introduction")
    expect(learner.get_by_text("A strong password is")).to_be_visible()
    expect(learner.get_by_role("button", name="Mark as done")).to_have_count(0)  # still done

    exported = admin.request.get("/studio/courses/safe-passwords-at-work/export.zip")
    assert exported.ok
    data = exported.body()
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path / "unpacked")
    result = live_server.test_cli_runner().invoke(args=["courses", "validate",
                                                        str(tmp_path / "unpacked" / "safe-passwords-at-work")])
    assert result.exit_code == 0, result.output
    (tmp_path / "package.zip").write_bytes(data)
    fresh = create_app({"SECRET_KEY": "fresh", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    with fresh.app_context():
        db.create_all()
    result = fresh.test_cli_runner().invoke(args=["courses", "import", str(tmp_path / "package.zip")])
    assert result.exit_code == 0, result.output

    def course_items(app):
        with app.app_context():
            course = db.session.scalar(sa.select(Course).where(Course.slug == "safe-passwords-at-work"))
            return (course.title, course.competences,
                    [(i.slug, i.kind, i.title, i.html, i.questions) for i in course.items if not i.archived])

    assert course_items(fresh) == course_items(live_server)


def test_the_studio_pages_fit_a_phone_and_are_axe_clean(browser, base_url, accessible, live_server, live_user):
    from lms.accounts.services import find_by_login
    from lms.studio import services as studio

    live_user("mr-phone", audience="teacher", roles=("learner", "teacher"), display_name="Pēteris Phone")
    with live_server.test_request_context(headers={"Accept-Language": "en"}):
        user = find_by_login("mr-phone")
        studio.grant_author(user)
        course = studio.create_course(user, {
            "title": "A course with a rather long title for a narrow phone screen", "summary": "Narrow.",
            "language": "en", "audiences": ["adult"], "track": "studio", "level": "beginner",
            "estimated_hours": 1, "competences": []})
        studio.save_item(course, user, 1, "introduction", b"---\ntitle: Introduction\n---\n# Introduction\n\n"
                         + b"A very long line of text " * 20 + b"\n")
        db.session.commit()
        slug = course.slug
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, "mr-phone", "browser password")
    for path in ("/studio", "/studio/new", f"/studio/courses/{slug}", f"/studio/courses/{slug}/items/introduction",
                 f"/studio/courses/{slug}/history", f"/studio/courses/{slug}/settings"):
        phone.goto(path)
        accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


def test_an_author_drags_an_item_and_a_module_into_a_new_order_that_stays(
        browser, base_url, accessible, live_server, live_user):
    from lms.accounts.services import find_by_login
    from lms.studio import services as studio

    live_user("ms-drag", audience="teacher", roles=("learner", "teacher"), display_name="Dace Velk")
    with live_server.test_request_context(headers={"Accept-Language": "en"}):
        user = find_by_login("ms-drag")
        studio.grant_author(user)
        course = studio.create_course(user, {
            "title": "Ordering things", "summary": "Drag.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 1, "competences": []})
        studio.add_item(course, user, course.head, "module-1", "lesson", "Second lesson",
                        b"---\ntitle: Second lesson\n---\n# Second lesson\n\nText.\n")
        studio.add_module(course, user, course.head, "Later")
        db.session.commit()
        slug = course.slug
    author = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    sign_in(author, "ms-drag", "browser password")
    author.goto(f"/studio/courses/{slug}")
    expect(author.get_by_text("Drag a module or an item to a new place")).to_be_visible()
    items = author.locator(".studio-outline li[data-item]")
    expect(items).to_have_text([re.compile("^Introduction"), re.compile("^Second lesson"), re.compile("^Later")])

    author.locator("#item-second-lesson").drag_to(author.locator("#item-introduction"),
                                                   target_position={"x": 5, "y": 2})
    expect(author.get_by_role("status").filter(has_text="The new order is saved as revision")).to_be_visible()
    accessible(author)
    author.reload()
    expect(items).to_have_text([re.compile("^Second lesson"), re.compile("^Introduction"), re.compile("^Later")])

    author.locator("#module-later > h3").drag_to(author.locator("#module-module-1 > h3"),
                                                  target_position={"x": 5, "y": 2})
    expect(author.get_by_role("status").filter(has_text="The new order is saved as revision")).to_be_visible()
    # The buttons start from the new revision: a move by keyboard right after still works.
    author.locator("#item-introduction").get_by_role("button", name="Move up").focus()
    with author.expect_navigation():
        author.keyboard.press("Enter")
    author.reload()
    expect(author.locator(".studio-outline li[data-module] > h3")).to_have_text(["Later", "First module"])
    expect(items).to_have_text([re.compile("^Later"), re.compile("^Introduction"), re.compile("^Second lesson")])
