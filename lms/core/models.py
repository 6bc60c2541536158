from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class PlatformIdentity(db.Model):
    """The platform identity (DESIGN.md "xAPI vocabulary"): the IRI that actor homePages
    and activity ids are built from. One row, written when the database is created (the
    base URL of that moment) and never changed, so that records outlive a change of the
    address the site is served at."""

    __tablename__ = "platform_identity"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    iri: Mapped[str] = mapped_column(sa.String(255))
    fixed_at: Mapped[datetime]
