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
from lms.xapi.models import Statement
from lms.xapi.validation import parse_timestamp, validate_statement

XAPI_VERSION = "1.0.3"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

Listener = Callable[[Statement], None]
_listeners: list[Listener] = []


class StatementError(ValueError):
    """Statements refused; ``problems`` names each one by index and JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StatementConflict(StatementError):
    pass


def add_listener(listener: Listener) -> None:
    """Other domains call this once at start-up to hear about every stored statement."""
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


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_dict(statement: Any) -> Any:
    if isinstance(statement, tincan.Statement):
        return json.loads(statement.to_json(XAPI_VERSION))
    return copy.deepcopy(statement)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def record(statements: Iterable[Any], *, authority: dict | None = None) -> list[Statement]:
    """Validate, stamp (id, stored, authority, version), store and announce statements.

    All or nothing: if any statement is wrong, ``StatementError`` lists every problem
    and nothing is stored. Flushes; the caller commits with its own changes, so a
    learning step and its statements are saved together or not at all.
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
        raise StatementConflict(["the same statement id appears twice in the batch"])
    if external_ids and db.session.scalar(
            sa.select(sa.func.count()).select_from(Statement)
            .where(Statement.statement_id.in_([uuid.UUID(i) for i in external_ids]))):
        raise StatementConflict(["a statement with this id is already stored"])

    now = datetime.now(timezone.utc)
    rows = []
    for data in batch:
        data.setdefault("id", str(uuid.uuid4()))
        data["stored"] = _iso(now)
        data.setdefault("timestamp", data["stored"])
        data["authority"] = authority or platform_authority()
        data["version"] = data.get("version", XAPI_VERSION)
        target = data["object"]
        rows.append(Statement(
            statement_id=uuid.UUID(data["id"]),
            actor_key=actor_key(data["actor"]),
            verb_id=data["verb"]["id"],
            activity_id=target["id"] if target.get("objectType", "Activity") == "Activity" else None,
            registration=uuid.UUID(data["context"]["registration"]) if data.get("context", {}).get("registration") else None,
            timestamp=_naive_utc(parse_timestamp(data["timestamp"])),
            stored=_naive_utc(now),
            data=data,
        ))
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        if row.verb_id == VOIDED:
            _void(row)
    for row in rows:
        for listener in _listeners:
            listener(row)
    return rows


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
