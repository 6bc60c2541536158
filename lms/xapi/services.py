"""The one door: every learning record, the platform's or an external app's, enters here."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import make_transient_to_detached

from lms.core.sql import insert_skipping_duplicates
from lms.core.clock import utcnow
from lms.core.errors import Refused
from lms.extensions import db
from lms.xapi import credentials, documents, forwarding
from lms.xapi.vocabulary import platform_identity
from lms.xapi.models import Actor, ActorLink, Statement, StatementActivity, StatementAgent
from lms.xapi.validation import parse_timestamp, validate_statement

XAPI_VERSION = "1.0.3"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# The account name of the authority on the platform's own statements; an external
# credential's statements carry ``credential/<key>`` (``lms.xapi.credentials.authority``).
PLATFORM_AUTHORITY_NAME = "lms"

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


class StatementForbidden(StatementError):
    """Valid statements that their sender may not send (``lms.xapi.rights``)."""


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
    return f"account:{platform_identity()}|{public_id}"


def platform_authority() -> dict:
    return {"objectType": "Agent",
            "account": {"homePage": platform_identity(), "name": PLATFORM_AUTHORITY_NAME}}


def provider_of(authority: dict | None) -> str | None:
    """Who vouches for a stored statement, read from the authority the one door stamped on
    it (a client never chooses it): None for the platform's own statements, else the
    external provider's name (the credential's, as ``credentials.authority`` gives it)."""
    if not authority:
        return None
    account = authority.get("account") or {}
    if account.get("name") == PLATFORM_AUTHORITY_NAME and "member" not in authority:
        return None
    return authority.get("name") or account.get("name") or actor_key(authority)


def iso_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_dict(statement: Any) -> Any:
    try:
        # A statement is JSON: a round trip copies it several times faster than deepcopy.
        return json.loads(json.dumps(statement))
    except (TypeError, ValueError):
        return copy.deepcopy(statement)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


Rights = Callable[[list[dict]], list[str]]


def record(statements: Iterable[Any], *, authority: dict | None = None,
           version: str = XAPI_VERSION, given_away: bool = False, rights: Rights | None = None) -> list[Statement]:
    """Validate, stamp (id, stored, authority, version), store and announce statements.

    All or nothing: if any statement is wrong, ``StatementError`` lists every problem
    and nothing is stored. A statement whose id is already stored is not stored again:
    if it is the same statement the stored row stands for it (a harmless resend), if not
    ``StatementConflict``. Flushes; the caller commits with its own changes, so a
    learning step and its statements are saved together or not at all. Returns one row
    per statement given, in order.

    With ``given_away`` the statements are dicts the caller no longer needs (parsed from
    a request body): they are stamped in place instead of copied.

    ``rights`` checks the valid batch for what its sender may not say (an external
    credential: ``lms.xapi.rights``); any problem refuses the whole batch with
    ``StatementForbidden`` before anything is stored.
    """
    batch, given_ids = _validated(statements, given_away, rights)
    timestamp_given = ["timestamp" in data for data in batch]
    values, naive_now = _stamped(batch, given_ids, authority or platform_authority(), version)
    # A statement whose id is already stored is skipped by the database (no
    # check-then-insert race) and settled below.
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    agents, activities = _index_keys_of(values)
    if postgresql:
        inserted = _store_postgresql(values, agents, activities, naive_now)
    else:
        inserted = _store(values, agents, activities, any(given_ids))
    existing = _settle_resends(batch, values, inserted, timestamp_given)
    rows, result = _rows_of(values, inserted, existing)
    if rows:
        _after_storing(rows, postgresql)
    return result


def _validated(statements: Iterable[Any], given_away: bool, rights: Rights | None) -> tuple[list[dict], list]:
    """The batch as dicts (copies unless ``given_away``) and each statement's given id or
    None; ``StatementError`` lists every problem, ``StatementForbidden`` what its sender
    may not say."""
    statements = list(statements)
    batch = statements if given_away else [_as_dict(statement) for statement in statements]
    problems = []
    for index, data in enumerate(batch):
        problems += [f"statements[{index}].{problem}" for problem in validate_statement(data)]
    if problems:
        raise StatementError(problems)
    if rights is not None:
        forbidden = rights(batch)
        if forbidden:
            raise StatementForbidden(forbidden)
    given_ids = [uuid.UUID(data["id"]) if data.get("id") else None for data in batch]
    ids = [statement_id for statement_id in given_ids if statement_id is not None]
    if len(set(ids)) != len(ids):
        raise StatementError(["statements: the same statement id appears twice in the batch"])
    return batch, given_ids


def _stamped(batch: list[dict], given_ids: list, authority: dict, version: str) -> tuple[list[dict], datetime]:
    """Stamp each statement in place (id, stored, timestamp, authority, version; context
    activities as arrays) and return the column values of its row, and the stored moment."""
    # Millisecond precision, as in the JSON, so "since"/"until" taken from a statement's
    # "stored" compare exactly with the stored column.
    now = datetime.now(timezone.utc)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    stored, naive_now = iso_timestamp(now), _naive_utc(now)
    values = []
    for data, statement_id in zip(batch, given_ids):
        statement_id = statement_id or uuid.uuid4()
        data["id"] = str(statement_id)
        _context_activities_as_arrays(data)
        if data["object"].get("objectType") == "SubStatement":
            _context_activities_as_arrays(data["object"])
        data["stored"] = stored
        data.setdefault("timestamp", stored)
        data["authority"] = authority
        data["version"] = data.get("version", version)
        target = data["object"]
        kind = target.get("objectType", "Activity")
        registration = data.get("context", {}).get("registration")
        values.append({
            "statement_id": statement_id, "actor_key": actor_key(data["actor"]),
            "verb_id": data["verb"]["id"], "activity_id": target["id"] if kind == "Activity" else None,
            "registration": uuid.UUID(registration) if registration else None,
            "ref_target": uuid.UUID(target["id"]) if kind == "StatementRef" else None,
            "timestamp": _naive_utc(parse_timestamp(data["timestamp"])), "stored": naive_now,
            "voided": False, "data": data,
        })
    return values, naive_now


def _index_keys_of(values: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """The rows of the agent and activity indexes: (statement id, key, direct)."""
    agents, activities = [], []
    for value in values:
        row_agents, row_activities = _index_keys(value["data"])
        agents += [(value["statement_id"], key, direct) for key, direct in row_agents]
        activities += [(value["statement_id"], key, direct) for key, direct in row_activities]
    return agents, activities


def _settle_resends(batch: list[dict], values: list[dict], inserted: dict[uuid.UUID, int],
                    timestamp_given: list[bool]) -> dict[uuid.UUID, Statement]:
    """The stored rows of statements the database skipped as already stored. A resend of
    the same statement is harmless; a different statement under a stored id undoes this
    batch's rows and raises ``StatementConflict``."""
    existing: dict[uuid.UUID, Statement] = {}
    if len(inserted) == len(values):
        return existing
    existing = {row.statement_id: row for row in db.session.scalars(sa.select(Statement).where(
        Statement.statement_id.in_([v["statement_id"] for v in values if v["statement_id"] not in inserted])))}
    for index, value in enumerate(values):
        stored_row = existing.get(value["statement_id"])
        given = batch[index] if timestamp_given[index] else {
            k: v for k, v in batch[index].items() if k != "timestamp"}
        if value["statement_id"] not in inserted and (
                stored_row is None or not same_statement(stored_row.data, given)):
            # Undo this batch's rows (their outbox rows go with them) so that nothing
            # is stored, whatever the caller does next.
            if inserted:
                seqs = list(inserted.values())
                for index_table in (StatementAgent, StatementActivity):
                    db.session.execute(sa.delete(index_table).where(index_table.seq.in_(seqs)))
                db.session.execute(sa.delete(Actor).where(Actor.first_seq.in_(seqs)))
                db.session.execute(sa.delete(Statement).where(Statement.seq.in_(seqs)))
            raise StatementConflict([f"statements[{index}].id: a different statement with this id is already stored"])
    return existing


