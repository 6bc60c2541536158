from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.catalog.models import Course, Item, Module
from lms.extensions import db
from lms.xapi.models import Json


class Enrollment(db.Model):
    """A learner in a course. Leaving keeps the row and its progress; enrolling again
    reopens it with the same registration."""

    __tablename__ = "enrollment"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    # The xAPI context.registration of every statement about this enrolment.
    registration: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    active: Mapped[bool] = mapped_column(default=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    last_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_item.id", ondelete="SET NULL"))
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    progress: Mapped[int] = mapped_column(default=0)  # percent of required items done

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    last_item: Mapped[Item | None] = relationship()


class ItemProgress(db.Model):
    __tablename__ = "item_progress"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]     # lesson done, or quiz passed
    best_score: Mapped[float | None]          # quizzes: scaled 0..1
    last_score: Mapped[float | None]
    attempts: Mapped[int] = mapped_column(default=0)  # submitted quiz attempts


class ModuleCompletion(db.Model):
    __tablename__ = "module_completion"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("course_module.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()


class QuizAttempt(db.Model):
    """One try at a quiz. Started once (a reload shows the same open attempt), submitted
    once (a second submit shows the first result and counts nothing). Its paper is fixed
    when it starts and kept here, never taken from the form."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # The questions drawn for this attempt, in the order shown: [{"id": question id,
    # "options": [{"value": what the form sends, "id": option id}, ...]}], options (choice
    # questions only) in the order shown; a shuffled option's value is a code made for
    # this attempt, so the page does not give away the order of the course file.
    # None for attempts started before papers were kept.
    paper: Mapped[list | None] = mapped_column(Json)
    answers: Mapped[dict | None] = mapped_column(Json)
    results: Mapped[list | None] = mapped_column(Json)   # per question: correct, points, feedback
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    score: Mapped[float | None]                          # scaled 0..1
    passed: Mapped[bool | None]

    item: Mapped[Item] = relationship()


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the public verification page may show beyond the course and the date.
    show_name: Mapped[bool] = mapped_column(default=False)
    # Set when its learner was erased: the verification page then says it was withdrawn.
    withdrawn_at: Mapped[datetime | None]

    enrollment: Mapped[Enrollment] = relationship()
