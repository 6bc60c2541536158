"""How a piece of evidence was obtained, and which evidence counts towards a level.

DESIGN.md: evidence is assessed (a passed quiz or exercise, or a task its reviewer
accepted: ``passed`` on an assessment activity, with the reviewer in the statement),
participated (a lesson opened or marked done), external (an external provider's
statement, with the provider named) or self-assessed (the questionnaire, which is shown
apart and is not evidence). An H5P activity's evidence is browser-scored: its score is
computed in the learner's browser and can be forged, so it counts like participation, and
as assessed only where the course says ``assessed: true`` for the item (the platform then
gives the statement's object the assessment type; a learner cannot, as the server sets the
object). Levels above the lowest of a framework's scale rest on
assessed or external evidence; a course file may let participation in one of its items
count at the item's stated level.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.xapi import services as xapi
from lms.xapi import vocabulary

ASSESSED = "assessed"
PARTICIPATED = "participated"
EXTERNAL = "external"
SELF_ASSESSED = "self-assessed"
BROWSER_SCORED = "browser-scored"
KINDS = (ASSESSED, PARTICIPATED, EXTERNAL, SELF_ASSESSED, BROWSER_SCORED)

# What people see: names, never the codes above.
NAMES = {
    ASSESSED: _l("Assessed"),
    PARTICIPATED: _l("Participated"),
    EXTERNAL: _l("External"),
    SELF_ASSESSED: _l("Self-assessed"),
    BROWSER_SCORED: _l("Interactive, scored in the browser"),
}

PASSED = vocabulary.VERB_BASE + "passed"
ASSESSMENT_TYPE = vocabulary.ACTIVITY_TYPES["quiz"]
# Platform activities whose evidence comes from taking part (completion), not from a judgement.
PARTICIPATION_ACTIVITIES = ("lesson", "module", "course", "track")


def kind_of(verb_id: str, data: dict) -> tuple[str, str | None]:
    """(kind, provider) of the evidence a stored passed/completed statement gives: an
    external provider's statement is external, whatever it says; of the platform's own, a
    pass (or a successful completion of an assessment) is assessed, any other completion
    is participation."""
    provider = xapi.provider_of(data.get("authority"))
    if provider is not None:
        return EXTERNAL, provider[:120]
    target = data.get("object") or {}
    parsed = vocabulary.parse_activity_id(target.get("id") or "")
    if parsed is not None and parsed[0] == "h5p":
        assessed = (target.get("definition") or {}).get("type") == ASSESSMENT_TYPE
        return (ASSESSED if assessed else BROWSER_SCORED), None
    if verb_id == PASSED:
        return ASSESSED, None
    activity_type = (target.get("definition") or {}).get("type")
    if activity_type == ASSESSMENT_TYPE and (data.get("result") or {}).get("success") is True:
        return ASSESSED, None
    return PARTICIPATED, None


def counts(kind: str, rank: int, participation_counts: bool = False) -> bool:
    """Whether evidence of this kind at this rank (1 = the lowest level of its framework)
    counts towards the learner's level."""
    if rank <= 1 or kind in (ASSESSED, EXTERNAL):
        return True
    return kind == PARTICIPATED and participation_counts


def expected_kind(activity_id: str) -> str:
    """The kind of evidence a mapped activity will give, before any statement: what the
    role gaps suggest must be evidence that would count."""
    parsed = vocabulary.parse_activity_id(activity_id)
    if parsed is None:
        return EXTERNAL
    if parsed[0] == "h5p":
        return BROWSER_SCORED
    return PARTICIPATED if parsed[0] in PARTICIPATION_ACTIVITIES else ASSESSED


def describe(kind: str, provider: str | None = None) -> str:
    """The kind's name in the reader's language, with the provider where there is one."""
    if kind == EXTERNAL and provider:
        return _("External: %(provider)s", provider=provider)
    return str(NAMES.get(kind, kind))
