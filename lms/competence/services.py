"""Frameworks from data files, activity mappings, evidence from statements, profiles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import selectinload

from lms.config import REPO_ROOT
from lms.content import competences as references
from lms.extensions import db
from lms.competence.models import (
    ActivityCompetence, Competence, Evidence, Framework, LearnerCompetence, RoleProfile, SelfAssessment)
from lms.xapi import services as xapi
from lms.xapi.models import Statement

FRAMEWORKS_DIR = REPO_ROOT / "courses" / "_frameworks"
EVIDENCE_VERBS = {"http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/completed"}


class FrameworkError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# Frameworks ---------------------------------------------------------------------------------

def read_framework(path: Path) -> tuple[dict, list[str]]:
    problems: list[str] = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return {}, [f"{path.name}: not valid YAML: {error}"]
    if not isinstance(data, dict):
        return {}, [f"{path.name}: must be a mapping"]
    for key in ("slug", "title", "levels", "areas"):
        if not data.get(key):
            problems.append(f"{path.name}: {key}: is required")
    codes = set()
    for a_index, area in enumerate(data.get("areas") or []):
        for c_index, competence in enumerate(area.get("competences") or []):
            code = str(competence.get("code", ""))
            where = f"{path.name}: areas[{a_index}].competences[{c_index}]"
            if not code or not competence.get("title"):
                problems.append(f"{where}: code and title are required")
            if code in codes:
                problems.append(f"{where}.code: {code!r} is used twice")
            codes.add(code)
    return data, problems


def import_frameworks(folder: Path = FRAMEWORKS_DIR) -> list[str]:
    """Load every framework file (and roles.yaml) under ``folder``; idempotent: codes are
    identities. Raises ``FrameworkError`` with every problem and changes nothing."""
    files = sorted(p for p in folder.glob("*.yaml") if p.name != "roles.yaml")
    parsed, problems = [], []
    for path in files:
        data, found = read_framework(path)
        parsed.append(data)
        problems += found
    if problems:
        raise FrameworkError(problems)
    slugs = []
    for data in parsed:
        framework = db.session.scalar(sa.select(Framework).where(Framework.slug == data["slug"]))
        if framework is None:
            framework = Framework(slug=data["slug"])
            db.session.add(framework)
        framework.title, framework.title_lv = data["title"], data.get("title_lv")
        framework.source = data.get("source")
        framework.levels = [{"code": str(level["code"]), "title": level.get("title", str(level["code"])),
                             "title_lv": level.get("title_lv")} for level in data["levels"]]
        db.session.flush()
        existing = {c.code: c for c in db.session.scalars(sa.select(Competence).where(Competence.framework_id == framework.id))}
        position = 0
        for area in data["areas"]:
            for item in area["competences"]:
                code = str(item["code"])
                competence = existing.get(code) or Competence(framework_id=framework.id, code=code)
                competence.area_code, competence.area_title = str(area["code"]), area["title"]
                competence.area_title_lv = area.get("title_lv")
                competence.title, competence.title_lv = item["title"], item.get("title_lv")
                competence.description, competence.position = item.get("description"), position
                db.session.add(competence)
                position += 1
        slugs.append(framework.slug)
    db.session.flush()
    roles_file = folder / "roles.yaml"
    if roles_file.exists():
        _import_roles(roles_file)
    return slugs


def _import_roles(path: Path) -> None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise FrameworkError([f"{path.name}: not valid YAML: {error}"]) from None
    problems, roles = [], data.get("roles") or []
    for index, role in enumerate(roles):
        if not role.get("slug") or not role.get("title"):
            problems.append(f"{path.name}: roles[{index}]: slug and title are required")
        for r_index, reference in enumerate(role.get("requires") or []):
            where = f"{path.name}: roles[{index}].requires[{r_index}]"
            try:
                ref = references.parse(reference)
            except ValueError as error:
                problems.append(f"{where}: {error}")
                continue
            if competence_for(ref.framework, ref.code) is None:
                problems.append(f"{where}: unknown competence {ref.framework}:{ref.code}")
    if problems:
        raise FrameworkError(problems)
    for role in roles:
        row = db.session.scalar(sa.select(RoleProfile).where(RoleProfile.slug == role["slug"]))
        if row is None:
            row = RoleProfile(slug=role["slug"])
            db.session.add(row)
        row.title, row.title_lv, row.description = role["title"], role.get("title_lv"), role.get("description")
        row.requires = [str(references.parse(r)) for r in role.get("requires") or []]
    db.session.flush()


def competence_for(framework_slug: str, code: str) -> Competence | None:
    return db.session.scalar(sa.select(Competence).join(Framework).where(
        Framework.slug == framework_slug, Competence.code == code))


# Mappings -----------------------------------------------------------------------------------

def map_activities(source: str, mappings: list[tuple[str, str]]) -> list[str]:
    """Replace the mappings that ``source`` owns with ``(activity id, framework:code@level)``
    pairs; returns references no framework knows (left out)."""
    db.session.execute(sa.delete(ActivityCompetence).where(ActivityCompetence.source == source))
    unknown = []
    seen = set()
    for activity_id, reference in mappings:
        ref = references.parse(reference)
        competence = competence_for(ref.framework, ref.code)
        if competence is None:
            unknown.append(reference)
            continue
        if (activity_id, competence.id) in seen:
            continue
        seen.add((activity_id, competence.id))
        db.session.add(ActivityCompetence(activity_id=activity_id, competence_id=competence.id,
                                          level=ref.level, source=source))
    db.session.flush()
    return unknown


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
    (or each statement's actor, and with ``linked`` the learner it is linked to)."""
    candidates = [row for row in rows if row.verb_id in EVIDENCE_VERBS and row.activity_id is not None
                  and row.data.get("result", {}).get("success") is not False]
    if not candidates:
        return
    mappings: dict[str, list[ActivityCompetence]] = defaultdict(list)
    for mapping in db.session.scalars(sa.select(ActivityCompetence).where(
            ActivityCompetence.activity_id.in_({row.activity_id for row in candidates})).options(
            selectinload(ActivityCompetence.competence).selectinload(Competence.framework))):
        mappings[mapping.activity_id].append(mapping)
    if not mappings:
        return
    learners = xapi.learners_of(row.actor_key for row in candidates if row.activity_id in mappings) if linked else {}
    for row in candidates:
        score = row.data.get("result", {}).get("score", {}).get("scaled")
        keys = [owner] if owner else [row.actor_key, *([learners[row.actor_key]] if row.actor_key in learners else [])]
        for mapping in mappings.get(row.activity_id, []):
            if mapping.min_score is not None and (score is None or score < mapping.min_score):
                continue
            rank = mapping.competence.framework.rank(mapping.level)
            for key in keys:
                db.session.add(Evidence(actor_key=key, competence_id=mapping.competence_id,
                                        level=mapping.level, rank=rank, statement_seq=row.seq,
                                        activity_id=row.activity_id, score=score, at=row.timestamp))
                _raise_level(key, mapping.competence_id, mapping.level, rank)
    db.session.flush()