def _rows_of(values: list[dict], inserted: dict[uuid.UUID, int],
             existing: dict[uuid.UUID, Statement]) -> tuple[list[Statement], list[Statement]]:
    """(the rows stored now, one row per statement given in order: a resend's stored row)."""
    rows: list[Statement] = []
    result: list[Statement] = []
    sa.orm.configure_mappers()  # what the constructor would do first; cheap once done
    for value in values:
        if value["statement_id"] in existing:
            result.append(existing[value["statement_id"]])
            continue
        # Known to the session as stored, as if just loaded: no second round trip. The
        # columns go straight into the new instance's state, as the ORM's loading does:
        # the constructor's per-attribute change tracking cost more than the insert.
        row = _STATEMENT_MANAGER.new_instance()
        row.__dict__.update(value, seq=inserted[value["statement_id"]])
        make_transient_to_detached(row)
        db.session.add(row)
        rows.append(row)
        result.append(row)
    return rows, result


def _after_storing(rows: list[Statement], postgresql: bool) -> None:
    """After storing: remember activity definitions, void what voiding statements target,
    flush, and hand the rows to the listeners other domains registered."""
    if not postgresql:
        documents.remember_definitions([row.data for row in rows])
    for row in rows:
        if row.verb_id == VOIDED:
            _void(row)
    db.session.flush()
    for listener in _listeners:
        listener(rows)


