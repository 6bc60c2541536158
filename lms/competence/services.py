"""Frameworks from data files, activity mappings, evidence from statements, profiles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, selectinload

from lms.accounts.models import AUDIENCES
from lms.competence import kinds, references
from lms.core import yamlsafe
from lms.core.i18n import localized
from lms.core.sql import one_of
from lms.core.clock import utcnow
from lms.core.errors import Refused
from lms.extensions import db
from lms.competence.models import (
    ActivityCompetence, Competence, Evidence, Framework, LearnerCompetence, RoleProfile, SelfAssessment,
    SelfAssessmentAnswer)
from lms.xapi import services as xapi
from lms.xapi.models import Statement

FRAMEWORKS_DIR = references.FRAMEWORKS_DIR
QUESTIONNAIRE_FILE = "digcompedu-self-assessment.yaml"
EVIDENCE_VERBS = {"http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/completed"}


class FrameworkError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# Frameworks ---------------------------------------------------------------------------------

def read_framework(path: Path) -> tuple[dict, list[str]]:
    problems: list[str] = []
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return {}, [f"{path.name}: not valid YAML: {error}"]
    if not isinstance(data, dict):
        return {}, [f"{path.name}: must be a mapping"]
    for key in ("slug", "title", "title_lv", "levels", "areas"):
        if not data.get(key):
            problems.append(f"{path.name}: {key}: is required")
    # Pages show every name in the learner's language: each entry has its Latvian title.
    for index, level in enumerate(data.get("levels") or []):
        if not isinstance(level, dict) or not level.get("title") or not level.get("title_lv"):
            problems.append(f"{path.name}: levels[{index}]: title and title_lv are required")
    codes = set()
    for a_index, area in enumerate(data.get("areas") or []):
        if not area.get("title") or not area.get("title_lv"):
            problems.append(f"{path.name}: areas[{a_index}]: title and title_lv are required")
        for c_index, competence in enumerate(area.get("competences") or []):
            code = str(competence.get("code", ""))
            where = f"{path.name}: areas[{a_index}].competences[{c_index}]"
            if not code or not competence.get("title") or not competence.get("title_lv"):
                problems.append(f"{where}: code, title and title_lv are required")
            if code in codes:
                problems.append(f"{where}.code: {code!r} is used twice")
            codes.add(code)
    return data, problems


def import_frameworks(folder: Path = FRAMEWORKS_DIR) -> list[str]:
    """Load every framework file (and roles.yaml) under ``folder``; idempotent: codes are
    identities. Raises ``FrameworkError`` with every problem and changes nothing."""
    files = sorted(p for p in folder.glob("*.yaml") if p.name not in ("roles.yaml", QUESTIONNAIRE_FILE))
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
    questionnaire = folder / QUESTIONNAIRE_FILE
    if questionnaire.exists():
        read_questionnaire(questionnaire)  # refused with every problem named, before anything is committed
    return slugs


def has_frameworks() -> bool:
    """Whether any competence framework has been imported."""
    return db.session.scalar(sa.select(Framework.id).limit(1)) is not None


def competence_choices() -> list[tuple[str, str]]:
    """Every competence at every level of its framework, as (``framework:code@level``,
    a name people read in the page's language: framework, competence and level), for
    pickers that never ask for a code."""
    choices = []
    frameworks = db.session.scalars(sa.select(Framework).order_by(Framework.slug)
                                    .options(selectinload(Framework.competences)))
    for framework in frameworks:
        for item in framework.competences:
            for level in framework.levels:
                choices.append((f"{framework.slug}:{item.code}@{level['code']}",
                                f"{localized(framework)}: {localized(item)} — {localized(level) or level['code']}"))
    return choices


def _import_roles(path: Path) -> None:
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise FrameworkError([f"{path.name}: not valid YAML: {error}"]) from None
    problems, roles = [], data.get("roles") or []
    for index, role in enumerate(roles):
        if not role.get("slug") or not role.get("title") or not role.get("title_lv"):
            problems.append(f"{path.name}: roles[{index}]: slug, title and title_lv are required")
        audiences = role.get("audiences")
        if audiences is not None and (not isinstance(audiences, list) or not set(audiences) <= set(AUDIENCES)):
            problems.append(f"{path.name}: roles[{index}].audiences: a list with one or more of "
                            f"{', '.join(AUDIENCES)}")
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
        row.audiences = role.get("audiences") or None
    db.session.flush()


def competence_for(framework_slug: str, code: str) -> Competence | None:
    return db.session.scalar(sa.select(Competence).join(Framework).where(
        Framework.slug == framework_slug, Competence.code == code))


def named_references(refs: list[str]) -> list[tuple[Competence, str]]:
    """``framework:code@level`` references as (competence, level code) for pages that name
    them, in one query; references no framework knows are left out."""
    parsed = []
    for reference in refs:
        try:
            parsed.append(references.parse(reference))
        except ValueError:
            continue
    if not parsed:
        return []
    found = {(c.framework.slug, c.code): c for c in db.session.scalars(
        sa.select(Competence).join(Framework).where(Competence.code.in_({ref.code for ref in parsed}))
        .options(selectinload(Competence.framework)))}
    return [(found[(ref.framework, ref.code)], ref.level) for ref in parsed if (ref.framework, ref.code) in found]


# Mappings -----------------------------------------------------------------------------------

def map_activities(source: str, mappings: list[tuple[str, str]],
                   participation_counts: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Replace the mappings that ``source`` owns with ``(activity id, framework:code@level)``
    pairs; taking part in the activities of ``participation_counts`` counts at their
    levels (a course file's word). Returns references no framework knows (left out)."""
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
                                          level=ref.level, source=source,
                                          participation_counts=activity_id in participation_counts))
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