def _raise_level(actor_key: str, competence_id: int, level: str, rank: int) -> None:
    current = db.session.get(LearnerCompetence, (actor_key, competence_id))
    if current is None:
        db.session.add(LearnerCompetence(actor_key=actor_key, competence_id=competence_id, level=level,
                                         rank=rank, evidence_count=1, updated_at=_now()))
        return
    current.evidence_count += 1
    current.updated_at = _now()
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
    """From the evidence rows of one learner and competence (never from statements)."""
    rows = list(db.session.scalars(sa.select(Evidence).where(
        Evidence.actor_key == actor_key, Evidence.competence_id == competence_id, Evidence.withdrawn.is_(False))))
    current = db.session.get(LearnerCompetence, (actor_key, competence_id))
    if not rows:
        if current is not None:
            db.session.delete(current)
        return
    best = max(rows, key=lambda e: e.rank)
    current.level, current.rank, current.evidence_count, current.updated_at = best.level, best.rank, len(rows), _now()


# Profiles -----------------------------------------------------------------------------------

@dataclass
class CompetenceLevel:
    competence: Competence
    level: str | None
    rank: int
    evidence: list[Evidence]


@dataclass
class FrameworkProfile:
    framework: Framework
    entries: list[CompetenceLevel]

    @property
    def evidenced(self) -> int:
        return sum(1 for entry in self.entries if entry.rank)


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


