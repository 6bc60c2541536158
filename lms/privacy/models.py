from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User, utcnow
from lms.extensions import db

OPEN, ERASED, REFUSED = "open", "erased", "refused"
REQUEST_STATUSES = (OPEN, ERASED, REFUSED)
# Who asked: the person themselves, the teacher of a class they are in, or an admin.
REQUESTER_ROLES = ("self", "teacher", "admin")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ErasureRequest(db.Model):
    """A request to erase one person, and what became of it. Kept after the erasure
    without the erased data: the person is then the anonymous account left in their
    place, and the requester's reason is cleared."""

    __tablename__ = "erasure_request"
    __table_args__ = (
        sa.CheckConstraint(_in("status", REQUEST_STATUSES), name="status"),
        sa.CheckConstraint(_in("requester_role", REQUESTER_ROLES), name="requester_role"),
        sa.Index("ix_erasure_request_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    requester_role: Mapped[str] = mapped_column(sa.String(8))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(8), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    forwarded: Mapped[list[ForwardedStatement]] = relationship(
        back_populates="request", order_by="ForwardedStatement.id", cascade="all, delete-orphan")


class ForwardedStatement(db.Model):
    """A statement of an erased person that had already been forwarded to an external
    LRS, which xAPI gives no way to erase: its id is kept, per endpoint, for the admin to
    hand to that LRS's operator."""

    __tablename__ = "erasure_forwarded_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("erasure_request.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(500))
    statement_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)

    request: Mapped[ErasureRequest] = relationship(back_populates="forwarded")


QUEUED, RUNNING, READY, FAILED = "queued", "running", "ready", "failed"
EXPORT_STATES = (QUEUED, RUNNING, READY, FAILED)


class DataExport(db.Model):
    """A copy of everything about one person, asked for by them, their teacher or an admin,
    built in the background: the request stores it ``queued``, a grader process (the
    shared job queue) builds the archive into the file store tasks use (``ready``), or
    says it could not (``failed``), and notifies the requester. It can be downloaded until
    ``expires_at``; the retention command then removes it with its archive."""

    __tablename__ = "data_export"
    __table_args__ = (
        sa.CheckConstraint(_in("state", EXPORT_STATES), name="state"),
        sa.Index("ix_data_export_subject_requester", "subject_id", "requested_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                                        index=True)
    state: Mapped[str] = mapped_column(sa.String(8), default=QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    size: Mapped[int] = mapped_column(default=0)
    # The archive's key in the file store (``lms.tasks.storage``): a ``task_file_blob`` row.
    blob_id: Mapped[int | None] = mapped_column(sa.ForeignKey("task_file_blob.id", ondelete="SET NULL"))
    error: Mapped[str] = mapped_column(sa.String(200), default="")

    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
