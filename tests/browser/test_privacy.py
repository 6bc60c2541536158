"""Personal data in the browser: a pupil downloads their data, a teacher asks to erase a
pupil and an admin approves it, an admin reads the access log. Every page is axe-clean."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from lms.accounts import services as accounts
from lms.extensions import db
from lms.teaching import services as teaching

pytestmark = pytest.mark.browser

PASSWORD = "browser password"


def sign_in(page, username):
    page.goto("/login")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def a_class_with_a_pupil(live_server, live_user, teacher, pupil, name):
    live_user(teacher, audience="teacher", roles=("learner", "teacher"), display_name=f"Teacher {teacher}")
    with live_server.app_context():
        school_class = teaching.create_class(accounts.find_by_login(teacher), f"Club of {teacher}")
        teaching.join(school_class, username=pupil, display_name=name, password=PASSWORD)
        db.session.commit()
        return school_class.id


def test_a_pupil_downloads_everything_about_them(page, accessible, live_server, live_user):
    """The pupil asks for a copy, is told when the background has built it, and downloads it."""
    a_class_with_a_pupil(live_server, live_user, "teacher-dl", "pupil-dl", "Liene")
    sign_in(page, "pupil-dl")
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="My data", level=1)).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Download my data").click()
    expect(page.get_by_role("heading", name="A copy of my data", level=1)).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Prepare a new copy").click()
    expect(page.get_by_text("The copy is being prepared.")).to_be_visible()
    ready = page.get_by_role("link", name="The copy of the data about Liene is ready to download")
    for _ in range(60):  # the notification list, as the pupil would look again
        page.goto("/notifications")
        if ready.count():
            break
        page.wait_for_timeout(500)
    accessible(page)
    ready.click()
    expect(page.get_by_role("heading", name="A copy of my data", level=1)).to_be_visible()
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the copy").click()
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert json.loads(archive.read("data.json"))["account"][0]["display_name"] == "Liene"
    assert "index.html" in archive.namelist() and "statements.json" in archive.namelist()


def test_a_teacher_asks_to_erase_a_pupil_and_an_admin_approves(page, accessible, live_server, live_user):
    class_id = a_class_with_a_pupil(live_server, live_user, "teacher-er", "pupil-er", "Marta")
    live_user("admin-er", roles=("learner", "admin"), display_name="Admin Er")
    sign_in(page, "teacher-er")
    page.goto(f"/classes/{class_id}")
    page.get_by_role("link", name="Ask to erase Marta").click()
    accessible(page)
    page.get_by_label("Why (optional)").fill("Marta's family asked the school.")
    page.get_by_role("button", name="Send the erasure request").click()
    expect(page.get_by_text("Your request is sent.")).to_be_visible()
    sign_out(page)

    sign_in(page, "admin-er")
    page.get_by_role("link", name="Data requests").click()
    accessible(page)
    page.get_by_role("link", name="Marta").click()
    expect(page.get_by_text("Marta's family asked the school.")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Approve and erase Marta").click()
    expect(page.get_by_role("heading", name="Erase Marta everywhere?")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Yes, erase Marta").click()
    expect(page.get_by_text("The person is erased")).to_be_visible()
    expect(page.get_by_text("Approved: erased")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Marta")
    accessible(page)
    with live_server.app_context():
        assert accounts.find_by_login("pupil-er") is None


def test_an_admin_reads_the_access_log(page, accessible, live_server, live_user):
    """The teacher's export of a pupil's data is in the log, found by the pupil's name."""
    a_class_with_a_pupil(live_server, live_user, "teacher-log", "pupil-log", "Ieva Log")
    live_user("admin-log", roles=("learner", "admin"), display_name="Admin Log")
    sign_in(page, "teacher-log")
    with live_server.app_context():
        public_id = accounts.find_by_login("pupil-log").public_id
    page.goto(f"/privacy/export/{public_id}")
    page.get_by_role("button", name="Prepare a new copy").click()
    download_link = page.get_by_role("link", name="Download the copy")
    for _ in range(60):  # built in the background
        if download_link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    with page.expect_download():
        download_link.click()
    sign_out(page)
    sign_in(page, "admin-log")
    page.goto("/admin/privacy/requests")
    page.get_by_role("link", name="Access log").click()
    page.get_by_label("Whose data (name or username)").fill("Ieva")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 entry found.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Teacher teacher-log.*Ieva Log.*data export"))).to_be_visible()
    accessible(page)