# Administration -----------------------------------------------------------------------------

def admin_mappings() -> list[ActivityCompetence]:
    return list(db.session.scalars(sa.select(ActivityCompetence).where(ActivityCompetence.source == "admin")
                                   .order_by(ActivityCompetence.activity_id).options(
        selectinload(ActivityCompetence.competence).selectinload(Competence.framework))))


class MappingError(Refused):
    """A mapping an admin cannot make: ``message`` for people, ``field`` the form field to blame."""


def add_mapping(activity_id: str, reference: str, min_score: float | None = None) -> ActivityCompetence:
    """Map an external activity; ``MappingError`` names what is wrong, in the page's language."""
    from lms.xapi.validation import IRI

    activity_id = (activity_id or "").strip()
    if not IRI.match(activity_id):
        raise MappingError(_l("The activity id must be an absolute IRI, such as "
                              "https://vr-lab.example/activities/1."), "activity_id")
    reference = (reference or "").strip()
    parts = references.REFERENCE.match(reference)
    if parts is None:
        raise MappingError(_l("Write the competence and level as framework:code@level, for example "
                              "digcomp:1.1@3."), "competence")
    competence = competence_for(parts["framework"], parts["code"])
    if competence is None:
        raise MappingError(_l("No framework has the competence %(competence)s.",
                              competence=f"{parts['framework']}:{parts['code']}"), "competence")
    if not competence.framework.rank(parts["level"]):
        raise MappingError(_l("%(framework)s has the levels %(levels)s.", framework=competence.framework.slug,
                              levels=", ".join(level["code"] for level in competence.framework.levels)),
                           "competence")
    if min_score is not None and not 0 <= min_score <= 1:
        raise MappingError(_l("Enter the minimum score as a number from 0 to 1."), "min_score")
    mapping = db.session.scalar(sa.select(ActivityCompetence).where(
        ActivityCompetence.activity_id == activity_id, ActivityCompetence.competence_id == competence.id))
    if mapping is None:
        mapping = ActivityCompetence(activity_id=activity_id, competence_id=competence.id, source="admin")
        db.session.add(mapping)
    mapping.level, mapping.min_score, mapping.source = parts["level"], min_score, "admin"
    db.session.flush()
    return mapping


def admin_mapping(mapping_id: int) -> ActivityCompetence | None:
    """A mapping an admin made (course files own the others), or None."""
    mapping = db.session.get(ActivityCompetence, mapping_id)
    return mapping if mapping is not None and mapping.source == "admin" else None


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

    @property
    def required_level(self) -> dict | None:
        return self.competence.framework.level(self.required)

    @property
    def current_level(self) -> dict | None:
        return self.competence.framework.level(self.current)


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


# Self-assessment ----------------------------------------------------------------------------

SELF_ASSESSMENT_FRAMEWORK = "digcompedu"


@dataclass(frozen=True)
class PracticeStatement:
    code: str
    text: str
    text_lv: str


