"""The one door: every learning record, the platform's or an external app's, enters here."""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import sqlalchemy as sa
import tincan
from flask import current_app

from lms.extensions import db
from lms.xapi import documents, forwarding
from lms.xapi.models import Statement, StatementActivity, StatementAgent
from lms.xapi.validation import parse_timestamp, validate_statement

XAPI_VERSION = "1.0.3"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

# A listener hears each batch of newly stored statements at once, so it can look up what
# it needs for the whole batch in one query.
Listener = Callable[[list[Statement]], None]
_listeners: list[Listener] = []


class StatementError(ValueError):
    """Statements refused; ``problems`` names each one by index and JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StatementConflict(StatementError):
    pass


def add_listener(listener: Listener) -> None:
    """Other domains call this once at start-up to hear about every stored statement
    (a listener is called with each stored batch)."""
    if listener not in _listeners:
        _listeners.append(listener)


def actor_key(actor: dict) -> str:
    """A stable key for an Agent or Group, from its inverse functional identifier."""
    if "account" in actor:
        return f"account:{actor['account']['homePage']}|{actor['account']['name']}"
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if key in actor:
            return f"{key}:{actor[key]}"
    members = sorted(actor_key(member) for member in actor.get("member", []))
    return "group:" + hashlib.sha1(json.dumps(members).encode()).hexdigest()


def account_key(public_id: uuid.UUID | str) -> str:
    """The actor key of a platform user, as ``actor_key`` makes it from their statements."""
    return f"account:{current_app.config['LMS_BASE_URL'].rstrip('/')}|{public_id}"


def platform_authority() -> dict:
    return {"objectType": "Agent",
            "account": {"homePage": current_app.config["LMS_BASE_URL"].rstrip("/"), "name": "lms"}}


def iso_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_dict(statement: Any) -> Any:
    if isinstance(statement, tincan.Statement):
        return json.loads(statement.to_json(XAPI_VERSION))
    return copy.deepcopy(statement)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def record(statements: Iterable[Any], *, authority: dict | None = None,
           version: str = XAPI_VERSION) -> list[Statement]:
    """Validate, stamp (id, stored, authority, version), store and announce statements.

    All or nothing: if any statement is wrong, ``StatementError`` lists every problem
    and nothing is stored. A statement whose id is already stored is not stored again:
    if it is the same statement the stored row stands for it (a harmless resend), if not
    ``StatementConflict``. Flushes; the caller commits with its own changes, so a
    learning step and its statements are saved together or not at all. Returns one row
    per statement given, in order.
    """
    statements = list(statements)
    # The platform's own statements get a fresh uuid4 each: only others' ids need checking.
    external_ids = [s.get("id") for s in statements if isinstance(s, dict) and s.get("id")]
    batch = [_as_dict(statement) for statement in statements]
    problems = []
    for index, data in enumerate(batch):
        problems += [f"statements[{index}].{problem}" for problem in validate_statement(data)]
    if problems:
        raise StatementError(problems)

    ids = [str(uuid.UUID(data["id"])) for data in batch if data.get("id")]
    if len(set(ids)) != len(ids):
        raise StatementError(["statements: the same statement id appears twice in the batch"])
    existing: dict[str, Statement] = {}
    if external_ids:
        for row in db.session.scalars(sa.select(Statement).where(
                Statement.statement_id.in_([uuid.UUID(i) for i in external_ids]))):
            existing[str(row.statement_id)] = row
    for index, data in enumerate(batch):
        if data.get("id") and str(uuid.UUID(data["id"])) in existing:
            if not same_statement(existing[str(uuid.UUID(data["id"]))].data, data):
                raise StatementConflict([f"statements[{index}].id: a different statement with this id is already stored"])

    # Millisecond precision, as in the JSON, so "since"/"until" taken from a statement's
    # "stored" compare exactly with the stored column.
    now = datetime.now(timezone.utc)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    result: list[Statement] = []
    rows: list[Statement] = []
    for data in batch:
        if data.get("id") and str(uuid.UUID(data["id"])) in existing:
            result.append(existing[str(uuid.UUID(data["id"]))])
            continue
        data["id"] = str(uuid.UUID(data["id"])) if data.get("id") else str(uuid.uuid4())
        _context_activities_as_arrays(data)
        if data["object"].get("objectType") == "SubStatement":
            _context_activities_as_arrays(data["object"])
        data["stored"] = iso_timestamp(now)
        data.setdefault("timestamp", data["stored"])
        data["authority"] = authority or platform_authority()
        data["version"] = data.get("version", version)
        target = data["object"]
        row = Statement(
            statement_id=uuid.UUID(data["id"]),
            actor_key=actor_key(data["actor"]),
            verb_id=data["verb"]["id"],
            activity_id=target["id"] if target.get("objectType", "Activity") == "Activity" else None,
            registration=uuid.UUID(data["context"]["registration"]) if data.get("context", {}).get("registration") else None,
            ref_target=uuid.UUID(target["id"]) if target.get("objectType") == "StatementRef" else None,
            timestamp=_naive_utc(parse_timestamp(data["timestamp"])),
            stored=_naive_utc(now),
            data=data,
        )
        rows.append(row)
        result.append(row)
    db.session.add_all(rows)
    db.session.flush()
    agents, activities = [], []
    for row in rows:
        row_agents, row_activities = _index_rows(row)
        agents += row_agents
        activities += row_activities
    # Plain multi-row inserts: these rows are never read back as objects in this request.
    if agents:
        db.session.execute(sa.insert(StatementAgent), agents)
    if activities:
        db.session.execute(sa.insert(StatementActivity), activities)
    documents.remember_definitions([row.data for row in rows])
    forwarding.enqueue(rows)
    for row in rows:
        if row.verb_id == VOIDED:
            _void(row)
    db.session.flush()
    if rows:
        for listener in _listeners:
            listener(rows)
    return result


def _context_activities_as_arrays(data: dict) -> None:
    """The LRS returns every context activity list as an array, even if sent as one object."""
    activities = data.get("context", {}).get("contextActivities")
    if isinstance(activities, dict):
        for key, value in activities.items():
            if isinstance(value, dict):
                activities[key] = [value]


IGNORED_IN_COMPARISON = {"id", "stored", "authority", "version", "timestamp"}


def same_statement(stored: dict, given: dict) -> bool:
    """Whether ``given`` is a resend of ``stored`` (what the LRS added is not compared)."""
    def core(data):
        return {k: v for k, v in data.items() if k not in IGNORED_IN_COMPARISON}
    if core(stored) != core(given):
        return False
    if "timestamp" in given and parse_timestamp(given["timestamp"]) != parse_timestamp(stored["timestamp"]):
        return False
    return True


def _agents_in(data: dict, direct: bool):
    actor = data.get("actor")
    if actor:
        yield actor_key(actor), direct
        for member in actor.get("member", []):
            yield actor_key(member), False
    target = data.get("object", {})
    if target.get("objectType") in ("Agent", "Group"):
        yield actor_key(target), direct
    context = data.get("context", {})
    for key in ("instructor", "team"):
        if key in context:
            yield actor_key(context[key]), False


def _activities_in(data: dict, direct: bool):
    target = data.get("object", {})
    if target.get("objectType", "Activity") == "Activity" and "id" in target:
        yield target["id"], direct
    for entries in data.get("context", {}).get("contextActivities", {}).values():
        for entry in entries if isinstance(entries, list) else [entries]:
            yield entry["id"], False


def _index_rows(row: Statement) -> tuple[list[dict], list[dict]]:
    """The agent and activity rows the ``agent``/``activity`` filters (and their
    ``related_*`` forms) search."""
    data = row.data
    agents = set(_agents_in(data, True))
    activities = set(_activities_in(data, True))
    if "authority" in data:
        agents.add((actor_key(data["authority"]), False))
        for member in data["authority"].get("member", []):
            agents.add((actor_key(member), False))
    target = data.get("object", {})
    if target.get("objectType") == "SubStatement":
        agents |= {(key, False) for key, _ in _agents_in(target, False)}
        activities |= {(key, False) for key, _ in _activities_in(target, False)}
    # One row per key: direct wins over related.
    agent_rows = {}
    for key, direct in agents:
        agent_rows[key] = agent_rows.get(key, False) or direct
    activity_rows = {}
    for key, direct in activities:
        activity_rows[key] = activity_rows.get(key, False) or direct
    return ([{"seq": row.seq, "agent_key": k[:512], "direct": d} for k, d in agent_rows.items()],
            [{"seq": row.seq, "activity_id": k[:1024], "direct": d} for k, d in activity_rows.items()])


def _void(voiding: Statement) -> None:
    target_id = voiding.data["object"].get("id")
    if voiding.data["object"].get("objectType") != "StatementRef":
        return
    target = db.session.scalar(sa.select(Statement).where(Statement.statement_id == uuid.UUID(target_id)))
    if target is not None and target.verb_id != VOIDED:
        target.voided = True


def statements_for_actor(key: str, *, newest_first: bool = True, limit: int | None = None) -> list[Statement]:
    """One actor's statements that are not voided (a learner's own record)."""
    query = sa.select(Statement).where(Statement.actor_key == key, Statement.voided.is_(False))
    query = query.order_by(Statement.seq.desc() if newest_first else Statement.seq)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def statements_for_registration(registration: uuid.UUID) -> list[Statement]:
    """Every statement of one enrolment, in the order stored."""
    return list(db.session.scalars(
        sa.select(Statement).where(Statement.registration == registration).order_by(Statement.seq)))
