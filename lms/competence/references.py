"""``framework:code@level`` references, checked against the frameworks' codes and scales."""

from __future__ import annotations

import re
from dataclasses import dataclass

REFERENCE = re.compile(r"^(?P<framework>[a-z][a-z0-9]*):(?P<code>[a-z0-9][a-z0-9._-]*)@(?P<level>[A-Za-z0-9]+)$")

DIGCOMP_CODES = {f"{area}.{n}" for area, count in ((1, 3), (2, 6), (3, 4), (4, 4), (5, 4)) for n in range(1, count + 1)}
DIGCOMPEDU_CODES = {f"{area}.{n}" for area, count in ((1, 4), (2, 3), (3, 4), (4, 3), (5, 3), (6, 5))
                    for n in range(1, count + 1)}
FRAMEWORKS = {
    # framework: (valid codes or None for any dotted code, ordered levels)
    "digcomp": (DIGCOMP_CODES, ("1", "2", "3", "4", "5", "6", "7", "8")),
    "digcompedu": (DIGCOMPEDU_CODES, ("A1", "A2", "B1", "B2", "C1", "C2")),
    "jsreact": (None, ("1", "2", "3", "4")),
}


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
        raise ValueError("must be text like digcomp:1.1@2")
    match = REFERENCE.match(reference.strip())
    if not match:
        raise ValueError(f"{reference!r} is not framework:code@level (for example digcomp:1.1@2)")
    framework, code, level = match["framework"], match["code"], match["level"]
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r} (known: {', '.join(sorted(FRAMEWORKS))})")
    codes, levels = FRAMEWORKS[framework]
    if codes is not None and code not in codes:
        raise ValueError(f"{framework} has no competence {code!r}")
    if level not in levels:
        raise ValueError(f"{framework} levels are {', '.join(levels)}, not {level!r}")
    return CompetenceRef(framework, code, level)
