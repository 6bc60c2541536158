from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.catalog.models import Item
from lms.extensions import db
from lms.xapi.models import Json


class ExerciseSubmission(db.Model):
    """One graded submission of a code exercise: the code as submitted and what each test
    (visible and hidden) said. Every submission is kept; the learner's best counts."""

    __tablename__ = "exercise_submission"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    code: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16))        # the grader's status: ok, syntax_error, ...
    # per test, in order: name, hidden, passed, and for a visible test message and logs (a
    # hidden test keeps nothing that could show its inputs: see 0018_hidden_results)
    results: Mapped[list] = mapped_column(Json)
    logs: Mapped[list] = mapped_column(Json, default=list)    # console output while the module loaded
    error: Mapped[str] = mapped_column(sa.Text, default="")
    line: Mapped[int | None]
    column: Mapped[int | None]
    passed_count: Mapped[int]
    total: Mapped[int]
    score: Mapped[float]                                      # scaled 0..1
    passed: Mapped[bool]                                      # every test passed
    duration_ms: Mapped[float] = mapped_column(default=0)

    item: Mapped[Item] = relationship()


class ExerciseDraft(db.Model):
    """The learner's latest code for an exercise, saved on every run and submit, so the
    page always opens with their own work."""

    __tablename__ = "exercise_draft"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


GRADING_KINDS = ("run", "submit", "check")  # check: the studio grading an exercise's own solution
GRADING_STATES = ("queued", "running", "done", "failed")
IN_FLIGHT = ("queued", "running")
_IN_FLIGHT_SQL = "state IN ('queued', 'running')"


class GradingJob(db.Model):
    """One run or submit, graded off the request path: the web request stores it as
    ``queued`` and answers at once; a grader (a thread of the web process, or a
    ``flask exercises grader`` process fed through the queue) claims it (``running``),
    grades it and writes its outcome (``done``), or says why it could not (``failed``).

    A learner has at most one job queued or running, across every exercise, process and
    server: the partial unique index refuses a second one in the database itself."""

    __tablename__ = "grading_job"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {GRADING_KINDS}", name="kind"),
        sa.CheckConstraint(f"state IN {GRADING_STATES}", name="state"),
        sa.Index("uq_grading_job_in_flight", "user_id", unique=True,
                 sqlite_where=sa.text(_IN_FLIGHT_SQL), postgresql_where=sa.text(_IN_FLIGHT_SQL)),
        sa.Index("ix_grading_job_enrollment_item", "enrollment_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # None for a studio "check", which grades an exercise being written, for nobody's enrolment.
    enrollment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))            # run or submit
    code: Mapped[str] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(8))          # the learner's language, for the grader's messages
    state: Mapped[str] = mapped_column(sa.String(8), default="queued")
    # What the learner sees: a run's outcome (tests, logs, status); for a submit only
    # whether it completed the course, its results being the submission's.
    result: Mapped[dict | None] = mapped_column(Json)
    submission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_submission.id", ondelete="SET NULL"), index=True)
    error: Mapped[str] = mapped_column(sa.Text, default="")   # why it failed, in the learner's language
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    shown_at: Mapped[datetime | None]                           # first shown to the learner once finished

    item: Mapped[Item | None] = relationship()
    submission: Mapped[ExerciseSubmission | None] = relationship()

    @property
    def in_flight(self) -> bool:
        return self.state in IN_FLIGHT
