"""Credentials for external apps that post to the LRS: issued and revoked by an admin."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from lms.extensions import db
from lms.xapi.models import SCOPES, Credential
from lms.xapi.vocabulary import platform_identity

# Writing last_used_at on every request would make every read a write; once a minute is
# enough to tell an admin which credentials are in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Each process remembers credentials it has checked for a few seconds: looking one up
# cost more than storing a statement. A revocation takes effect at once in the process
# that made it and within CACHE_SECONDS everywhere else.
CACHE_SECONDS = 2.0
_cache: dict[tuple[str, str], tuple[float, "Caller"]] = {}
_cache_lock = threading.Lock()
_clock = time.monotonic


@dataclass(frozen=True)
class Caller:
    """What a request needs of the credential it came with (a snapshot, not a row)."""

    id: int
    key: str
    name: str
    scopes: tuple[str, ...]
    last_used_at: datetime | None

    def allows(self, scope: str) -> bool:
        return "all" in self.scopes or scope in self.scopes


class CredentialError(ValueError):
    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def issue(name: str, scopes: list[str]) -> tuple[Credential, str]:
    """A new credential and its secret, which is shown once and stored only hashed."""
    from flask_babel import lazy_gettext as _l

    name = (name or "").strip()
    if not name:
        raise CredentialError(_l("Give the credential a name, such as the app that will use it."), "name")
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(SCOPES):
        raise CredentialError(_l("Choose at least one valid scope."), "scopes")
    secret = secrets.token_urlsafe(24)
    credential = Credential(name=name[:120], key=secrets.token_hex(10), scopes=scopes,
                            created_at=_now(), secret_hash=_digest(secret))
    db.session.add(credential)
    db.session.flush()
    return credential, secret


def _digest(secret: str) -> str:
    # The secret is 192 random bits, not a person's password: a plain SHA-256 cannot be
    # brute-forced and costs microseconds, so every LRS request can be checked.
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


def revoke(credential: Credential) -> None:
    credential.revoked_at = credential.revoked_at or _now()
    db.session.flush()
    forget_cached()


def forget_cached() -> None:
    with _cache_lock:
        _cache.clear()


def all_credentials() -> list[Credential]:
    return list(db.session.scalars(sa.select(Credential).order_by(Credential.revoked_at.is_not(None),
                                                                  Credential.created_at.desc())))


def get(credential_id: int) -> Credential | None:
    return db.session.get(Credential, credential_id)


def authenticate(key: str, secret: str) -> Caller | None:
    """The active credential for this key and secret, or None."""
    digest = _digest(secret)
    now = _clock()
    cached = _cache.get((key, digest))
    fresh = cached is not None and now - cached[0] < CACHE_SECONDS
    if fresh:
        caller = cached[1]
    else:
        credential = db.session.scalar(sa.select(Credential).where(Credential.key == key))
        if credential is None or not credential.active or not hmac.compare_digest(credential.secret_hash, digest):
            return None
        caller = Caller(credential.id, credential.key, credential.name, tuple(credential.scopes),
                        credential.last_used_at)
    moment = _now()
    if caller.last_used_at is None or moment - caller.last_used_at > LAST_USED_RESOLUTION:
        db.session.execute(sa.update(Credential).where(Credential.id == caller.id).values(last_used_at=moment))
        caller = replace(caller, last_used_at=moment)
    if not fresh or caller is not cached[1]:
        with _cache_lock:
            if len(_cache) > 1000:  # only valid credentials are kept: a safety net
                _cache.clear()
            _cache[(key, digest)] = (cached[0] if fresh else now, caller)
    return caller


def authority(credential: Credential | Caller) -> dict:
    """The statement authority for what this credential sends."""
    return {"objectType": "Agent", "name": credential.name,
            "account": {"homePage": platform_identity(), "name": f"credential/{credential.key}"}}
