"""Who looked at whose personal data. Every page or export where a teacher or an admin
sees another person's data (a pupil's answers, code, hand-ins, record or evidence, an
export, a programme drill-down that names people) calls ``record_access`` in its
request; the person sees the entries about them on their privacy page and in their
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
from lms.privacy.models import AccessLogEntry

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
                  detail: str = "") -> int:
    """Log that ``viewer`` saw ``what`` of each of ``subjects`` (a user, an id, or several).
    Nothing is logged for anonymous visitors, for people looking at their own data, or for
    viewers who are neither teachers nor admins (they only ever see their own). Flushes
    only: the view's commit keeps it. Returns how many entries were written."""
    if what not in WHAT:
        raise ValueError(f"unknown access kind {what!r}; add it to lms.privacy.access_log.WHAT")
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.has_role("teacher", "admin"):
        return 0
    if isinstance(subjects, (User, int)):
        subjects = [subjects]
    ids = {subject if isinstance(subject, int) else subject.id for subject in subjects} - {viewer.id}
    now = utcnow()
    db.session.add_all([AccessLogEntry(viewer_id=viewer.id, subject_id=subject_id, what=what,
                                       detail=detail[:200], at=now) for subject_id in sorted(ids)])
    db.session.flush()
    return len(ids)


def entries_about(user: User, limit: int = 500) -> list[AccessLogEntry]:
    return list(db.session.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.subject_id == user.id)
                                   .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)))


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
