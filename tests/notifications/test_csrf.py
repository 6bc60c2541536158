"""Every new form refuses a post without its CSRF token, and works with the one its page carries."""

import re

from lms.catalog import services as catalog
from lms.content import services as content
from lms.extensions import db
from lms.teaching import announcements
from lms.teaching import services as teaching
from tests.conftest import FIXTURE_COURSES, TEST_PASSWORD
from tests.factories import make_user


def test_the_follow_up_forms_need_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        content.import_courses(FIXTURE_COURSES)
        owner = make_user("teacher", audience="teacher", roles=("learner", "teacher"))
        school_class = teaching.create_class(owner, "Robotics club")
        teaching.assign_course(school_class, catalog.get_course("first-steps"))
        teaching.join(school_class, username="kid1", display_name="Anna", password="pupil password")
        posted = announcements.post(school_class, owner, "Hello", f"/my/classes/{school_class.id}")
        db.session.commit()
        class_id, course_id, announcement_id = school_class.id, catalog.get_course("first-steps").id, posted.id
    client = app.test_client()

    def sign_in(username, password):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"login": username, "password": password, "csrf_token": token})

    sign_in("teacher", TEST_PASSWORD)
    for path, data in ((f"/classes/{class_id}/announcements", {"body": "Hi"}),
                       (f"/classes/{class_id}/announcements/{announcement_id}/edit", {"body": "Hi"}),
                       (f"/classes/{class_id}/announcements/{announcement_id}/delete", {}),
                       (f"/classes/{class_id}/courses/{course_id}/dates", {"due_at": "2030-01-01T10:00"}),
                       (f"/classes/{class_id}/items", {"single-item": "1"}),
                       ("/account/notifications", {"email_digest": "y"}),
                       ("/notifications/read-all", {}),
                       ("/my/calendar", {})):
        assert client.post(path, data=data).status_code == 400, path
    page = client.get(f"/classes/{class_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/classes/{class_id}/announcements",
                       data={"body": "With a token", "csrf_token": token}).status_code == 302
    assert client.post(f"/classes/{class_id}/items", data={
        "single-item": "1", "single-csrf_token": token}).status_code == 302
    client.post("/logout", data={"csrf_token": token})
    sign_in("kid1", "pupil password")
    assert client.post(f"/my/announcements/{announcement_id}/read").status_code == 400
    assert "Hello" in client.get("/my").get_data(as_text=True)  # still unread