_STATEMENT_MANAGER = Statement.__mapper__.class_manager


def _store(values: list[dict], agents: list[tuple], activities: list[tuple], ids_given: bool) -> dict[uuid.UUID, int]:
    """Statements, then their index and outbox rows: {statement id: seq} of those stored."""
    table = Statement.__table__
    insert = insert_skipping_duplicates(table, "statement_id") if ids_given else sa.insert(table)
    inserted = {row.statement_id: row.seq
                for row in db.session.execute(insert.returning(table.c.seq, table.c.statement_id), values)}
    agent_rows = [{"seq": inserted[i], "agent_key": k, "direct": d} for i, k, d in agents if i in inserted]
    activity_rows = [{"seq": inserted[i], "activity_id": k, "direct": d} for i, k, d in activities if i in inserted]
    if agent_rows:
        db.session.execute(sa.insert(StatementAgent.__table__), agent_rows)
    if activity_rows:
        db.session.execute(sa.insert(StatementActivity.__table__), activity_rows)
    first_seen: dict[str, int] = {}
    for value in values:
        if value["statement_id"] in inserted:
            first_seen.setdefault(value["actor_key"], inserted[value["statement_id"]])
    if first_seen:
        db.session.execute(insert_skipping_duplicates(Actor.__table__, "actor_key"),
                           [{"actor_key": key, "first_seq": seq} for key, seq in first_seen.items()])
    forwarding.enqueue(list(inserted.values()))
    return inserted


# PostgreSQL: the statements, their index rows, the activity definitions they carry and
# their outbox rows in one statement (one round trip, whatever the batch size). The
# batch goes as four JSON documents unpacked by the server: the SQL is the same for
# every batch (prepared once per connection), and encoding a few strings cost about 2 ms
# less per batch of 100 than adapting a dozen typed arrays.
_STORE_POSTGRESQL = """
WITH given AS (
    SELECT * FROM ROWS FROM (jsonb_to_recordset(CAST(%%(rows)s AS jsonb))
        AS (statement_id uuid, actor_key varchar, verb_id varchar, activity_id varchar, registration uuid,
            ref_target uuid, timestamp timestamp, data jsonb)) WITH ORDINALITY
        AS g(statement_id, actor_key, verb_id, activity_id, registration, ref_target, timestamp, data, position)
), stored AS (
    INSERT INTO xapi_statement (statement_id, actor_key, verb_id, activity_id, registration, ref_target,
                                timestamp, stored, voided, data)
    SELECT statement_id, actor_key, verb_id, activity_id, registration, ref_target, timestamp,
           CAST(%%(stored)s AS timestamp), false, data
    FROM given ORDER BY position
    ON CONFLICT (statement_id) DO NOTHING
    RETURNING seq, statement_id, actor_key
), actors AS (
    -- An actor seen for the first time; a known one costs an index probe, no write.
    INSERT INTO xapi_actor (actor_key, first_seq)
    SELECT actor_key, min(seq) FROM stored GROUP BY actor_key
    ON CONFLICT (actor_key) DO NOTHING
), agents AS (
    INSERT INTO xapi_statement_agent (seq, agent_key, direct)
    SELECT stored.seq, a.k, a.d
    FROM jsonb_to_recordset(CAST(%%(agents)s AS jsonb)) AS a(s uuid, k varchar, d boolean)
    JOIN stored ON stored.statement_id = a.s
), activities AS (
    INSERT INTO xapi_statement_activity (seq, activity_id, direct)
    SELECT stored.seq, a.k, a.d
    FROM jsonb_to_recordset(CAST(%%(activities)s AS jsonb)) AS a(s uuid, k varchar, d boolean)
    JOIN stored ON stored.statement_id = a.s
), definitions AS (
    -- Merged into the Activities resource; a definition already known as sent is not
    -- written again (so it takes no row lock).
    INSERT INTO xapi_activity (activity_id, definition)
    SELECT d.activity_id, d.definition
    FROM jsonb_each(CAST(%%(definitions)s AS jsonb)) AS d(activity_id, definition)
    LEFT JOIN xapi_activity known ON known.activity_id = d.activity_id
    WHERE EXISTS (SELECT FROM stored)
      AND (known.activity_id IS NULL OR known.definition IS DISTINCT FROM %(merge_known)s)
    ON CONFLICT (activity_id) DO UPDATE SET definition = %(merge_excluded)s
)%(outbox)s
SELECT seq, statement_id FROM stored
"""
_OUTBOX_POSTGRESQL = """, outbox AS (
    INSERT INTO xapi_outbox (statement_seq, state, attempts, next_attempt_at, created_at)
    SELECT seq, 'pending', 0, CAST(%%(stored)s AS timestamp), CAST(%%(stored)s AS timestamp) FROM stored
)"""


