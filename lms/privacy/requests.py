"""Erasure requests (as Moodle's data requests): a person asks for their own erasure, a
teacher for a pupil of their class, an admin for anyone; an admin approves (the erasure
runs) or refuses with a reason. The request and its outcome are kept without the erased
data."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.accounts.models import User, utcnow
from lms.extensions import db
from lms.privacy import erasure
from lms.privacy.erasure import Erased, ErasureError
from lms.privacy.models import ERASED, OPEN, REFUSED, ErasureRequest
from lms.teaching.models import ClassMember, SchoolClass

MAX_REASON = 1000


def teaches(teacher: User, pupil: User) -> bool:
    """Whether ``pupil`` is a pupil in one of ``teacher``'s classes."""
    return pupil.audience == "pupil" and teacher.has_role("teacher") and db.session.scalar(sa.select(sa.exists().where(
        ClassMember.user_id == pupil.id, ClassMember.class_id == SchoolClass.id, SchoolClass.teacher_id == teacher.id)))


def requester_role(requester: User, subject: User) -> str | None:
    """How ``requester`` may ask for ``subject``'s erasure ("self", "teacher", "admin"), or None."""
    if subject.erased_at is not None or not requester.active:
        return None
    if requester.has_role("admin"):
        return "self" if requester.id == subject.id else "admin"
    if requester.id == subject.id:
        return "self"
    if teaches(requester, subject):
        return "teacher"
    return None


def open_request_for(subject: User) -> ErasureRequest | None:
    return db.session.scalar(sa.select(ErasureRequest).where(ErasureRequest.subject_id == subject.id,
                                                             ErasureRequest.status == OPEN))


def request_erasure(subject: User, *, by: User, reason: str = "") -> ErasureRequest:
    """An open request; refused (``ErasureError``) without the right or with one already open."""
    role = requester_role(by, subject)
    if role is None:
        raise ErasureError(_l("You may not ask for this person's erasure."))
    if open_request_for(subject) is not None:
        raise ErasureError(_l("An erasure request for this person is already open; an administrator will decide it."))
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ErasureError(_l("The reason is longer than %(count)d characters.", count=MAX_REASON))
    request = ErasureRequest(subject_id=subject.id, requested_by_id=by.id, requester_role=role, reason=reason)
    db.session.add(request)
    db.session.flush()
    return request


def get(request_id: int) -> ErasureRequest | None:
    return db.session.get(ErasureRequest, request_id) if 0 < request_id < 2**31 else None


def all_requests(page: int = 1, per_page: int = 50):
    """Open requests first (oldest first), then decided ones (newest first)."""
    order = [sa.case((ErasureRequest.status == OPEN, 0), else_=1),
             sa.case((ErasureRequest.status == OPEN, ErasureRequest.id), else_=-ErasureRequest.id)]
    return db.paginate(sa.select(ErasureRequest).order_by(*order), page=page, per_page=per_page, error_out=False)


def requests_of(user: User) -> list[ErasureRequest]:
    """Requests about the person or made by them, newest first."""
    return list(db.session.scalars(sa.select(ErasureRequest).where(sa.or_(
        ErasureRequest.subject_id == user.id, ErasureRequest.requested_by_id == user.id))
        .order_by(ErasureRequest.id.desc())))


def _check_open(request: ErasureRequest, admin: User) -> None:
    if not admin.has_role("admin") or not admin.active:
        raise ErasureError(_l("Only an administrator can decide an erasure request."))
    if request.status != OPEN:
        raise ErasureError(_l("This request has already been decided."))


def approve(request: ErasureRequest, *, admin: User) -> Erased:
    """Erase the request's subject (all or nothing: the caller commits, or rolls back on
    ``ErasureError`` or any other failure) and record the outcome."""
    _check_open(request, admin)
    erased = erasure.erase(request.subject, by=admin, request=request)
    request.status, request.decided_by_id, request.decided_at = ERASED, admin.id, utcnow()
    request.reason = ""
    db.session.flush()
    return erased


def refuse(request: ErasureRequest, *, admin: User, reason: str) -> None:
    _check_open(request, admin)
    reason = (reason or "").strip()
    if not reason:
        raise ErasureError(_l("Say why the request is refused: the requester is told."))
    if len(reason) > MAX_REASON:
        raise ErasureError(_l("The reason is longer than %(count)d characters.", count=MAX_REASON))
    request.status, request.decided_by_id, request.decided_at = REFUSED, admin.id, utcnow()
    request.decision_reason = reason
    db.session.flush()


def forwarded_by_endpoint(request: ErasureRequest) -> dict[str, list[str]]:
    """{endpoint: [statement id, ...]} of the erased person's statements already forwarded."""
    lists: dict[str, list[str]] = {}
    for row in request.forwarded:
        lists.setdefault(row.endpoint, []).append(str(row.statement_id))
    return lists
