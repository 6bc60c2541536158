from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.extensions import db

# What a notification is about; lms.notifications.services.KINDS says each in words.
KINDS = ("announcement", "due_soon", "feedback", "reviewed", "hand_in", "export_ready")


class Notification(db.Model):
    """One thing one person should know of. ``subject`` is the name of what it is about
    (a class, an item) as it was when it happened; the sentence around it is the kind's,
    translated when shown, so a notification reads in the reader's language of the day.
    ``key`` makes a notification that must come only once (a due date's reminder) unique
    for its reader."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key"),
        # The header's unread count and the list read this index only.
        sa.Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        sa.CheckConstraint("kind IN ('announcement', 'due_soon', 'feedback', 'reviewed', 'hand_in', 'export_ready')",
                           name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(500))
    # When the thing is (a due date): shown in the reader's time zone and language.
    at: Mapped[datetime | None]
    key: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When a daily digest carried it (None: not yet e-mailed, or never: no digest chosen).
    emailed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class NotificationPreference(db.Model):
    """A person's choice of a daily e-mail digest (off unless they chose it; pupils have
    no e-mail and never get one), and the local day the last digest went out, so the
    digest command sends at most one a day however often it runs."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email_digest: Mapped[bool] = mapped_column(default=False)
    digest_sent_on: Mapped[date | None]
