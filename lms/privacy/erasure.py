"""Erasing a person from everywhere, all or nothing.

``erase(person, ...)`` works in the caller's transaction and only flushes: the caller
commits once, or rolls back when anything failed, so an erasure that fails part-way leaves
everything as it was. It removes the person from every table, every stored file and the
platform's LRS (their statements, those of external actors linked to them, State and
Agent Profile documents), withdraws their certificates and stops the outbox forwarding
anything of theirs. The account row is left as an anonymous account (a new random public
id and username, no e-mail, no name, no password, marked erased) that keeps the enrolments,
progress, active days and competence levels the programme figures count, so the figures
keep counting what happened without being able to name anyone.

Statements already delivered to an external LRS are listed, per endpoint, on the erasure
request before they are deleted here (xAPI offers no way to erase them there).

Each domain's part is one function below, in the order foreign keys need."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.accounts.models import SignInSession, User, UserRole, utcnow
from lms.admin.models import ActiveDay
from lms.competence.models import Evidence, LearnerCompetence, SelfAssessment, SelfAssessmentAnswer
from lms.exercises.models import ExerciseDraft, ExerciseSubmission, GradingJob
from lms.extensions import db
from lms.gradebook.models import Feedback
from lms.h5p.models import H5PLibrary, H5PState
from lms.learning.models import Certificate, Enrollment, QuizAttempt
from lms.notifications.models import Notification, NotificationPreference
from lms.audit.models import AccessLogEntry
from lms.privacy import export
from lms.privacy.models import ErasureRequest, ForwardedStatement, OPEN
from lms.studio.models import StudioAuthor, StudioMember, StudioRevision
from lms.tasks import storage
from lms.tasks.models import CourseReviewer, HandIn, Review, TaskDraft, TaskFile
from lms.teaching.models import Announcement, AnnouncementRead, CalendarFeed, ClassMember, SchoolClass
from lms.xapi import credentials as lrs_credentials
from lms.xapi import services as xapi
from lms.xapi.models import (
    Actor, ActorLink, Attachment, CredentialGrant, Document, OutboxEntry, Statement, StatementActivity,
    StatementAgent)

# How an erased person's name reads wherever an old reference to their row is shown.
ERASED_NAME = "—"


class ErasureError(Exception):
    """An erasure refused or failed; ``message`` says why, in the reader's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class Erased:
    """What an erasure removed, counted, for the admin's message and the tests."""

    statements: int = 0
    forwarded: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    files: int = 0


# Who may erase whom --------------------------------------------------------------------

def _other_active_admins(person: User) -> int:
    return len(db.session.scalars(
        sa.select(User.id).join(UserRole).where(UserRole.role == "admin", User.active.is_(True),
                                                User.id != person.id).with_for_update()).all())


def check_erasable(person: User, by: User | None, request: ErasureRequest | None = None) -> None:
    """Refuse, with a message, an erasure by anyone but an admin (``by`` None is the
    retention command), of an account already erased, of the last active admin, or of a
    person with an open request other than the one being carried out."""
    if by is not None and (not by.has_role("admin") or not by.active):
        raise ErasureError(_l("Only an administrator can erase a person."))
    if person.erased_at is not None:
        raise ErasureError(_l("This person has already been erased."))
    if person.has_role("admin") and person.active and not _other_active_admins(person):
        raise ErasureError(_l("This is the last active administrator: make someone else an administrator first."))
    open_request = db.session.scalar(sa.select(ErasureRequest.id).where(
        ErasureRequest.subject_id == person.id, ErasureRequest.status == OPEN,
        ErasureRequest.id != (request.id if request is not None else -1)))
    if open_request is not None:
        raise ErasureError(_l("This person has an open erasure request: approve or refuse that request instead."))


# The statement store ---------------------------------------------------------------------

