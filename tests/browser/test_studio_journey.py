"""Issue 13's "done when" as one journey: an author creates a course with two modules, a
lesson with an uploaded image, a quiz with every question type (through the form) and a
JavaScript exercise that passes "check" on the real graders; submits it; an admin
publishes it; a learner enrols and does the lesson and the quiz; the author fixes a typo
and adds an item in a new draft and sees the diff; what changes for enrolled learners is
shown before publishing; the learner's progress is intact and the new item is there; the
course exports as a package that `flask courses validate` accepts unpacked and that
imports into a fresh database as the same course (same slugs, items and activity ids).
Every page axe-clean; the key pages again 390 px wide."""

import io
import zipfile

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms import create_app
from lms.catalog.models import Course
from lms.competence.models import ActivityCompetence
from lms.extensions import db
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from tests.browser.test_journeys import sign_in
from tests.content.test_untrusted_files import png

pytestmark = pytest.mark.browser

SLUG = "cyber-hygiene-at-work"
TITLE = "Cyber hygiene at work"
CHECK_WAIT = 90_000  # ms: the graders run the solution and the starter in sandboxes


def test_a_course_goes_from_an_empty_draft_to_learners_and_out_as_a_package(
        browser, base_url, accessible, live_server, live_user, tmp_path):
    live_user("journey-admin", roles=("learner", "admin"), display_name="Agnese Admin")
    live_user("journey-author", audience="teacher", roles=("learner", "teacher"), display_name="Ilze Autore")
    live_user("journey-learner", display_name="Jānis Mācās")
    admin = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    author = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    learner = browser.new_context(base_url=base_url, locale="en-GB").new_page()

    sign_in(admin, "journey-admin", "browser password")
    admin.goto("/studio/authors")
    admin.get_by_label("Username or e-mail address of a teacher").fill("journey-author")
    admin.get_by_role("button", name="Make an author").click()
    expect(admin.get_by_text("Ilze Autore can now write courses in the studio.")).to_be_visible()

    # The course, with a second module.
    sign_in(author, "journey-author", "browser password")
    author.goto("/studio/new")
    author.get_by_label("Title", exact=True).fill(TITLE)
    author.get_by_label("Summary for the catalogue").fill("Passwords, updates and backups.")
    author.get_by_label("Language of the content").select_option("en")
    author.get_by_label("Adults").check()
    author.get_by_label("Level").select_option("beginner")
    author.get_by_label("Estimated hours").fill("3")
    author.get_by_label("Competences the course develops").select_option(
        label="DigComp 2.2 (test excerpt): Protecting personal data and privacy — Foundation (2)")
    accessible(author)
    author.get_by_role("button", name="Create the course").click()
    expect(author.get_by_role("heading", name=TITLE)).to_be_visible()
    author.get_by_label("New module title").fill("Working safely")
    author.get_by_role("button", name="Add a module").click()
    modules = author.locator(".studio-outline > li")
    expect(modules).to_have_count(2)
    expect(modules.nth(1).get_by_role("heading", name="Working safely")).to_be_visible()
    accessible(author)

    # The lesson, with an image and its alt text (a typo left for later).
    author.get_by_role("link", name="Introduction", exact=True).click()
    expect(author.locator(".cm-editor .cm-content")).to_be_visible()
    author.get_by_role("textbox", name="Lesson text (Markdown)").fill(
        "# Introduction\n\nA strong pasword is **long** and used once.")
    expect(author.locator("#studio-preview strong")).to_have_text("long")
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_text("Saved as revision", exact=False)).to_be_visible()
    picture = tmp_path / "lock screen.png"
    picture.write_bytes(png(48, 32))
    author.get_by_label("Image (PNG, JPEG, GIF, WebP or SVG, at most 1 MiB)").set_input_files(str(picture))
    author.get_by_label("Alt text: what the image shows").fill("A locked phone screen")
    author.get_by_role("button", name="Upload the image").click()
    expect(author.get_by_text("The image was added at the end of the lesson")).to_be_visible()
    expect(author.locator("#studio-preview img[alt='A locked phone screen']")).to_be_visible()
    accessible(author)

    # The quiz, every question type through its form.
    author.get_by_role("link", name=TITLE).click()
    first = author.locator(".studio-outline > li").first
    first.get_by_label("Kind").select_option("quiz")
    first.get_by_label("Title of the new item").fill("Password check")
    first.get_by_role("button", name="Add an item").click()
    expect(author.get_by_role("heading", name="Edit quiz")).to_be_visible()
    author.get_by_label("Pass mark (percent of the points)").fill("60")
    author.get_by_label("Show the correct answers and feedback").select_option("after_each_attempt")
    for name in ("Add: Single choice (one correct option)", "Add: Multiple choice (one or more correct options)",
                 "Add: Number", "Add: Short text answer"):
        author.get_by_role("button", name=name).click()
        expect(author.get_by_role("button", name=name)).to_be_visible()
    expect(author.locator("fieldset.studio-question")).to_have_count(5)
    author.locator("#questions-0-prompt").fill("A password written on a note under the keyboard is safe.")
    author.locator("#questions-0-truth").select_option("false")
    author.locator("#questions-1-prompt").fill("Which password is the strongest?")
    author.locator("#questions-1-options-0-text").fill("correct-horse-battery-staple")
    author.locator("#questions-1-options-0-correct").check()
    author.locator("#questions-1-options-0-feedback").fill("Yes: long and unusual.")
    author.locator("#questions-1-options-1-text").fill("Password1")
    author.locator("#questions-2-prompt").fill("Which of these protect an account?")
    author.locator("#questions-2-options-0-text").fill("Two-step sign-in")
    author.locator("#questions-2-options-0-correct").check()
    author.locator("#questions-2-options-1-text").fill("Sharing the password")
    author.locator("#questions-3-prompt").fill("How many characters should a password have at least?")
    author.locator("#questions-3-answer").fill("12")
    author.locator("#questions-3-tolerance").fill("4")
    author.locator("#questions-4-prompt").fill("What keeps many different passwords for you?")
    author.locator("#questions-4-accepted").fill("password manager\nparoļu pārvaldnieks")
    accessible(author)
    author.get_by_role("button", name="Save").first.click()
    expect(author.get_by_text("Saved as revision", exact=False)).to_be_visible()

    # The exercise, in the second module, checked by the graders.
    author.get_by_role("link", name=TITLE).click()
    second = author.locator(".studio-outline > li").nth(1)
    second.get_by_label("Kind").select_option("exercise")
    second.get_by_label("Title of the new item").fill("Password length")
    second.get_by_role("button", name="Add an item").click()
    expect(author.get_by_role("heading", name="Edit exercise")).to_be_visible()
    author.get_by_label("Instructions (Markdown)").fill("Write `longEnough(password)`: true from 12 characters.")
    author.get_by_label("Starter code (what the editor starts with)").fill(
        "export function longEnough(password) {\n  // your code here\n}\n")
    author.get_by_label("Reference solution (never shown to learners)").fill(
        "export function longEnough(password) {\n  return password.length >= 12;\n}\n")
    author.locator("#tests-0-name").fill("a long password is long enough")
    author.locator("#tests-0-code").fill("expect(longEnough('correct-horse-battery')).toBe(true);")
    author.locator("#hidden_tests-0-name").fill("a short password is not")
    author.locator("#hidden_tests-0-code").fill("expect(longEnough('abc')).toBe(false);")
    author.get_by_role("button", name="Save").first.click()
    expect(author.get_by_text("Saved as revision", exact=False)).to_be_visible()
    accessible(author)
    author.get_by_role("button", name="Check the saved exercise").click()
    expect(author.get_by_role("heading", name="Check: passed")).to_be_visible(timeout=CHECK_WAIT)
    expect(author.get_by_text("The solution passes a long password is long enough")).to_be_visible()
    expect(author.get_by_text("The starter code fails the hidden tests: a short password is not")).to_be_visible()
    accessible(author)
    # The check's page is the exercise's form: its Save saves the exercise.
    author.get_by_label("Time limit in milliseconds (optional, 2000 if empty)").fill("3000")
    author.get_by_role("button", name="Save").first.click()
    expect(author.get_by_text("Saved as revision", exact=False)).to_be_visible()

    author.get_by_role("link", name=TITLE).click()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("Submitted for review: an administrator will publish it.")).to_be_visible()

    admin.goto(f"/studio/courses/{SLUG}")
    admin.get_by_role("link", name=f"Publish {TITLE}").click()
    expect(admin.get_by_text("Added: Introduction, Password check, Working safely, Password length")).to_be_visible()
    accessible(admin)
    admin.get_by_role("button", name=f"Yes, publish {TITLE}").click()
    expect(admin.get_by_text("Published: learners see this version now.")).to_be_visible()

    # A learner does the lesson and the quiz.
    sign_in(learner, "journey-learner", "browser password")
    learner.goto("/courses")
    learner.get_by_role("link", name=TITLE).click()
    learner.get_by_role("button", name="Enrol").first.click()
    learner.goto(f"/courses/{SLUG}/learn/introduction")
    expect(learner.get_by_text("A strong pasword is")).to_be_visible()
    expect(learner.get_by_role("img", name="A locked phone screen")).to_be_visible()
    accessible(learner)
    learner.get_by_role("button", name="Mark as done").click()
    learner.goto(f"/courses/{SLUG}/learn/password-check")
    learner.get_by_role("button", name="Start the quiz").click()
    learner.get_by_role("group", name="Question 1").get_by_label("False").check()
    learner.get_by_role("group", name="Question 2").get_by_label("correct-horse-battery-staple").check()
    learner.get_by_role("group", name="Question 3").get_by_label("Two-step sign-in").check()
    learner.get_by_role("group", name="Question 4").get_by_label("Your answer").fill("14")
    learner.get_by_role("group", name="Question 5").get_by_label("Your answer").fill("Password manager")
    accessible(learner)
    learner.get_by_role("button", name="Submit my answers").click()
    expect(learner.get_by_text("You passed.")).to_be_visible()
    expect(learner.get_by_text("Yes: long and unusual.")).to_be_visible()
    accessible(learner)

    # A new draft: the typo fixed and an item added; the diff; what changes for learners.
    author.goto(f"/studio/courses/{SLUG}")
    author.get_by_role("link", name="Introduction", exact=True).click()
    expect(author.locator(".cm-editor .cm-content")).to_be_visible()
    editor = author.get_by_role("textbox", name="Lesson text (Markdown)")
    text = author.locator("#body").input_value()
    editor.fill(text.replace("pasword", "password"))
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_text("Saved as revision", exact=False)).to_be_visible()
    author.get_by_role("link", name=TITLE).click()
    expect(author.get_by_text("Draft", exact=False).first).to_be_visible()
    second = author.locator(".studio-outline > li").nth(1)
    second.get_by_label("Title of the new item").fill("Backups")
    second.get_by_role("button", name="Add an item").click()
    author.get_by_role("link", name=TITLE).click()
    author.get_by_role("link", name="History").click()
    accessible(author)
    head = author.locator("#old option").count()  # the published revision, the typo fixed, the item added
    author.get_by_label("Compare revision").select_option(str(head - 2))
    author.get_by_label("with revision").select_option(str(head))
    author.get_by_role("button", name="Compare").click()
    expect(author.locator("del", has_text="A strong pasword is **long**")).to_be_visible()
    expect(author.locator("ins", has_text="A strong password is **long**")).to_be_visible()
    expect(author.get_by_text("backups", exact=False).first).to_be_visible()
    accessible(author)
    author.get_by_role("link", name=TITLE).click()
    author.get_by_role("button", name="Submit for review").click()

    admin.goto(f"/studio/courses/{SLUG}/publish")
    expect(admin.get_by_text("1 learners are enrolled.", exact=False)).to_be_visible()
    expect(admin.get_by_text("Added: Backups")).to_be_visible()
    expect(admin.get_by_text("Changed: Introduction")).to_be_visible()
    expect(admin.get_by_text("Removed: nothing")).to_be_visible()
    admin.get_by_role("button", name=f"Yes, publish {TITLE}").click()
    expect(admin.get_by_text("Published: learners see this version now.")).to_be_visible()

    learner.goto(f"/courses/{SLUG}")
    syllabus = learner.locator(".syllabus")
    expect(syllabus.locator("ul li", has_text="Introduction")).to_contain_text("done")
    expect(syllabus.locator("ul li", has_text="Password check")).to_contain_text("done")
    expect(syllabus.locator("ul li", has_text="Backups")).to_be_visible()
    expect(syllabus.locator("ul li", has_text="Backups")).not_to_contain_text("done")
    accessible(learner)
    learner.goto(f"/courses/{SLUG}/learn/introduction")
    expect(learner.get_by_text("A strong password is")).to_be_visible()
    expect(learner.get_by_role("button", name="Mark as done")).to_have_count(0)

    # The key pages fit a phone.
    phone = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, "journey-author", "browser password")
    for path in (f"/studio/courses/{SLUG}", f"/studio/courses/{SLUG}/items/introduction",
                 f"/studio/courses/{SLUG}/items/password-check", f"/studio/courses/{SLUG}/items/password-length",
                 f"/studio/courses/{SLUG}/history", f"/courses/{SLUG}/learn/introduction"):
        phone.goto(path)
        accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path

    # Out as a package: validated unpacked, imported into a fresh database as the same course.
    exported = author.request.get(f"/studio/courses/{SLUG}/export.zip")
    assert exported.ok
    data = exported.body()
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path / "unpacked")
    result = live_server.test_cli_runner().invoke(args=["courses", "validate", str(tmp_path / "unpacked" / SLUG)])
    assert result.exit_code == 0, result.output
    (tmp_path / f"{SLUG}.zip").write_bytes(data)
    fresh = create_app({"SECRET_KEY": "fresh", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    with fresh.app_context():
        db.create_all()
    result = fresh.test_cli_runner().invoke(args=["courses", "import", str(tmp_path / f"{SLUG}.zip")])
    assert result.exit_code == 0, result.output

    live, copy = _course(live_server), _course(fresh)
    assert copy == live
    assert [slug for _module, slug, kind, *_rest in live["items"]] == [
        "introduction", "password-check", "working-safely", "password-length", "backups"]
    with live_server.app_context():
        done = set(db.session.scalars(sa.select(Statement.activity_id).where(
            Statement.activity_id.startswith(vocabulary.activities_prefix()))))
        done = {activity.removeprefix(vocabulary.activities_prefix()) for activity in done}
    # Every activity the learner's statements name is an activity of the imported copy.
    assert {f"lesson/{SLUG}/introduction", f"quiz/{SLUG}/password-check"} <= done
    assert {activity for activity in done if SLUG in activity} <= set(copy["activities"])


def _course(app) -> dict:
    """What makes the course the same course: its slugs, items and activity ids (without
    the platform identity, which each database fixes for itself), and their competences."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        prefix = vocabulary.activities_prefix()
        mappings = db.session.scalars(sa.select(ActivityCompetence).where(
            ActivityCompetence.source == f"course:{SLUG}")).all()
        items = [(item.module.slug, item.slug, item.kind, item.title, item.html, item.questions, item.exercise,
                  item.competences) for item in course.items if not item.archived]
        return {
            "title": course.title, "competences": course.competences,
            "modules": [(module.slug, module.title) for module in course.modules],
            "items": items,
            "activities": sorted(activity.removeprefix(prefix) for activity in {vocabulary.activity_id("course", SLUG)}
                                 | {vocabulary.activity_id("module", SLUG, module.slug) for module in course.modules}
                                 | {vocabulary.activity_id(item.kind, SLUG, item.slug) for item in course.items
                                    if not item.archived}
                                 | {vocabulary.activity_id("question", SLUG, item.slug, question["id"])
                                    for item in course.items if not item.archived for question in item.questions or []}),
            "mappings": sorted((m.activity_id.removeprefix(prefix), m.competence.reference, m.level) for m in mappings),
        }
