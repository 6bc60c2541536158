from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User, utcnow
from lms.catalog.models import Course
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teacher: Mapped[User] = relationship()
    members: Mapped[list[ClassMember]] = relationship(back_populates="school_class", cascade="all, delete-orphan")
    assignments: Mapped[list[ClassCourse]] = relationship(back_populates="school_class", cascade="all, delete-orphan")


class ClassMember(db.Model):
    __tablename__ = "class_member"

    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class ClassCourse(db.Model):
    __tablename__ = "class_course"

    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)

    school_class: Mapped[SchoolClass] = relationship(back_populates="assignments")
    course: Mapped[Course] = relationship()
