"""Grading as a job, off the request path.

A run or submit is stored as a ``GradingJob`` (``start``) and the request answers at
once; a grader claims it (``claim``), runs ``services.run`` or ``services.submit`` in
the learner's language, and stores the outcome (``perform``): the submission, its
progress, its statements and the job's own state are written in one commit, or none of
them. Who grades, and where, is ``lms.exercises.queues``' business.

Two rules hold whatever the backend:

- one grading in flight per learner: the database's partial unique index refuses a
  second job queued or running (``GradingBusy``), across processes and servers; a job
  not finished ``LMS_GRADING_TIMEOUT`` seconds after it was asked for is given up, so a
  grader that died cannot block the learner;
- a submission (graded with the hidden tests) is written, and so shown, no earlier than
  the exercise's time limit plus the sandbox's backstop margin after its grading
  started, so its timing says nothing of the hidden tests; a run (example tests only)
  is shown as soon as it is graded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.catalog.models import Item
from lms.exercises import sandbox, services
from lms.exercises.models import IN_FLIGHT, GradingJob
from lms.extensions import db
from lms.learning.models import Enrollment

log = logging.getLogger("lms.exercises.jobs")

BUSY = _l("Your code is already being graded. Wait for its results, then run or submit again.")
TIMED_OUT = _l("Your code could not be graded in time: the graders were busy or restarted. Nothing was counted; "
               "please run or submit it again.")
UNREACHABLE = _l("The grader cannot be reached right now. Nothing was counted; please try again in a minute.")
BROKE = _l("The grader failed while checking your code; this is not a fault of the code. Nothing was counted; "
           "please try again.")


class GradingBusy(Exception):
    """The learner already has a grading queued or running; ``job`` is that one (None if
    it finished in the meantime)."""

    def __init__(self, job: GradingJob | None) -> None:
        super().__init__(str(BUSY))
        self.message, self.job = BUSY, job


def timeout() -> timedelta:
    return timedelta(seconds=current_app.config["LMS_GRADING_TIMEOUT"])


def reveal_delay_s(item: Item) -> float:
    """How long after its grading started a submission's result appears, at the earliest:
    the longest any grading of this exercise can take before the sandbox stops it."""
    return (item.exercise["time_limit_ms"] + sandbox.BACKSTOP_MARGIN_MS) / 1000


# The web side -------------------------------------------------------------------------------

def start(user: User, enrollment: Enrollment, item: Item, kind: str, code: object, locale: str) -> GradingJob:
    """Queue a run or a submit of ``code`` and keep it as the learner's draft. Code that
    cannot be run raises ``services.CodeError``, a second grading in flight
    ``GradingBusy``; either way nothing changes. Flushes; the caller commits, then hands
    the job to a grader (``queues.dispatch``)."""
    if kind not in ("run", "submit"):
        raise ValueError(f"unknown kind of grading {kind!r}")
    code = services.check_code(code)
    expire_stale(user.id)
    job = GradingJob(user_id=user.id, enrollment_id=enrollment.id, item_id=item.id, kind=kind, code=code,
                     locale=locale, state="queued")
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:
        raise GradingBusy(in_flight(user.id)) from None
    # Only the newest grading of an exercise is ever shown: older finished ones go.
    db.session.execute(sa.delete(GradingJob).where(
        GradingJob.enrollment_id == enrollment.id, GradingJob.item_id == item.id, GradingJob.id != job.id,
        GradingJob.state.not_in(IN_FLIGHT)).execution_options(synchronize_session=False))
    services.save_draft(enrollment, item, code)
    return job


def start_check(user: User, spec: dict, locale: str) -> GradingJob:
    """Queue the studio's "check" of an exercise being written (``services.check_reference``
    on ``spec``), for no enrolment; ``GradingBusy`` when the author already has a grading in
    flight. Flushes; the caller commits, then hands the job to a grader."""
    expire_stale(user.id)
    job = GradingJob(user_id=user.id, kind="check", code=json.dumps(spec), locale=locale, state="queued")
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:
        raise GradingBusy(in_flight(user.id)) from None
    db.session.execute(sa.delete(GradingJob).where(
        GradingJob.user_id == user.id, GradingJob.kind == "check", GradingJob.id != job.id,
        GradingJob.state.not_in(IN_FLIGHT), GradingJob.created_at < utcnow() - timeout()
    ).execution_options(synchronize_session=False))
    return job


def get_check(user: User, job_id: int) -> GradingJob | None:
    """One of ``user``'s checks (another's is as absent as none), given up first if it is
    past ``LMS_GRADING_TIMEOUT``."""
    job = db.session.scalar(sa.select(GradingJob).where(
        GradingJob.id == job_id, GradingJob.user_id == user.id, GradingJob.kind == "check"))
    if job is not None and job.in_flight and job.created_at < utcnow() - timeout():
        give_up(job, TIMED_OUT)
    return job


def in_flight(user_id: int) -> GradingJob | None:
    return db.session.scalar(sa.select(GradingJob).where(GradingJob.user_id == user_id,
                                                         GradingJob.state.in_(IN_FLIGHT)))


def expire_stale(user_id: int) -> None:
    """Give up the learner's gradings not finished ``LMS_GRADING_TIMEOUT`` after they were asked for."""
    cutoff = utcnow() - timeout()
    for job in db.session.scalars(sa.select(GradingJob).where(
            GradingJob.user_id == user_id, GradingJob.state.in_(IN_FLIGHT), GradingJob.created_at < cutoff)):
        give_up(job, TIMED_OUT)


