from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


class Statement(db.Model):
    """One stored xAPI statement: the full JSON plus the columns queries filter on."""

    __tablename__ = "xapi_statement"
    __table_args__ = (
        sa.Index("ix_xapi_statement_actor_seq", "actor_key", "seq"),
        sa.Index("ix_xapi_statement_activity_seq", "activity_id", "seq"),
    )

    # Storage order: what "stored" ordering, paging and "consistent through" rest on.
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    statement_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    actor_key: Mapped[str] = mapped_column(sa.String(512))
    verb_id: Mapped[str] = mapped_column(sa.String(512), index=True)
    activity_id: Mapped[str | None] = mapped_column(sa.String(1024))
    registration: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    timestamp: Mapped[datetime]
    stored: Mapped[datetime] = mapped_column(index=True)
    voided: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict] = mapped_column(Json)

    def __repr__(self) -> str:
        return f"<Statement {self.statement_id} {self.verb_id.rsplit('/', 1)[-1]}>"
