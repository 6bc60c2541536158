"""The gradebook pages, exports, a cell's work page, comments and the learner's record."""

import csv
import io

import openpyxl

from lms.accounts import services as accounts
from lms.extensions import db
from lms.audit.models import AccessLogEntry
from lms.gradebook.models import Feedback


def test_the_teacher_sees_names_states_and_links_to_each_cell(client, login, staged):
    login(staged.people.teacher)
    response = client.get(f"/classes/{staged.class_id}/gradebook")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anna" in page and "Needs review" in page and "table-scroll" in page
    assert f"/work/{staged.people.pupil.public_id}/code-practice/sum-numbers" in page


def test_the_filter_keeps_only_learners_with_work_waiting(app, client, login, staged):
    login(staged.people.teacher)
    page = client.get(f"/classes/{staged.class_id}/gradebook?filter=not_started&sort=last").get_data(as_text=True)
    assert "1 of 1 learners" in page


def test_another_teacher_and_a_pupil_get_nothing(client, login, staged):
    login(staged.people.other_teacher)
    assert client.get(f"/classes/{staged.class_id}/gradebook").status_code == 404
    assert client.get(f"/classes/{staged.class_id}/gradebook.csv").status_code == 404
    assert client.get(f"/work/{staged.people.pupil.public_id}/code-practice/sum-numbers").status_code == 404
    client.post("/logout")
    login(staged.people.pupil)
    assert client.get(f"/classes/{staged.class_id}/gradebook").status_code == 403
    assert client.get(f"/work/{staged.people.pupil.public_id}/code-practice/sum-numbers").status_code == 403


