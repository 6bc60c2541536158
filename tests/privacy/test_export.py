"""A person's copy of everything about them, and who else may make it."""

import io
import json
import re
import zipfile
from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.accounts.models import User
from lms.audit.models import AccessLogEntry
from lms.exercises import queues
from lms.extensions import db
from lms.notifications.models import Notification
from lms.privacy import erasure, export, retention
from lms.privacy.models import DataExport
from lms.tasks.models import FileBlob
from lms.teaching import services as teaching
from tests import factories
from tests.privacy.conftest import did_everything
from tests.exercises.test_queues import graders, queued, redis_url  # noqa: F401  (fixtures)
from tests.tasks.conftest import cast, task_course  # noqa: F401  (fixtures)


def prepare_and_download(client, public_id) -> zipfile.ZipFile:
    """The one flow: ask for a copy, let the background build it, follow the page's link."""
    asked = client.post(f"/privacy/export/{public_id}", headers={"Accept-Language": "en"})
    assert asked.status_code == 302
    assert queues.wait_idle(60)
    page = client.get(f"/privacy/export/{public_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    link = re.search(r'href="(/privacy/export/[^"]+\.zip)"', page)
    assert link, page
    return open_zip(client.get(link.group(1)))


def open_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    response.close()
    return zipfile.ZipFile(io.BytesIO(data))


def test_a_learner_downloads_everything_about_them_in_one_archive(forwarding_app):
    """JSON, their statements (linked external ones too) as an xAPI list, CSV, an HTML index and their file."""
    app = forwarding_app
    with app.test_request_context():
        trace = did_everything(app)
        admin = factories.make_user("admin", roles=("learner", "admin"))
        db.session.add(AccessLogEntry(viewer_id=admin.id, subject_id=trace.user_id, what="hand_in", detail="Plan"))
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"login": trace.username, "password": factories.PASSWORD})
    archive = prepare_and_download(client, trace.public_id)
    names = set(archive.namelist())
    assert {"data.json", "statements.json", "index.html", "csv/hand_ins.csv", "csv/access_log.csv"} <= names
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["email"] == trace.email
    assert "the wifi box Zelma keeps under her bed" in data["quiz_attempts"][0]["answers"]
    assert "quokka" in data["code_submissions"][0]["code"]
    assert data["access_log"][0]["what"] == "hand_in" and data["access_log"][0]["viewer"] == "Admin"
    statements = json.loads(archive.read("statements.json"))["statements"]
    assert any(s["actor"].get("mbox") == "mailto:zelma.vr@example.org" for s in statements)
    assert all("id" in s and "verb" in s for s in statements)
    files = [name for name in names if name.startswith("files/")]
    assert len(files) == 1 and b"marmalade experiment" in archive.read(files[0])
    index = archive.read("index.html").decode()
    assert "Zelma Kalniņa" in index and "Zelmagora" in index and files[0] in index


def test_a_teacher_exports_a_pupil_of_their_class_and_the_access_is_logged(app, client):
    """Another teacher gets a 404; the pupil sees who exported their data."""
    with app.app_context():
        teacher = factories.make_user("ms-ozola", audience="teacher", roles=("learner", "teacher"),
                                      display_name="Ilze Ozola")
        factories.make_user("mr-berzins", audience="teacher", roles=("learner", "teacher"))
        pupil = teaching.join(teaching.create_class(teacher, "Year 5"), username="anna-b", display_name="Anna",
                              password=factories.PASSWORD)
        db.session.commit()
        public_id = pupil.public_id
    client.post("/login", data={"login": "mr-berzins", "password": factories.PASSWORD})
    assert client.get(f"/privacy/export/{public_id}").status_code == 404
    assert client.post(f"/privacy/export/{public_id}").status_code == 404
    client.post("/logout")
    client.post("/login", data={"login": "ms-ozola", "password": factories.PASSWORD})
    archive = prepare_and_download(client, public_id)
    assert json.loads(archive.read("data.json"))["account"][0]["display_name"] == "Anna"
    client.post("/logout")
    client.post("/login", data={"login": "anna-b", "password": factories.PASSWORD})
    page = client.get("/my/privacy").get_data(as_text=True)
    assert "Ilze Ozola" in page and "data export" in page
    with app.app_context():
        entry = db.session.scalar(sa.select(AccessLogEntry))
        assert db.session.get(User, entry.viewer_id).username == "ms-ozola" and entry.what == "export"


def test_a_reviewer_opening_a_hand_in_is_logged_and_an_admin_finds_it_by_name(app, client, cast):  # noqa: F811
    """Opening the pupil's hand-in writes who, whose, what; the admin's search by the pupil's name finds it."""
    from lms.tasks import services as tasks

    with app.test_request_context():
        pupil = db.session.get(User, cast.pupil.id)
        made = tasks.save(tasks_enrollment(pupil), db.session.merge(cast.plan), text="My plan", hand_in=True)
        db.session.commit()
        hand_in_id = made.id
        factories.make_user("admin", roles=("learner", "admin"))
    client.post("/login", data={"login": "ms-ozola", "password": factories.PASSWORD})
    assert client.get(f"/reviews/{hand_in_id}").status_code == 200
    client.post("/logout")
    client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
    page = client.get("/admin/privacy/access-log", query_string={"subject": "Anna", "what": "hand_in"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 entry found." in text and "Ilze Ozola" in text and "Plan a flipped lesson" in text
    none = client.get("/admin/privacy/access-log", query_string={"viewer": "nobody-like-this"}).get_data(as_text=True)
    assert "0 entries found." in none


def tasks_enrollment(user):
    from lms.catalog import services as catalog
    from lms.learning import services as learning

    return learning.active_enrollment(user, catalog.get_course("project-work"))


def _teacher_and_pupil():
    teacher = factories.make_user("ms-liepa", audience="teacher", roles=("learner", "teacher"))
    pupil = teaching.join(teaching.create_class(teacher, "Year 6"), username="ilze-p", display_name="Ilze Pupil",
                          password=factories.PASSWORD)
    db.session.commit()
    return teacher, pupil


def test_asking_twice_while_it_is_prepared_makes_one_copy_and_the_worker_builds_it_and_notifies(ctx):
    teacher, pupil = _teacher_and_pupil()
    first = export.request_export(pupil, teacher)
    assert export.request_export(pupil, teacher).id == first.id and first.state == "queued"
    db.session.commit()
    assert export.perform(first.id) == "ready"
    assert export.perform(first.id) is None  # already built: nothing to do
    db.session.refresh(first)
    data = export.ready_archive(first.id, pupil, teacher)
    assert first.size == len(data) and "data.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert export.ready_archive(first.id, pupil, pupil) is None  # only the requester downloads it
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == teacher.id))
    assert note.kind == "export_ready" and note.url == f"/privacy/export/{pupil.public_id}"
    assert note.subject == "Ilze Pupil"
    assert [e.id for e in export.exports_for(pupil, teacher)] == [first.id]


def test_copies_expire_and_the_retention_command_removes_them_with_their_archive(ctx, app):
    teacher, pupil = _teacher_and_pupil()
    made = export.request_export(pupil, teacher)
    db.session.commit()
    export.perform(made.id)
    blob_id = db.session.get(DataExport, made.id).blob_id
    later = datetime.utcnow() + timedelta(hours=app.config["LMS_EXPORT_KEEP_HOURS"] + 1)
    assert export.exports_for(pupil, teacher, now=later) == []
    assert export.ready_archive(made.id, pupil, teacher, now=later) is None
    assert retention.plan(later).expired_exports == 1
    retention.apply(later)
    assert db.session.get(DataExport, made.id) is None and db.session.get(FileBlob, blob_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.kind == "export_ready")) == 0


