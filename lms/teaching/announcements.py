"""Announcements: a teacher's short message to one of their classes (Markdown, rendered
and sanitised by lms.core.markdown). It stays on each member's "My learning" until they
mark it read, and on the class's page for good; members are notified when it is posted.
Only the class's members and its teacher ever see it."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core import markdown
from lms.core.sql import insert_skipping_duplicates
from lms.core.errors import Refused
from lms.extensions import db
from lms.notifications import services as notifications
from lms.teaching.models import Announcement, AnnouncementRead, ClassMember, SchoolClass

MAX_LENGTH = 5000


class AnnouncementError(Refused):
    """An announcement that cannot be posted; the body's field unless another is named."""

    def __init__(self, message, field: str | None = "body") -> None:
        super().__init__(message, field)


def _checked(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise AnnouncementError(_l("Write the announcement first."))
    if len(body) > MAX_LENGTH:
        raise AnnouncementError(_l("An announcement can have at most %(max)d characters; this one has %(count)d.",
                                   max=MAX_LENGTH, count=len(body)))
    return body


def notification_key(announcement: Announcement) -> str:
    return f"announcement-{announcement.id}"


def post(school_class: SchoolClass, author: User, body: str, link: str) -> Announcement:
    """Post to the class and notify its members, who find it at ``link`` (the class's
    page for learners). The caller has checked that ``author`` teaches the class."""
    body = _checked(body)
    announcement = Announcement(class_id=school_class.id, author_id=author.id, body=body, html=markdown.render(body))
    db.session.add(announcement)
    db.session.flush()
    members = db.session.scalars(sa.select(ClassMember.user_id).where(ClassMember.class_id == school_class.id))
    notifications.notify_many(list(members), "announcement", school_class.name, link,
                              key=notification_key(announcement))
    return announcement


def edit(announcement: Announcement, body: str) -> None:
    body = _checked(body)
    announcement.body, announcement.html, announcement.edited_at = body, markdown.render(body), utcnow()
    db.session.flush()


def delete(announcement: Announcement) -> None:
    """Gone for everyone, with the notifications that pointed to it."""
    notifications.withdraw(notification_key(announcement))
    db.session.delete(announcement)
    db.session.flush()


def of_class(school_class: SchoolClass) -> list[Announcement]:
    """The class's announcements, newest first."""
    return list(db.session.scalars(sa.select(Announcement).where(Announcement.class_id == school_class.id)
                                   .order_by(Announcement.created_at.desc(), Announcement.id.desc())))


def in_class(school_class: SchoolClass, announcement_id: int) -> Announcement | None:
    announcement = db.session.get(Announcement, announcement_id)
    return announcement if announcement is not None and announcement.class_id == school_class.id else None


def unread_for(user: User) -> list[Announcement]:
    """Announcements of the learner's classes they have not marked read, newest first,
    with their class: one query however many classes."""
    read = sa.exists().where(AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == user.id)
    return list(db.session.scalars(
        sa.select(Announcement).join(ClassMember, ClassMember.class_id == Announcement.class_id)
        .where(ClassMember.user_id == user.id, ~read)
        .options(joinedload(Announcement.school_class))
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())))


def read_ids(user: User, announcements: list[Announcement]) -> set[int]:
    ids = [a.id for a in announcements]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(AnnouncementRead.announcement_id).where(
        AnnouncementRead.user_id == user.id, AnnouncementRead.announcement_id.in_(ids))))


def visible_to_member(user: User, announcement_id: int) -> Announcement | None:
    """The announcement if the learner is in its class; else None (404)."""
    return db.session.scalar(sa.select(Announcement).join(ClassMember, ClassMember.class_id == Announcement.class_id)
                             .where(Announcement.id == announcement_id, ClassMember.user_id == user.id))


def mark_read(user: User, announcement: Announcement) -> None:
    """Off the learner's dashboard, and its notification read (twice is harmless)."""
    db.session.execute(insert_skipping_duplicates(AnnouncementRead.__table__, "announcement_id", "user_id"),
                       [{"announcement_id": announcement.id, "user_id": user.id, "read_at": utcnow()}])
    notifications.mark_read_by_key(user, notification_key(announcement))
