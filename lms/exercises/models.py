from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import utcnow
from lms.catalog.models import Item
from lms.extensions import db
from lms.xapi.models import Json


class ExerciseSubmission(db.Model):
    """One graded submission of a code exercise: the code as submitted and what each test
    (visible and hidden) said. Every submission is kept; the learner's best counts."""

    __tablename__ = "exercise_submission"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
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
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
