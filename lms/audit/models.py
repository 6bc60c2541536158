from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User, utcnow
from lms.extensions import db


class AccessLogEntry(db.Model):
    """A teacher, reviewer or admin looked at another person's personal data: who, whose,
    what and when, and, for a learner's work on one course item, which item (and which
    hand-in of it, by number, when one was opened on its own) and in what role (class
    teacher, course reviewer, admin). The person sees the entries about them
    (in their record, on the item's page and on their privacy page); admins search them all."""

    __tablename__ = "access_log_entry"
    __table_args__ = (sa.Index("ix_access_log_entry_subject_at", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    viewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(sa.String(32))
    detail: Mapped[str] = mapped_column(sa.String(200), default="")
    # The course item whose work was seen (a table name, not an import: catalog sits above).
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_item.id", ondelete="SET NULL"), index=True)
    viewer_role: Mapped[str] = mapped_column(sa.String(16), default="")
    # Which piece of that work was opened on its own (a task's hand-in, by its number), when one was.
    work_number: Mapped[int | None]

    viewer: Mapped[User | None] = relationship(foreign_keys=[viewer_id])
    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
