"""How ready a learner is for a role profile: the gaps to each required level, with
partial credit, and the activities that would close them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.competence import kinds, references
from lms.extensions import db
from lms.competence.models import (
    ActivityCompetence, Competence, Framework, LearnerCompetence, RoleProfile)

# Role readiness -----------------------------------------------------------------------------

@dataclass
class Gap:
    competence: Competence
    required: str
    current: str | None
    next_activities: list[str]


@dataclass
class Readiness:
    """How far a learner is towards a role: ``met`` of ``total`` requirements fully met,
    and ``credit`` (0 to ``total``) that also counts a requirement partly reached (level 1
    of 3 needed is a third), so a beginner sees progress from their first evidence."""

    role: RoleProfile
    met: int
    total: int
    gaps: list[Gap]
    credit: float = 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.credit / self.total) if self.total else 100


def readiness(actor_key: str, audiences: set[str] | None = None) -> list[Readiness]:
    """For every role profile that fits ``audiences`` (every one without them): how many
    required competences the learner has at the level needed, the partial credit of the
    levels reached below it, and for each gap the activities that would evidence it."""
    roles = [role for role in db.session.scalars(sa.select(RoleProfile).order_by(RoleProfile.title))
             if audiences is None or role.fits(audiences)]
    if not roles:
        return []
    levels = {row.competence_id: row for row in db.session.scalars(
        sa.select(LearnerCompetence).where(LearnerCompetence.actor_key == actor_key))}
    competences = {(c.framework.slug, c.code): c for c in db.session.scalars(
        sa.select(Competence).options(selectinload(Competence.framework)))}
    mappings: dict[int, list[ActivityCompetence]] = defaultdict(list)
    for mapping in db.session.scalars(sa.select(ActivityCompetence)):
        mappings[mapping.competence_id].append(mapping)
    result = []
    for role in roles:
        met, credit, gaps = 0, 0.0, []
        for reference in role.requires:
            ref = references.parse(reference)
            competence = competences.get((ref.framework, ref.code))
            if competence is None:
                continue
            needed = competence.framework.rank(ref.level)
            have = levels.get(competence.id)
            if have is not None and have.rank >= needed:
                met += 1
                credit += 1
                continue
            credit += (have.rank / needed) if have is not None and needed else 0
            gaps.append(Gap(competence, ref.level, have.level if have else None,
                            closing_activities(mappings[competence.id], competence.framework, needed)[:5]))
        result.append(Readiness(role, met, len(role.requires), gaps, credit))
    return result


def closing_activities(mappings: list[ActivityCompetence], framework: Framework, needed: int) -> list[str]:
    """The mapped activities whose evidence would count at rank ``needed`` or above: only
    these close a gap."""
    return sorted({m.activity_id for m in mappings
                   if framework.rank(m.level) >= needed
                   and kinds.counts(kinds.expected_kind(m.activity_id), needed, m.participation_counts)})
