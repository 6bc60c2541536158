"""Evidence from statements: a listener on the one door (and on actor links) that turns
passed or completed statements on mapped activities into evidence and raises, or on
voiding recomputes, a learner's level, incrementally."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.competence import kinds
from lms.core.sql import one_of
from lms.core.clock import utcnow
from lms.extensions import db
from lms.competence.models import (
    ActivityCompetence, Competence, Evidence, LearnerCompetence)
from lms.xapi import services as xapi
from lms.xapi.models import Statement

EVIDENCE_VERBS = {"http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/completed"}


# Evidence -----------------------------------------------------------------------------------

def on_statements(rows: list[Statement]) -> None:
    """The one door's listener: derive evidence from a stored batch (one query for the
    mappings of every activity in it), or withdraw the evidence of voided statements.
    The evidence is the actor's, and also the learner's an admin linked the actor to."""
    candidates = []
    for row in rows:
        if row.verb_id == xapi.VOIDED:
            _withdraw(row)
        else:
            candidates.append(row)
    _derive(candidates, linked=True)


def on_link(learner_key: str, rows: list[Statement], linked: bool) -> None:
    """The one door's link listener: an external actor's statements now count as the
    learner's (evidence for the learner from each of them), or no longer do (that
    evidence withdrawn and the learner's levels recomputed)."""
    if linked:
        _derive(rows, owner=learner_key)
        return
    withdrawn = list(db.session.scalars(sa.select(Evidence).where(
        Evidence.actor_key == learner_key, Evidence.statement_seq.in_([row.seq for row in rows]),
        Evidence.withdrawn.is_(False))))
    for evidence in withdrawn:
        evidence.withdrawn = True
    db.session.flush()
    for competence_id in {e.competence_id for e in withdrawn}:
        _recompute(learner_key, competence_id)


def _derive(rows: list[Statement], *, owner: str | None = None, linked: bool = False) -> None:
    """Evidence from passed or completed statements on mapped activities, for ``owner``
    (or each statement's actor, and with ``linked`` the learner it is linked to), each
    saying how it was obtained; only evidence that counts raises a level."""
    candidates = [row for row in rows if row.verb_id in EVIDENCE_VERBS and row.activity_id is not None
                  and row.data.get("result", {}).get("success") is not False]
    if not candidates:
        return
    # Most activities are mapped to nothing: a plain query tells, before the ORM loads
    # the mappings with their competences (on the ingestion path, once per batch).
    mapped = set(db.session.scalars(sa.select(ActivityCompetence.activity_id).where(
        one_of(ActivityCompetence.activity_id, {row.activity_id for row in candidates})).distinct()))
    if not mapped:
        return
    mappings: dict[str, list[ActivityCompetence]] = defaultdict(list)
    for mapping in db.session.scalars(sa.select(ActivityCompetence).where(
            ActivityCompetence.activity_id.in_(mapped)).options(
            selectinload(ActivityCompetence.competence).selectinload(Competence.framework))):
        mappings[mapping.activity_id].append(mapping)
    if not mappings:
        return
    learners = xapi.learners_of(row.actor_key for row in candidates if row.activity_id in mappings) if linked else {}
    for row in candidates:
        if row.activity_id not in mappings:
            continue
        score = row.data.get("result", {}).get("score", {}).get("scaled")
        kind, provider = kinds.kind_of(row.verb_id, row.data)
        keys = [owner] if owner else [row.actor_key, *([learners[row.actor_key]] if row.actor_key in learners else [])]
        for mapping in mappings[row.activity_id]:
            if mapping.min_score is not None and (score is None or score < mapping.min_score):
                continue
            rank = mapping.competence.framework.rank(mapping.level)
            counted = kinds.counts(kind, rank, mapping.participation_counts)
            for key in keys:
                db.session.add(Evidence(actor_key=key, competence_id=mapping.competence_id,
                                        level=mapping.level, rank=rank, statement_seq=row.seq,
                                        activity_id=row.activity_id, score=score, at=row.timestamp,
                                        kind=kind, provider=provider, counted=counted))
                if counted:
                    _raise_level(key, mapping.competence_id, mapping.level, rank)
    db.session.flush()


def _raise_level(actor_key: str, competence_id: int, level: str, rank: int) -> None:
    current = db.session.get(LearnerCompetence, (actor_key, competence_id))
    if current is None:
        db.session.add(LearnerCompetence(actor_key=actor_key, competence_id=competence_id, level=level,
                                         rank=rank, evidence_count=1, updated_at=utcnow()))
        return
    current.evidence_count += 1
    current.updated_at = utcnow()
    if rank > current.rank:
        current.level, current.rank = level, rank


def _withdraw(voiding: Statement) -> None:
    target = voiding.ref_target
    if target is None:
        return
    seq = db.session.scalar(sa.select(Statement.seq).where(Statement.statement_id == target))
    if seq is None:
        return
    withdrawn = list(db.session.scalars(sa.select(Evidence).where(Evidence.statement_seq == seq,
                                                                  Evidence.withdrawn.is_(False))))
    for evidence in withdrawn:
        evidence.withdrawn = True
    db.session.flush()
    for actor_key, competence_id in {(e.actor_key, e.competence_id) for e in withdrawn}:
        _recompute(actor_key, competence_id)


def _recompute(actor_key: str, competence_id: int) -> None:
    """From the counted evidence rows of one learner and competence (never from statements)."""
    rows = list(db.session.scalars(sa.select(Evidence).where(
        Evidence.actor_key == actor_key, Evidence.competence_id == competence_id, Evidence.withdrawn.is_(False),
        Evidence.counted.is_(True))))
    current = db.session.get(LearnerCompetence, (actor_key, competence_id))
    if not rows:
        if current is not None:
            db.session.delete(current)
        return
    best = max(rows, key=lambda e: e.rank)
    current.level, current.rank, current.evidence_count, current.updated_at = best.level, best.rank, len(rows), utcnow()
