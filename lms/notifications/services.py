"""Notifying people, and what they see of it: the list, the unread count, marking read,
and their choice of a daily e-mail digest.

Other domains call :func:`notify` (one person) or :func:`notify_many` (a class) when
something happens that someone should know of: an announcement posted, something due
within a day, feedback received, work reviewed, a hand-in waiting for review. They pass
the name of what it is about and the path of its page; the sentence is the kind's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.sql import insert_skipping_duplicates
from lms.core.urls import safe_next
from lms.core.errors import Refused
from lms.extensions import db
from lms.notifications.models import KINDS, Notification, NotificationPreference

PAGE_SIZE = 30

# Each kind in words; %(subject)s is the name of what it is about.
SENTENCES = {
    "announcement": _l("New announcement in %(subject)s"),
    "due_soon": _l("%(subject)s is due within a day"),
    "feedback": _l("You have feedback on %(subject)s"),
    "reviewed": _l("Your work on %(subject)s has been reviewed"),
    "hand_in": _l("A hand-in is waiting for your review: %(subject)s"),
    "export_ready": _l("The copy of the data about %(subject)s is ready to download"),
}
assert set(SENTENCES) == set(KINDS)


class NotificationError(Refused):
    """A refused change, with a message for the person."""


def _checked(kind: str, subject: str, url: str) -> tuple[str, str]:
    """Programming errors in a caller, not a person's input: they must never be stored."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; one of {', '.join(KINDS)}")
    if safe_next(url, "") != url:
        raise ValueError(f"a notification links to a path on this site, not {url!r}")
    return " ".join(str(subject).split())[:200], url


def notify(user: User | int, kind: str, subject: str, url: str, *, at: datetime | None = None,
           key: str | None = None) -> Notification | None:
    """Tell one person that ``kind`` happened to ``subject`` (the name of an item, a class),
    linking to ``url`` (a path on this site, from ``url_for``). ``at`` is a time the
    notification names (a due date, naive UTC). With a ``key`` the notification comes once:
    a second call with the same person and key adds nothing and returns None. Flushes;
    the caller commits with the change that caused it.

    For other domains, e.g. when a teacher reviews a hand-in::

        notify(learner, "reviewed", item.title, url_for("learning.show_item", ...))
    """
    return_rows = notify_many([user], kind, subject, url, at=at, key=key)
    return return_rows[0] if return_rows else None


def notify_many(users: Iterable[User | int], kind: str, subject: str, url: str, *,
                at: datetime | None = None, key: str | None = None) -> list[Notification]:
    """:func:`notify` for many people in one statement (an announcement to a class). With a
    ``key``, the people who already have that notification are skipped, even when another
    process adds it at the same moment. Returns the notifications added."""
    subject, url = _checked(kind, subject, url)
    ids = list(dict.fromkeys(u if isinstance(u, int) else u.id for u in users))
    if not ids:
        return []
    now = utcnow()
    rows = [{"user_id": user_id, "kind": kind, "subject": subject, "url": url, "at": at, "key": key,
             "created_at": now} for user_id in ids]
    table = Notification.__table__
    statement = (insert_skipping_duplicates(table, "user_id", "key") if key is not None else sa.insert(table))
    added = db.session.execute(statement.returning(table.c.id), rows).scalars().all()
    db.session.flush()
    if not added:
        return []
    return list(db.session.scalars(sa.select(Notification).where(Notification.id.in_(added))))


def sentence(notification: Notification) -> str:
    """What the notification says, in the current language, with its time if it has one."""
    text = str(SENTENCES[notification.kind] % {"subject": notification.subject})
    if notification.at is not None:
        text += f" ({format_datetime(notification.at, 'short')})"
    return text


def unread_count(user: User) -> int:
    """The header's number: one count on the (user, read_at) index."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@dataclass
class NotificationPage:
    notifications: list[Notification]
    page: int
    has_more: bool


def notifications_of(user: User, page: int = 1) -> NotificationPage:
    """A page of the person's notifications, unread first, newest first within each."""
    page = max(1, min(page, 10_000))
    rows = list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return NotificationPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def notification_of(user: User, notification_id: int) -> Notification | None:
    """The person's own notification; anyone else's is None (a 404)."""
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user.id else None


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    """Every unread notification of the person read; how many there were."""
    count = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.flush()
    return count


def mark_read_by_key(user: User, key: str) -> None:
    """The person's notification with ``key`` read (they have seen the thing itself)."""
    db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.key == key, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()


def withdraw(key: str) -> None:
    """Everyone's notifications with ``key`` removed: what they were about is gone."""
    db.session.execute(sa.delete(Notification).where(Notification.key == key)
                       .execution_options(synchronize_session=False))
    db.session.flush()


# The e-mail digest choice ---------------------------------------------------------------------

def can_get_email(user: User) -> bool:
    """Only learners with an e-mail address; pupils have none and never get e-mail."""
    return bool(user.email) and user.audience != "pupil"


def email_digest_chosen(user: User) -> bool:
    return bool(db.session.scalar(sa.select(NotificationPreference.email_digest)
                                  .where(NotificationPreference.user_id == user.id)))


def set_email_digest(user: User, wanted: bool) -> None:
    """Turn the daily digest on or off; refused for an account that cannot get e-mail."""
    if wanted and not can_get_email(user):
        raise NotificationError(_l("Your account has no e-mail address, so it cannot get e-mail."))
    preference = db.session.get(NotificationPreference, user.id)
    if preference is None:
        preference = NotificationPreference(user_id=user.id)
        db.session.add(preference)
    preference.email_digest = wanted
    db.session.flush()
