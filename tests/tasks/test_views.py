"""The task pages: handing in with files, downloads only for the learner and their
reviewers, the review queue and form, and the admins' page of course reviewers."""

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from lms.audit.models import AccessLogEntry
from lms.extensions import db
from lms.tasks import services
from lms.tasks.models import HandIn, Review
from tests.tasks.conftest import PDF

TASK = "/courses/project-work/learn/lesson-plan"


def post_hand_in(client, text="My plan", files=(), action="hand_in"):
    """Post the hand-in form as a browser would (multipart), the body built in memory: the
    test client would spool a large one to a temporary file it never closes."""
    fields = MultiDict([("text", text), ("link", ""), ("action", action)]
                       + [("files", FileStorage(io.BytesIO(data), name)) for name, data in files])
    boundary, body = encode_multipart(fields)
    return client.post(f"{TASK}/hand-in", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def only_hand_in(app):
    """The one hand-in so far: its id and its files' ids."""
    with app.app_context():
        made = db.session.query(HandIn).one()
        return made.id, [f.id for f in made.files]


def test_a_learner_hands_in_a_file_and_sees_it_waiting(client, login, cast):
    """The page says what to hand in; after handing in it shows the hand-in waiting, with its file."""
    login(cast.pupil)
    page = client.get(TASK).get_data(as_text=True)
    assert "Nothing is handed in yet" in page and "How your work is assessed" in page
    assert "Clear and checkable" in page and 'accept=".pdf,.docx,.odt,.png,.jpg,.jpeg,.txt,.md"' in page
    assert "at most 1 MB each" in page and "Reviewed by your class teacher." in page
    response = post_hand_in(client, files=[("plan.pdf", PDF)])
    assert response.status_code == 302
    page = client.get(TASK).get_data(as_text=True)
    assert "Hand-in 1 is waiting for review" in page and "plan.pdf" in page


def test_a_refused_file_names_the_limit_and_keeps_what_was_typed(app, client, login, cast):
    login(cast.pupil)
    response = post_hand_in(client, text="Typed carefully", files=[("big.pdf", PDF + b"x" * (1024 * 1024))])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "big.pdf is larger than 1 MB, the most this task accepts per file." in page
    assert "Typed carefully</textarea>" in page
    with app.app_context():
        assert db.session.query(HandIn).count() == 0


def test_a_request_larger_than_all_files_together_is_refused_naming_the_limit(client, login, cast):
    login(cast.pupil)
    response = post_hand_in(client, files=[("huge.pdf", PDF + b"x" * (4 * 1024 * 1024))])
    assert response.status_code == 413
    assert "larger than 3 MB, the most this task accepts at once" in response.get_data(as_text=True)


def test_files_are_downloads_only_for_the_learner_and_their_reviewers(app, client, login, cast):
    """Always an attachment with the type the content showed and nosniff; anyone else gets 404."""
    login(cast.pupil)
    post_hand_in(client, files=[("notes.txt", "Plāns <b>ok</b>".encode())])
    file_id = only_hand_in(app)[1][0]
    for user, expected in [(cast.pupil, 200), (cast.teacher, 200), (cast.other_teacher, 404), (cast.adult, 404),
                           (cast.reviewer, 404)]:
        client.delete_cookie("session")
        login(user)
        response = client.get(f"/task-files/{file_id}")
        assert response.status_code == expected, user.username
        if expected == 200:
            assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
            assert response.headers["Content-Disposition"].startswith("attachment;")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response.headers["Content-Security-Policy"]
            assert response.data == "Plāns <b>ok</b>".encode()


@pytest.mark.parametrize("name, data", [
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("page.html", b"<!doctype html><script>alert(1)</script>"),
    ("page.txt", b"<html><script>alert(1)</script></html>"),
])
def test_svg_and_html_are_never_stored_so_never_served(app, client, login, cast, name, data):
    login(cast.pupil)
    response = post_hand_in(client, files=[(name, data)])
    assert response.status_code == 400 and name in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(HandIn).count() == 0


def test_the_teacher_reviews_with_the_rubric_and_the_learner_sees_the_review(app, client, login, cast):
    login(cast.pupil)
    post_hand_in(client, text="Pupils *watch* a video.")
    hand_in_id = only_hand_in(app)[0]
    client.delete_cookie("session")
    login(cast.teacher)
    queue = client.get("/reviews").get_data(as_text=True)
    assert "Anna: Plan a flipped lesson" in queue and "1 hand-in is waiting." in queue
    page = client.get(f"/reviews/{hand_in_id}").get_data(as_text=True)
    assert "Pupils <em>watch</em> a video." in page and 'name="level-objective"' in page
    assert "their class teacher" in page
    response = client.post(f"/reviews/{hand_in_id}", data={
        "level-objective": "1", "level-activities": "0", "comment": "Add **pair work**.", "decision": "another_try"})
    assert response.status_code == 302
    assert "Nothing is waiting for your review." in client.get("/reviews").get_data(as_text=True)
    client.delete_cookie("session")
    login(cast.pupil)
    page = client.get(TASK).get_data(as_text=True)
    assert "Your reviewer asks for another try" in page and "Needs another try" in page
    assert "<strong>pair work</strong>" in page and "Listening only" in page
    assert "Rubric: 1 of 6 points (17%)" in page
    assert "reviewed by Ilze Ozola (class teacher)" in page and "Opened by Ilze Ozola" in page


def test_who_opened_each_hand_in_is_read_from_the_one_access_log(app, client, login, cast):
    """The pupil sees under the hand-in their teacher opened (its page, then its file) who
    opened it, and nothing under the one handed in afterwards; their record says the same.
    The access log holds each opening once, with the task and the hand-in's number."""
    login(cast.pupil)
    post_hand_in(client, files=[("plan.pdf", PDF)])
    hand_in_id, [file_id] = only_hand_in(app)
    client.delete_cookie("session")
    login(cast.teacher)
    assert client.get(f"/reviews/{hand_in_id}").status_code == 200
    assert client.get(f"/task-files/{file_id}").status_code == 200
    assert client.post(f"/reviews/{hand_in_id}", data={
        "level-objective": "1", "level-activities": "0", "comment": "Add pair work.",
        "decision": "another_try"}).status_code == 302
    client.delete_cookie("session")
    login(cast.pupil)
    post_hand_in(client, text="My plan, again")
    page = client.get(TASK).get_data(as_text=True)
    assert page.count("Opened by Ilze Ozola on") == 1
    assert page.index("Hand-in 2 ·") < page.index("Hand-in 1 ·") < page.index("Opened by Ilze Ozola on")
    assert "Your teacher Ilze Ozola viewed your work here" in page
    assert "Your teacher Ilze Ozola viewed your work on" in client.get("/my/feedback").get_data(as_text=True)
    with app.app_context():
        entries = db.session.query(AccessLogEntry).filter_by(what="hand_in").order_by(AccessLogEntry.id).all()
        assert [(e.detail, e.work_number, e.viewer_role) for e in entries] == [
            ("Plan a flipped lesson", 1, "class-teacher"), ("Plan a flipped lesson: plan.pdf", 1, "class-teacher")]
        assert {e.item_id for e in entries} == {db.session.get(HandIn, hand_in_id).item_id}


def test_a_review_by_a_teacher_of_another_class_is_refused_and_changes_nothing(app, client, login, cast):
    login(cast.pupil)
    post_hand_in(client)
    hand_in_id = only_hand_in(app)[0]
    for outsider in (cast.other_teacher, cast.reviewer):
        client.delete_cookie("session")
        login(outsider)
        assert client.get(f"/reviews/{hand_in_id}").status_code == 404
        response = client.post(f"/reviews/{hand_in_id}", data={
            "level-objective": "2", "level-activities": "2", "comment": "", "decision": "accepted"})
        assert response.status_code == 404
    client.delete_cookie("session")
    login(cast.pupil)
    assert client.get(f"/reviews/{hand_in_id}").status_code == 403  # learners have no review pages
    with app.app_context():
        assert db.session.get(HandIn, hand_in_id).status == "waiting"
        assert db.session.query(Review).count() == 0


def test_a_rubric_score_out_of_range_is_refused_with_a_message(app, client, login, cast):
    login(cast.pupil)
    post_hand_in(client)
    hand_in_id = only_hand_in(app)[0]
    client.delete_cookie("session")
    login(cast.teacher)
    response = client.post(f"/reviews/{hand_in_id}", data={
        "level-objective": "7", "level-activities": "2", "comment": "Fine", "decision": "accepted"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“Learning objective”: choose one of its levels, from 0 to 2 points." in page
    assert 'id="level-activities-2" value="2"\n                     checked' in page or 'value="2"' in page
    with app.app_context():
        assert db.session.get(HandIn, hand_in_id).status == "waiting"


def test_an_admin_assigns_and_removes_a_course_reviewer(app, client, login, admin, cast):
    login(admin)
    page = client.get("/admin/reviewers").get_data(as_text=True)
    assert "Project work" in page and "Rita Reviewer" in page
    refused = client.post("/admin/reviewers/project-work", data={"user": "adult-learner"})
    assert refused.status_code == 400
    assert "adult-learner is not a teacher: give them the teacher role first." in refused.get_data(as_text=True)
    assert client.post("/admin/reviewers/project-work", data={"user": "nobody"}).status_code == 400
    assert client.post("/admin/reviewers/project-work", data={"user": "mr-berzins"}).status_code == 302
    assert "Mr Berzins" in client.get("/admin/reviewers").get_data(as_text=True)
    response = client.post(f"/admin/reviewers/project-work/{cast.other_teacher.public_id}/remove")
    assert response.status_code == 302
    with app.app_context():
        assert services.course_reviewers()[0][1][0].username == "reviewer"
        assert len(services.course_reviewers()[0][1]) == 1


def test_the_task_page_is_in_latvian(client, login, cast):
    login(cast.pupil)
    page = client.get(TASK, headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Nodot pārbaudei" in page and "Kā tiek vērtēts jūsu darbs" in page


def test_a_file_over_the_sites_form_limit_reaches_the_task_with_csrf_on(app, client, login, cast):
    """A hand-in larger than an ordinary form (LMS_MAX_REQUEST_BYTES) but within the task's
    limits is read by the task, not refused by the CSRF check that reads forms first."""
    import re

    login(cast.pupil)
    app.config["WTF_CSRF_ENABLED"] = True
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(TASK).get_data(as_text=True)).group(1)
    small_limit = app.config["LMS_MAX_REQUEST_BYTES"]
    fields = MultiDict([("csrf_token", token), ("text", "My plan"), ("link", ""), ("action", "hand_in"),
                        ("files", FileStorage(io.BytesIO(PDF + b"x" * (small_limit // 2)), "a.pdf")),
                        ("files", FileStorage(io.BytesIO(PDF + b"y" * (small_limit // 2)), "b.pdf"))])
    boundary, body = encode_multipart(fields)
    assert len(body) > small_limit
    response = client.post(f"{TASK}/hand-in", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    with app.app_context():
        assert sorted(f.filename for f in db.session.query(HandIn).one().files) == ["a.pdf", "b.pdf"]
