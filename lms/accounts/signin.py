"""Flask-Login's side of sign-in sessions: the cookies of a signed-in visitor carry their
sign-in session's token (``User.get_id``), and every request finds the session again by
it. Every view that signs someone in or out goes through ``sign_in`` and ``sign_out``."""

from __future__ import annotations

from flask import request
from flask_login import current_user, login_user, logout_user

from lms.accounts import sessions
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.extensions import db, login_manager


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user whose live sign-in session ``token`` names (from the session cookie or
    the "remember me" cookie), or None, which signs the visitor out: the session ended,
    expired or belongs to a deactivated account.

    "Last active" is written only when this is the request's first use of the database,
    so that committing it can never commit a view's half-done work."""
    first_use = not db.session().in_transaction()
    sign_in = sessions.find(token)
    if sign_in is None:
        return None
    if first_use and sessions.touch(sign_in):
        db.session.commit()
    return sign_in.user


def sign_in(user: User, remember: bool = False) -> None:
    """Sign ``user`` in on the visitor's device with a new sign-in session; the caller
    commits (before the response leaves, or the cookies name a session that is not there).
    Every way in (a password, registering, joining a class with a code) is a sign-in the
    account's "last sign-in" shows."""
    user.last_login_at = utcnow()
    sessions.start(user, user_agent=request.headers.get("User-Agent", ""), remember=remember)
    login_user(user, remember=remember)


def current_session():
    """The sign-in session of this request's visitor, or None for anonymous visitors."""
    return current_user.sign_in if current_user.is_authenticated else None


def sign_out() -> None:
    """End the visitor's sign-in session for good and clear their cookies; the caller
    commits."""
    current = current_session()
    if current is not None:
        sessions.end(current, "signed-out")
    logout_user()