def test_the_csv_defuses_formulas_and_the_excel_file_keeps_them_text(app, client, login, staged):
    with app.app_context():
        pupil = accounts.find_by_login("anna")
        pupil.display_name = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    login(staged.people.teacher)
    response = client.get(f"/classes/{staged.class_id}/gradebook.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv" and rows[0][0] == "Vārds" or rows[0][0] == "Name"
    assert rows[1][0].startswith("'=")
    response = client.get(f"/classes/{staged.class_id}/gradebook.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet["A2"].value.startswith("'=") and sheet["A2"].data_type == "s"
    assert any(isinstance(cell.value, (int, float)) for cell in sheet[2][2:])


def test_the_work_page_shows_code_and_hidden_tests_by_name_only_and_the_pupil_sees_the_view(
        app, client, login, staged):
    login(staged.people.teacher)
    url = f"/work/{staged.people.pupil.public_id}/code-practice/sum-numbers"
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "return a - b;" in page and "secret case" in page and "hidden test" in page
    assert "expected 5, got -1" in page  # a visible test's message
    with app.app_context():
        assert db.session.query(AccessLogEntry).filter(AccessLogEntry.item_id.is_not(None)).count() == 1
        submission_id = db.session.query(Feedback.id).count()  # noqa: F841
    from lms.exercises.models import ExerciseSubmission
    with app.app_context():
        submission = db.session.query(ExerciseSubmission).one().id
    response = client.post(f"{url}/feedback", data={"target": "submission", "target_id": submission, "line": "2",
                                                     "body": "Add, do not subtract."})
    assert response.status_code == 302
    client.post("/logout")
    login(staged.people.pupil)
    page = client.get("/courses/code-practice/learn/sum-numbers", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Add, do not subtract." in page and "line 2" in page and "viewed your work" in page
    record = client.get("/my/feedback", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "commented on your work" in record and "viewed your work" in record


def test_a_refused_comment_is_shown_on_the_page_and_nothing_is_saved(app, client, login, staged):
    login(staged.people.teacher)
    url = f"/work/{staged.people.pupil.public_id}/code-practice/sum-numbers/feedback"
    from lms.exercises.models import ExerciseSubmission
    with app.app_context():
        submission = db.session.query(ExerciseSubmission).one().id
    response = client.post(url, data={"target": "submission", "target_id": submission, "line": "99", "body": "Hm"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Choose a line from 1 to 4." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Feedback).count() == 0


def test_the_course_gradebook_is_the_reviewer_s_and_lists_learners_outside_classes(client, login, staged):
    login(staged.people.reviewer)
    page = client.get("/courses/project-work/gradebook").get_data(as_text=True)
    assert staged.people.adult.display_name in page and "Anna" not in page
    assert client.get("/courses/code-practice/gradebook").status_code == 404


def test_the_review_count_shows_on_the_teacher_s_pages(client, login, staged):
    login(staged.people.teacher)
    page = client.get("/classes", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 hand-in waits for your review." in page and 'class="count-badge">1' in page


def test_the_review_queue_comes_a_page_at_a_time_oldest_first(app, client, login, staged):
    from lms.catalog import services as catalog
    from lms.learning import services as learning
    from lms.tasks import services as tasks
    from lms.teaching import services as teaching
    from lms.tasks.services import QUEUE_PAGE
    with app.test_request_context():
        db.session.expire_all()
        school_class = teaching.class_for_teacher(staged.class_id, accounts.find_by_login("ms-ozola"))
        course = catalog.get_course("project-work")
        for n in range(QUEUE_PAGE):
            pupil = teaching.join(school_class, username=f"queue-{n}", display_name=f"Pupil {n:02d}",
                                  password="correct horse battery")
            tasks.save(learning.active_enrollment(pupil, course), catalog.find_item(course, "reflection"),
                       text="Mine.", hand_in=True)
        db.session.commit()
    login(staged.people.teacher)
    first = client.get("/reviews", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"{QUEUE_PAGE + 1} hand-ins are waiting." in first and "Anna: " in first and "Pupil 49" not in first
    second = client.get("/reviews?page=2", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Pupil 49" in second and "Anna: " not in second


def test_opening_a_pupil_s_work_and_exporting_the_gradebook_are_in_the_access_log(app, client, login, staged):
    """The pupil and the data protection officer can see who looked at the pupil's code and who
    took a file naming them."""
    login(staged.people.teacher)
    client.get(f"/work/{staged.people.pupil.public_id}/code-practice/sum-numbers")
    client.get(f"/classes/{staged.class_id}/gradebook.csv")
    client.get(f"/classes/{staged.class_id}/gradebook.xlsx")
    with app.app_context():
        pupil = accounts.find_by_login("anna")
        entries = db.session.scalars(db.select(AccessLogEntry).where(AccessLogEntry.subject_id == pupil.id)
                                     .order_by(AccessLogEntry.id)).all()
        assert [entry.what for entry in entries] == ["code", "progress", "progress"]
        assert entries[1].detail.endswith("(CSV)") and entries[2].detail.endswith("(Excel)")


# What the gradebook page and its exports take, however many pupils and items the class has.
PAGE_QUERIES = {"gradebook": 20, "gradebook.csv": 19, "gradebook.xlsx": 19}


def test_the_gradebook_and_its_exports_take_the_same_queries_for_one_pupil_as_for_seven(app, client, login, staged):
    """A fixed, small number of queries: an export writes one access-log entry per pupil it
    names, in one INSERT, so a bigger class costs no more statements."""
    from tests.gradebook.conftest import add_pupil, count_queries, submit_code
    from lms.learning import services as learning
    from lms.tasks import services as tasks

    login(staged.people.teacher)

    def queries():
        counted = {}
        for page in PAGE_QUERIES:
            with app.app_context(), count_queries(app) as seen:
                assert client.get(f"/classes/{staged.class_id}/{page}").status_code == 200
            counted[page] = len(seen)
        return counted

    one = queries()
    with app.test_request_context():
        for n in range(6):
            pupil = add_pupil(staged, f"Pupil {n}", f"pupil-{n}")
            tasks.save(learning.active_enrollment(pupil, staged.people.course), staged.people.reflection,
                       text="x", hand_in=True)
            submit_code(learning.active_enrollment(pupil, staged.code_course), staged.exercise)
        db.session.commit()
    seven = queries()
    assert "Pupil 5" in client.get(f"/classes/{staged.class_id}/gradebook.csv").get_data(as_text=True)
    assert one == seven == PAGE_QUERIES
