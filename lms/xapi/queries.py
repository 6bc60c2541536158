"""The LRS's statement queries (xAPI 1.0.3, GET /statements): the filters, what a reader
may see, the signed ``more`` cursor that continues a page, and the output formats
(``exact``, ``ids``, ``canonical``). Plain functions with explicit arguments, no
``request``: ``lms.xapi.api`` parses HTTP and calls them. A bad parameter raises
``QueryError`` naming it, which the API answers with a 400."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Mapping

import sqlalchemy as sa
from itsdangerous import BadData, URLSafeSerializer

from lms.core.errors import Refused
from lms.extensions import db
from lms.xapi import credentials, services
from lms.xapi.models import Statement
from lms.xapi.validation import IRI, BadJSON, is_uuid, load_json, parse_timestamp, validate_statement

MAX_LIMIT = 500
FORMATS = ("exact", "ids", "canonical")


class QueryError(Refused):
    """A parameter the LRS cannot use; the message names it and says what is wrong."""


@dataclass(frozen=True)
class Reader:
    """Who reads: a credential (its scopes say whether it reads every statement), or a
    signed-in learner's browser (``learner_keys``: their own actors)."""

    credential: credentials.Caller | None = None
    learner_keys: list[str] | None = None


@dataclass(frozen=True)
class Page:
    statements: list[Statement]
    more: str | None  # the signed cursor for the next page, or None at the end


def load_agent(text: str) -> dict:
    """The agent of an ``agent`` parameter, valid (as a statement's actor would be)."""
    try:
        agent = load_json(text)
    except BadJSON as error:
        raise QueryError(f"agent: not valid JSON: {error}") from None
    problems = validate_statement({"actor": agent, "verb": {"id": "http://x/v"}, "object": {"id": "http://x/o"}})
    if problems:
        raise QueryError("agent: " + "; ".join(p.removeprefix("actor") for p in problems))
    return agent


def parse_time(name: str, value: str | None) -> datetime | None:
    """A ``since``/``until`` parameter as naive UTC, or None when not given."""
    if value is None:
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        raise QueryError(f"{name}: must be an ISO 8601 timestamp")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def visible(query, reader: Reader):
    """Limit to what the reader may read: their own statements only, where that is the scope."""
    if reader.learner_keys is not None:
        return query.where(Statement.actor_key.in_(reader.learner_keys))
    if reader.credential is not None and not reader.credential.reads_every_statement:
        authority_key = services.actor_key(credentials.authority(reader.credential))
        return query.where(services.naming_agent(authority_key, related=True))
    return query


def single(statement_id: str, voided: bool, reader: Reader) -> Statement | None:
    """One statement by id (a voided one when ``voided``), if the reader may see it."""
    row = db.session.scalar(visible(sa.select(Statement).where(Statement.statement_id == uuid.UUID(statement_id)),
                                    reader))
    if row is None or row.voided != voided:
        return None
    return row


def cursors(secret_key) -> URLSafeSerializer:
    """``more`` links are signed with the app's secret key, so none can be altered or made up."""
    return URLSafeSerializer(secret_key, salt="lms.xapi.more")


def _conditions(get: Callable[[str], str | None]) -> list:
    conditions = []
    if get("agent"):
        key = services.actor_key(load_agent(get("agent")))
        conditions.append(services.naming_agent(key, related=get("related_agents") == "true"))
    if get("verb"):
        if not IRI.match(get("verb")):
            raise QueryError("verb: must be an IRI")
        conditions.append(Statement.verb_id == get("verb"))
    if get("activity"):
        if not IRI.match(get("activity")):
            raise QueryError("activity: must be an IRI")
        conditions.append(services.naming_activity(get("activity"), related=get("related_activities") == "true"))
    if get("registration"):
        if not is_uuid(get("registration").lower()):
            raise QueryError("registration: must be a UUID")
        conditions.append(Statement.registration == uuid.UUID(get("registration")))
    for name in ("related_activities", "related_agents", "ascending"):
        if get(name) not in (None, "true", "false"):
            raise QueryError(f"{name}: must be true or false")
    return conditions


def _limit(get: Callable[[str], str | None]) -> int:
    value = get("limit")
    try:
        limit = int("0" if value is None else value)
    except ValueError:
        raise QueryError("limit: must be a whole number") from None
    if limit < 0:
        raise QueryError("limit: must not be negative")
    return MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)


