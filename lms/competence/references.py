"""``framework:code@level`` references, checked against the frameworks' codes and scales."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lms.core.messages import N_
from lms.config import COURSES_DIR
from lms.core import yamlsafe

REFERENCE = re.compile(r"^(?P<framework>[a-z][a-z0-9]*):(?P<code>[a-z0-9][a-z0-9._-]*)@(?P<level>[A-Za-z0-9]+)$")

FRAMEWORKS_DIR = COURSES_DIR / "_frameworks"
_NOT_FRAMEWORKS = ("roles.yaml", "digcompedu-self-assessment.yaml")


def frameworks(folder: Path | None = None) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """{framework slug: (its competence codes, its ordered level codes)}, read from the
    framework files (default: the shipped ``courses/_frameworks``), so a framework or competence added to a file is known at once.
    A file that cannot be read is left out here; importing the frameworks names its problems."""
    folder = folder or FRAMEWORKS_DIR
    files = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yaml")
                         if p.name not in _NOT_FRAMEWORKS))
    return _read_frameworks(folder, files)


@functools.lru_cache(maxsize=8)
def _read_frameworks(folder: Path, files: tuple) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    known = {}
    for name, _mtime in files:
        try:
            data = yamlsafe.load((folder / name).read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            continue
        if not isinstance(data, dict) or not data.get("slug"):
            continue
        codes = frozenset(str(competence["code"]) for area in data.get("areas") or [] if isinstance(area, dict)
                          for competence in area.get("competences") or []
                          if isinstance(competence, dict) and "code" in competence)
        levels = tuple(str(level["code"]) for level in data.get("levels") or []
                       if isinstance(level, dict) and "code" in level)
        known[str(data["slug"])] = (codes, levels)
    return known


@dataclass(frozen=True)
class CompetenceRef:
    framework: str
    code: str
    level: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.code}@{self.level}"


def parse(reference: object) -> CompetenceRef:
    """A checked reference; ``ValueError`` says what is wrong with it."""
    if not isinstance(reference, str):
        raise ValueError(N_("must be text like digcomp:1.1@2"))
    match = REFERENCE.match(reference.strip())
    if not match:
        raise ValueError(N_("%(reference)s is not framework:code@level (for example digcomp:1.1@2)",
                            reference=repr(reference)))
    framework, code, level = match["framework"], match["code"], match["level"]
    known = frameworks()
    if framework not in known:
        raise ValueError(N_("unknown framework %(framework)s (known: %(known)s)", framework=repr(framework),
                            known=", ".join(sorted(known))))
    codes, levels = known[framework]
    if code not in codes:
        raise ValueError(N_("%(framework)s has no competence %(code)s", framework=framework, code=repr(code)))
    if level not in levels:
        raise ValueError(N_("%(framework)s levels are %(levels)s, not %(level)s", framework=framework,
                            levels=", ".join(levels), level=repr(level)))
    return CompetenceRef(framework, code, level)