def _store_postgresql(values: list[dict], agents: list[tuple], activities: list[tuple],
                      now: datetime) -> dict[uuid.UUID, int]:
    def text(value):
        return None if value is None else str(value)

    rows = [{"statement_id": str(value["statement_id"]), "actor_key": value["actor_key"], "verb_id": value["verb_id"],
             "activity_id": value["activity_id"], "registration": text(value["registration"]),
             "ref_target": text(value["ref_target"]), "timestamp": value["timestamp"].isoformat(),
             "data": value["data"]} for value in values]
    params = {
        "rows": json.dumps(rows, ensure_ascii=False), "stored": now,
        "agents": json.dumps([{"s": str(i), "k": k, "d": d} for i, k, d in agents], ensure_ascii=False),
        "activities": json.dumps([{"s": str(i), "k": k, "d": d} for i, k, d in activities], ensure_ascii=False),
        "definitions": json.dumps(documents.definitions_in([value["data"] for value in values]), ensure_ascii=False),
    }
    result = db.session.connection().exec_driver_sql(_store_sql(forwarding.enabled()), params)
    return {statement_id: seq for seq, statement_id in result}


@functools.cache
def _store_sql(forward: bool) -> str:
    outbox = _OUTBOX_POSTGRESQL % {} if forward else ""
    return _STORE_POSTGRESQL % {
        "merge_known": documents.MERGE_SQL.format(old="known.definition", new="d.definition"),
        "merge_excluded": documents.MERGE_SQL.format(old="xapi_activity.definition", new="EXCLUDED.definition"),
        "outbox": outbox}


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


