"""The studio's pages: an author creates a course, edits a lesson with a preview, is told
of a stale save, submits; an admin sees what changes for learners and publishes."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from lms.accounts.services import find_by_login
from lms.catalog import services as catalog
from lms.content import packages
from lms.exercises import queues
from lms.exercises.models import GradingJob
from lms.extensions import db
from lms.studio import services as studio
from tests.conftest import FIXTURE_COURSES


def test_someone_who_is_not_an_author_cannot_open_the_studio(client, login, teacher):
    login(teacher)
    assert client.get("/studio").status_code == 403


def test_an_author_creates_a_course_and_sees_its_outline(client, login, author):
    login(author)
    response = client.post("/studio/new", data={"title": "Spreadsheets at work", "summary": "Tables and sums.",
                                                 "language": "en", "audiences": ["adult"], "level": "beginner",
                                                 "estimated_hours": "4"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Spreadsheets at work" in page and "First module" in page and "Introduction" in page
    assert "Move up" in page and "Move down" in page


def test_a_course_form_with_wrong_values_saves_nothing(client, login, author):
    login(author)
    response = client.post("/studio/new", data={"title": "", "estimated_hours": "many", "level": "expert"})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert client.get("/studio").get_data(as_text=True).count("/studio/courses/") == 0


def test_a_lesson_is_saved_previewed_and_a_stale_save_is_refused_with_a_way_to_compare(
        app, client, login, author, new_course):
    login(author)
    url = f"/studio/courses/{new_course}/items/introduction"
    assert client.get(url).status_code == 200
    data = {"base": "1", "title": "Introduction", "body": "# Introduction\n\nCells and **rows**."}
    assert client.post(url, data=data).status_code == 302
    preview = client.post(f"/studio/courses/{new_course}/preview",
                          data={"body": "Hi <script>alert(1)</script> **bold**"}).get_data(as_text=True)
    assert "<strong>bold</strong>" in preview and "<script" not in preview
    response = client.post(url, data={**data, "body": "Stale change."})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "saved a newer version of this" in page and f"/studio/courses/{new_course}/history?old=1&amp;new=2" in page


def test_invalid_item_content_is_refused_at_the_field_with_the_validators_message(client, login, author, new_course):
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items/introduction",
                           data={"base": "1", "title": "Introduction", "body": "![A chart](../images/none.png)"})
    assert response.status_code == 400
    assert "images/none.png" in response.get_data(as_text=True)


def test_an_admin_sees_what_changes_for_learners_then_publishes(app, client, login, author, admin, new_course):
    login(author)
    client.post(f"/studio/courses/{new_course}/submit")
    client.delete_cookie("session")
    login(admin)
    page = client.get(f"/studio/courses/{new_course}/publish").get_data(as_text=True)
    assert "Publish Spreadsheets at work?" in page and "Added: Introduction" in page
    assert client.post(f"/studio/courses/{new_course}/publish").status_code == 302
    with app.app_context():
        assert catalog.get_course(new_course).title == "Spreadsheets at work"


def test_a_package_is_imported_in_the_browser_and_exported_again(client, login, author):
    login(author)
    data = packages.to_zip("first-steps", packages.folder_files(FIXTURE_COURSES / "first-steps"))
    response = client.post("/studio/import", data={"package": (io.BytesIO(data), "first-steps.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    exported = client.get("/studio/courses/first-steps/export.zip")
    assert exported.mimetype == "application/zip"
    assert packages.read_zip(exported.data) == packages.read_zip(data)


def test_a_hostile_package_is_refused_naming_the_problem(client, login, author):
    login(author)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/course.yaml", "x")
        archive.writestr("c/../../evil.sh", "x")
    response = client.post("/studio/import", data={"package": (io.BytesIO(buffer.getvalue()), "c.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "has a path that leads outside the package" in response.get_data(as_text=True)


def test_a_hostile_package_is_refused_in_latvian_on_latvian_pages(client, login, author, app):
    login(author)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c/course.yaml", "x")
        archive.writestr("c/inner.zip", b"PK\x03\x04")
    response = client.post("/studio/import", data={"package": (io.BytesIO(buffer.getvalue()), "c.zip")},
                           content_type="multipart/form-data", headers={"Accept-Language": "lv"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "ir arhīvs pakotnes iekšienē; atarhivējiet to un pievienojiet tā datnes" in page
    assert "is an archive inside the package" not in page
    with app.app_context():
        assert studio.get("c") is None


def test_an_admin_makes_a_teacher_an_author(client, login, admin, teacher, app):
    login(admin)
    assert client.post("/studio/authors", data={"user": "teacher"}).status_code == 302
    with app.app_context():
        assert studio.is_author(find_by_login("teacher"))
    assert client.post("/studio/authors", data={"user": "admin"}).status_code == 400


SUM = """title: Sum
language: javascript
competences: [jsreact:fundamentals.functions@1]
instructions: Write `sum(a, b)`.
starter: |
  export function sum(a, b) {}