@dataclass(frozen=True)
class Questionnaire:
    """Statements about a teacher's practice, 2-3 per competence, each answered on one
    scale; the mean of a competence's answers maps to a starting level."""

    scale: tuple[dict, ...]                                 # {value, title, title_lv}, lowest first
    levels: tuple[tuple[float, str], ...]                   # (mean from, level), lowest first
    competences: dict[str, tuple[PracticeStatement, ...]]   # competence code -> statements

    @property
    def values(self) -> set[int]:
        return {entry["value"] for entry in self.scale}

    def level_for(self, answers: list[int]) -> str:
        mean = sum(answers) / len(answers)
        return [level for start, level in self.levels if mean >= start - 1e-9][-1]


def read_questionnaire(path: Path | None = None) -> Questionnaire:
    """The self-assessment questionnaire, checked against the imported DigCompEdu
    framework; ``FrameworkError`` names every problem (file and path)."""
    path = path or FRAMEWORKS_DIR / QUESTIONNAIRE_FILE
    name = path.name
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise FrameworkError([f"{name}: cannot be read: {error}"]) from None
    if not isinstance(data, dict):
        raise FrameworkError([f"{name}: must be a mapping with framework, scale, levels and competences"])
    problems = []
    framework = db.session.scalar(sa.select(Framework).where(Framework.slug == SELF_ASSESSMENT_FRAMEWORK).options(
        selectinload(Framework.competences)))
    if data.get("framework") != SELF_ASSESSMENT_FRAMEWORK:
        problems.append(f"{name}: framework: must be {SELF_ASSESSMENT_FRAMEWORK}")
    if framework is None:
        raise FrameworkError(problems + [f"{name}: the {SELF_ASSESSMENT_FRAMEWORK} framework is not imported"])
    scale = data.get("scale")
    if not isinstance(scale, list) or len(scale) < 2:
        problems.append(f"{name}: scale: needs at least two answers")
        scale = []
    values = []
    for index, entry in enumerate(scale):
        where = f"{name}: scale[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), int) or isinstance(entry.get("value"), bool):
            problems.append(f"{where}.value: must be a whole number")
            continue
        if not entry.get("title") or not entry.get("title_lv"):
            problems.append(f"{where}: title and title_lv are required")
        if values and entry["value"] <= values[-1]:
            problems.append(f"{where}.value: must be greater than the one before")
        values.append(entry["value"])
    levels = data.get("levels")
    if not isinstance(levels, list) or not levels:
        problems.append(f"{name}: levels: give the mean answer from which each level starts")
        levels = []
    parsed_levels = []
    for index, entry in enumerate(levels):
        where = f"{name}: levels[{index}]"
        if not isinstance(entry, dict) or not framework.rank(str(entry.get("level"))):
            problems.append(f"{where}.level: must be a level of {SELF_ASSESSMENT_FRAMEWORK} "
                            f"({', '.join(level['code'] for level in framework.levels)})")
            continue
        start = entry.get("from")
        if not isinstance(start, (int, float)) or isinstance(start, bool):
            problems.append(f"{where}.from: must be a number")
            continue
        if parsed_levels and start <= parsed_levels[-1][0]:
            problems.append(f"{where}.from: must be greater than the one before")
        parsed_levels.append((float(start), str(entry["level"])))
    if parsed_levels and values and parsed_levels[0][0] > values[0]:
        problems.append(f"{name}: levels[0].from: must be at most the lowest answer ({values[0]}), "
                        "so every answer gives a level")
    competences = data.get("competences")
    if not isinstance(competences, dict):
        problems.append(f"{name}: competences: must map each competence code to its statements")
        competences = {}
    known = {c.code for c in framework.competences}
    parsed: dict[str, tuple[PracticeStatement, ...]] = {}
    seen_codes = set()
    for code, statements in competences.items():
        code = str(code)
        where = f"{name}: competences.{code}"
        if code not in known:
            problems.append(f"{where}: unknown competence {SELF_ASSESSMENT_FRAMEWORK}:{code}")
            continue
        if not isinstance(statements, list) or not 2 <= len(statements) <= 3:
            problems.append(f"{where}: needs 2 or 3 statements")
            continue
        items = []
        for index, statement in enumerate(statements):
            if not isinstance(statement, dict) or not all(statement.get(k) for k in ("code", "text", "text_lv")):
                problems.append(f"{where}[{index}]: code, text and text_lv are required")
                continue
            if str(statement["code"]) in seen_codes:
                problems.append(f"{where}[{index}].code: {statement['code']!r} is used twice")
            seen_codes.add(str(statement["code"]))
            items.append(PracticeStatement(str(statement["code"]), statement["text"], statement["text_lv"]))
        parsed[code] = tuple(items)
    for code in sorted(known - set(map(str, competences))):
        problems.append(f"{name}: competences: {SELF_ASSESSMENT_FRAMEWORK}:{code} has no statements")
    if problems:
        raise FrameworkError(problems)
    return Questionnaire(tuple(scale), tuple(parsed_levels), parsed)


