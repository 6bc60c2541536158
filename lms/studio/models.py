"""Studio courses and their revisions. A revision holds the whole course package as a
``.zip`` (``lms.content.packages``): what the studio saves is the course file format, in
the database, so every app server sees it and an export is the stored package."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User, utcnow
from lms.extensions import db

# A draft is being written; submitted, it waits for an admin; published, learners see the
# published revision (an edit after that is a new draft, learners keep the published one).
DRAFT, SUBMITTED, PUBLISHED = "draft", "submitted", "published"
STATES = (DRAFT, SUBMITTED, PUBLISHED)
OWNER, CO_AUTHOR = "owner", "co-author"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class StudioAuthor(db.Model):
    """A teacher or trainer an admin made an author: they may create courses in the studio.
    A ``reviewer`` (named by an admin) also reviews and publishes courses submitted for review."""

    __tablename__ = "studio_author"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    user: Mapped[User] = relationship()


class StudioCourse(db.Model):
    """A course written in the studio; its slug is the course's identity once published."""

    __tablename__ = "studio_course"
    __table_args__ = (sa.CheckConstraint(_in("state", STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))   # of the newest revision, for lists
    state: Mapped[str] = mapped_column(sa.String(16), default=DRAFT)
    head: Mapped[int] = mapped_column(default=0)          # the newest revision's number
    published_number: Mapped[int | None]                  # the revision learners see
    copied_from: Mapped[str | None] = mapped_column(sa.String(64))  # a shipped course's slug
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[StudioMember]] = relationship(back_populates="course", cascade="all, delete-orphan",
                                                       order_by="StudioMember.added_at")

    @property
    def owner(self) -> User | None:
        return next((m.user for m in self.members if m.role == OWNER), None)


class StudioMember(db.Model):
    """An author of a studio course: its owner or a co-author the owner invited."""

    __tablename__ = "studio_member"
    __table_args__ = (sa.CheckConstraint(_in("role", (OWNER, CO_AUTHOR)), name="role"),)

    course_id: Mapped[int] = mapped_column(sa.ForeignKey("studio_course.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[StudioCourse] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class StudioRevision(db.Model):
    """One save: the whole package after it, who saved it and when."""

    __tablename__ = "studio_revision"
    __table_args__ = (sa.UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("studio_course.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    package: Mapped[bytes] = mapped_column(sa.LargeBinary)  # the .zip of the course folder

    author: Mapped[User | None] = relationship()