solution: |
  export function sum(a, b) { return a + b; }
tests:
  - name: adds two numbers
    code: expect(sum(1, 2)).toBe(3);
hidden_tests:
  - name: adds negative numbers
    code: expect(sum(-1, -2)).toBe(-3);
"""


def test_check_runs_the_grader_and_shows_each_tests_result(app, client, login, author, new_course):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = studio.get(new_course)
        studio.add_item(course, find_by_login("ms-berzina"), 1, "module-1", "exercise", "Sum", SUM.encode())
        db.session.commit()
    login(author)
    page = checked(client, f"/studio/courses/{new_course}/items/sum/check")
    assert "Check: passed" in page
    assert "The solution passes adds two numbers" in page and "The solution passes adds negative numbers" in page
    assert "The starter code fails the hidden tests: adds negative numbers" in page
    client.post(f"/studio/courses/{new_course}/items/sum?advanced=1",
                data={"base": "2", "text": SUM.replace("a + b", "a - b")})
    page = checked(client, f"/studio/courses/{new_course}/items/sum/check")
    assert "Check: not passed" in page and "The solution fails adds two numbers" in page


def test_after_a_check_the_author_sees_the_exercise_form_whose_save_posts_to_the_item(app, client, login, author,
                                                                                     new_course):
    """After "Check", the results are on the exercise's own form, and its Save saves the item."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = studio.get(new_course)
        studio.add_item(course, find_by_login("ms-berzina"), 1, "module-1", "exercise", "Sum", SUM.encode())
        db.session.commit()
    login(author)
    page = checked(client, f"/studio/courses/{new_course}/items/sum/check")
    assert "Check: passed" in page and "The solution passes adds two numbers" in page
    assert 'id="starter"' in page and 'id="hidden_tests-0-code"' in page  # the form, not the file's text box
    assert f'action="/studio/courses/{new_course}/items/sum"' in page
    assert 'name="text"' not in page
    form = {"base": "2", "action": "save", "title": "Sum of two", "language": "javascript",
            "competences": ["jsreact:fundamentals.functions@1"], "instructions": "Write `sum(a, b)`.",
            "starter": "export function sum(a, b) {}\n", "solution": "export function sum(a, b) { return a + b; }\n",
            "tests-0-name": "adds two numbers", "tests-0-code": "expect(sum(1, 2)).toBe(3);",
            "hidden_tests-0-name": "adds negative numbers", "hidden_tests-0-code": "expect(sum(-1, -2)).toBe(-3);"}
    response = client.post(f"/studio/courses/{new_course}/items/sum", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert b"Sum of two" in studio.item_file(studio.get(new_course), "sum")[2]


def test_the_outline_s_new_order_is_posted_with_csrf_and_answered_for_its_script(app, client, login, author,
                                                                                 new_course):
    """The drag and drop's address saves a whole order and says so; a bad one is refused with a message."""
    login(author)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        studio.add_module(studio.get(new_course), find_by_login("ms-berzina"), 1, "Charts")
        db.session.commit()
    page = client.get(f"/studio/courses/{new_course}").get_data(as_text=True)
    assert f'data-order-url="/studio/courses/{new_course}/order"' in page and 'data-item="charts"' in page
    url = f"/studio/courses/{new_course}/order"
    order = '[["charts", ["charts"]], ["module-1", ["introduction"]]]'
    response = client.post(url, data={"base": "2", "order": order})
    assert response.status_code == 200 and response.json["message"] == "The new order is saved as revision 3."
    page = client.get(f"/studio/courses/{new_course}").get_data(as_text=True)
    assert page.index('id="module-charts"') < page.index('id="module-module-1"')
    response = client.post(url, data={"base": "3", "order": '[["charts", ["charts", "elsewhere"]]]'})
    assert response.status_code == 400 and "every module and item" in response.json["message"]
    response = client.post(url, data={"base": "3", "order": "not json"})
    assert response.status_code == 400 and "could not be read" in response.json["message"]


def checked(client, url):
    """Ask for a check, see it queued ("checking…", the page refreshing itself), let the
    graders finish, and return the check's page."""
    response = client.post(url)
    assert response.status_code == 302 and "/checks/" in response.headers["Location"]
    queues.wait_idle(60)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Checking…" not in page and 'http-equiv="refresh"' not in page
    return page


def test_a_check_is_a_grading_job_shown_as_checking_until_the_graders_are_done(app, client, login, author,
                                                                               new_course, monkeypatch):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = studio.get(new_course)
        studio.add_item(course, find_by_login("ms-berzina"), 1, "module-1", "exercise", "Sum", SUM.encode())
        db.session.commit()
    login(author)
    monkeypatch.setattr(queues, "dispatch", lambda app, job_id: None)  # no grader takes it yet
    response = client.post(f"/studio/courses/{new_course}/items/sum/check")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Checking…" in page and 'http-equiv="refresh"' in page
    with app.app_context():
        job = db.session.scalar(sa.select(GradingJob).where(GradingJob.kind == "check"))
        assert job.state == "queued" and job.enrollment_id is None
        job_id = job.id
    monkeypatch.undo()
    queues.grade(app, job_id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check: passed" in page
    client.delete_cookie("session")


def test_competences_are_chosen_by_name_and_an_unknown_code_is_refused(app, client, login, author, new_course):
    login(author)
    url = f"/studio/courses/{new_course}/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'value="digcomp:4.2@2"' in page  # codes only as the options' values
    assert "Protecting personal data and privacy — Foundation (2)" in page
    data = {"base": "1", "title": "Spreadsheets at work", "summary": "Tables.", "language": "en",
            "audiences": ["adult"], "level": "beginner", "estimated_hours": "4"}
    response = client.post(url, data={**data, "competences": ["digcomp:9.9@2"]})
    assert response.status_code == 400 and "is not a valid choice" in response.get_data(as_text=True)
    assert client.post(url, data={**data, "competences": ["digcomp:4.2@2"]}).status_code == 302
    with app.app_context():
        assert studio.outline(studio.get(new_course)).settings["competences"] == ["digcomp:4.2@2"]


@pytest.mark.parametrize("kind", ["lesson", "quiz", "exercise", "task"])
def test_an_author_adds_an_item_of_each_kind_and_lands_in_its_editor(client, login, author, new_course, kind):
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items",
                           data={"base": "1", "module": "module-1", "kind": kind, "title": "Charts and graphs"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/items/charts-and-graphs")
    assert client.get(response.headers["Location"]).status_code == 200
    outline = client.get(f"/studio/courses/{new_course}").get_data(as_text=True)
    assert "Charts and graphs" in outline


def test_an_author_invites_a_co_author_who_can_then_edit(app, client, login, author, co_author, new_course):
    login(author)
    client.post(f"/studio/courses/{new_course}/authors", data={"user": "mr-ozols"})
    page = client.get(f"/studio/courses/{new_course}").get_data(as_text=True)
    assert "Jānis Ozols now writes this course with you." in page
    client.delete_cookie("session")
    login(co_author)
    assert client.get(f"/studio/courses/{new_course}/items/introduction").status_code == 200


def test_an_author_cannot_open_a_course_they_do_not_write(client, login, co_author, new_course):
    login(co_author)
    assert client.get(f"/studio/courses/{new_course}").status_code == 404
    assert client.get(f"/studio/courses/{new_course}/export.zip").status_code == 404