_questionnaire_cache: dict[tuple, Questionnaire] = {}


def questionnaire() -> Questionnaire:
    """The shipped questionnaire, read once per file version and framework import."""
    path = FRAMEWORKS_DIR / QUESTIONNAIRE_FILE
    framework = self_assessment_framework()
    key = (path.stat().st_mtime_ns, framework.id if framework else None,
           tuple(c.code for c in framework.competences) if framework else ())
    if key not in _questionnaire_cache:
        _questionnaire_cache.clear()
        _questionnaire_cache[key] = read_questionnaire(path)
    return _questionnaire_cache[key]


def self_assessment_framework() -> Framework | None:
    return db.session.scalar(sa.select(Framework).where(Framework.slug == SELF_ASSESSMENT_FRAMEWORK).options(
        selectinload(Framework.competences)))


def self_assessed(actor_key: str) -> dict[int, SelfAssessment]:
    """The starting level per competence (from the questionnaire, or chosen directly on
    the earlier one-question form)."""
    return {row.competence_id: row for row in db.session.scalars(
        sa.select(SelfAssessment).where(SelfAssessment.actor_key == actor_key))}


def self_assessment_answers(actor_key: str) -> dict[str, int]:
    return {row.statement_code: row.value for row in db.session.scalars(
        sa.select(SelfAssessmentAnswer).where(SelfAssessmentAnswer.actor_key == actor_key))}


def save_self_assessment(actor_key: str, answers: dict[str, str]) -> int:
    """Store the answers (statement code -> a value of the scale, empty for no answer) and
    set each competence's starting level from them: a competence whose statements are all
    answered gets the level their mean maps to; one answered in part has none until it is
    complete. A level chosen on the earlier one-question form stays while none of its
    competence's statements is answered. ``ValueError`` names a statement or value that
    is not in the questionnaire, and nothing is stored. Returns how many competences
    have a level from the answers."""
    framework = self_assessment_framework()
    if framework is None:
        raise ValueError("the DigCompEdu framework is not imported")
    form = questionnaire()
    by_code = {c.code: c for c in framework.competences}
    statement_competence = {s.code: code for code, items in form.competences.items() for s in items}
    statements = {s.code: s for items in form.competences.values() for s in items}
    given: dict[str, int | None] = {}
    for code, raw in answers.items():
        if code not in statement_competence:
            raise ValueError(str(_l("The form has an answer to a statement the questionnaire does not have; "
                                    "open the page again and answer there.")))
        raw = (raw or "").strip()
        if not raw:
            given[code] = None
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value not in form.values:
            # Named by the statement the person read, in their language, not by its code.
            raise ValueError(str(_l("The answer to “%(statement)s” is not one of the scale's answers; choose one of them.",
                                    statement=localized(statements[code], "text"))))
        given[code] = value
    stored = {row.statement_code: row for row in db.session.scalars(
        sa.select(SelfAssessmentAnswer).where(SelfAssessmentAnswer.actor_key == actor_key))}
    had_answers = {statement_competence[code] for code in stored if code in statement_competence}
    now = utcnow()
    for code, value in given.items():
        row = stored.get(code)
        if value is None:
            if row is not None:
                db.session.delete(row)
                del stored[code]
            continue
        if row is None:
            row = stored[code] = SelfAssessmentAnswer(actor_key=actor_key, statement_code=code,
                                                      competence_id=by_code[statement_competence[code]].id)
            db.session.add(row)
        row.value, row.answered_at = value, now
    levels = self_assessed(actor_key)
    with_level = 0
    for code, items in form.competences.items():
        competence = by_code[code]
        values = [stored[s.code].value for s in items if s.code in stored]
        current = levels.get(competence.id)
        if len(values) == len(items):
            level = form.level_for(values)
            row = current or SelfAssessment(actor_key=actor_key, competence_id=competence.id)
            row.level, row.rank, row.assessed_at = level, framework.rank(level), now
            db.session.add(row)
            with_level += 1
        elif current is not None and (values or code in had_answers):
            db.session.delete(current)  # answered in part: no level until it is complete
    db.session.flush()
    return with_level


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
