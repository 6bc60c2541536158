from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.catalog.models import Course, Item
from lms.extensions import db


class SchoolClass(db.Model):
    """A teacher's class (an after-school group or an adult group) that pupils join with a code."""

    __tablename__ = "school_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    group: Mapped[str | None] = mapped_column(sa.String(60))   # e.g. "5. klase" or "adult group"
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    joining_open: Mapped[bool] = mapped_column(default=True)
    ends_on: Mapped[date | None]
    # On what basis its pupils take part (teaching.services.LEGAL_BASES) and since when;
    # a class without one cannot be joined.
    legal_basis: Mapped[str | None] = mapped_column(sa.String(24))
    basis_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teacher: Mapped[User] = relationship()
    members: Mapped[list[ClassMember]] = relationship(back_populates="school_class", cascade="all, delete-orphan")
    assignments: Mapped[list[ClassCourse]] = relationship(back_populates="school_class", cascade="all, delete-orphan")
    item_assignments: Mapped[list[ClassItem]] = relationship(back_populates="school_class",
                                                             cascade="all, delete-orphan")


class ClassMember(db.Model):
    __tablename__ = "class_member"

    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True)
    # Indexed on its own too: a learner's classes are looked up on every dashboard.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class DueDates:
    """When assigned work opens and is due (naive UTC, as stored; a teacher enters and
    everyone reads them in ``LMS_TIMEZONE``), and whether hand-in closes at the due date.
    Nothing is locked unless the teacher chose ``close_at_due``."""

    opens_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    close_at_due: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class ClassCourse(DueDates, db.Model):
    """A whole course assigned to a class; a due date here is the date by which the
    course is to be completed, and holds for each of its items that has none of its own."""

    __tablename__ = "class_course"

    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)

    school_class: Mapped[SchoolClass] = relationship(back_populates="assignments")
    course: Mapped[Course] = relationship()


class ClassItem(DueDates, db.Model):
    """One item of a course (a quiz, an exercise, a lesson, a task) assigned to a class,
    with a due date of its own; the class's pupils are enrolled in its course."""

    __tablename__ = "class_item"
    __table_args__ = (sa.UniqueConstraint("class_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    # The item's course, kept here so that due dates are found per course without a join.
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship(back_populates="item_assignments")
    item: Mapped[Item] = relationship()
    course: Mapped[Course] = relationship()


class Announcement(db.Model):
    """A short message a teacher posts to one of their classes (Markdown, kept with its
    sanitised HTML)."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    school_class: Mapped[SchoolClass] = relationship()


class AnnouncementRead(db.Model):
    """A class member has read an announcement: it leaves their dashboard."""

    __tablename__ = "announcement_read"

    announcement_id: Mapped[int] = mapped_column(sa.ForeignKey("announcement.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A learner's secret calendar link. Only a hash of its token is kept: the link is
    shown once, when made, and making a new one ends the old."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
