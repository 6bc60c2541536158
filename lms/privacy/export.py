"""A copy of everything the platform holds about one person, as one .zip archive:

- ``data.json``: every record about them, machine-readable;
- ``statements.json``: their learning records as an xAPI statement list
  (``{"statements": [...]}``, as the LRS answers), with those of external actors linked
  to them;
- ``index.html`` and ``csv/*.csv``: the same for people, one table per kind of record;
- ``files/``: the files they uploaded to tasks;
- the access-log entries about them (in all three forms).

An archive is asked for (``request_export``: a ``DataExport`` job) and built in the
background by the graders' shared queue (``perform``), into a temporary file that spills
to disk beyond a few megabytes, then kept in the file store task files use (so every app
server can hand it out); the requester is notified with a link to the download page. It
can be downloaded for ``LMS_EXPORT_KEEP_HOURS``; ``remove_expired`` (the retention
command) removes it afterwards."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from markupsafe import escape

from lms.accounts.models import SignInSession, User, utcnow
from lms.competence.models import Evidence, LearnerCompetence, SelfAssessment
from lms.exercises.models import ExerciseSubmission
from lms.catalog.models import Item
from lms.h5p.models import H5PState
from lms.extensions import db
from lms.learning.models import Certificate, Enrollment, ItemProgress, QuizAttempt
from lms.notifications import services as notifications
from lms.notifications.models import Notification
from lms.audit import services as access_log
from lms.privacy.models import FAILED, QUEUED, READY, RUNNING, DataExport, ErasureRequest
from lms.tasks import storage
from lms.tasks.models import HandIn, Review, TaskFile
from lms.teaching.models import ClassMember, SchoolClass
from lms.xapi import services as xapi
from lms.xapi.models import Statement

SPOOL_BYTES = 4 * 1024 * 1024

log = logging.getLogger("lms.privacy.export")


def _value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _row(**values) -> dict:
    return {key: _value(value) for key, value in values.items()}


def collect(person: User) -> dict[str, list[dict]]:
    """Every record about ``person``, as tables of plain values."""
    enrollments = list(db.session.scalars(sa.select(Enrollment).where(Enrollment.user_id == person.id)
                                          .order_by(Enrollment.id)))
    ids = [e.id for e in enrollments]
    by_id = {e.id: e for e in enrollments}
    certificates = {c.enrollment_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.enrollment_id.in_(ids)))}
    own_key = xapi.account_key(person.public_id)
    hand_ins = list(db.session.scalars(sa.select(HandIn).where(HandIn.enrollment_id.in_(ids)).order_by(HandIn.id)))
    reviews = {r.hand_in_id: r for r in db.session.scalars(
        sa.select(Review).where(Review.hand_in_id.in_([h.id for h in hand_ins])))}
    return {
        "account": [_row(public_id=person.public_id, username=person.username, display_name=person.display_name,
                         email=person.email, audience=person.audience, roles=", ".join(sorted(person.roles)),
                         locale=person.locale, created_at=person.created_at, last_login_at=person.last_login_at)],
        "sign_ins": [_row(browser=s.browser, os=s.os, created_at=s.created_at, last_seen_at=s.last_seen_at,
                          ended_at=s.ended_at) for s in db.session.scalars(
            sa.select(SignInSession).where(SignInSession.user_id == person.id).order_by(SignInSession.id))],
        "classes": [_row(name=c.name, group=c.group, joined_at=m.joined_at) for m, c in db.session.execute(
            sa.select(ClassMember, SchoolClass).join(SchoolClass).where(ClassMember.user_id == person.id))],
        "enrolments": [_row(course=e.course.title, registration=e.registration, enrolled_at=e.enrolled_at,
                            left_at=e.left_at, completed_at=e.completed_at, progress=e.progress,
                            certificate=certificates[e.id].code if e.id in certificates else None)
                       for e in enrollments],
        "progress": [_row(course=by_id[p.enrollment_id].course.title, item=p.item_id, opened_at=p.opened_at,
                          completed_at=p.completed_at, best_score=p.best_score, attempts=p.attempts)
                     for p in db.session.scalars(sa.select(ItemProgress).where(ItemProgress.enrollment_id.in_(ids)))],
        "quiz_attempts": [_row(quiz=a.item.title, number=a.number, started_at=a.started_at,
                               submitted_at=a.submitted_at, answers=json.dumps(a.answers, ensure_ascii=False),
                               score=a.score, passed=a.passed)
                          for a in db.session.scalars(sa.select(QuizAttempt).where(
                              QuizAttempt.enrollment_id.in_(ids)).order_by(QuizAttempt.id))],
        "code_submissions": [_row(exercise=s.item.title, number=s.number, submitted_at=s.submitted_at, code=s.code,
                                  score=s.score, passed=s.passed)
                             for s in db.session.scalars(sa.select(ExerciseSubmission).where(
                                 ExerciseSubmission.enrollment_id.in_(ids)).order_by(ExerciseSubmission.id))],
        "h5p_states": [_row(activity=db.session.get(Item, st.item_id).title, saved_at=st.saved_at, state=st.data)
                       for st in db.session.scalars(sa.select(H5PState).where(H5PState.enrollment_id.in_(ids)))],
        "hand_ins": [_row(task=h.item.title, number=h.number, submitted_at=h.submitted_at, text=h.text, link=h.link,
                          status=h.status, files=", ".join(f.filename for f in h.files),
                          review_comment=reviews[h.id].comment if h.id in reviews else None,
                          review_decision=reviews[h.id].decision if h.id in reviews else None,
                          review_score=reviews[h.id].score if h.id in reviews else None) for h in hand_ins],
        "competence_levels": [_row(competence=c.competence.title, level=c.level, updated_at=c.updated_at)
                              for c in db.session.scalars(sa.select(LearnerCompetence).where(
                                  LearnerCompetence.actor_key == own_key))],
        "competence_evidence": [_row(competence=e.competence.title, level=e.level, kind=e.kind, activity=e.activity_id,
                                     at=e.at, counted=e.counted, withdrawn=e.withdrawn)
                                for e in db.session.scalars(sa.select(Evidence).where(
                                    Evidence.actor_key == own_key).order_by(Evidence.id))],
        "self_assessment": [_row(competence=s.competence.title, level=s.level, assessed_at=s.assessed_at)
                            for s in db.session.scalars(sa.select(SelfAssessment).where(
                                SelfAssessment.actor_key == own_key))],
        "notifications": [_row(kind=n.kind, subject=n.subject, created_at=n.created_at, read_at=n.read_at)
                          for n in db.session.scalars(sa.select(Notification).where(
                              Notification.user_id == person.id).order_by(Notification.id))],
        "erasure_requests": [_row(created_at=r.created_at, requester=r.requester_role, status=r.status,
                                  reason=r.reason, decision_reason=r.decision_reason)
                             for r in db.session.scalars(sa.select(ErasureRequest).where(
                                 ErasureRequest.subject_id == person.id))],
        "access_log": [_row(at=e.at, viewer=e.viewer.display_name if e.viewer else None, what=e.what,
                            detail=e.detail) for e in access_log.entries_about(person, limit=100000)],
    }


def statements(person: User) -> list[dict]:
    keys = xapi.own_actor_keys(xapi.account_key(person.public_id))
    return list(db.session.scalars(sa.select(Statement.data).where(Statement.actor_key.in_(keys))
                                   .order_by(Statement.seq)))


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()


def _html(person: User, tables: dict[str, list[dict]], files: list[str], count: int) -> str:
    parts = [f"<!doctype html><html lang=\"{escape(person.locale or 'lv')}\"><head><meta charset=\"utf-8\">"
             f"<title>{escape(person.display_name)}</title></head><body><main>",
             f"<h1>{escape(person.display_name)}</h1>",
             f"<p>statements.json: {count} xAPI statements. data.json: every table below.</p>"]
    for name, rows in tables.items():
        parts.append(f"<h2>{escape(name)}</h2>")
        if not rows:
            parts.append("<p>—</p>")
            continue
        parts.append(f"<p><a href=\"csv/{escape(name)}.csv\">csv/{escape(name)}.csv</a></p><table><thead><tr>")
        parts += [f"<th scope=\"col\">{escape(column)}</th>" for column in rows[0]]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{escape('' if v is None else v)}</td>" for v in row.values()) + "</tr>")
        parts.append("</tbody></table>")
    if files:
        parts.append("<h2>files</h2><ul>")
        parts += [f"<li><a href=\"{escape(path)}\">{escape(path)}</a></li>" for path in files]
        parts.append("</ul>")
    parts.append("</main></body></html>")
    return "".join(parts)


def build_archive(person: User):
    """The archive as a file object positioned at its start (a spooled temporary file)."""
    tables = collect(person)
    records = statements(person)
    archive_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    paths = []
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(tables, ensure_ascii=False, indent=2))
        archive.writestr("statements.json", json.dumps({"statements": records}, ensure_ascii=False, indent=2))
        for name, rows in tables.items():
            archive.writestr(f"csv/{name}.csv", _csv(rows))
        enrollment_ids = sa.select(Enrollment.id).where(Enrollment.user_id == person.id)
        for row in db.session.scalars(sa.select(TaskFile).join(HandIn, TaskFile.hand_in_id == HandIn.id).where(
                HandIn.enrollment_id.in_(enrollment_ids)).order_by(TaskFile.id)):
            path = f"files/{row.id}-{row.filename.replace('/', '_')}"
            archive.writestr(path, storage.store().get(row.blob_id) or b"")
            paths.append(path)
        archive.writestr("index.html", _html(person, tables, paths, len(records)))
    archive_file.seek(0)
    return archive_file


# In the background ---------------------------------------------------------------------------

def _keep() -> timedelta:
    return timedelta(hours=current_app.config["LMS_EXPORT_KEEP_HOURS"])


def notification_key(export: DataExport) -> str:
    return f"export:{export.id}"


def request_export(subject: User, by: User) -> DataExport:
    """Ask for a copy of everything about ``subject`` (the caller checked ``by``'s right).
    A copy already being prepared for the same requester is returned instead of a second.
    Flushes; the caller commits, then hands the job to ``dispatch``."""
    pending = db.session.scalar(sa.select(DataExport).where(
        DataExport.subject_id == subject.id, DataExport.requested_by_id == by.id,
        DataExport.state.in_((QUEUED, RUNNING))))
    if pending is not None:
        return pending
    now = utcnow()
    export = DataExport(subject_id=subject.id, requested_by_id=by.id, state=QUEUED,
                        created_at=now, expires_at=now + _keep())
    db.session.add(export)
    db.session.flush()
    return export


def dispatch(export: DataExport) -> None:
    """Hand a committed export to the graders' queue; where the queue cannot take it
    (Redis down), build it here and now, so the person still gets their copy."""
    from lms.exercises import queues

    app = current_app._get_current_object()
    try:
        queues.dispatch(app, export.id, perform_queued)
    except queues.Unavailable:
        log.warning("the job queue is unavailable: export %s is built in the request", export.id)
        perform(export.id)


def perform_queued(job_id: int) -> str | None:
    """What a grader process (or thread) calls: ``perform`` in a context of its own whose
    links point at the site (as ``flask teaching due-soon`` builds them)."""
    with current_app.test_request_context(base_url=current_app.config["LMS_BASE_URL"]):
        return perform(job_id)


def perform(job_id: int) -> str | None:
    """Build one queued export: claim it, build the archive, keep it in the file store,
    notify the requester; a failure is kept (``failed``) and said on the download page.
    Commits. Returns the final state (None when there was nothing to do)."""
    taken = db.session.execute(sa.update(DataExport).where(DataExport.id == job_id, DataExport.state == QUEUED)
                               .values(state=RUNNING).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if taken != 1:
        return None
    export = db.session.get(DataExport, job_id)
    try:
        archive = build_archive(export.subject)
        data = archive.read()
        archive.close()
        now = utcnow()
        export.blob_id, export.size = storage.store().put(data), len(data)
        export.state, export.finished_at, export.expires_at = READY, now, now + _keep()
        if export.requested_by_id is not None:
            notifications.notify(export.requested_by_id, "export_ready", export.subject.display_name,
                                 url_for("privacy.export_data", public_id=export.subject.public_id),
                                 key=notification_key(export))
        db.session.commit()
    except Exception:
        log.exception("export %s could not be built", job_id)
        db.session.rollback()
        db.session.execute(sa.update(DataExport).where(DataExport.id == job_id)
                           .values(state=FAILED, finished_at=utcnow(), error="build failed"))
        db.session.commit()
        return FAILED
    return READY


def exports_for(subject: User, requester: User, now: datetime | None = None) -> list[DataExport]:
    """The copies ``requester`` asked for of ``subject``'s data that are not expired, newest first."""
    now = now or utcnow()
    return list(db.session.scalars(sa.select(DataExport).where(
        DataExport.subject_id == subject.id, DataExport.requested_by_id == requester.id,
        DataExport.expires_at > now).order_by(DataExport.created_at.desc(), DataExport.id.desc())))


def ready_archive(export_id: int, subject: User, requester: User, now: datetime | None = None) -> bytes | None:
    """The archive of a ready, unexpired export ``requester`` asked for of ``subject``, or None."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.subject_id != subject.id or export.requested_by_id != requester.id \
            or export.state != READY or export.expires_at <= (now or utcnow()) or export.blob_id is None:
        return None
    return storage.store().get(export.blob_id)


def _remove(exports: list[DataExport]) -> int:
    keys = [notification_key(export) for export in exports]
    for export in exports:
        blob_id = export.blob_id
        db.session.delete(export)
        db.session.flush()
        if blob_id is not None:
            storage.store().delete(blob_id)
    if keys:
        db.session.execute(sa.delete(Notification).where(Notification.key.in_(keys)))
    return len(exports)


def remove_expired(now: datetime | None = None) -> int:
    """Remove the exports past their time, with their archives and "ready" notifications."""
    return _remove(list(db.session.scalars(sa.select(DataExport).where(DataExport.expires_at <= (now or utcnow())))))


def erase_exports(person: User) -> int:
    """Remove every export about ``person`` or asked for by them (erasure)."""
    return _remove(list(db.session.scalars(sa.select(DataExport).where(sa.or_(
        DataExport.subject_id == person.id, DataExport.requested_by_id == person.id)))))
