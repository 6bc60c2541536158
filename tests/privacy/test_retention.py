"""`flask lms retention`: erasures, warnings and log clean-up at the settings' periods, on a frozen clock."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.audit.models import AccessLogEntry
from lms.extensions import db
from lms.privacy import retention
from lms.teaching import services as teaching
from tests import factories

NOW = datetime(2030, 6, 1, 12, 0)


@pytest.fixture
def frozen(monkeypatch):
    """The clock the retention rules read stands at NOW."""
    monkeypatch.setattr(retention, "utcnow", lambda: NOW)
    return NOW


def people():
    """Pupils of a class that ended 400 days ago and of one still running, an adult unused for
    4 years (with an address) and one for 4 years without, an active adult, an unused admin."""
    teacher = factories.make_user("teacher", audience="teacher", roles=("learner", "teacher"))
    teacher.last_login_at = datetime(2030, 5, 1)
    ended = teaching.create_class(teacher, "Old club", ends_on=date(2029, 4, 27))
    running = teaching.create_class(teacher, "New club", ends_on=date(2030, 12, 1))
    old_pupil = teaching.join(ended, username="old-pupil", display_name="Old", password=factories.PASSWORD)
    teaching.join(running, username="new-pupil", display_name="New", password=factories.PASSWORD)
    for username, email, seen in [("gone-adult", "gone@example.org", datetime(2026, 5, 1)),
                                  ("gone-no-mail", None, datetime(2026, 5, 1)),
                                  ("here-adult", "here@example.org", datetime(2030, 5, 1))]:
        user = factories.make_user(username, email=email)
        user.last_login_at = seen
    admin = factories.make_user("old-admin", roles=("learner", "admin"))
    admin.last_login_at = datetime(2020, 1, 1)
    db.session.add(AccessLogEntry(viewer_id=teacher.id, subject_id=old_pupil.id, what="hand_in", at=datetime(2028, 1, 1)))
    db.session.add(AccessLogEntry(viewer_id=teacher.id, subject_id=old_pupil.id, what="hand_in", at=datetime(2030, 1, 1)))
    db.session.commit()


def erased(username):
    return db.session.scalar(sa.select(User.id).where(User.username == username)) is None


def test_the_dry_run_lists_what_would_go_and_changes_nothing(ctx, runner, frozen):
    people()
    result = runner.invoke(args=["lms", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would erase pupil old-pupil (pupil)" in result.output
    assert "would erase unused account gone-no-mail (adult)" in result.output
    assert "would warn gone-adult (adult)" in result.output
    assert "would remove 1 access-log entries" in result.output
    for name in ("new-pupil", "here-adult", "old-admin", "teacher"):
        assert name not in result.output
    assert not erased("old-pupil") and not erased("gone-no-mail")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccessLogEntry)) == 2


def test_the_run_erases_warns_first_and_erases_after_the_warning_period(ctx, runner, frozen, monkeypatch, caplog):
    caplog.set_level("INFO", logger="lms.mail")
    people()
    result = runner.invoke(args=["lms", "retention"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert erased("old-pupil") and erased("gone-no-mail")
    assert not erased("new-pupil") and not erased("here-adult") and not erased("old-admin")
    warned = db.session.scalar(sa.select(User).where(User.username == "gone-adult"))
    assert warned.retention_warned_at == NOW and "E-mail to gone@example.org" in caplog.text
    assert "tiks dzēsts pēc 30 dienām" in caplog.text  # no language chosen: the platform's, Latvian
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccessLogEntry)) == 0  # the other was the pupil's

    # 29 days on it is still there; 31 days on, without a sign-in, it is erased.
    todo = retention.plan(datetime(2030, 6, 30, 12))
    assert todo.inactive == [] and todo.warn == []
    retention.apply(datetime(2030, 7, 2, 12))
    db.session.expire_all()
    assert erased("gone-adult")


def test_signing_in_after_the_warning_keeps_the_account(ctx, frozen):
    people()
    retention.apply(NOW)
    warned = db.session.scalar(sa.select(User).where(User.username == "gone-adult"))
    warned.last_login_at = datetime(2030, 6, 10)
    db.session.commit()
    retention.apply(datetime(2030, 7, 2, 12))
    db.session.expire_all()
    assert not erased("gone-adult")


@pytest.mark.parametrize("locale, subject, sentence", [
    ("en", "Your account on the Digital Skills Platform will be erased", "will be erased in 30 days unless you sign in"),
    ("lv", "Jūsu konts Digitālo prasmju platformā tiks dzēsts", "tiks dzēsts pēc 30 dienām, ja līdz tam"),
])
def test_the_warning_comes_in_the_person_s_language(ctx, locale, subject, sentence):
    user = factories.make_user("far-away", email="far@example.org", locale=locale)
    message = retention.warning_message(user)  # the command runs without a request: no reader's language
    assert message.to == "far@example.org" and message.subject == subject
    assert sentence in message.body and "far-away" in message.body and "/login" in message.body