def statement_for(actor_key: str, seq: int) -> Statement | None:
    """One of the learner's statements, or of an external actor linked to them."""
    keys = [actor_key, *xapi.linked_actor_keys(actor_key)]
    return db.session.scalar(sa.select(Statement).where(Statement.seq == seq, Statement.actor_key.in_(keys)))


# Administration -----------------------------------------------------------------------------

def admin_mappings() -> list[ActivityCompetence]:
    return list(db.session.scalars(sa.select(ActivityCompetence).where(ActivityCompetence.source == "admin")
                                   .order_by(ActivityCompetence.activity_id).options(
        selectinload(ActivityCompetence.competence).selectinload(Competence.framework))))


def add_mapping(activity_id: str, reference: str, min_score: float | None = None) -> ActivityCompetence:
    """Map an external activity; ``ValueError`` names what is wrong."""
    from lms.xapi.validation import IRI

    activity_id = (activity_id or "").strip()
    if not IRI.match(activity_id):
        raise ValueError("activity_id: must be an absolute IRI, such as https://vr-lab.example/activities/1")
    ref = references.parse((reference or "").strip())
    competence = competence_for(ref.framework, ref.code)
    if competence is None:
        raise ValueError(f"competence: no framework has {ref.framework}:{ref.code}")
    if min_score is not None and not 0 <= min_score <= 1:
        raise ValueError("min_score: must be between 0 and 1")
    mapping = db.session.scalar(sa.select(ActivityCompetence).where(
        ActivityCompetence.activity_id == activity_id, ActivityCompetence.competence_id == competence.id))
    if mapping is None:
        mapping = ActivityCompetence(activity_id=activity_id, competence_id=competence.id, source="admin")
        db.session.add(mapping)
    mapping.level, mapping.min_score, mapping.source = ref.level, min_score, "admin"
    db.session.flush()
    return mapping


def remove_mapping(mapping_id: int) -> bool:
    mapping = db.session.get(ActivityCompetence, mapping_id)
    if mapping is None or mapping.source != "admin":
        return False
    db.session.delete(mapping)
    db.session.flush()
    return True


def unmapped_activities(platform_prefix: str, limit: int = 100) -> list[tuple[str, int]]:
    """External activities seen in statements that no mapping covers, most seen first."""
    mapped = sa.select(ActivityCompetence.activity_id)
    rows = db.session.execute(
        sa.select(Statement.activity_id, sa.func.count()).where(
            Statement.activity_id.is_not(None), ~Statement.activity_id.startswith(platform_prefix),
            Statement.activity_id.not_in(mapped), Statement.voided.is_(False))
        .group_by(Statement.activity_id).order_by(sa.func.count().desc(), Statement.activity_id).limit(limit))
    return [(activity, count) for activity, count in rows]


# Role readiness -----------------------------------------------------------------------------

@dataclass
class Gap:
    competence: Competence
    required: str
    current: str | None
    next_activities: list[str]


@dataclass
class Readiness:
    role: RoleProfile
    met: int
    total: int
    gaps: list[Gap]

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 100