def _index_keys(data: dict) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The agents and activities the ``agent``/``activity`` filters (and their
    ``related_*`` forms) find a statement by, each with whether it is direct; but for
    the statement's actor and its object activity, which its own columns already index
    (see ``naming_agent`` and ``naming_activity``): no activity row is direct."""
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
    agent_rows: dict[str, bool] = {}
    for key, direct in agents:
        agent_rows[key[:512]] = agent_rows.get(key[:512], False) or direct
    activity_rows: dict[str, bool] = {}
    for key, direct in activities:
        activity_rows[key[:1024]] = activity_rows.get(key[:1024], False) or direct
    if "actor" in data:
        agent_rows.pop(actor_key(data["actor"]), None)
    if target.get("objectType", "Activity") == "Activity" and "id" in target:
        activity_rows.pop(target["id"], None)
    return list(agent_rows.items()), list(activity_rows.items())


def naming_agent(key: str, related: bool = False) -> sa.ColumnElement[bool]:
    """Statements whose actor is this agent, or (directly) their object; with ``related``,
    those that name it anywhere (authority, team, a SubStatement...)."""
    rows = sa.select(StatementAgent.seq).where(StatementAgent.agent_key == key)
    if not related:
        rows = rows.where(StatementAgent.direct.is_(True))
        # An agent is seldom any statement's object: then the filter is the actor's own
        # column, which the planner combines with the other filters whatever it knows of
        # the table (a union, before the statistics caught up with a fast-growing store,
        # was rescanned for every candidate row: 35 ms of database time instead of 6.5).
        if db.session.scalar(rows.limit(1)) is None:
            return Statement.actor_key == key
    return Statement.seq.in_(sa.union_all(sa.select(Statement.seq).where(Statement.actor_key == key), rows))


def naming_activity(activity_id: str, related: bool = False) -> sa.ColumnElement[bool]:
    """Statements whose object is this activity (their own column: no index row is
    direct); with ``related``, those that name it anywhere (context activities, a
    SubStatement's object...)."""
    if not related:
        return Statement.activity_id == activity_id
    rows = sa.select(StatementActivity.seq).where(StatementActivity.activity_id == activity_id)
    return Statement.seq.in_(sa.union_all(sa.select(Statement.seq).where(Statement.activity_id == activity_id), rows))


def _void(voiding: Statement) -> None:
    target_id = voiding.data["object"].get("id")
    if voiding.data["object"].get("objectType") != "StatementRef":
        return
    target = db.session.scalar(sa.select(Statement).where(Statement.statement_id == uuid.UUID(target_id)))
    if target is not None and target.verb_id != VOIDED:
        target.voided = True


def statements_for_actor(key: str, *, newest_first: bool = True, limit: int | None = None) -> list[Statement]:
    """One actor's statements that are not voided (a learner's own record), with those
    of the external actors an admin linked to them."""
    query = sa.select(Statement).where(Statement.actor_key.in_(own_actor_keys(key)), Statement.voided.is_(False))
    query = query.order_by(Statement.seq.desc() if newest_first else Statement.seq)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


# External actors linked to learners ------------------------------------------------------
#
# An external app may name a learner by an e-mail address or its own account rather than
# the platform's account. An admin links such an actor to a learner; the link listeners
# (competence evidence) hear the actor's statements once, then, and again when it is undone.

LinkListener = Callable[[str, list[Statement], bool], None]  # (learner key, statements, linked?)
_link_listeners: list[LinkListener] = []
LINK_CHUNK = 1000


class LinkError(Refused):
    """An actor link an admin cannot make, with a message saying why."""


def add_link_listener(listener: LinkListener) -> None:
    """Other domains call this once at start-up to hear when an actor's statements start
    or stop counting as a learner's."""
    if listener not in _link_listeners:
        _link_listeners.append(listener)


@dataclass
class ExternalActor:
    key: str
    agent: dict          # the actor as its latest statement names it
    statements: int
    last_seen: datetime
    provider: str | None  # the name of the credentials that sent the latest statement
    learner_key: str | None


def _platform_prefix() -> str:
    return account_key("")


def _external(column):
    return sa.and_(~column.startswith(_platform_prefix(), autoescape=True), ~column.startswith("group:"))


def external_actors(search: str = "", page: int = 1, per_page: int = 50) -> tuple[list[ExternalActor], int]:
    """Actors of stored statements that are not platform accounts (nor groups), the most
    recently seen first, with how many statements each sent; and how many there are.
    Reads the actors table, then each listed actor's statements through its index."""
    conditions = [_external(Actor.actor_key)]
    if search.strip():
        conditions.append(Actor.actor_key.icontains(search.strip(), autoescape=True))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Actor).where(*conditions))
    last_seq = (sa.select(sa.func.max(Statement.seq)).where(Statement.actor_key == Actor.actor_key)
                .scalar_subquery())
    found = db.session.execute(sa.select(Actor.actor_key, last_seq.label("last_seq")).where(*conditions)
                               .order_by(sa.desc("last_seq"), Actor.actor_key).limit(per_page)
                               .offset((max(page, 1) - 1) * per_page)).all()
    keys = [row.actor_key for row in found]
    counts = dict(db.session.execute(sa.select(Statement.actor_key, sa.func.count()).where(
        Statement.actor_key.in_(keys)).group_by(Statement.actor_key)).all())
    latest = {row.seq: row for row in db.session.execute(sa.select(Statement.seq, Statement.data, Statement.stored)
                                                          .where(Statement.seq.in_([f.last_seq for f in found])))}
    links = dict(db.session.execute(sa.select(ActorLink.actor_key, ActorLink.learner_key).where(
        ActorLink.actor_key.in_(keys))).all())
    actors = []
    for row in found:
        data = latest[row.last_seq].data
        actors.append(ExternalActor(row.actor_key, data["actor"], counts[row.actor_key], latest[row.last_seq].stored,
                                    data.get("authority", {}).get("name"), links.get(row.actor_key)))
    return actors, total


def own_actor_keys(learner_key: str) -> list[str]:
    """The actors whose statements are the learner's: the learner's own account, and the
    external actors an admin linked to them."""
    return [learner_key, *linked_actor_keys(learner_key)]


def linked_actor_keys(learner_key: str) -> list[str]:
    return list(db.session.scalars(sa.select(ActorLink.actor_key).where(ActorLink.learner_key == learner_key)
                                   .order_by(ActorLink.actor_key)))


