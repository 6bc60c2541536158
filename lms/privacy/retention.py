"""Retention: how long personal data is kept, applied by ``flask lms retention`` (meant
to run daily from a scheduler). Each rule's period is a setting:

- a pupil is erased ``LMS_RETENTION_PUPIL_DAYS`` after the last of their classes ended
  (its end date; a pupil in a class without one, or in no class, is kept);
- an adult's or teacher's account unused (no sign-in, or since it was made) for
  ``LMS_RETENTION_ADULT_YEARS`` is warned by e-mail where it has an address, and erased
  ``LMS_RETENTION_WARNING_DAYS`` later unless they signed in meanwhile; an account without
  an address is erased at once; admins are never erased by this;
- access-log entries older than ``LMS_RETENTION_ACCESS_LOG_DAYS`` are removed.

A person with an open erasure request is left for the admin who decides it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.accounts.models import User, UserRole, utcnow
from lms.core import mail
from lms.audit import services as access_log
from lms.audit.models import AccessLogEntry
from lms.extensions import db
from lms.privacy import erasure, export
from lms.privacy.models import OPEN, DataExport, ErasureRequest
from lms.teaching.models import ClassMember, SchoolClass


@dataclass
class Plan:
    """What a retention run erases, warns and removes (a dry run only lists it)."""

    pupils: list[User] = field(default_factory=list)
    inactive: list[User] = field(default_factory=list)
    warn: list[User] = field(default_factory=list)
    access_log_entries: int = 0
    expired_exports: int = 0


def _open_request_subjects():
    return sa.select(ErasureRequest.subject_id).where(ErasureRequest.status == OPEN, ErasureRequest.subject_id.is_not(None))


def plan(now: datetime | None = None) -> Plan:
    now = now or utcnow()
    config = current_app.config
    result = Plan()
    living = (User.erased_at.is_(None), User.id.not_in(_open_request_subjects()),
              ~User.role_links.any(UserRole.role == "admin"))

    last_end = (sa.select(ClassMember.user_id, sa.func.max(SchoolClass.ends_on).label("ended"),
                          sa.func.count().label("classes"), sa.func.count(SchoolClass.ends_on).label("dated"))
                .join(SchoolClass, SchoolClass.id == ClassMember.class_id).group_by(ClassMember.user_id).subquery())
    cutoff = (now - timedelta(days=config["LMS_RETENTION_PUPIL_DAYS"])).date()
    result.pupils = list(db.session.scalars(
        sa.select(User).join(last_end, last_end.c.user_id == User.id).where(
            User.audience == "pupil", last_end.c.classes == last_end.c.dated, last_end.c.ended < cutoff, *living)
        .order_by(User.id)))

    unused_since = now - timedelta(days=365 * config["LMS_RETENTION_ADULT_YEARS"])
    last_seen = sa.func.coalesce(User.last_login_at, User.created_at)
    unused = list(db.session.scalars(sa.select(User).where(
        User.audience.in_(("adult", "teacher")), last_seen < unused_since, *living).order_by(User.id)))
    warned_before = now - timedelta(days=config["LMS_RETENTION_WARNING_DAYS"])
    for user in unused:
        if not user.email or (user.retention_warned_at is not None and user.retention_warned_at <= warned_before
                              and last_seen_of(user) < user.retention_warned_at):
            result.inactive.append(user)
        elif user.retention_warned_at is None or last_seen_of(user) >= user.retention_warned_at:
            result.warn.append(user)

    log_cutoff = now - timedelta(days=config["LMS_RETENTION_ACCESS_LOG_DAYS"])
    result.access_log_entries = db.session.scalar(
        sa.select(sa.func.count()).select_from(AccessLogEntry).where(AccessLogEntry.at < log_cutoff))
    result.expired_exports = db.session.scalar(
        sa.select(sa.func.count()).select_from(DataExport).where(DataExport.expires_at <= now))
    return result


def last_seen_of(user: User) -> datetime:
    return user.last_login_at or user.created_at


def warning_message(user: User) -> mail.Message:
    """The warning before an inactive account is erased, from the translated catalogue in the
    person's language (the platform's default when they chose none)."""
    locale = user.locale if user.locale in current_app.config["LMS_LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return mail.Message(
            to=user.email, subject=_("Your account on the Digital Skills Platform will be erased"),
            body=render_template("privacy/retention_warning_email.txt", user=user,
                                 days=current_app.config["LMS_RETENTION_WARNING_DAYS"],
                                 login=url_for("accounts.login", _external=True)))


def _warn(user: User, now: datetime) -> None:
    mail.send(warning_message(user))
    user.retention_warned_at = now


def apply(now: datetime | None = None, dry_run: bool = False) -> Plan:
    """Apply the retention rules (or, with ``dry_run``, only say what they would do). Each
    person is erased in their own transaction, so one failure leaves the others done and
    that person as they were; the command commits."""
    now = now or utcnow()
    todo = plan(now)
    if dry_run:
        return todo
    for person in todo.pupils + todo.inactive:
        erasure.erase(person, by=None)
        db.session.commit()
    for user in todo.warn:
        _warn(user, now)
    access_log.remove_older_than(now - timedelta(days=current_app.config["LMS_RETENTION_ACCESS_LOG_DAYS"]))
    export.remove_expired(now)
    db.session.commit()
    return todo
