from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.xapi.models import BigId, Json


class Framework(db.Model):
    __tablename__ = "competence_framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(32), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_lv: Mapped[str | None] = mapped_column(sa.String(200))
    source: Mapped[str | None] = mapped_column(sa.String(300))
    levels: Mapped[list] = mapped_column(Json)  # [{code, title, title_lv}], lowest first

    competences: Mapped[list[Competence]] = relationship(back_populates="framework", order_by="Competence.position")

    def rank(self, level: str) -> int:
        """1 for the lowest level, 0 for an unknown one."""
        codes = [entry["code"] for entry in self.levels]
        return codes.index(level) + 1 if level in codes else 0

    def level(self, code: str | None) -> dict | None:
        """One level of the scale ({code, title, title_lv}) by its code: what a page shows
        (``framework.level(code)|localized``) instead of the code."""
        return next((entry for entry in self.levels if entry["code"] == code), None)


class Competence(db.Model):
    __tablename__ = "competence"
    __table_args__ = (sa.UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("competence_framework.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(64))
    area_code: Mapped[str] = mapped_column(sa.String(64))
    area_title: Mapped[str] = mapped_column(sa.String(200))
    area_title_lv: Mapped[str | None] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    title_lv: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int]

    framework: Mapped[Framework] = relationship(back_populates="competences")

    @property
    def reference(self) -> str:
        return f"{self.framework.slug}:{self.code}"


class ActivityCompetence(db.Model):
    """An activity whose passing or completion evidences a competence at a level. Course
    items map themselves at import; admins map external activities."""

    __tablename__ = "activity_competence"
    __table_args__ = (sa.UniqueConstraint("activity_id", "competence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[str] = mapped_column(sa.String(1024))
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competence.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(sa.String(8))
    min_score: Mapped[float | None]   # scaled score needed, where the mapping asks for one
    source: Mapped[str] = mapped_column(sa.String(120))  # "course:<slug>" or "admin"
    # A course file's word that taking part in the item (a lesson done) counts at this
    # level even above the framework's lowest (``participation_counts`` in its front matter).
    participation_counts: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    competence: Mapped[Competence] = relationship()


class Evidence(db.Model):
    """One statement evidencing one competence at one level, and how it was obtained
    (``lms.competence.kinds``). Withdrawn when the statement is voided; never deleted, so a
    profile's history can be audited. Evidence that does not count (taking part, above
    the lowest level) is kept and shown, but raises no level."""

    __tablename__ = "competence_evidence"
    __table_args__ = (sa.Index("ix_competence_evidence_actor_competence", "actor_key", "competence_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    actor_key: Mapped[str] = mapped_column(sa.String(512))
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competence.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(sa.String(8))
    rank: Mapped[int]
    statement_seq: Mapped[int] = mapped_column(BigId, sa.ForeignKey("xapi_statement.seq", ondelete="CASCADE"),
                                               index=True)
    activity_id: Mapped[str] = mapped_column(sa.String(1024))
    score: Mapped[float | None]
    at: Mapped[datetime]
    withdrawn: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(sa.String(16))                 # assessed, participated, external
    provider: Mapped[str | None] = mapped_column(sa.String(120))     # the external provider's name
    counted: Mapped[bool]                                            # towards the learner's level

    competence: Mapped[Competence] = relationship()


class LearnerCompetence(db.Model):
    """The per-learner aggregate the profile reads: the highest level that counted
    evidence shows for each competence (and how many pieces of counted evidence there
    are), kept up to date as statements arrive, never recomputed from statements. A
    competence with evidence that does not count has no row."""

    __tablename__ = "learner_competence"
    # Programme figures count the learners of each competence from this index alone.
    __table_args__ = (sa.Index("ix_learner_competence_competence_actor", "competence_id", "actor_key"),)

    actor_key: Mapped[str] = mapped_column(sa.String(512), primary_key=True)
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competence.id", ondelete="CASCADE"),
                                               primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(8))
    rank: Mapped[int]
    evidence_count: Mapped[int]
    updated_at: Mapped[datetime]

    competence: Mapped[Competence] = relationship()


class RoleProfile(db.Model):
    """A job or role (junior front-end developer, digitally confident teacher) as the
    competences and levels it requires."""

    __tablename__ = "role_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_lv: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    requires: Mapped[list] = mapped_column(Json)  # ["framework:code@level", ...]
    # Who the role is for (accounts' audiences: adult, teacher, pupil); None: everyone.
    # A pupil is shown no job and no teacher role.
    audiences: Mapped[list | None] = mapped_column(Json)

    def fits(self, audiences) -> bool:
        """Whether the role is for someone of these audiences."""
        return not self.audiences or not set(self.audiences).isdisjoint(audiences)


class SelfAssessment(db.Model):
    """A teacher's own view of their level in a competence, kept apart from evidence."""

    __tablename__ = "self_assessment"

    actor_key: Mapped[str] = mapped_column(sa.String(512), primary_key=True)
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competence.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(8))
    rank: Mapped[int]
    assessed_at: Mapped[datetime]

    competence: Mapped[Competence] = relationship()


class SelfAssessmentAnswer(db.Model):
    """A teacher's answer to one statement of the self-assessment questionnaire (a value
    on its scale); a competence's answers together give its starting level."""

    __tablename__ = "self_assessment_answer"

    actor_key: Mapped[str] = mapped_column(sa.String(512), primary_key=True)
    statement_code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competence.id", ondelete="CASCADE"))
    value: Mapped[int]
    answered_at: Mapped[datetime]
