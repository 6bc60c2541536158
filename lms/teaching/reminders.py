"""Reminders: each learner is notified once when assigned work of theirs is due within a
day and not done yet. Run by a scheduler (``flask notifications due-soon``, e.g. hourly);
a reminder is keyed by its due date and time, so running again sends nothing twice, and a
teacher moving the date gives a reminder for the new date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.catalog.models import Course, Item
from lms.extensions import db
from lms.learning.models import Enrollment, ItemProgress
from lms.notifications import services as notifications
from lms.teaching import due_dates
from lms.teaching.models import ClassCourse, ClassItem, ClassMember

WITHIN = timedelta(days=1)


def reminder_key(work_key: str, due_at: datetime) -> str:
    return f"due-{work_key}-{due_at:%Y%m%dT%H%M}"


def _open(model, now):
    return sa.and_(model.due_at > now, model.due_at <= now + WITHIN,
                   sa.or_(model.opens_at.is_(None), model.opens_at <= now))


def remind_due_soon(link_for: Callable[[Course, Item | None], str], now: datetime | None = None) -> int:
    """Notify every member of a class whose dated work falls due within a day and who has
    not done it (completed the course, or the item). ``link_for(course, item)`` is the
    path the notification leads to. Returns how many notifications were added."""
    now = now or utcnow()
    active = sa.select(User.id).where(User.active.is_(True))
    added = 0
    course_done = sa.exists().where(Enrollment.user_id == ClassMember.user_id,
                                    Enrollment.course_id == ClassCourse.course_id, Enrollment.completed_at.is_not(None))
    rows = db.session.execute(
        sa.select(ClassCourse, ClassMember.user_id).join(ClassMember, ClassMember.class_id == ClassCourse.class_id)
        .where(_open(ClassCourse, now), ~course_done, ClassMember.user_id.in_(active))
        .options(joinedload(ClassCourse.course))).all()
    for assignment, users in _grouped(rows).items():
        if assignment.course.is_published:
            key = due_dates.course_key(assignment.class_id, assignment.course_id)
            added += len(notifications.notify_many(users, "due_soon", assignment.course.title,
                                                   link_for(assignment.course, None), at=assignment.due_at,
                                                   key=reminder_key(key, assignment.due_at)))
    item_done = sa.exists().where(Enrollment.user_id == ClassMember.user_id, Enrollment.course_id == ClassItem.course_id,
                                  ItemProgress.enrollment_id == Enrollment.id, ItemProgress.item_id == ClassItem.item_id,
                                  ItemProgress.completed_at.is_not(None))
    rows = db.session.execute(
        sa.select(ClassItem, ClassMember.user_id).join(ClassMember, ClassMember.class_id == ClassItem.class_id)
        .where(_open(ClassItem, now), ~item_done, ClassMember.user_id.in_(active))
        .options(joinedload(ClassItem.item), joinedload(ClassItem.course))).all()
    for assignment, users in _grouped(rows).items():
        if assignment.course.is_published and not assignment.item.archived:
            added += len(notifications.notify_many(users, "due_soon", assignment.item.title,
                                                   link_for(assignment.course, assignment.item), at=assignment.due_at,
                                                   key=reminder_key(due_dates.item_key(assignment.id),
                                                                    assignment.due_at)))
    return added


def _grouped(rows) -> dict:
    grouped: dict = {}
    for assignment, user_id in rows:
        grouped.setdefault(assignment, []).append(user_id)
    return grouped
