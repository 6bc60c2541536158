"""Forwarding every stored statement to an external LRS (Ralph, Learning Locker, ...).

``record()`` queues each new statement in the outbox in the caller's transaction. A
worker (``flask xapi forward``) sends due entries in batches; an answer that a statement
is already there counts as delivered (ids make resends harmless); a statement the LRS
rejects goes to a dead-letter state with the LRS's answer; anything else is retried with
exponential back-off and jitter. On PostgreSQL several workers share the queue with
``FOR UPDATE SKIP LOCKED``, so no row is sent by two workers at once.
"""

from __future__ import annotations

import base64
import json
import random
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from lms.core.clock import utcnow
from lms.extensions import db
from lms.xapi.models import OutboxEntry

BASE_DELAY = 2.0       # seconds before the first retry
MAX_DELAY = 15 * 60.0  # never wait longer than this between tries


def enabled() -> bool:
    return bool(current_app.config.get("LMS_XAPI_FORWARD_URL"))


def enqueue(seqs: list[int]) -> None:
    """Called by the one door with the seq of every newly stored statement (on
    PostgreSQL the one door writes the same rows in its own statement)."""
    if not seqs or not enabled():
        return
    now = utcnow()
    db.session.execute(sa.insert(OutboxEntry.__table__), [
        {"statement_seq": seq, "state": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        for seq in seqs])


@dataclass
class Answer:
    status: int | None  # None: no answer at all (refused connection, timeout)
    body: str = ""


@dataclass
class Target:
    url: str
    username: str | None
    password: str | None
    version: str = "1.0.3"
    timeout: float = 30.0

    @classmethod
    def from_config(cls) -> Target:
        config = current_app.config
        return cls(config["LMS_XAPI_FORWARD_URL"].rstrip("/"), config.get("LMS_XAPI_FORWARD_USERNAME"),
                   config.get("LMS_XAPI_FORWARD_PASSWORD"), config.get("LMS_XAPI_FORWARD_VERSION") or "1.0.3")

    def send(self, method: str, path: str, body) -> Answer:
        request = urllib.request.Request(f"{self.url}/{path}", method=method, data=json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("X-Experience-API-Version", self.version)
        if self.username:
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read().decode("utf-8", "replace")[:2000])
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode("utf-8", "replace")[:2000])
        except (urllib.error.URLError, OSError) as error:
            return Answer(None, str(getattr(error, "reason", error))[:2000])


@dataclass
class Report:
    delivered: int = 0
    dead: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)


def _as_sent(statement: dict) -> dict:
    # The external LRS sets its own stored time and authority.
    return {k: v for k, v in statement.items() if k not in ("stored", "authority")}


def _retry(entry: OutboxEntry, answer: Answer, report: Report) -> None:
    entry.attempts += 1
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** (entry.attempts - 1))
    entry.next_attempt_at = utcnow() + timedelta(seconds=delay * random.uniform(0.5, 1.0))
    entry.last_error = f"{answer.status or 'no answer'}: {answer.body}"[:2000]
    report.retried += 1
    report.errors.append(entry.last_error)


def _delivered(entry: OutboxEntry, report: Report) -> None:
    entry.state, entry.delivered_at, entry.last_error = "delivered", utcnow(), None
    report.delivered += 1


def _send_one(target: Target, entry: OutboxEntry, report: Report) -> None:
    statement = _as_sent(entry.statement.data)
    answer = target.send("PUT", f"statements?statementId={statement['id']}", statement)
    if answer.status in (200, 204, 409):
        # 204: stored (or the same statement was already there); 409: that id is taken.
        _delivered(entry, report)
    elif answer.status in (400, 403, 413):
        entry.state, entry.attempts = "dead", entry.attempts + 1
        entry.last_error = f"{answer.status}: {answer.body}"[:2000]
        report.dead += 1
    else:
        _retry(entry, answer, report)


def forward_once(target: Target | None = None, batch_size: int = 100) -> Report:
    """Send one batch of due entries and record the outcome. Commits."""
    target = target or Target.from_config()
    report = Report()
    entries = list(db.session.scalars(
        sa.select(OutboxEntry).where(OutboxEntry.state == "pending", OutboxEntry.next_attempt_at <= utcnow())
        .order_by(OutboxEntry.id).limit(batch_size).with_for_update(skip_locked=True)))
    if not entries:
        db.session.commit()
        return report
    answer = target.send("POST", "statements", [_as_sent(entry.statement.data) for entry in entries])
    if answer.status in (200, 204):
        # 204: some LRSs (Ralph) answer so when every statement in the batch was already stored.
        for entry in entries:
            _delivered(entry, report)
    elif answer.status in (400, 409, 413):
        # Something in the batch was refused or already there: settle each one on its own.
        for entry in entries:
            _send_one(target, entry, report)
    else:
        for entry in entries:
            _retry(entry, answer, report)
    db.session.commit()
    return report


def queue_state() -> dict:
    counts = dict(db.session.execute(sa.select(OutboxEntry.state, sa.func.count()).group_by(OutboxEntry.state)).all())
    oldest = db.session.scalar(sa.select(sa.func.min(OutboxEntry.created_at)).where(OutboxEntry.state == "pending"))
    dead = list(db.session.scalars(sa.select(OutboxEntry).where(OutboxEntry.state == "dead")
                                   .order_by(OutboxEntry.id.desc()).limit(50)))
    waiting = list(db.session.scalars(sa.select(OutboxEntry).where(
        OutboxEntry.state == "pending", OutboxEntry.attempts > 0).order_by(OutboxEntry.id).limit(10)))
    return {"pending": counts.get("pending", 0), "delivered": counts.get("delivered", 0),
            "dead": counts.get("dead", 0), "oldest_pending": oldest, "dead_entries": dead, "retrying": waiting}


def retry_dead() -> int:
    """Put every dead-letter entry back in the queue (after the LRS or the data was fixed)."""
    result = db.session.execute(sa.update(OutboxEntry).where(OutboxEntry.state == "dead").values(
        state="pending", next_attempt_at=utcnow(), attempts=0))
    db.session.flush()
    return result.rowcount