def readiness(actor_key: str) -> list[Readiness]:
    """For every role profile: how many required competences the learner has at the
    level needed, and for each gap the activities that would evidence it."""
    roles = list(db.session.scalars(sa.select(RoleProfile).order_by(RoleProfile.title)))
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
        met, gaps = 0, []
        for reference in role.requires:
            ref = references.parse(reference)
            competence = competences.get((ref.framework, ref.code))
            if competence is None:
                continue
            needed = competence.framework.rank(ref.level)
            have = levels.get(competence.id)
            if have is not None and have.rank >= needed:
                met += 1
                continue
            closing = sorted({m.activity_id for m in mappings[competence.id]
                              if competence.framework.rank(m.level) >= needed})
            gaps.append(Gap(competence, ref.level, have.level if have else None, closing[:5]))
        result.append(Readiness(role, met, len(role.requires), gaps))
    return result


# Classes ------------------------------------------------------------------------------------

def levels_for(actor_keys: list[str]) -> dict[str, dict[int, LearnerCompetence]]:
    """Several learners' levels in one query (a class heat map)."""
    result: dict[str, dict[int, LearnerCompetence]] = {key: {} for key in actor_keys}
    if actor_keys:
        for row in db.session.scalars(sa.select(LearnerCompetence).where(LearnerCompetence.actor_key.in_(actor_keys))):
            result[row.actor_key][row.competence_id] = row
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
    return list(db.session.scalars(sa.select(Evidence).where(
        Evidence.actor_key == actor_key, Evidence.competence_id == competence_id, Evidence.withdrawn.is_(False))
        .order_by(Evidence.at.desc())))


# Self-assessment ----------------------------------------------------------------------------

SELF_ASSESSMENT_FRAMEWORK = "digcompedu"


def self_assessment_framework() -> Framework | None:
    return db.session.scalar(sa.select(Framework).where(Framework.slug == SELF_ASSESSMENT_FRAMEWORK).options(
        selectinload(Framework.competences)))


def self_assessed(actor_key: str) -> dict[int, SelfAssessment]:
    return {row.competence_id: row for row in db.session.scalars(
        sa.select(SelfAssessment).where(SelfAssessment.actor_key == actor_key))}


def save_self_assessment(actor_key: str, answers: dict[int, str]) -> int:
    """Store the chosen level per competence (an empty answer clears it); ``ValueError``
    names a level the framework does not have. Returns how many are set."""
    framework = self_assessment_framework()
    if framework is None:
        raise ValueError("the DigCompEdu framework is not imported")
    known = {c.id: c for c in framework.competences}
    current = self_assessed(actor_key)
    for competence_id, level in answers.items():
        if competence_id not in known:
            raise ValueError(f"competence {competence_id} is not part of {framework.slug}")
        if not level:
            if competence_id in current:
                db.session.delete(current[competence_id])
            continue
        rank = framework.rank(level)
        if not rank:
            raise ValueError(f"{level!r} is not a level of {framework.slug}")
        row = current.get(competence_id) or SelfAssessment(actor_key=actor_key, competence_id=competence_id)
        row.level, row.rank, row.assessed_at = level, rank, _now()
        db.session.add(row)
    db.session.flush()
    return sum(1 for level in answers.values() if level)


def learning_plan(actor_key: str, target: str = "B1") -> list[tuple[Competence, str, list[str]]]:
    """For each self-assessed DigCompEdu competence below ``target``: the competence, the
    level given, and the activities (course items) that develop it."""
    framework = self_assessment_framework()
    if framework is None:
        return []
    needed = framework.rank(target)
    mappings: dict[int, list[str]] = defaultdict(list)
    for mapping in db.session.scalars(sa.select(ActivityCompetence).where(
            ActivityCompetence.source.startswith("course:"))):
        mappings[mapping.competence_id].append(mapping.activity_id)
    plan = []
    for row in sorted(self_assessed(actor_key).values(), key=lambda r: r.competence.position):
        if row.rank < needed:
            plan.append((row.competence, row.level, sorted(mappings.get(row.competence_id, []))[:4]))
    return plan
