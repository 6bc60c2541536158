"""The commands a scheduler runs: reminders of work due within a day, and the daily
e-mail digest, each safe to run again."""

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.core.clock import utcnow
from lms.catalog import services as catalog
from lms.extensions import db
from lms.notifications import digest, services
from lms.notifications.models import Notification, NotificationPreference
from lms.teaching import services as teaching
from lms.teaching.models import ClassCourse, ClassItem
from tests.core.test_mail import smtp_server  # noqa: F401  (the real SMTP server fixture)


@pytest.fixture
def dated_class(app, make_user, courses):
    """A class with an adult (e-mail) and a pupil (none); first-steps due in 20 hours, its
    quiz due in 30 hours, its welcome lesson in 3 hours."""
    teacher = make_user("teacher", audience="teacher", roles=("learner", "teacher"))
    with app.app_context():
        school_class = teaching.create_class(teacher, "Evening group")
        course = catalog.get_course("first-steps")
        teaching.assign_course(school_class, course, due_at=utcnow() + timedelta(hours=20))
        teaching.assign_item(school_class, catalog.find_item(course, "basics-check"), due_at=utcnow() + timedelta(hours=30))
        teaching.assign_item(school_class, catalog.find_item(course, "welcome"), due_at=utcnow() + timedelta(hours=3))
        teaching.join(school_class, username="kid1", display_name="Anna", password="pupil password")
        adult = accounts.create_user(username="ieva", password="adult password", display_name="Ieva",
                                     audience="adult", email="ieva@example.org", locale="lv")
        from lms.teaching.models import ClassMember
        db.session.add(ClassMember(class_id=school_class.id, user_id=adult.id))
        db.session.flush()
        teaching.join(school_class, username="kid2", display_name="Berta", password="pupil password")
        db.session.commit()
        return school_class.id


def reminders(app):
    with app.app_context():
        return db.session.execute(sa.select(Notification.user_id, Notification.subject, Notification.url)
                                  .where(Notification.kind == "due_soon").order_by(Notification.id)).all()


def test_due_soon_reminds_each_member_once_of_work_due_within_a_day_not_done(app, runner, dated_class):
    with app.app_context():
        kid2 = accounts.find_by_login("kid2")
        from lms.learning import services as learning
        enrollment = learning.active_enrollment(kid2, catalog.get_course("first-steps"))
        learning.mark_done(enrollment, catalog.find_item(catalog.get_course("first-steps"), "welcome"))
        db.session.commit()
    result = runner.invoke(args=["notifications", "due-soon"])
    assert result.exit_code == 0, result.output
    rows = reminders(app)
    # The course (20 h) and the welcome lesson (3 h) for three members, less kid2's lesson; not the quiz (30 h).
    assert result.output.strip() == "Reminders added: 5."
    assert sorted((subject, url) for _, subject, url in rows) == sorted(
        [("First steps online", "/courses/first-steps")] * 3 + [("Welcome", "/courses/first-steps/learn/welcome")] * 2)
    assert runner.invoke(args=["notifications", "due-soon"]).output.strip() == "Reminders added: 0."
    assert len(reminders(app)) == 5


def test_a_moved_due_date_is_reminded_again(app, runner, dated_class):
    runner.invoke(args=["notifications", "due-soon"])
    with app.app_context():
        assignment = db.session.scalar(sa.select(ClassCourse))
        assignment.due_at = assignment.due_at + timedelta(hours=2)
        db.session.commit()
    assert runner.invoke(args=["notifications", "due-soon"]).output.strip() == "Reminders added: 3."


def test_work_not_open_yet_or_due_later_is_not_reminded(app, dated_class):
    from lms.teaching import reminders as remind
    with app.app_context():
        for assignment in db.session.scalars(sa.select(ClassItem)):
            assignment.opens_at = utcnow() + timedelta(hours=1)
        db.session.commit()
        added = remind.remind_due_soon(lambda course, item: "/my", now=utcnow())
        assert added == 3  # only the course
        assert remind.remind_due_soon(lambda course, item: "/my", now=utcnow() - timedelta(days=3)) == 0