def give_up(job: GradingJob, reason) -> bool:
    """Mark a job that is still queued or running as failed with ``reason`` (told in the
    learner's language); False if a grader finished it first."""
    with force_locale(job.locale):
        message = str(reason)
    changed = db.session.execute(
        sa.update(GradingJob).where(GradingJob.id == job.id, GradingJob.state.in_(IN_FLIGHT))
        .values(state="failed", error=message, finished_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(job)
    return changed == 1


def get(enrollment: Enrollment, item: Item, job_id: int) -> GradingJob | None:
    """One of this learner's gradings of this exercise (another's is as absent as none),
    given up first if it is past ``LMS_GRADING_TIMEOUT``. One query: pages poll this."""
    job = db.session.scalar(sa.select(GradingJob).where(
        GradingJob.id == job_id, GradingJob.enrollment_id == enrollment.id, GradingJob.item_id == item.id))
    if job is not None and job.in_flight and job.created_at < utcnow() - timeout():
        give_up(job, TIMED_OUT)
    return job


def latest(enrollment: Enrollment, item: Item) -> GradingJob | None:
    """The learner's newest grading of this exercise."""
    expire_stale(enrollment.user_id)
    return db.session.scalar(sa.select(GradingJob).where(
        GradingJob.enrollment_id == enrollment.id, GradingJob.item_id == item.id).order_by(GradingJob.id.desc())
        .limit(1))


def poll_after_ms(job: GradingJob) -> int:
    """When the page should ask again about a grading in flight: a running submission not
    before its reveal time (known from the start: it says nothing of the code), anything
    else soon. Fewer polls keep the web servers for the pages."""
    if job.state == "running" and job.kind == "submit" and job.started_at is not None:
        reveal = job.started_at + timedelta(seconds=reveal_delay_s(job.item))
        return max(250, min(5000, int((reveal - utcnow()).total_seconds() * 1000) + 100))
    return 500 if job.state == "running" else 1000


def outcome_of(job: GradingJob) -> services.Outcome | None:
    """What a finished grading showed: a run's stored outcome, a submit's submission."""
    if job.state != "done":
        return None
    if job.kind == "submit":
        return services.outcome_of(job.submission) if job.submission is not None else None
    data = job.result
    return services.Outcome(kind="run", status=data["status"],
                            tests=[services.TestOutcome(**test) for test in data["tests"]],
                            logs=data["logs"], error=data["error"], line=data["line"], column=data["column"],
                            passed_count=data["passed_count"], total=data["total"])


def shown(job: GradingJob) -> bool:
    """True the first time a finished submit that completed the course is shown (the page
    congratulates the learner once, as it did when grading was part of the request)."""
    if job.state != "done" or job.shown_at is not None or not (job.result or {}).get("completed_course"):
        return False
    first = db.session.execute(
        sa.update(GradingJob).where(GradingJob.id == job.id, GradingJob.shown_at.is_(None))
        .values(shown_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1
    db.session.refresh(job)
    return first


def page(enrollment: Enrollment, item: Item, *, code: str | None = None) -> dict:
    """The exercise page with its latest grading: ``pending`` while one is queued or
    running, else its outcome (or why it failed); ``completed_course`` the first time a
    finished submit that completed the course is shown. Flushes; the caller commits."""
    job = latest(enrollment, item)
    if job is not None and job.state == "done":
        db.session.refresh(enrollment)  # loaded before the grading's commit, which may have moved the progress
    outcome = outcome_of(job) if job is not None else None
    context = services.page(enrollment, item, code=code, outcome=outcome)
    failed = job is not None and job.state == "failed"
    if failed:
        context["outcome"] = None  # the message alone, not an older submission's results
    context.update(pending=job if job is not None and job.in_flight else None,
                   error=job.error if failed else None,
                   completed_course=shown(job) if job is not None else False)
    return context


# The grader's side --------------------------------------------------------------------------

def claim(job_id: int) -> GradingJob | None:
    """Take a queued job (``running``), unless another grader took it, it was given up,
    or it waited past ``LMS_GRADING_TIMEOUT``. Flushes; the caller commits."""
    job = db.session.get(GradingJob, job_id)
    if job is None or job.state != "queued":
        return None
    if job.created_at < utcnow() - timeout():
        give_up(job, TIMED_OUT)
        return None
    taken = db.session.execute(
        sa.update(GradingJob).where(GradingJob.id == job_id, GradingJob.state == "queued")
        .values(state="running", started_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(job)
    return job if taken == 1 else None


def _run_result(outcome: services.Outcome) -> dict:
    return {"status": outcome.status, "tests": [dataclasses.asdict(test) for test in outcome.tests],
            "logs": outcome.logs, "error": outcome.error, "line": outcome.line, "column": outcome.column,
            "passed_count": outcome.passed_count, "total": outcome.total}


def _finish(job: GradingJob, state: str, **values) -> bool:
    """Write the job's end in the transaction that holds its submission; False (and the
    caller rolls back) when it was given up meanwhile, so nothing of it is counted."""
    return db.session.execute(
        sa.update(GradingJob).where(GradingJob.id == job.id, GradingJob.state == "running")
        .values(state=state, finished_at=utcnow(), **values).execution_options(synchronize_session=False)
    ).rowcount == 1


def _grade(job: GradingJob, started: float) -> dict:
    """Run or submit through the services (which grade, then write) in the learner's
    language; a submit's grading answers no earlier than its reveal time."""
    if job.kind == "check":
        spec = json.loads(job.code)
        db.session.commit()
        with force_locale(job.locale):
            return {"result": services.check_reference(spec)}
    enrollment, item = db.session.get(Enrollment, job.enrollment_id), job.item
    db.session.commit()  # no transaction (nor pooled connection) is held while the code runs
    with force_locale(job.locale):
        if job.kind == "run":
            return {"result": _run_result(services.run(enrollment, item, job.code))}
        was_complete = enrollment.completed_at is not None
        with sandbox.answer_no_earlier_than(started + reveal_delay_s(item)):
            outcome = services.submit(enrollment, item, job.code)
        return {"result": {"completed_course": not was_complete and enrollment.completed_at is not None},
                "submission_id": outcome.submission.id}


def perform(job_id: int) -> str | None:
    """Grade one job, in an app context of its own (a grader thread or process): claim
    it, grade it, and commit its outcome together with the submission, progress and
    statements the services wrote; a failure is stored with a message for the learner.
    Returns the job's final state (None when there was nothing to do)."""
    job = claim(job_id)
    db.session.commit()
    if job is None:
        return None
    started = time.monotonic()
    try:
        values = _grade(job, started)
        state = "done"
    except services.CodeError as error:
        db.session.rollback()
        with force_locale(job.locale):
            values, state = {"error": str(error.message)}, "failed"
    except Exception:
        log.exception("grading job %s failed", job_id)
        db.session.rollback()
        with force_locale(job.locale):
            values, state = {"error": str(BROKE)}, "failed"
    if _finish(job, state, **values):
        db.session.commit()
        return state
    db.session.rollback()  # given up while it ran: its submission is not counted
    log.warning("grading job %s finished after it was given up; its outcome was dropped", job_id)
    return None