# Each process remembers the links (actor key: the credential it was linked from) for a
# few seconds, as it remembers credentials: checking every posted statement's actors against
# them would otherwise cost a query per request. A link or unlink takes effect at once in
# the process that made it and within LINKS_CACHE_SECONDS everywhere else. Kept per app, so
# each app (each database) has its own.
LINKS_CACHE_SECONDS = 2.0
_clock = time.monotonic


def link_providers() -> dict[str, int | None]:
    """{actor key: id of the credential it was linked from, or None} of every linked actor."""
    now = _clock()
    cached = current_app.extensions.get("lms.xapi.links")
    if cached is None or now - cached[0] >= LINKS_CACHE_SECONDS:
        links = dict(db.session.execute(sa.select(ActorLink.actor_key, ActorLink.credential_id)).all())
        cached = current_app.extensions["lms.xapi.links"] = (now, links)
    return cached[1]


def forget_links() -> None:
    current_app.extensions.pop("lms.xapi.links", None)


def links_from(credential_id: int) -> list[ActorLink]:
    """The actors linked to learners from this credential's statements (it alone, of the
    credentials without the right to speak for learners, may send statements about them)."""
    return list(db.session.scalars(sa.select(ActorLink).where(ActorLink.credential_id == credential_id)
                                   .order_by(ActorLink.linked_at.desc(), ActorLink.actor_key)))


def learners_of(actor_keys: Iterable[str]) -> dict[str, str]:
    """{actor key: learner key} for those of these actors an admin linked to a learner."""
    keys = [key for key in set(actor_keys) if not key.startswith(_platform_prefix())]
    if not keys:
        return {}
    return dict(db.session.execute(sa.select(ActorLink.actor_key, ActorLink.learner_key).where(
        ActorLink.actor_key.in_(keys))).all())


def _announce(actor_key: str, learner_key: str, linked: bool) -> None:
    """Tell the link listeners about the actor's statements, a chunk at a time (voided
    and voiding statements evidence nothing, so they are left out)."""
    after = 0
    while True:
        chunk = list(db.session.scalars(sa.select(Statement).where(
            Statement.actor_key == actor_key, Statement.voided.is_(False), Statement.verb_id != VOIDED,
            Statement.seq > after).order_by(Statement.seq).limit(LINK_CHUNK)))
        if not chunk:
            return
        for listener in _link_listeners:
            listener(learner_key, chunk, linked)
        after = chunk[-1].seq


def link_actor(actor_key: str, learner_key: str, *, identified_by_email_allowed: bool = True) -> int:
    """Count an external actor's statements, past and future, as the learner's. Returns
    how many statements the actor has. Flushes; the caller commits."""
    if actor_key.startswith(_platform_prefix()):
        raise LinkError(_l("This actor is a platform account already."))
    if actor_key.startswith("group:"):
        raise LinkError(_l("A group cannot be linked to one learner."))
    count = db.session.scalar(sa.select(sa.func.count()).where(Statement.actor_key == actor_key))
    if not count:
        raise LinkError(_l("No stored statement comes from this actor."))
    if not identified_by_email_allowed and actor_key.startswith(("mbox:", "mbox_sha1sum:")):
        raise LinkError(_l("This actor is an e-mail address, and a pupil's record never holds one."))
    current = db.session.get(ActorLink, actor_key)
    if current is not None:
        raise LinkError(_l("This actor is linked to a learner already: unlink it first."))
    db.session.add(ActorLink(actor_key=actor_key, learner_key=learner_key, credential_id=_provider_of(actor_key),
                             linked_at=utcnow()))
    db.session.flush()
    forget_links()
    _announce(actor_key, learner_key, True)
    db.session.flush()
    return count


def _provider_of(actor_key: str) -> int | None:
    """The credential that sent the actor's latest statement (what the admin's list of
    actors shows as its provider), if an external credential did."""
    latest = db.session.scalar(sa.select(Statement.data).where(Statement.actor_key == actor_key)
                               .order_by(Statement.seq.desc()).limit(1))
    credential = credentials.credential_of((latest or {}).get("authority"))
    return credential.id if credential is not None else None


def unlink_actor(actor_key: str) -> str:
    """Undo a link: the actor's statements stop counting as the learner's. Returns the
    learner's key. Flushes; the caller commits."""
    link = db.session.get(ActorLink, actor_key)
    if link is None:
        raise LinkError(_l("This actor is not linked to any learner."))
    learner_key = link.learner_key
    db.session.delete(link)
    db.session.flush()
    forget_links()
    _announce(actor_key, learner_key, False)
    db.session.flush()
    return learner_key
