"""Announcements: a teacher tells a class something; its members see it until they read it."""

import html
import re

import sqlalchemy as sa

from lms.extensions import db
from lms.notifications.models import Notification
from lms.teaching.models import Announcement


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def post(client, classroom, body):
    return client.post(f"{classroom.url}/announcements", data={"body": body})


def test_a_pupil_sees_an_announcement_until_it_is_read_and_finds_it_on_the_class_page(
        app, client, classroom, as_teacher, as_pupil):
    as_teacher()
    assert post(client, classroom, "Bring your **robot** on *Tuesday*.").status_code == 302
    assert "Bring your robot on Tuesday" in text_of(client.get(classroom.url))
    as_pupil()
    dashboard = client.get("/my").get_data(as_text=True)
    assert "Bring your <strong>robot</strong> on <em>Tuesday</em>." in dashboard
    assert 'class="count-badge">1<span class="visually-hidden"> unread</span>' in dashboard
    with app.app_context():
        announcement_id = db.session.scalar(sa.select(Announcement.id))
    client.post(f"/my/announcements/{announcement_id}/read")
    dashboard = client.get("/my").get_data(as_text=True)
    assert "robot" not in dashboard and "count-badge" not in dashboard  # its notification is read too
    class_page = client.get(f"/my/classes/{classroom.class_id}").get_data(as_text=True)
    assert "Bring your <strong>robot</strong>" in class_page and "Mark as read" not in class_page


def test_markdown_in_an_announcement_cannot_carry_a_script(app, client, classroom, as_teacher, as_pupil):
    as_teacher()
    post(client, classroom, 'Hello <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">here</a>')
    as_pupil()
    dashboard = client.get("/my").get_data(as_text=True)
    assert "Hello" in dashboard and "<script>alert" not in dashboard
    assert "javascript:" not in dashboard and "onclick" not in dashboard


def test_an_empty_or_too_long_announcement_is_refused_and_nothing_is_posted(app, client, classroom, as_teacher):
    as_teacher()
    empty = post(client, classroom, "   ")
    assert empty.status_code == 400 and "Write the announcement first." in text_of(empty)
    long = post(client, classroom, "x" * 5001)
    assert long.status_code == 400
    assert "An announcement can have at most 5000 characters; this one has 5001." in text_of(long)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Announcement)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_the_teacher_edits_and_deletes_an_announcement(app, client, classroom, as_teacher, as_pupil):
    as_teacher()
    post(client, classroom, "Meeting at 5")
    with app.app_context():
        announcement_id = db.session.scalar(sa.select(Announcement.id))
    edit = f"{classroom.url}/announcements/{announcement_id}/edit"
    assert "Meeting at 5" in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={"body": ""}).status_code == 400
    client.post(edit, data={"body": "Meeting at 6"})
    as_pupil()
    assert "Meeting at 6" in client.get("/my").get_data(as_text=True)
    as_teacher()
    client.post(f"{classroom.url}/announcements/{announcement_id}/delete")
    as_pupil()
    assert "Meeting at" not in client.get("/my").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_only_the_classes_teacher_posts_and_only_its_members_see(app, client, classroom, as_teacher, as_pupil,
                                                                  make_user):
    from lms.teaching import services

    other_teacher = make_user("other-teacher", audience="teacher", roles=("learner", "teacher"))
    as_teacher(other_teacher)
    assert post(client, classroom, "Not my class").status_code == 404
    as_teacher()
    post(client, classroom, "For the robotics club only")
    with app.app_context():
        announcement_id = db.session.scalar(sa.select(Announcement.id))
        chess = services.create_class(other_teacher, "Chess club")
        services.join(chess, username="kid9", display_name="Zane", password="pupil password")
        db.session.commit()
    as_pupil("kid9")
    assert "For the robotics club only" not in client.get("/my").get_data(as_text=True)
    assert client.get(f"/my/classes/{classroom.class_id}").status_code == 404
    assert client.post(f"/my/announcements/{announcement_id}/read").status_code == 404
    assert client.get("/notifications").get_data(as_text=True).count("robotics") == 0
    as_teacher(other_teacher)
    assert client.get(f"{classroom.url}/announcements/{announcement_id}/edit").status_code == 404
    assert client.post(f"{classroom.url}/announcements/{announcement_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Announcement, announcement_id) is not None
