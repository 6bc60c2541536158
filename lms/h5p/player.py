"""Playing an H5P item and taking in what it reports, without a request.

The player runs in a sandboxed frame with an opaque origin: its requests carry no
cookies, so what it loads (the player, the content, the store's approved libraries) is
served under a signed token naming one enrolment and one item, valid for a few hours.
What the content reports (xAPI statements) reaches the platform only through the parent
page, which forwards it to ``record_statement``: the statement is rebuilt around the
learner's platform actor, the item's activity id (a sub-content as its child), the
enrolment's registration and the course's context, and recorded through the one door;
the item's completion rule is applied. Anything that claims another item, learner or
enrolment is refused and nothing is recorded."""

from __future__ import annotations

import copy
import io
import json
import re
import uuid
import zipfile

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.catalog.models import Item
from lms.core.clock import utcnow
from lms.extensions import db
from lms.h5p.models import H5PState
from lms.h5p import services as h5p
from lms.learning import services as learning
from lms.learning import statements as learning_statements
from lms.learning.models import Enrollment
from lms.xapi import services as xapi
from lms.xapi import vocabulary as v

TOKEN_MAX_AGE = 12 * 3600  # seconds: a page left open over a working day must be reloaded
SALT = "h5p-player"
# The verbs H5P content types send (H5P's xAPI documentation); any other is refused.
VERBS = {v.VERB_BASE + name: name for name in
         ("answered", "attempted", "completed", "experienced", "interacted", "passed", "failed", "progressed")}
SUB_CONTENT = re.compile(r"[?&]subContentId=([0-9a-fA-F-]{36})")
DEFINITION_KEYS = ("name", "description", "type", "interactionType", "correctResponsesPattern", "choices",
                   "scale", "source", "target", "steps")
MAX_RESPONSE = 2000
MAX_STATE = 64 * 1024  # characters of a content type's saved state


class StatementRefused(ValueError):
    """A statement the platform does not record; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def token_for(secret: str, enrollment: Enrollment, item: Item) -> str:
    return URLSafeTimedSerializer(secret, salt=SALT).dumps([enrollment.id, item.id])


def read_token(secret: str, token: str) -> tuple[int, int] | None:
    """(enrolment id, item id) of a token this platform signed in the last hours, else None."""
    try:
        value = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(n, int) for n in value)):
        return None
    return value[0], value[1]


def content_file(item: Item, path: str) -> bytes | None:
    """A file of the item's content (``h5p.json`` or ``content/...``), None if there is none."""
    kept = h5p.content_of(item)
    if kept is None:
        return None
    if path == "h5p.json":
        return json.dumps(kept.manifest).encode()
    with zipfile.ZipFile(io.BytesIO(kept.package)) as archive:
        try:
            return archive.read(path)
        except KeyError:
            return None


def library_file(folder: str, path: str) -> bytes | None:
    """A file of an approved library in the store; nothing of an unapproved one."""
    match = re.fullmatch(r"(.+)-(\d+)\.(\d+)", folder)
    if not match:
        return None
    library = h5p.find(match.group(1), int(match.group(2)), int(match.group(3)))
    if library is None or not library.approved:
        return None
    for file in library.files:
        if file.path == path:
            return file.data
    return None


def activity_id(enrollment: Enrollment, item: Item) -> str:
    return v.activity_id("h5p", enrollment.course.slug, item.slug)


def _definition(given: dict | None, item: Item, language: str, main: bool) -> dict:
    definition = {}
    if isinstance(given, dict):
        definition = {key: copy.deepcopy(given[key]) for key in DEFINITION_KEYS if key in given}
    if main:
        # The server decides what the activity is: an assessment only where the course says so.
        definition["type"] = v.ACTIVITY_TYPES["quiz"] if (item.h5p or {}).get("assessed") else v.ACTIVITY_TYPES["h5p"]
        definition["name"] = {language: item.title}
    return definition


def _result(given) -> dict | None:
    if not isinstance(given, dict):
        return None
    result: dict = {}
    score = given.get("score")
    if isinstance(score, dict):
        kept = {key: score[key] for key in ("scaled", "raw", "min", "max")
                if isinstance(score.get(key), (int, float)) and not isinstance(score.get(key), bool)}
        if "scaled" not in kept and "raw" in kept and kept.get("max"):
            kept["scaled"] = round(kept["raw"] / kept["max"], 4)
        if "scaled" in kept:
            kept["scaled"] = max(-1.0, min(1.0, float(kept["scaled"])))
        if kept:
            result["score"] = kept
    for key in ("success", "completion"):
        if isinstance(given.get(key), bool):
            result[key] = given[key]
    if isinstance(given.get("response"), str):
        result["response"] = given["response"][:MAX_RESPONSE]
    if isinstance(given.get("duration"), str) and len(given["duration"]) < 40:
        result["duration"] = given["duration"]
    return result or None


def _scaled(result: dict | None) -> float | None:
    score = (result or {}).get("score") or {}
    return score.get("scaled")


