"""Credentials for external apps that post to the LRS: issued and revoked by an admin,
who may also grant one the right to speak for the platform's learners."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lms.core.clock import utcnow
from lms.core.errors import Refused
from lms.extensions import db
from lms.xapi.models import (
    CREDENTIAL_NAME_LENGTH,
    GRANT_REASON_LENGTH,
    SCOPES,
    Credential,
    CredentialGrant,
    scopes_allow,
    scopes_read_every_statement,
)
from lms.xapi.vocabulary import platform_identity

KEY = re.compile(r"[0-9a-f]{1,64}")  # what secrets.token_hex makes, at most the column's length

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
    # An admin granted it the right to send statements about the platform's learners.
    speaks_for_learners: bool = False

    def allows(self, resource: str, write: bool = False) -> bool:
        return scopes_allow(self.scopes, resource, write)

    @property
    def reads_every_statement(self) -> bool:
        return scopes_read_every_statement(self.scopes)


class CredentialError(Refused):
    """A credential an admin cannot make or change; ``field`` names the form field."""


def issue(name: str, scopes: list[str]) -> tuple[Credential, str]:
    """A new credential and its secret, which is shown once and stored only hashed."""
    name = (name or "").strip()
    if not name:
        raise CredentialError(_l("Give the credential a name, such as the app that will use it."), "name")
    if len(name) > CREDENTIAL_NAME_LENGTH:
        raise CredentialError(_l("The name is longer than %(count)d characters.", count=CREDENTIAL_NAME_LENGTH),
                              "name")
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(SCOPES):
        raise CredentialError(_l("Choose at least one valid scope."), "scopes")
    secret = secrets.token_urlsafe(24)
    credential = Credential(name=name, key=secrets.token_hex(10), scopes=scopes,
                            created_at=utcnow(), secret_hash=_digest(secret))
    db.session.add(credential)
    db.session.flush()
    return credential, secret


def _digest(secret: str) -> str:
    # The secret is 192 random bits, not a person's password: a plain SHA-256 cannot be
    # brute-forced and costs microseconds, so every LRS request can be checked.
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def revoke(credential: Credential) -> None:
    credential.revoked_at = credential.revoked_at or utcnow()
    db.session.flush()
    forget_cached()


def grant_speaking_for_learners(credential: Credential, admin: uuid.UUID | None, reason: str = "") -> CredentialGrant:
    """Allow the credential to send statements about the platform's learners (their
    platform accounts, and actors linked to them). Recorded with who granted it and when.
    Flushes; the caller commits."""
    reason = (reason or "").strip()
    if len(reason) > GRANT_REASON_LENGTH:
        raise CredentialError(_l("The reason is longer than %(count)d characters.", count=GRANT_REASON_LENGTH),
                              "reason")
    if not credential.active:
        raise CredentialError(_l("These credentials are revoked: nothing can be granted to them."))
    if credential.active_grant is not None:
        raise CredentialError(_l("These credentials may speak for the platform’s learners already."))
    grant = CredentialGrant(credential=credential, reason=reason, granted_at=utcnow(), granted_by=admin)
    db.session.add(grant)
    db.session.flush()
    forget_cached()
    return grant


def withdraw_speaking_for_learners(credential: Credential, admin: uuid.UUID | None) -> CredentialGrant:
    """End the credential's right to speak for the platform's learners (the grant stays
    on record, with who withdrew it and when). Flushes; the caller commits."""
    grant = credential.active_grant
    if grant is None:
        raise CredentialError(_l("These credentials have no right to speak for the platform’s learners."))
    grant.withdrawn_at, grant.withdrawn_by = utcnow(), admin
    db.session.flush()
    forget_cached()
    return grant


def forget_cached() -> None:
    with _cache_lock:
        _cache.clear()


def all_credentials() -> list[Credential]:
    return list(db.session.scalars(sa.select(Credential).options(selectinload(Credential.grants))
                                   .order_by(Credential.revoked_at.is_not(None), Credential.created_at.desc())))


def get(credential_id: int) -> Credential | None:
    return db.session.get(Credential, credential_id)


def authenticate(key: str, secret: str) -> Caller | None:
    """The active credential for this key and secret, or None."""
    if not KEY.fullmatch(key):
        return None  # keys are hex: anything else (U+0000, 5,000 characters) is no key
    digest = _digest(secret)
    now = _clock()
    cached = _cache.get((key, digest))
    fresh = cached is not None and now - cached[0] < CACHE_SECONDS
    if fresh:
        caller = cached[1]
    else:
        granted = sa.exists().where(CredentialGrant.credential_id == Credential.id,
                                    CredentialGrant.withdrawn_at.is_(None))
        found = db.session.execute(sa.select(Credential, granted).where(Credential.key == key)).first()
        if found is None:
            return None
        credential, speaks_for_learners = found
        if not credential.active or not hmac.compare_digest(credential.secret_hash, digest):
            return None
        caller = Caller(credential.id, credential.key, credential.name, tuple(credential.scopes),
                        credential.last_used_at, bool(speaks_for_learners))
    moment = utcnow()
    if caller.last_used_at is None or moment - caller.last_used_at > LAST_USED_RESOLUTION:
        db.session.execute(sa.update(Credential).where(Credential.id == caller.id).values(last_used_at=moment))
        caller = replace(caller, last_used_at=moment)
    if not fresh or caller is not cached[1]:
        with _cache_lock:
            if len(_cache) > 1000:  # only valid credentials are kept: a safety net
                _cache.clear()
            _cache[(key, digest)] = (cached[0] if fresh else now, caller)
    return caller


AUTHORITY_PREFIX = "credential/"


def authority(credential: Credential | Caller) -> dict:
    """The statement authority for what this credential sends."""
    return {"objectType": "Agent", "name": credential.name,
            "account": {"homePage": platform_identity(),
                        "name": f"{AUTHORITY_PREFIX}{credential.key}"}}


def credential_of(authority_: dict | None) -> Credential | None:
    """The credential a stored statement's authority names, if an external credential sent it."""
    account = authority_.get("account") if isinstance(authority_, dict) else None
    name = account.get("name") if isinstance(account, dict) else None
    if not isinstance(name, str) or not name.startswith(AUTHORITY_PREFIX):
        return None
    return db.session.scalar(sa.select(Credential).where(Credential.key == name.removeprefix(AUTHORITY_PREFIX)))