def _statements_of(keys: list[str]) -> list[int]:
    """The seqs of the person's statements (actor is theirs), and of statements that
    refer to those (voiding or StatementRef)."""
    seqs = set(db.session.scalars(sa.select(Statement.seq).where(Statement.actor_key.in_(keys))))
    ids = set(db.session.scalars(sa.select(Statement.statement_id).where(Statement.seq.in_(seqs)))) if seqs else set()
    while ids:
        refs = set(db.session.scalars(sa.select(Statement.seq).where(Statement.ref_target.in_(ids)))) - seqs
        seqs |= refs
        ids = set(db.session.scalars(sa.select(Statement.statement_id).where(Statement.seq.in_(refs)))) if refs else set()
    return sorted(seqs)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _note_forwarded(seqs: list[int], request: ErasureRequest | None, erased: Erased) -> None:
    """Keep the ids of the statements an external LRS already received, per endpoint."""
    endpoint = (current_app.config.get("LMS_XAPI_FORWARD_URL") or "").rstrip("/") or "(forwarding not configured)"
    for chunk in _chunks(seqs):
        for statement_id in db.session.scalars(
                sa.select(Statement.statement_id).join(OutboxEntry, OutboxEntry.statement_seq == Statement.seq)
                .where(Statement.seq.in_(chunk), OutboxEntry.state == "delivered").order_by(Statement.seq)):
            erased.forwarded.setdefault(endpoint, []).append(statement_id)
            if request is not None:
                request.forwarded.append(ForwardedStatement(endpoint=endpoint, statement_id=statement_id))


def _attachment_hashes(seqs: list[int]) -> set[str]:
    hashes = set()
    for chunk in _chunks(seqs):
        for data in db.session.scalars(sa.select(Statement.data).where(Statement.seq.in_(chunk))):
            for attachment in data.get("attachments") or []:
                hashes.add(str(attachment.get("sha2", "")).lower())
    return hashes


def _erase_statements(keys: list[str], old_public_id: str, anonymous_key: str, new_public_id: str,
                      request: ErasureRequest | None, erased: Erased) -> None:
    seqs = _statements_of(keys)
    _note_forwarded(seqs, request, erased)
    hashes = _attachment_hashes(seqs)
    for chunk in _chunks(seqs):
        db.session.execute(sa.delete(Evidence).where(Evidence.statement_seq.in_(chunk)))
        db.session.execute(sa.delete(OutboxEntry).where(OutboxEntry.statement_seq.in_(chunk)))
        db.session.execute(sa.delete(StatementAgent).where(StatementAgent.seq.in_(chunk)))
        db.session.execute(sa.delete(StatementActivity).where(StatementActivity.seq.in_(chunk)))
        db.session.execute(sa.delete(Statement).where(Statement.seq.in_(chunk)))
    erased.statements = len(seqs)
    for sha2 in hashes:
        if not db.session.scalar(sa.select(sa.exists().where(
                sa.cast(Statement.data, sa.Text).contains(sha2)))):
            db.session.execute(sa.delete(Attachment).where(Attachment.sha2 == sha2))
    # Statements about others that name the person (a reviewer in context.instructor)
    # keep their meaning with the anonymous account in the person's place.
    mentioned = list(db.session.scalars(sa.select(StatementAgent.seq).where(StatementAgent.agent_key.in_(keys))))
    for chunk in _chunks(sorted(set(mentioned))):
        for statement in db.session.scalars(sa.select(Statement).where(Statement.seq.in_(chunk))):
            statement.data = json.loads(json.dumps(statement.data).replace(old_public_id, new_public_id))
        db.session.execute(sa.update(StatementAgent).where(StatementAgent.seq.in_(chunk),
                                                           StatementAgent.agent_key.in_(keys))
                           .values(agent_key=anonymous_key))
    db.session.execute(sa.delete(Actor).where(Actor.actor_key.in_(keys)))
    db.session.execute(sa.delete(ActorLink).where(sa.or_(ActorLink.learner_key.in_(keys),
                                                         ActorLink.actor_key.in_(keys))))


def _erase_documents(keys: list[str], registrations: list[str]) -> None:
    db.session.execute(sa.delete(Document).where(Document.agent_key.in_(keys)))
    if registrations:
        db.session.execute(sa.delete(Document).where(Document.registration.in_(registrations)))


# Evidence and aggregates --------------------------------------------------------------------

