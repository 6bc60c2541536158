"""The competence data files under ``courses/_frameworks``: frameworks (areas, competences,
levels), role profiles and the DigCompEdu self-assessment questionnaire, checked and
imported; and looking competences up by code or reference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import selectinload

from lms.accounts.models import AUDIENCES
from lms.competence import references
from lms.core import yamlsafe
from lms.core.i18n import localized
from lms.extensions import db
from lms.competence.models import (
    Competence, Framework, RoleProfile)

FRAMEWORKS_DIR = references.FRAMEWORKS_DIR
QUESTIONNAIRE_FILE = "digcompedu-self-assessment.yaml"


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