def choose_digest(app, username, wanted=True):
    with app.app_context():
        services.set_email_digest(accounts.find_by_login(username), wanted)
        db.session.commit()


def test_the_digest_goes_once_a_day_by_smtp_in_the_learners_language(make_app, smtp_server, make_user):  # noqa: F811
    port, inbox = smtp_server
    app = make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=port, LMS_MAIL_USE_TLS=False,
                   LMS_BASE_URL="https://learn.example.lv")
    make_user("ieva", locale="lv")
    make_user("karlis")  # did not choose a digest
    for username in ("ieva", "karlis"):
        with app.app_context():
            services.notify(accounts.find_by_login(username), "reviewed", "Gala projekts", "/my")
            db.session.commit()
    choose_digest(app, "ieva")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "Digests sent: 1;" in result.output
    envelope, = inbox.messages
    assert envelope.rcpt_tos == ["ieva@example.org"]
    message = message_from_bytes(envelope.content, policy=default)
    body = message.get_content()
    assert message["Subject"] == "Jaunumi jums Digitālo prasmju platformā"
    assert "Jūsu darbs «Gala projekts» ir novērtēts" in body and "https://learn.example.lv/my" in body
    assert "https://learn.example.lv/account#notifications" in body
    # The same day again: nothing, even with something new.
    with app.app_context():
        services.notify(accounts.find_by_login("ieva"), "feedback", "Cikli", "/my")
        db.session.commit()
    assert "Digests sent: 0;" in runner.invoke(args=["notifications", "digest"]).output
    assert len(inbox.messages) == 1
    # The next day: only what is new since.
    with app.app_context():
        db.session.execute(sa.update(NotificationPreference).values(digest_sent_on=digest.local_today() - timedelta(days=1)))
        db.session.commit()
    assert "Digests sent: 1;" in runner.invoke(args=["notifications", "digest"]).output
    body = message_from_bytes(inbox.messages[1].content, policy=default).get_content()
    assert "Cikli" in body and "Gala projekts" not in body


def test_pupils_never_get_a_digest_and_cannot_choose_one(app, client, pupil, login, make_user):
    with app.app_context():
        user = accounts.find_by_login("pupil")
        with pytest.raises(services.NotificationError):
            services.set_email_digest(user, True)
        # Even a pupil's account that somehow has an address and a stored choice gets none.
        user.email = "kid@example.org"
        db.session.add(NotificationPreference(user_id=user.id, email_digest=True))
        services.notify(user, "announcement", "Class", "/my")
        db.session.commit()
        assert digest.recipients(digest.local_today()) == []
    login(pupil)
    response = client.post("/account/notifications", data={"email_digest": "y"}, follow_redirects=True)
    assert "Your account has no e-mail address, so it cannot get e-mail." in response.get_data(as_text=True)


def test_the_digest_is_off_until_chosen_on_the_account_page(app, client, adult, login):
    login(adult)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="email_digest"' in page and 'name="email_digest" type="checkbox" value="y" checked' not in page
    with app.app_context():
        assert digest.recipients(digest.local_today()) == []
    client.post("/account/notifications", data={"email_digest": "y"})
    page = client.get("/account").get_data(as_text=True)
    assert 'checked' in page.split('name="email_digest"')[0][-200:] + page.split('name="email_digest"')[1][:100]
    with app.app_context():
        assert services.email_digest_chosen(accounts.find_by_login("adult"))


def test_a_digest_that_cannot_be_sent_is_tried_again_on_the_next_run(make_app, make_user, caplog):
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app = make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=closed, LMS_MAIL_USE_TLS=False)
    make_user("ieva")
    with app.app_context():
        services.notify(accounts.find_by_login("ieva"), "reviewed", "Project", "/my")
        db.session.commit()
    choose_digest(app, "ieva")
    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 1 and "could not be sent: 1" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.emailed_at)) is None
        assert [u.username for u in digest.recipients(digest.local_today())] == ["ieva"]
