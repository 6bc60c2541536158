"""The document resources of the LRS: State, Activity Profile and Agent Profile, with
ETag concurrency; and what the Activities and Agents resources answer."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa

from lms.core.sql import insert_skipping_duplicates
from lms.core.clock import utcnow
from lms.extensions import db
from lms.xapi.models import ActivityDefinition, Document


class DocumentError(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _now() -> datetime:
    """Now, to the millisecond: xAPI timestamps of documents carry no finer part."""
    moment = utcnow()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()


def _key(kind, activity_id="", agent_key="", registration="", document_id=""):
    return (Document.kind == kind, Document.activity_id == activity_id, Document.agent_key == agent_key,
            Document.registration == registration, Document.document_id == document_id)


def get(kind: str, document_id: str, **where) -> Document | None:
    return db.session.scalar(sa.select(Document).where(*_key(kind, document_id=document_id, **where)))


def list_ids(kind: str, since: datetime | None = None, **where) -> list[str]:
    conditions = [c for c in _key(kind, **where)][:-1]  # every key part but the document id
    query = sa.select(Document.document_id).where(*conditions)
    if since is not None:
        query = query.where(Document.updated > since)
    return list(db.session.scalars(query.order_by(Document.document_id)))


def _check_preconditions(existing: Document | None, if_match: str | None, if_none_match: str | None,
                         concurrency: bool, lenient_create: bool = False) -> None:
    if if_match is not None:
        tags = [t.strip().strip('"') for t in if_match.split(",")]
        if existing is None or ("*" not in tags and existing.etag not in tags):
            raise DocumentError(412, "If-Match does not match the document's current ETag.")
    if if_none_match is not None:
        if existing is not None and if_none_match.strip() == "*":
            raise DocumentError(412, "If-None-Match: * but the document exists.")
    if concurrency and if_match is None and if_none_match is None:
        if existing is not None:
            raise DocumentError(409, "The document exists: send If-Match with its ETag.")
        if lenient_create:
            return
        raise DocumentError(400, "Send If-None-Match: * to create a profile, or If-Match with the ETag to replace one.")


def put(kind: str, document_id: str, content: bytes, content_type: str, *, if_match=None, if_none_match=None,
        concurrency=False, lenient_create=False, **where) -> Document:
    """Create or replace a document."""
    existing = get(kind, document_id, **where)
    _check_preconditions(existing, if_match, if_none_match, concurrency, lenient_create)
    document = existing or Document(kind=kind, document_id=document_id, **where)
    document.content, document.content_type = content, content_type or "application/octet-stream"
    document.etag, document.updated = etag_of(content), _now()
    db.session.add(document)
    db.session.flush()
    return document


def _json_object(content: bytes) -> dict | None:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def post(kind: str, document_id: str, content: bytes, content_type: str, *, if_match=None, if_none_match=None,
         **where) -> Document:
    """Create a document, or merge a JSON object into an existing JSON object (one level
    deep, the new values replacing the old)."""
    existing = get(kind, document_id, **where)
    _check_preconditions(existing, if_match, if_none_match, False)
    if existing is None:
        return put(kind, document_id, content, content_type, **where)
    old, new = _json_object(existing.content), _json_object(content)
    is_json = (content_type or "").split(";")[0].strip() == "application/json"
    if old is None or new is None or not is_json or not existing.content_type.startswith("application/json"):
        raise DocumentError(400, "POST merges JSON objects: both documents must be application/json objects.")
    merged = json.dumps({**old, **new}, ensure_ascii=False).encode()
    existing.content, existing.etag, existing.updated = merged, etag_of(merged), _now()
    db.session.flush()
    return existing


def delete(kind: str, document_id: str | None, *, if_match=None, **where) -> None:
    if document_id is not None:
        existing = get(kind, document_id, **where)
        if if_match is not None:
            _check_preconditions(existing, if_match, None, False)
        if existing is not None:
            db.session.delete(existing)
    else:
        conditions = [c for c in _key(kind, **where)][:-1]
        db.session.execute(sa.delete(Document).where(*conditions))
    db.session.flush()


# Activities and agents ------------------------------------------------------------------

def definitions_in(statements: list[dict]) -> dict[str, dict]:
    """{activity id: definition} of the activities a batch defines, merged in order."""
    incoming: dict[str, dict] = {}
    for data in statements:
        for activity in _activities_with_definitions(data):
            key = activity["id"][:1024]
            incoming[key] = _merge(incoming.get(key, {}), activity["definition"])
    return incoming


# The same merge as ``_merge``, in PostgreSQL's terms, for the one door's single statement.
MERGE_SQL = ("({old} || {new}"
             " || CASE WHEN {new} ? 'name' THEN jsonb_build_object('name', COALESCE({old}->'name', '{{}}') || ({new}->'name'))"
             " ELSE '{{}}' END"
             " || CASE WHEN {new} ? 'description' THEN jsonb_build_object('description',"
             " COALESCE({old}->'description', '{{}}') || ({new}->'description')) ELSE '{{}}' END)")


def remember_definitions(statements: list[dict]) -> None:
    """Merge the activity definitions a batch carries into the Activities resource: one
    query for the known ones, writes only where something changed."""
    incoming = definitions_in(statements)
    if not incoming:
        return
    table = ActivityDefinition.__table__
    known = dict(db.session.execute(sa.select(table.c.activity_id, table.c.definition).where(
        table.c.activity_id.in_(list(incoming)))).all())
    new = [{"activity_id": key, "definition": definition} for key, definition in incoming.items() if key not in known]
    if new:
        # Two requests may bring the same new activity at once: the first one's definition stands.
        db.session.execute(insert_skipping_duplicates(table, "activity_id"), new)
    for key, definition in incoming.items():
        if key in known:
            merged = _merge(known[key], definition)
            if merged != known[key]:
                db.session.execute(sa.update(table).where(table.c.activity_id == key).values(definition=merged))


def _merge(old: dict, new: dict) -> dict:
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description") and isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


def _activities_with_definitions(data: dict):
    target = data.get("object", {})
    candidates = [target] if target.get("objectType", "Activity") == "Activity" else []
    if target.get("objectType") == "SubStatement":
        inner = target.get("object", {})
        if inner.get("objectType", "Activity") == "Activity":
            candidates.append(inner)
    for entries in data.get("context", {}).get("contextActivities", {}).values():
        candidates += entries if isinstance(entries, list) else [entries]
    return [c for c in candidates if isinstance(c.get("definition"), dict) and c.get("id")]


def activity(activity_id: str) -> dict:
    row = db.session.get(ActivityDefinition, activity_id)
    out = {"objectType": "Activity", "id": activity_id}
    if row is not None:
        out["definition"] = row.definition
    return out


def person(agent: dict, seen_in: sa.Select) -> dict:
    """The Person object for an agent: every name and identifier seen with its IFI in the
    statements ``seen_in`` selects (their data; those that name the agent and that the
    caller may read)."""
    person = {"objectType": "Person"}
    names = []
    rows = db.session.scalars(seen_in.limit(200))
    for data in rows:
        actor = data.get("actor", {})
        if actor.get("name") and actor.get("name") not in names and _same_ifi(actor, agent):
            names.append(actor["name"])
    if agent.get("name") and agent["name"] not in names:
        names.insert(0, agent["name"])
    if names:
        person["name"] = names
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        if ifi in agent:
            person[ifi] = [agent[ifi]]
    return person


def _same_ifi(one: dict, other: dict) -> bool:
    return any(key in one and one.get(key) == other.get(key) for key in ("mbox", "mbox_sha1sum", "openid", "account"))
