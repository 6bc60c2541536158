from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User, utcnow
from lms.catalog.models import Item
from lms.extensions import db
from lms.learning.models import Enrollment

# What a comment is about: a quiz attempt, a code submission or a task hand-in.
ATTEMPT, SUBMISSION, HAND_IN = "attempt", "submission", "hand_in"
TARGETS = (ATTEMPT, SUBMISSION, HAND_IN)


class Feedback(db.Model):
    """A teacher's comment on one piece of a learner's work (a quiz attempt, a code
    submission, overall or on one of its lines, or a task hand-in), with its sanitised
    HTML. The learner sees it on the item's page and in their record."""

    __tablename__ = "work_feedback"
    __table_args__ = (
        sa.CheckConstraint("target IN ('attempt', 'submission', 'hand_in')", name="target"),
        sa.CheckConstraint("line IS NULL OR line >= 1", name="line"),
        sa.Index("ix_work_feedback_enrollment_item", "enrollment_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    author_role: Mapped[str] = mapped_column(sa.String(16))    # class-teacher, course-reviewer, admin
    target: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int]
    target_number: Mapped[int]                                  # the attempt's, submission's or hand-in's number
    line: Mapped[int | None]                                    # a line of the submitted code
    line_text: Mapped[str] = mapped_column(sa.String(500), default="")  # that line as it was
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment] = relationship()
    item: Mapped[Item] = relationship()
    author: Mapped[User | None] = relationship()
