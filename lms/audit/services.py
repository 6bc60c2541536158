"""Who looked at whose personal data. Every page or export where a teacher, a course
reviewer or an admin sees another person's data (a pupil's answers, code, hand-ins,
record or evidence, an export, a programme drill-down that names people) calls
``record_access`` in its request; the person sees the entries about them on their
privacy page, in their record of who opened their work (``views_of``) and in their
export, admins search them all, and the retention command removes them after
``LMS_RETENTION_ACCESS_LOG_DAYS``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.accounts.models import User, utcnow
from lms.extensions import db
from lms.audit.models import AccessLogEntry

# What was seen; the keys are stored, the names shown.
WHAT = {
    "record": _l("learning record"),
    "answers": _l("quiz answers"),
    "code": _l("code"),
    "hand_in": _l("hand-in"),
    "evidence": _l("competence evidence"),
    "progress": _l("progress"),
    "account": _l("account"),
    "export": _l("data export"),
    "drill_down": _l("programme drill-down"),
}


def record_access(viewer: User | None, subjects: User | int | Iterable[User | int], what: str,
                  detail: str = "", *, item_id: int | None = None, role: str = "",
                  work_number: int | None = None) -> int:
    """Log that ``viewer`` saw ``what`` of each of ``subjects`` (a user, an id, or several),
    on the course item ``item_id`` where it was a learner's work on one item (and on its
    piece ``work_number``, a hand-in's number, where one piece was opened on its own), seen
    in ``role`` (class-teacher, course-reviewer, admin). Nothing is logged for anonymous
    visitors or for people looking at their own data; without a ``role`` (which the caller
    gives once it has checked the viewer's right), nothing either for viewers who are
    neither teachers nor admins (they only ever see their own). One INSERT however many
    subjects (an export names a whole class). Flushes only: the view's commit keeps it.
    Returns how many entries were written."""
    if what not in WHAT:
        raise ValueError(f"unknown access kind {what!r}; add it to lms.audit.services.WHAT")
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return 0
    if not role and not viewer.has_role("teacher", "admin"):
        return 0
    if isinstance(subjects, (User, int)):
        subjects = [subjects]
    ids = {subject if isinstance(subject, int) else subject.id for subject in subjects} - {viewer.id}
    if not ids:
        return 0
    now = utcnow()
    # A bulk insert without RETURNING: the ORM's unit of work writes one INSERT per row
    # on SQLite, which made an export's queries grow with the class.
    db.session.execute(sa.insert(AccessLogEntry), [
        {"viewer_id": viewer.id, "subject_id": subject_id, "what": what, "detail": detail[:200], "at": now,
         "item_id": item_id, "viewer_role": role[:16], "work_number": work_number}
        for subject_id in sorted(ids)])
    return len(ids)


def entries_about(user: User, limit: int = 500) -> list[AccessLogEntry]:
    return list(db.session.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.subject_id == user.id)
                                   .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)))


@dataclass
class WorkViews:
    """One viewer's openings of a learner's work on one item, from the access log."""

    viewer: User | None
    viewer_role: str
    item_id: int
    first_at: datetime
    last_at: datetime
    views: int


def _grouped(subject_id: int, item_id: int | None, *by):
    statement = (sa.select(AccessLogEntry.viewer_id, AccessLogEntry.item_id,
                           sa.func.min(AccessLogEntry.at), sa.func.max(AccessLogEntry.at),
                           sa.func.count(), sa.func.max(AccessLogEntry.viewer_role), *by)
                 .where(AccessLogEntry.subject_id == subject_id, AccessLogEntry.item_id.is_not(None))
                 .group_by(AccessLogEntry.viewer_id, AccessLogEntry.item_id, *by))
    if item_id is not None:
        statement = statement.where(AccessLogEntry.item_id == item_id)
    rows = db.session.execute(statement).all()
    viewer_ids = {row[0] for row in rows if row[0] is not None}
    viewers = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(viewer_ids)))} \
        if viewer_ids else {}
    return [(WorkViews(viewers.get(row[0]), row[5] or "", row[1], row[2], row[3], row[4]), row[6:])
            for row in rows]


def views_of(subject_id: int, item_id: int | None = None) -> list[WorkViews]:
    """Who opened the person's work on course items (on ``item_id`` only, when given), one
    row per viewer and item, most recent last: one query and one for the viewers."""
    found = [view for view, _ in _grouped(subject_id, item_id)]
    found.sort(key=lambda view: view.last_at)
    return found


def views_by_number(subject_id: int, item_id: int) -> dict[int, list[WorkViews]]:
    """Who opened each piece of the person's work on the item that was opened on its own
    (a task's hand-ins, by number): {number: one row per viewer, first opened first}, in
    one query and one for the viewers."""
    found: dict[int, list[WorkViews]] = {}
    for view, (number,) in _grouped(subject_id, item_id, AccessLogEntry.work_number):
        if number is not None:
            found.setdefault(number, []).append(view)
    for views in found.values():
        views.sort(key=lambda view: view.first_at)
    return found


@dataclass(frozen=True)
class LogFilter:
    viewer: str = ""     # a username or name, in part
    subject: str = ""
    what: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _person_like(column, text: str):
    pattern = "%" + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.select(User.id).where(sa.or_(sa.func.lower(User.username).like(pattern, escape="\\"),
                                           sa.func.lower(User.display_name).like(pattern, escape="\\")))


def search(filters: LogFilter, page: int = 1, per_page: int = 50):
    statement = sa.select(AccessLogEntry).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    if filters.viewer:
        statement = statement.where(AccessLogEntry.viewer_id.in_(_person_like(AccessLogEntry.viewer_id,
                                                                              filters.viewer)))
    if filters.subject:
        statement = statement.where(AccessLogEntry.subject_id.in_(_person_like(AccessLogEntry.subject_id,
                                                                                filters.subject)))
    if filters.what in WHAT:
        statement = statement.where(AccessLogEntry.what == filters.what)
    if filters.since is not None:
        statement = statement.where(AccessLogEntry.at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AccessLogEntry.at < filters.until)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def remove_older_than(moment: datetime) -> int:
    return db.session.execute(sa.delete(AccessLogEntry).where(AccessLogEntry.at < moment)).rowcount
