"""What a learner's competences look like: levels per framework with the evidence behind
them, and the same for many learners at once (a class's heat map)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from lms.competence import kinds
from lms.extensions import db
from lms.competence.models import (
    ActivityCompetence, Competence, Evidence, Framework, LearnerCompetence)
from lms.xapi import services as xapi
from lms.xapi.models import Statement

# Profiles -----------------------------------------------------------------------------------

@dataclass
class CompetenceLevel:
    """A learner's level in one competence (from counted evidence only; None without any)
    and every piece of evidence, counted or not."""

    competence: Competence
    level: str | None
    rank: int
    evidence: list[Evidence]

    @property
    def not_yet_counted(self) -> Evidence | None:
        """The highest evidence above the level that does not count (taking part in a
        lesson mapped above the lowest level): "participated; not yet assessed"."""
        waiting = [e for e in self.evidence if not e.counted and e.rank > self.rank]
        return max(waiting, key=lambda e: e.rank) if waiting else None


@dataclass
class FrameworkProfile:
    framework: Framework
    entries: list[CompetenceLevel]

    @property
    def evidenced(self) -> int:
        return sum(1 for entry in self.entries if entry.evidence)


def profile(actor_key: str) -> list[FrameworkProfile]:
    """A learner's levels per framework, with the evidence behind each, read from the
    aggregate and the evidence rows: a fixed number of queries at any store size."""
    levels = {row.competence_id: row for row in db.session.scalars(
        sa.select(LearnerCompetence).where(LearnerCompetence.actor_key == actor_key))}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for row in db.session.scalars(sa.select(Evidence).where(
            Evidence.actor_key == actor_key, Evidence.withdrawn.is_(False)).order_by(Evidence.at.desc())):
        evidence[row.competence_id].append(row)
    frameworks = list(db.session.scalars(sa.select(Framework).order_by(Framework.id).options(
        selectinload(Framework.competences))))
    result = []
    for framework in frameworks:
        entries = [CompetenceLevel(c, levels[c.id].level if c.id in levels else None,
                                   levels[c.id].rank if c.id in levels else 0, evidence.get(c.id, []))
                   for c in framework.competences]
        result.append(FrameworkProfile(framework, entries))
    return result


def activity_names(evidence: list[Evidence], language: str) -> dict[str, str]:
    """The names external activities give themselves in their statements (the object's
    ``definition.name``, in ``language`` where there is one), for evidence that no course
    item names: one query."""
    seqs = {e.statement_seq for e in evidence if e.kind == kinds.EXTERNAL}
    names: dict[str, str] = {}
    if not seqs:
        return names
    for activity_id, data in db.session.execute(sa.select(Statement.activity_id, Statement.data).where(
            Statement.seq.in_(seqs))):
        name = ((data.get("object") or {}).get("definition") or {}).get("name") or {}
        if isinstance(name, dict) and name and activity_id not in names:
            chosen = next((text for tag, text in name.items() if tag.split("-")[0].lower() == language), None)
            names[activity_id] = str(chosen or name.get("en-US") or name.get("en") or next(iter(name.values())))
    return names


def statement_for(actor_key: str, seq: int) -> Statement | None:
    """One of the learner's statements, or of an external actor linked to them."""
    keys = [actor_key, *xapi.linked_actor_keys(actor_key)]
    return db.session.scalar(sa.select(Statement).where(Statement.seq == seq, Statement.actor_key.in_(keys)))


# Classes ------------------------------------------------------------------------------------

def levels_for(actor_keys: list[str]) -> dict[str, dict[int, LearnerCompetence]]:
    """Several learners' levels in one query (a class heat map)."""
    result: dict[str, dict[int, LearnerCompetence]] = {key: {} for key in actor_keys}
    if actor_keys:
        for row in db.session.scalars(sa.select(LearnerCompetence).where(LearnerCompetence.actor_key.in_(actor_keys))):
            result[row.actor_key][row.competence_id] = row
    return result


def not_yet_assessed_for(actor_keys: list[str]) -> dict[str, dict[int, str]]:
    """Several learners' highest level that only uncounted evidence shows (taking part,
    above their level), per competence, in one query: what a heat map marks as
    "participated; not yet assessed"."""
    result: dict[str, dict[int, str]] = {key: {} for key in actor_keys}
    if not actor_keys:
        return result
    level = aliased(LearnerCompetence)
    ranks: dict[tuple[str, int], int] = {}
    for actor_key, competence_id, rank, code in db.session.execute(
            sa.select(Evidence.actor_key, Evidence.competence_id, Evidence.rank, Evidence.level).distinct()
            .outerjoin(level, sa.and_(level.actor_key == Evidence.actor_key,
                                      level.competence_id == Evidence.competence_id))
            .where(Evidence.actor_key.in_(actor_keys), Evidence.counted.is_(False), Evidence.withdrawn.is_(False),
                   sa.or_(level.rank.is_(None), Evidence.rank > level.rank))):
        if rank > ranks.get((actor_key, competence_id), 0):
            ranks[(actor_key, competence_id)] = rank
            result[actor_key][competence_id] = code
    return result


def competences_of_sources(sources: list[str]) -> list[Competence]:
    """The competences that activities of these sources (``course:<slug>``) evidence, in
    framework order."""
    if not sources:
        return []
    return list(db.session.scalars(
        sa.select(Competence).where(Competence.id.in_(
            sa.select(ActivityCompetence.competence_id).where(ActivityCompetence.source.in_(sources))))
        .order_by(Competence.framework_id, Competence.position).options(selectinload(Competence.framework))))


def evidence_of(actor_key: str, competence_id: int) -> list[Evidence]:
    """Every piece of the learner's evidence for one competence, counted or not, newest first."""
    return list(db.session.scalars(sa.select(Evidence).where(
        Evidence.actor_key == actor_key, Evidence.competence_id == competence_id, Evidence.withdrawn.is_(False))
        .order_by(Evidence.at.desc())))