def test_a_copy_that_cannot_be_built_says_so_and_keeps_nothing(ctx, monkeypatch):
    teacher, pupil = _teacher_and_pupil()
    made = export.request_export(pupil, teacher)
    db.session.commit()
    monkeypatch.setattr(export, "collect", lambda person: 1 / 0)
    assert export.perform(made.id) == "failed"
    db.session.expire_all()
    failed = db.session.get(DataExport, made.id)
    assert failed.state == "failed" and failed.blob_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_erasing_the_person_removes_their_copies_and_the_notice_naming_them(ctx):
    teacher, pupil = _teacher_and_pupil()
    admin = factories.make_user("admin", roles=("learner", "admin"))
    made = export.request_export(pupil, teacher)
    db.session.commit()
    export.perform(made.id)
    blob_id = db.session.get(DataExport, made.id).blob_id
    erasure.erase(db.session.get(User, pupil.id), by=admin)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExport)) == 0
    assert db.session.get(FileBlob, blob_id) is None
    assert not db.session.scalars(sa.select(Notification.subject)).all()


def test_with_redis_a_grader_process_builds_the_copy_the_web_asked_for(queued, graders):  # noqa: F811
    """In production the copy waits in the graders' Redis queue and a ``flask exercises
    grader`` process builds it: the web process builds nothing itself."""
    import time

    import redis
    from rq import Queue

    with queued.app_context():
        person = factories.make_user("queued-adult")
        public_id = person.public_id
    client = queued.test_client()
    client.post("/login", data={"login": "queued-adult", "password": factories.PASSWORD})
    assert client.post(f"/privacy/export/{public_id}").status_code == 302
    store = redis.Redis.from_url(queued.config["LMS_GRADING_QUEUE_URL"])
    assert Queue(queued.config["LMS_GRADING_QUEUE_NAME"], connection=store).count == 1
    store.close()
    with queued.app_context():
        assert db.session.scalar(sa.select(DataExport.state)) == "queued"
    graders()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with queued.app_context():
            if db.session.scalar(sa.select(DataExport.state)) == "ready":
                break
        time.sleep(0.25)
    page = client.get(f"/privacy/export/{public_id}").get_data(as_text=True)
    link = re.search(r'href="(/privacy/export/[^"]+\.zip)"', page)
    assert link, page
    assert json.loads(open_zip(client.get(link.group(1))).read("data.json"))["account"][0]["username"] == \
        "queued-adult"
