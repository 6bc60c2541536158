"""Sign-in sessions: one is started each time someone signs in, found again by the token
their cookies carry, and ended for good when they sign out, change or reset their
password, are deactivated or sign out everywhere. Ending one on the server refuses every
cookie that carries its token, on every app server, from the next request on.

Plain functions: they flush, the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import ua_parser
from flask import current_app
from sqlalchemy.orm import contains_eager

from lms.accounts.models import END_REASONS, SignInSession, User
from lms.core.clock import utcnow
from lms.extensions import db

# "Last active" moves on at most this often, so a signed-in page view costs one read
# and no write.
TOUCH_EVERY = timedelta(minutes=5)
# Ended and expired sessions are deleted this long after they stop, when their account
# signs in again.
KEEP_ENDED = timedelta(days=30)
# secrets.token_urlsafe(32) gives 43 characters; anything much longer is not a token.
MAX_TOKEN_LENGTH = 64
# The longest User-Agent header worth reading (they run to a few hundred characters).
MAX_USER_AGENT = 512
REMEMBER_DEFAULT = timedelta(days=365)  # Flask-Login's, when REMEMBER_COOKIE_DURATION is unset


def hash_token(token: str) -> str:
    """What the database keeps instead of the token. The token is 256 random bits, so a
    plain SHA-256 is enough: there is nothing to guess."""
    return hashlib.sha256(token.encode()).hexdigest()


def describe_device(user_agent: str) -> tuple[str | None, str | None]:
    """The browser and operating system a User-Agent header names (``("Firefox",
    "Linux")``), without versions; None for what it does not name."""
    parsed = ua_parser.parse(user_agent[:MAX_USER_AGENT])

    def family(part) -> str | None:
        if part is None or not part.family or part.family == "Other":
            return None
        return part.family[:40]

    return family(parsed.user_agent), family(parsed.os)


def _remember_lifetime() -> timedelta:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", REMEMBER_DEFAULT)
    return timedelta(seconds=duration) if isinstance(duration, int) else duration


def _idle_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["LMS_SESSION_IDLE_HOURS"])


def start(user: User, *, user_agent: str, remember: bool, now: datetime | None = None) -> SignInSession:
    """A new sign-in session for ``user`` on the device ``user_agent`` names, attached to
    ``user`` (``user.sign_in``) with its token, which only this request ever sees.

    A session kept signed in ("remember me") lasts as long as its cookie; one that is not
    ends after ``LMS_SESSION_IDLE_HOURS`` unused."""
    now = now or utcnow()
    _delete_stopped(user, now)
    token = secrets.token_urlsafe(32)
    browser, os = describe_device(user_agent)
    sign_in = SignInSession(
        token_hash=hash_token(token), user_id=user.id, remember=remember, created_at=now, last_seen_at=now,
        expires_at=now + (_remember_lifetime() if remember else _idle_lifetime()), browser=browser, os=os,
    )
    db.session.add(sign_in)
    db.session.flush()
    sign_in.token = token
    user.sign_in = sign_in
    return sign_in


def find(token: str, now: datetime | None = None) -> SignInSession | None:
    """The live session ``token`` names, with its user (``session.user``, whose
    ``sign_in`` is this session), or None: ended, expired, deactivated account, or not a
    token at all (a cookie from before sign-in sessions carries a bare public id).

    One indexed read: the session, its user and the user's roles in one statement."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    statement = (
        sa.select(SignInSession)
        .join(SignInSession.user)
        .options(contains_eager(SignInSession.user).joinedload(User.role_links))
        .where(SignInSession.token_hash == hash_token(token), SignInSession.ended_at.is_(None),
               SignInSession.expires_at > now, User.active.is_(True))
    )
    sign_in = db.session.scalars(statement).unique().one_or_none()
    if sign_in is None:
        return None
    sign_in.token = token
    sign_in.user.sign_in = sign_in
    return sign_in


def touch(sign_in: SignInSession, now: datetime | None = None) -> bool:
    """Note that the session is in use, at most every ``TOUCH_EVERY``; a session that is
    not kept signed in is good for another ``LMS_SESSION_IDLE_HOURS``. True when it
    changed something to commit."""
    now = now or utcnow()
    if now - sign_in.last_seen_at < TOUCH_EVERY:
        return False
    sign_in.last_seen_at = now
    if not sign_in.remember:
        sign_in.expires_at = now + _idle_lifetime()
    db.session.flush()
    return True


def end(sign_in: SignInSession, reason: str, now: datetime | None = None) -> None:
    """End one session for good (an ended session never comes back)."""
    if reason not in END_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    if sign_in.ended_at is None:
        sign_in.ended_at = now or utcnow()
        sign_in.end_reason = reason
        db.session.flush()


def end_all(user: User, reason: str, *, keep: SignInSession | None = None, now: datetime | None = None) -> int:
    """End every live session of ``user`` except ``keep`` (the device asking, when it
    stays signed in); returns how many ended. Their session and "remember me" cookies are
    refused from the next request on."""
    if reason not in END_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    statement = (
        sa.update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        statement = statement.where(SignInSession.id != keep.id)
    return db.session.execute(statement).rowcount


def live_sessions(user: User, now: datetime | None = None) -> list[SignInSession]:
    """The sessions ``user`` is signed in with, most recently active first."""
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None), SignInSession.expires_at > now)
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
    ))


def _delete_stopped(user: User, now: datetime) -> None:
    """Forget ``user``'s sessions that ended or expired more than ``KEEP_ENDED`` ago."""
    cutoff = now - KEEP_ENDED
    db.session.execute(
        sa.delete(SignInSession)
        .where(SignInSession.user_id == user.id,
               sa.or_(SignInSession.ended_at < cutoff, SignInSession.expires_at < cutoff))
        .execution_options(synchronize_session=False)
    )
