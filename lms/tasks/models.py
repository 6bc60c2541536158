from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.catalog.models import Course, Item
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.xapi.models import Json

# A hand-in waits for review, was replaced by a newer one before anyone reviewed it, or
# was reviewed: accepted, or returned for another try.
WAITING, REPLACED, ACCEPTED, ANOTHER_TRY = "waiting", "replaced", "accepted", "another_try"
HAND_IN_STATUSES = (WAITING, REPLACED, ACCEPTED, ANOTHER_TRY)
DECISIONS = (ACCEPTED, ANOTHER_TRY)
# Who reviewed: the teacher of a class the learner is in and the course is assigned to,
# or a reviewer an admin assigned to the course (for learners outside such classes).
CLASS_TEACHER, COURSE_REVIEWER = "class-teacher", "course-reviewer"
REVIEWER_ROLES = (CLASS_TEACHER, COURSE_REVIEWER)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CourseReviewer(db.Model):
    """A user an admin assigned to review a course's tasks for learners who are in no
    class that has the course assigned."""

    __tablename__ = "course_reviewer"

    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()


class FileBlob(db.Model):
    """The bytes of an uploaded file, in the database (``lms.tasks.storage``): one backup,
    saved in the same transaction as the hand-in, seen by every app server."""

    __tablename__ = "task_file_blob"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class TaskDraft(db.Model):
    """The learner's working copy of a task: kept between visits and after handing in, so
    another try starts from the work handed in."""

    __tablename__ = "task_draft"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    files: Mapped[list[TaskFile]] = relationship(order_by="TaskFile.id", back_populates="draft")


class HandIn(db.Model):
    """One handing-in of a task, as it was handed in: never changed afterwards but for its
    status. Handing in again before a review replaces the waiting one."""

    __tablename__ = "task_hand_in"
    __table_args__ = (
        sa.UniqueConstraint("enrollment_id", "item_id", "number"),
        sa.CheckConstraint(_in("status", HAND_IN_STATUSES), name="status"),
        # The review queue reads waiting hand-ins oldest first.
        sa.Index("ix_task_hand_in_status_submitted_at", "status", "submitted_at"),
        # A reviewer's queue and its count: their learners' enrolments, then the waiting hand-ins.
        sa.Index("ix_task_hand_in_enrollment_status", "enrollment_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    text_html: Mapped[str] = mapped_column(sa.Text, default="")   # rendered and sanitised once
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(16), default=WAITING)

    enrollment: Mapped[Enrollment] = relationship()
    item: Mapped[Item] = relationship()
    files: Mapped[list[TaskFile]] = relationship(order_by="TaskFile.id", back_populates="hand_in")
    review: Mapped[Review | None] = relationship(back_populates="hand_in", uselist=False)


class TaskFile(db.Model):
    """A file of a draft or of a hand-in. Handing in gives the hand-in its own rows that
    point at the draft's blobs, so nothing is copied and removing a file from the draft
    leaves the hand-in whole. The type is what the content showed, never the name."""

    __tablename__ = "task_file"
    __table_args__ = (sa.CheckConstraint("(draft_id IS NULL) <> (hand_in_id IS NULL)", name="owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_draft.id", ondelete="CASCADE"), index=True)
    hand_in_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_hand_in.id", ondelete="CASCADE"), index=True)
    blob_id: Mapped[int] = mapped_column(sa.ForeignKey("task_file_blob.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(160))
    file_type: Mapped[str] = mapped_column(sa.String(16))       # one of loader.FILE_TYPES
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[TaskDraft | None] = relationship(back_populates="files")
    hand_in: Mapped[HandIn | None] = relationship(back_populates="files")


class Review(db.Model):
    """A reviewer's judgement of one hand-in: the rubric level chosen per criterion (with
    the criterion's and level's names and points as they were, so a later edit of the
    course file does not change what the learner was told), a comment and the decision."""

    __tablename__ = "task_review"
    __table_args__ = (
        sa.CheckConstraint(_in("decision", DECISIONS), name="decision"),
        sa.CheckConstraint(_in("reviewer_role", REVIEWER_ROLES), name="reviewer_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hand_in_id: Mapped[int] = mapped_column(sa.ForeignKey("task_hand_in.id", ondelete="CASCADE"), unique=True)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    reviewer_role: Mapped[str] = mapped_column(sa.String(16))
    # [{"criterion": id, "name", "level": index, "level_name", "points", "max_points"}]
    scores: Mapped[list] = mapped_column(Json, default=list)
    points: Mapped[float | None]
    max_points: Mapped[float | None]
    score: Mapped[float | None]                               # scaled 0..1; None without a rubric
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    comment_html: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.String(16))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    hand_in: Mapped[HandIn] = relationship(back_populates="review")
    reviewer: Mapped[User | None] = relationship()
