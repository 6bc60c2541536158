"""What an external credential may say in the statements it sends.

Statements are evidence of what a learner did, so only those entitled to give it may:

- an external credential speaks only for actors of its own. A platform account (an
  agent whose ``account.homePage`` is the platform's) is a learner of this platform, and an
  actor an admin linked to a learner counts as that learner: the credential sends
  statements about them only if an admin granted it the right to speak for the platform's
  learners, or (for a linked actor) if its statements were the ones linked;
- a credential voids only statements whose authority is that credential, so nobody but
  the platform voids the platform's own statements.

``refusals`` names every such problem in a batch; the LRS refuses the whole batch (403)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import sqlalchemy as sa

from lms.extensions import db
from lms.xapi import credentials, services, vocabulary
from lms.xapi.credentials import Caller
from lms.xapi.models import Statement


def _home(url: str) -> str:
    """A homePage compared as a browser would: scheme and host in any case, with or
    without the trailing slash."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def is_platform_account(agent: dict, platform_home: str | None = None) -> bool:
    """Whether this agent (or identified group) is an account of the platform itself."""
    account = agent.get("account") if isinstance(agent, dict) else None
    if not isinstance(account, dict) or not isinstance(account.get("homePage"), str):
        return False
    return _home(account["homePage"]) == (platform_home or _home(vocabulary.base_url()))


def speakers(data: dict):
    """(path, agent) of every agent a statement speaks for: its actor, a group actor's
    members, and the same in a SubStatement."""
    statements = [("", data)]
    target = data.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        statements.append(("object.", target))
    for prefix, statement in statements:
        actor = statement.get("actor")
        if not isinstance(actor, dict):
            continue
        yield f"{prefix}actor", actor
        for index, member in enumerate(actor.get("member") or []):
            yield f"{prefix}actor.member[{index}]", member


def refusals(caller: Caller, batch: list[dict]) -> list[str]:
    """What in these valid statements the credential may not say, each named by its path."""
    problems: list[str] = []
    own = credentials.authority(caller)
    own_key = services.actor_key(own)
    platform_home = _home(vocabulary.base_url())
    actors: dict[str, list[str]] = {}
    for index, data in enumerate(batch):
        for path, agent in speakers(data):
            key = services.actor_key(agent)
            if key == own_key or caller.speaks_for_learners:
                continue
            if is_platform_account(agent, platform_home):
                problems.append(f"statements[{index}].{path}: is an account of this platform, one of its learners; "
                                "these credentials may not send statements about the platform's learners "
                                "(an admin can grant them that right)")
            else:
                actors.setdefault(key, []).append(f"statements[{index}].{path}")
    problems += _linked_to_others(actors, caller)
    problems += _voiding_others(batch, own_key)
    return problems


def _linked_to_others(actors: dict[str, list[str]], caller: Caller) -> list[str]:
    """Actors an admin linked to a learner from another provider's statements."""
    links = services.link_providers()
    return [f"{path}: is linked to a learner of this platform from another provider's statements; "
            "only that provider, or credentials granted the right to speak for the platform's learners, "
            "may send statements about them"
            for key, paths in actors.items() if key in links and links[key] != caller.id for path in paths]


def _voiding_others(batch: list[dict], own_key: str) -> list[str]:
    """Voiding statements whose target was sent by someone else (a target not stored yet
    voids nothing)."""
    targets: dict[uuid.UUID, list[int]] = {}
    for index, data in enumerate(batch):
        target = data["object"]
        if data["verb"]["id"] == services.VOIDED and target.get("objectType") == "StatementRef":
            targets.setdefault(uuid.UUID(target["id"]), []).append(index)
    if not targets:
        return []
    stored = db.session.execute(sa.select(Statement.statement_id, Statement.data).where(
        Statement.statement_id.in_(list(targets)))).all()
    return [f"statements[{index}].object: voids a statement that these credentials did not send; "
            "credentials void only their own statements"
            for statement_id, data in stored
            if not isinstance(data.get("authority"), dict) or services.actor_key(data["authority"]) != own_key
            for index in targets[statement_id]]
