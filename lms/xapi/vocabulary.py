"""The platform's xAPI profile (DESIGN.md "xAPI vocabulary"): a small builder of plain data.

Other domains build their statements with these helpers, never by hand-assembled dicts,
so every statement has the same actor form, activity ids, types and context. The helpers
return the statement as the JSON-ready dicts the one door (``lms.xapi.services.record``)
validates and stores; TinCanPython built the same statements through typed objects and a
JSON round trip, 65-120 times slower (``bench/statement_builders.py``). Every IRI of
the platform starts with the platform identity (``lms.core.identity``), never with the
address the site happens to be served at."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from lms.core.identity import platform_identity

VERB_BASE = "http://adlnet.gov/expapi/verbs/"
TYPE_BASE = "http://adlnet.gov/expapi/activities/"
VERBS = ("registered", "experienced", "answered", "attempted", "passed", "failed", "completed", "progressed")
ACTIVITY_TYPES = {
    "course": TYPE_BASE + "course",
    "module": TYPE_BASE + "module",
    "lesson": TYPE_BASE + "lesson",
    "quiz": TYPE_BASE + "assessment",
    "exercise": TYPE_BASE + "assessment",
    "task": TYPE_BASE + "assessment",  # a reviewed task: work a person assesses
    "h5p": TYPE_BASE + "interaction",  # an H5P activity, scored (if at all) in the learner's browser
    "question": TYPE_BASE + "cmi.interaction",
    "track": TYPE_BASE + "course",  # a track is a programme of courses
    "profile": TYPE_BASE + "profile",
}
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PLATFORM = "Digital Skills Platform"


# The former name of the one door, kept for callers that recognise platform accounts by
# it: it is the platform identity, not LMS_BASE_URL.
base_url = platform_identity


def activities_prefix() -> str:
    """What every activity id of the platform starts with."""
    return f"{platform_identity()}/xapi/activities/"


def activity_id(kind: str, *slugs: str) -> str:
    """``<identity>/xapi/activities/<kind>/<course-slug>[/<item-slug>...]``: slugs, never ids."""
    return f"{activities_prefix()}{kind}/" + "/".join(slugs)


def parse_activity_id(iri: str) -> tuple[str, tuple[str, ...]] | None:
    """(kind, slugs) of one of the platform's own activity ids, else None: the inverse of
    ``activity_id``."""
    prefix = activities_prefix()
    if not iri.startswith(prefix):
        return None
    kind, *slugs = iri[len(prefix):].split("/")
    return (kind, tuple(slugs)) if slugs else None


def profile_iri() -> str:
    return f"{platform_identity()}/xapi/profile"


def competences_extension() -> str:
    """The platform profile's context extension listing the competences a statement
    evidences, so an external LRS receives competence evidence too."""
    return f"{platform_identity()}/xapi/extensions/competences"


def extension_iri(name: str) -> str:
    """One of the platform profile's own context or result extensions."""
    return f"{base_url()}/xapi/extensions/{name}"


def competence_iri(framework: str, code: str) -> str:
    return f"{platform_identity()}/xapi/competences/{framework}/{code}"


def competence_evidence(references: list[str]) -> dict:
    """``{extension: [{"id": competence IRI, "level": level}, ...]}`` for context extensions."""
    entries = []
    for reference in references:
        framework, rest = reference.split(":", 1)
        code, level = rest.rsplit("@", 1)
        entries.append({"id": competence_iri(framework, code), "framework": framework, "code": code, "level": level})
    return {competences_extension(): entries} if entries else {}


Agent = Activity = Context = Result = Statement = dict  # the parts, as the dicts they are stored as

# cmi.interaction fields a caller may give an activity, in their xAPI spelling.
INTERACTION_FIELDS = {"interaction_type": "interactionType", "correct_responses_pattern": "correctResponsesPattern",
                      "choices": "choices", "scale": "scale", "source": "source", "target": "target",
                      "steps": "steps"}


def actor(public_id: uuid.UUID | str) -> Agent:
    """A learner by their public id only: no name, no e-mail address."""
    return {"objectType": "Agent", "account": {"homePage": platform_identity(), "name": str(public_id)}}


def verb(name: str) -> dict:
    if name not in VERBS:
        raise ValueError(f"{name!r} is not in the platform's vocabulary")
    return {"id": VERB_BASE + name, "display": {"en-US": name}}


def activity(kind: str, slugs: tuple[str, ...], name: str, language: str, *,
             interaction: dict | None = None) -> Activity:
    """An activity of the platform; ``interaction`` adds cmi.interaction fields
    (``interaction_type``, ``choices``, ``correct_responses_pattern``) to a question."""
    definition = {"type": ACTIVITY_TYPES[kind], "name": {language: name}}
    for key, value in (interaction or {}).items():
        definition[INTERACTION_FIELDS[key]] = value
    return {"objectType": "Activity", "id": activity_id(kind, *slugs), "definition": definition}


def context(*, registration: uuid.UUID | None, language: str, parent: list[Activity] | None = None,
            grouping: list[Activity] | None = None, extensions: dict | None = None) -> Context:
    category = {"objectType": "Activity", "id": profile_iri(), "definition": {"type": ACTIVITY_TYPES["profile"]}}
    activities: dict = {"category": [category]}
    if parent:
        activities["parent"] = list(parent)
    if grouping:
        activities["grouping"] = list(grouping)
    made: dict = {"contextActivities": activities, "platform": PLATFORM, "language": language}
    if registration is not None:
        made["registration"] = str(registration)
    if extensions:
        made["extensions"] = dict(extensions)
    return made


def result(*, scaled: float | None = None, raw: float | None = None, max_points: float | None = None,
           success: bool | None = None, completion: bool | None = None, response: str | None = None,
           progress: int | None = None) -> Result:
    out: dict = {}
    if scaled is not None:
        score = {"scaled": round(float(scaled), 4)}
        if raw is not None and max_points:
            score.update(raw=float(raw), min=0.0, max=float(max_points))
        out["score"] = score
    if success is not None:
        out["success"] = bool(success)
    if completion is not None:
        out["completion"] = bool(completion)
    if response is not None:
        out["response"] = response
    if progress is not None:
        out["extensions"] = {PROGRESS: progress}
    return out


def statement(actor_: Agent, verb_name: str, object_: Activity, *, context_: Context | None = None,
              result_: Result | None = None, timestamp: datetime | None = None) -> Statement:
    made = {"id": str(uuid.uuid4()), "actor": actor_, "verb": verb(verb_name), "object": object_,
            "timestamp": (timestamp or datetime.now(timezone.utc)).isoformat(), "version": "1.0.3"}
    if context_ is not None:
        made["context"] = context_
    if result_ is not None:
        made["result"] = result_
    return made