def statements(args: Mapping[str, str], reader: Reader, secret_key) -> tuple[Page, dict]:
    """A page of the statements matching the query ``args`` (or continuing the ``more``
    cursor among them), newest first unless ``ascending``; returns the page and the
    parameters in force (a cursor carries the first request's)."""
    after = None
    if "more" in args:
        try:
            cursor = cursors(secret_key).loads(args["more"])
            params, after = dict(cursor["p"]), int(cursor["after"])
        except (BadData, ValueError, KeyError, TypeError):
            raise QueryError("more: not a link this LRS gave out, or it was altered") from None
        since = datetime.fromisoformat(params["since"]) if params.get("since") else None
        until = datetime.fromisoformat(params["until"]) if params.get("until") else None
    else:
        params = dict(args)
        since, until = None, None
    get = params.get
    conditions = _conditions(get)
    if "more" not in args:
        since, until = parse_time("since", args.get("since")), parse_time("until", args.get("until"))
    query = visible(sa.select(Statement).where(Statement.voided.is_(False)), reader)
    if conditions:
        # Statements that target a matching statement (voiding ones, StatementRefs) match
        # too. The candidates are found first through the indexes, then fetched by key.
        direct = sa.select(Statement.seq).where(*conditions)
        targeting = sa.select(Statement.seq).where(
            Statement.ref_target.is_not(None),  # as its partial index says
            Statement.ref_target.in_(sa.select(Statement.statement_id).where(*conditions)))
        candidates = sa.union(direct, targeting).cte("candidates").prefix_with("MATERIALIZED", dialect="postgresql")
        query = query.where(Statement.seq.in_(sa.select(candidates.c.seq)))
    if since is not None:
        query = query.where(Statement.stored > since)
    if until is not None:
        query = query.where(Statement.stored <= until)
    limit = _limit(get)
    ascending = get("ascending") == "true"
    if after is not None:
        query = query.where(Statement.seq > after if ascending else Statement.seq < after)
    query = query.order_by(Statement.seq.asc() if ascending else Statement.seq.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query))
    more = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor_params = dict(params)
        if since is not None:
            cursor_params["since"] = since.isoformat()
        if until is not None:
            cursor_params["until"] = until.isoformat()
        more = cursors(secret_key).dumps({"p": cursor_params, "after": rows[-1].seq})
    return Page(rows, more), params


# Output formats ------------------------------------------------------------------------

def formatted(data: dict, fmt: str, best_language: Callable[[list[str]], str | None]) -> dict:
    """A stored statement in the asked format; ``best_language`` picks among a language
    map's keys for ``canonical`` (the request's Accept-Language)."""
    if fmt == "ids":
        return ids_format(data)
    if fmt == "canonical":
        return canonical(data, best_language)
    return data


def _ids_only_agent(agent: dict) -> dict:
    kept = {k: v for k, v in agent.items() if k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account")}
    if "member" in agent and services.actor_key(agent).startswith("group:"):
        kept["member"] = [_ids_only_agent(member) for member in agent["member"]]
    return kept


def ids_format(data: dict) -> dict:
    """``format=ids``: agents by their identifiers only, activities and verbs by id."""
    out = dict(data)
    out["actor"] = _ids_only_agent(data["actor"])
    out["verb"] = {"id": data["verb"]["id"]}
    target = data["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = {"id": target["id"]}
    elif kind in ("Agent", "Group"):
        out["object"] = _ids_only_agent(target)
    elif kind == "SubStatement":
        out["object"] = {**ids_format(target), "objectType": "SubStatement"}
    if "authority" in data:
        out["authority"] = _ids_only_agent(data["authority"])
    if "context" in data:
        context = dict(data["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_only_agent(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [{"id": entry["id"]} for entry in entries]
                for key, entries in context["contextActivities"].items()}
        out["context"] = context
    return out


def _pick_language(language_map: dict, best_language) -> dict:
    if not isinstance(language_map, dict) or not language_map:
        return language_map
    best = best_language(list(language_map)) or next(iter(language_map))
    return {best: language_map[best]}


def canonical(value, best_language: Callable[[list[str]], str | None]):
    """``format=canonical``: every language map cut to the one language the reader prefers."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("display", "name", "description") and isinstance(item, dict) and all(
                    isinstance(v, str) for v in item.values()):
                out[key] = _pick_language(item, best_language)
            else:
                out[key] = canonical(item, best_language)
        return out
    if isinstance(value, list):
        return [canonical(item, best_language) for item in value]
    return value
