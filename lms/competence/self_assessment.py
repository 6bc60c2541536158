"""A teacher's DigCompEdu self-assessment: answers to the questionnaire, the starting
levels they give, and the learning plan that follows."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.core.i18n import localized
from lms.core.clock import utcnow
from lms.extensions import db
from lms.competence.frameworks import questionnaire, self_assessment_framework
from lms.competence.models import (
    ActivityCompetence, Competence, SelfAssessment,
    SelfAssessmentAnswer)

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
