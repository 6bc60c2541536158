from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class ActiveDay(db.Model):
    """A day (in the pages' time zone) on which a learner made statements: kept up to date
    by the one door's listener, so weekly figures never scan the statements."""

    __tablename__ = "learner_active_day"
    # Covers the weekly count: read in (week, learner) order, the day checked in the index.
    __table_args__ = (sa.Index("ix_learner_active_day_week_actor_day", "week", "actor_key", "day"),)

    actor_key: Mapped[str] = mapped_column(sa.String(512), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True, index=True)
    week: Mapped[date]  # the Monday of the day's ISO week
    statements: Mapped[int]  # not voided