def _erase_competences(keys: list[str], anonymous_key: str) -> None:
    """Evidence goes; the per-learner levels and active days stay under the anonymous
    account's key, for the programme's figures."""
    db.session.execute(sa.delete(Evidence).where(Evidence.actor_key.in_(keys)))
    db.session.execute(sa.delete(SelfAssessment).where(SelfAssessment.actor_key.in_(keys)))
    db.session.execute(sa.delete(SelfAssessmentAnswer).where(SelfAssessmentAnswer.actor_key.in_(keys)))
    own = keys[0]
    db.session.execute(sa.update(LearnerCompetence).where(LearnerCompetence.actor_key == own)
                       .values(actor_key=anonymous_key))
    db.session.execute(sa.update(ActiveDay).where(ActiveDay.actor_key == own).values(actor_key=anonymous_key))
    # Levels and days that came from linked external actors were the person's too.
    db.session.execute(sa.delete(LearnerCompetence).where(LearnerCompetence.actor_key.in_(keys[1:])))
    db.session.execute(sa.delete(ActiveDay).where(ActiveDay.actor_key.in_(keys[1:])))


# Learning, exercises, tasks ----------------------------------------------------------------

def _erase_learning(enrollment_ids: list[int]) -> None:
    """Attempts (with their answers) go; enrolments, progress and completions stay with
    the anonymous account, each enrolment with a new registration id; certificates are
    withdrawn."""
    db.session.execute(sa.delete(QuizAttempt).where(QuizAttempt.enrollment_id.in_(enrollment_ids)))
    for enrollment in db.session.scalars(sa.select(Enrollment).where(Enrollment.id.in_(enrollment_ids))):
        enrollment.registration = uuid.uuid4()
    db.session.execute(sa.update(Certificate).where(Certificate.enrollment_id.in_(enrollment_ids),
                                                    Certificate.withdrawn_at.is_(None))
                       .values(withdrawn_at=utcnow(), show_name=False))


def _erase_exercises(person: User, enrollment_ids: list[int]) -> None:
    db.session.execute(sa.delete(GradingJob).where(GradingJob.user_id == person.id))
    db.session.execute(sa.delete(ExerciseSubmission).where(ExerciseSubmission.enrollment_id.in_(enrollment_ids)))
    db.session.execute(sa.delete(ExerciseDraft).where(ExerciseDraft.enrollment_id.in_(enrollment_ids)))
    db.session.execute(sa.delete(H5PState).where(H5PState.enrollment_id.in_(enrollment_ids)))


def _erase_tasks(person: User, enrollment_ids: list[int], erased: Erased) -> None:
    hand_ins = list(db.session.scalars(sa.select(HandIn.id).where(HandIn.enrollment_id.in_(enrollment_ids))))
    drafts = list(db.session.scalars(sa.select(TaskDraft.id).where(TaskDraft.enrollment_id.in_(enrollment_ids))))
    files = sa.or_(TaskFile.hand_in_id.in_(hand_ins), TaskFile.draft_id.in_(drafts))
    blobs = set(db.session.scalars(sa.select(TaskFile.blob_id).where(files)))
    erased.files = len(blobs)
    db.session.execute(sa.delete(TaskFile).where(files))
    db.session.execute(sa.delete(Review).where(Review.hand_in_id.in_(hand_ins)))
    db.session.execute(sa.delete(HandIn).where(HandIn.id.in_(hand_ins)))
    db.session.execute(sa.delete(TaskDraft).where(TaskDraft.id.in_(drafts)))
    storage.release(blobs)
    # Reviews the person wrote of others' work stay with those learners, without the
    # reviewer's name or words.
    db.session.execute(sa.update(Review).where(Review.reviewer_id == person.id)
                       .values(reviewer_id=None, comment="", comment_html=""))
    db.session.execute(sa.delete(CourseReviewer).where(CourseReviewer.user_id == person.id))


def _erase_feedback(person: User, enrollment_ids: list[int]) -> None:
    """Comments on the person's work and who opened it go; comments the person wrote on
    others' work stay with those learners, without the author's name or words."""
    db.session.execute(sa.delete(Feedback).where(Feedback.enrollment_id.in_(enrollment_ids)))
    db.session.execute(sa.update(Feedback).where(Feedback.author_id == person.id)
                       .values(author_id=None, body="", body_html="", line_text=""))


