"""The daily e-mail digest: each person who chose it and has an e-mail address gets one
message a day listing what they were notified of since the last one, in their language.

Run by a scheduler (``flask notifications digest``, e.g. every morning). Running it again
the same day sends nothing twice: the day a person's digest went out is kept with their
choice, and the notifications it carried are marked as e-mailed. A message that cannot be
sent leaves that person's notifications for the next run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core import identity, mail
from lms.extensions import db
from lms.notifications import services
from lms.notifications.models import Notification, NotificationPreference

# Notifications older than this are not sent by e-mail: the digest tells of the last days,
# not of everything since an account chose it.
MAX_ITEMS = 50


@dataclass
class DigestRun:
    sent: int = 0
    failed: int = 0


def local_today(now: datetime | None = None) -> date:
    """Today in ``LMS_TIMEZONE`` (``now`` is naive UTC)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (now or utcnow()).replace(tzinfo=timezone.utc).astimezone(zone).date()


def recipients(today: date) -> list[User]:
    """Who gets a digest today: chose it, has an e-mail address, is active, is no pupil,
    has not had today's, and has unread notifications not yet e-mailed. One query."""
    waiting = sa.exists().where(Notification.user_id == User.id, Notification.read_at.is_(None),
                                Notification.emailed_at.is_(None))
    return list(db.session.scalars(
        sa.select(User).join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(NotificationPreference.email_digest.is_(True), User.email.is_not(None), User.active.is_(True),
               User.audience != "pupil",
               sa.or_(NotificationPreference.digest_sent_on.is_(None), NotificationPreference.digest_sent_on < today),
               waiting)
        .order_by(User.id)))


def _message(user: User, notifications: list[Notification]) -> mail.Message:
    base = identity.site_address()
    locale = user.locale if user.locale in current_app.config["LMS_LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        lines = [(services.sentence(n), base + n.url) for n in notifications]
        return mail.Message(to=user.email, subject=_("What is new for you on the Digital Skills Platform"),
                            body=render_template("notifications/digest_email.txt", user=user, lines=lines,
                                                 settings=base + "/account#notifications"))


def send_digests(now: datetime | None = None) -> DigestRun:
    """Send today's digests, committing after each person so a failure later on keeps
    what went out (and is not sent again)."""
    now = now or utcnow()
    today, run = local_today(now), DigestRun()
    for user in recipients(today):
        notifications = list(db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                          Notification.emailed_at.is_(None))
            .order_by(Notification.id.desc()).limit(MAX_ITEMS)))
        if not mail.send(_message(user, notifications)):
            db.session.rollback()
            run.failed += 1
            continue
        db.session.execute(sa.update(Notification).where(
            Notification.user_id == user.id, Notification.emailed_at.is_(None), Notification.id <= notifications[0].id)
            .values(emailed_at=now).execution_options(synchronize_session=False))
        db.session.execute(sa.update(NotificationPreference).where(NotificationPreference.user_id == user.id)
                           .values(digest_sent_on=today).execution_options(synchronize_session=False))
        db.session.commit()
        run.sent += 1
    return run