def record_statement(enrollment: Enrollment, item: Item, claimed_item: str, statement) -> dict:
    """Record one statement the item's content reported (forwarded by the parent page).
    Returns ``{"recorded": id, "completed": bool}``; ``StatementRefused`` when it claims
    another item, learner or enrolment, or is not a statement H5P sends."""
    if item.kind != "h5p":
        raise StatementRefused(_("This item is not an H5P activity."))
    if claimed_item != item.slug:
        raise StatementRefused(_("The statement is about another item; nothing was recorded."))
    if not isinstance(statement, dict):
        raise StatementRefused(_("The statement must be a JSON object."))
    actor = statement.get("actor")
    account = actor.get("account") if isinstance(actor, dict) else None
    if isinstance(account, dict) and account.get("homePage") == v.platform_identity() \
            and account.get("name") != str(enrollment.user.public_id):
        raise StatementRefused(_("The statement is about another learner; nothing was recorded."))
    given_context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    registration = given_context.get("registration")
    if registration is not None and registration != str(enrollment.registration):
        raise StatementRefused(_("The statement is about another enrolment; nothing was recorded."))
    verb_id = (statement.get("verb") or {}).get("id") if isinstance(statement.get("verb"), dict) else None
    if verb_id not in VERBS:
        raise StatementRefused(_("The statement's verb is not one an H5P activity sends."))
    target = statement.get("object") if isinstance(statement.get("object"), dict) else {}
    object_id = target.get("id") if isinstance(target.get("id"), str) else ""
    sub = SUB_CONTENT.search(object_id)
    course = enrollment.course
    main_id = activity_id(enrollment, item)
    own = v.parse_activity_id(object_id)
    if own is not None and object_id.split("?")[0] not in (main_id,) and not object_id.startswith(main_id + "/"):
        raise StatementRefused(_("The statement is about another item; nothing was recorded."))
    definition_given = target.get("definition") if isinstance(target.get("definition"), dict) else None
    if sub:
        object_ = {"objectType": "Activity", "id": f"{main_id}/{sub.group(1).lower()}",
                   "definition": _definition(definition_given, item, course.language, main=False)}
        parent = {"objectType": "Activity", "id": main_id,
                  "definition": _definition(None, item, course.language, main=True)}
    else:
        object_ = {"objectType": "Activity", "id": main_id,
                   "definition": _definition(definition_given, item, course.language, main=True)}
        parent = learning_statements.module_activity(course, item.module)
    if not object_["definition"]:
        del object_["definition"]
    made = {"id": str(uuid.uuid4()), "actor": v.actor(enrollment.user.public_id),
            "verb": {"id": verb_id, "display": {"en-US": VERBS[verb_id]}}, "object": object_,
            "context": v.context(registration=enrollment.registration, language=course.language, parent=[parent],
                                 grouping=[learning_statements.course_activity(course),
                                           learning_statements.track_activity(course)],
                                 extensions=(v.competence_evidence(item.competences or []) or None)
                                 if not sub else None),
            "version": "1.0.3"}
    result = _result(statement.get("result"))
    if result:
        made["result"] = result
    records = [made]
    completed = False
    if not sub and _meets_rule(item, VERBS[verb_id], result):
        completed = True
        records += _complete(enrollment, item, result)
    stored = xapi.record(records)
    return {"recorded": str(stored[0].statement_id), "completed": completed}


def _meets_rule(item: Item, verb: str, result: dict | None) -> bool:
    rule = (item.h5p or {}).get("completion", "completed")
    if rule == "score":
        scaled = _scaled(result)
        return verb in ("answered", "completed", "passed") and scaled is not None \
            and scaled * 100 >= (item.pass_mark or 0)
    if rule == "completed":
        return verb in ("completed", "answered", "passed") or (result or {}).get("completion") is True
    return False


def _complete(enrollment: Enrollment, item: Item, result: dict | None) -> list:
    """The first completion of the item: its ``completed`` statement (the competence
    evidence: browser-scored, or assessed where the course says so) and the progress,
    module and course steps it brings. Nothing once the item is done."""
    row = learning.progress_by_item(enrollment).get(item.id)
    if row is not None and row.completed_at is not None:
        return []
    score = _scaled(result)
    steps = learning.count_assessment(enrollment, item, score=max(score or 0.0, 0.0), passed=True)
    completed = learning_statements.completed_item(enrollment, item)
    completed["object"]["definition"] = _definition(None, item, enrollment.course.language, main=True)
    if score is not None:
        completed["result"]["score"] = {"scaled": score}
    return [completed, *steps]


def open_activity(enrollment: Enrollment, item: Item) -> None:
    """The learner opened the item's page: an item completed on opening is done now."""
    if (item.h5p or {}).get("completion") == "opened":
        xapi.record(_complete(enrollment, item, None))


def state_of(enrollment: Enrollment, item: Item) -> str | None:
    """Where the learner left the activity (H5P's state JSON), or None."""
    row = db.session.get(H5PState, (enrollment.id, item.id))
    return row.data if row else None


def save_state(enrollment: Enrollment, item: Item, claimed_item, state) -> None:
    """Keep the content type's state for the next visit; ``StatementRefused`` when it is
    for another item, not JSON text, or too long. Flushes."""
    if item.kind != "h5p" or claimed_item != item.slug:
        raise StatementRefused(_("The state is for another item; nothing was saved."))
    if not isinstance(state, str) or len(state) > MAX_STATE:
        raise StatementRefused(_("The state must be JSON text of at most %(limit)s characters.",
                                 limit=f"{MAX_STATE:,}"))
    try:
        json.loads(state)
    except ValueError:
        raise StatementRefused(_("The state must be JSON text of at most %(limit)s characters.",
                                 limit=f"{MAX_STATE:,}")) from None
    row = db.session.get(H5PState, (enrollment.id, item.id))
    if row is None:
        row = H5PState(enrollment_id=enrollment.id, item_id=item.id, data=state)
        db.session.add(row)
    row.data, row.saved_at = state, utcnow()
    db.session.flush()