def _erase_authoring(person: User) -> None:
    """Courses the person wrote stay (they are not about a person); their authorship,
    memberships and revision notes go."""
    db.session.execute(sa.delete(StudioAuthor).where(StudioAuthor.user_id == person.id))
    db.session.execute(sa.delete(StudioMember).where(StudioMember.user_id == person.id))
    db.session.execute(sa.update(StudioRevision).where(StudioRevision.author_id == person.id)
                       .values(author_id=None, note=""))
    # An H5P library the person approved stays approved, without their name.
    db.session.execute(sa.update(H5PLibrary).where(H5PLibrary.approved_by_id == person.id)
                       .values(approved_by_id=None))


def _erase_teaching(person: User) -> None:
    db.session.execute(sa.delete(ClassMember).where(ClassMember.user_id == person.id))
    db.session.execute(sa.delete(AnnouncementRead).where(AnnouncementRead.user_id == person.id))
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == person.id))
    db.session.execute(sa.delete(Announcement).where(Announcement.author_id == person.id))
    # A teacher's classes stay for their pupils' records, closed to joining.
    db.session.execute(sa.update(SchoolClass).where(SchoolClass.teacher_id == person.id).values(joining_open=False))


def _erase_account(person: User, new_public_id: uuid.UUID, old_public_id: str) -> None:
    db.session.execute(sa.delete(Notification).where(Notification.user_id == person.id))
    db.session.execute(sa.delete(NotificationPreference).where(NotificationPreference.user_id == person.id))
    db.session.execute(sa.delete(SignInSession).where(SignInSession.user_id == person.id))
    db.session.execute(sa.delete(AccessLogEntry).where(AccessLogEntry.subject_id == person.id))
    db.session.execute(sa.update(AccessLogEntry).where(AccessLogEntry.viewer_id == person.id).values(viewer_id=None))
    old = uuid.UUID(old_public_id)
    db.session.execute(sa.update(CredentialGrant).where(CredentialGrant.granted_by == old).values(granted_by=None))
    db.session.execute(sa.update(CredentialGrant).where(CredentialGrant.withdrawn_by == old)
                       .values(withdrawn_by=None))
    db.session.execute(sa.update(ErasureRequest).where(ErasureRequest.subject_id == person.id).values(reason=""))
    person.role_links.clear()
    person.public_id = new_public_id
    person.username = f"erased-{secrets.token_hex(8)}"
    person.email = None
    person.display_name = ERASED_NAME
    person.password_hash = "!"  # matches no password
    person.active = False
    person.locale = None
    person.last_login_at = None
    person.erased_at = utcnow()
    person.retention_warned_at = None


def erase(person: User, *, by: User | None, request: ErasureRequest | None = None) -> Erased:
    """Erase ``person`` everywhere (see the module's docstring); refuses with
    ``ErasureError`` as ``check_erasable`` says. Flushes only: the caller commits, or
    rolls back on any error, so nothing is half erased."""
    check_erasable(person, by, request)
    erased = Erased()
    old_public_id = str(person.public_id)
    new_public_id = uuid.uuid4()
    own_key = xapi.account_key(person.public_id)
    keys = xapi.own_actor_keys(own_key)
    anonymous_key = xapi.account_key(new_public_id)
    enrollments = db.session.execute(sa.select(Enrollment.id, Enrollment.registration).where(
        Enrollment.user_id == person.id)).all()
    enrollment_ids = [row.id for row in enrollments]
    registrations = [str(row.registration) for row in enrollments]

    _erase_statements(keys, old_public_id, anonymous_key, str(new_public_id), request, erased)
    _erase_documents(keys, registrations)
    _erase_competences(keys, anonymous_key)
    _erase_learning(enrollment_ids)
    _erase_exercises(person, enrollment_ids)
    export.erase_exports(person)  # before the file store is tidied: archives are blobs there
    _erase_tasks(person, enrollment_ids, erased)
    _erase_feedback(person, enrollment_ids)
    _erase_authoring(person)
    _erase_teaching(person)
    _erase_account(person, new_public_id, old_public_id)
    db.session.flush()
    # Every process's cached links and credentials forget the erased actors at once here.
    xapi.forget_links()
    lrs_credentials.forget_cached()
    return erased
