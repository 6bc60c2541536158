"""Which activities evidence which competences: the course files' mappings (replaced
per source on import) and an admin's mappings of external activity ids."""

from __future__ import annotations


import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lms.competence import references
from lms.core.errors import Refused
from lms.extensions import db
from lms.competence.frameworks import competence_for
from lms.competence.models import (
    ActivityCompetence, Competence)
from lms.xapi.models import Statement

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
