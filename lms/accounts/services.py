"""Account operations. Plain functions: they flush, the caller commits."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from lms.accounts import sessions
from lms.accounts.models import AUDIENCES, ROLES, SignInSession, User, UserRole
from lms.core.clock import utcnow
from lms.core import text
from lms.core.errors import Refused
from lms.extensions import db

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
MIN_PASSWORD_LENGTH = 8
PASSWORD_METHOD = "scrypt"  # werkzeug's default cost; tests set a cheaper one in config
SELF_REGISTER_AUDIENCES = ("adult", "teacher")
RESET_SALT = "lms.password-reset"



def _hash_method() -> str:
    return current_app.config.get("LMS_PASSWORD_HASH_METHOD", PASSWORD_METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


@functools.cache
def _dummy_hash(method: str) -> str:
    # Checked against when no account matches, so a wrong username costs as long as a
    # wrong password and response times do not reveal which usernames exist.
    return generate_password_hash("not a real password", method=method)


class AccountError(Refused):
    """A request the account rules refuse; ``field`` names the form field to blame."""


class LastAdminError(AccountError):
    pass


def normalise_username(username: str) -> str:
    return username.strip().lower()


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip()
    return email.lower() or None


def validate_username(username: str) -> str:
    refused = text.name_problem(username, _l("Username"))
    if refused:
        raise AccountError(refused, "username")
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError(
            _l("A username has 3 to 32 characters: Latin letters, digits, dots, dashes and "
               "underscores, starting with a letter or digit."),
            "username",
        )
    return username


def validate_display_name(display_name: str) -> str:
    """The name as it will be shown: trimmed, not empty, nothing hidden in it."""
    display_name = (display_name or "").strip()
    if not display_name:
        raise AccountError(_l("Enter a display name."), "display_name")
    refused = text.name_problem(display_name, _l("Display name"))
    if refused:
        raise AccountError(refused, "display_name")
    return display_name


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password must have at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            field,
        )


def find_by_login(identifier: str) -> User | None:
    """The user whose username or e-mail address is ``identifier`` (any case)."""
    identifier = identifier.strip().lower()
    if not identifier:
        return None
    column = User.email if "@" in identifier else User.username
    return db.session.scalar(sa.select(User).where(column == identifier))


def get_by_public_id(public_id) -> User | None:
    return db.session.scalar(sa.select(User).where(User.public_id == public_id))


def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    audience: str,
    email: str | None = None,
    roles: Iterable[str] = ("learner",),
    locale: str | None = None,
) -> User:
    """Create an account after checking every rule; raises ``AccountError`` naming the
    field at fault. Pupils never have an e-mail address."""
    username = validate_username(username)
    email = normalise_email(email)
    display_name = validate_display_name(display_name)
    roles = set(roles)
    if audience not in AUDIENCES:
        raise AccountError(_l("Choose who the account is for."), "audience")
    if audience == "pupil" and email:
        raise AccountError(_l("Pupils' accounts have no e-mail address."), "email")
    if not roles or not roles <= set(ROLES):
        raise AccountError(_l("Choose at least one valid role."), "roles")
    validate_password(password)
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountError(_l("This username is taken. Please choose another."), "username")
    if email and db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise AccountError(_l("An account with this e-mail address already exists."), "email")

    user = User(
        username=username,
        email=email,
        display_name=display_name,
        audience=audience,
        locale=locale or None,
        password_hash=hash_password(password),
        role_links=[UserRole(role=role) for role in sorted(roles)],
    )
    db.session.add(user)
    try:
        # A savepoint: a concurrent insert of the same name fails here, not at commit.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise AccountError(_l("This username or e-mail address is taken."), "username") from None
    return user


def register(*, username: str, email: str, password: str, display_name: str,
             audience: str, locale: str | None = None) -> User:
    """Self-registration for adults and teachers (pupils join through a class)."""
    if audience not in SELF_REGISTER_AUDIENCES:
        raise AccountError(_l("Pupils join through their teacher's class code."), "audience")
    if not normalise_email(email):
        raise AccountError(_l("Enter your e-mail address."), "email")
    return create_user(username=username, email=email, password=password,
                       display_name=display_name, audience=audience, locale=locale)


def authenticate(identifier: str, password: str) -> User | None:
    """The active user with these credentials, or None; never says which part was wrong."""
    user = find_by_login(identifier)
    if user is None:
        check_password_hash(_dummy_hash(_hash_method()), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def set_password(user: User, password: str, *, keep: SignInSession | None = None) -> None:
    """A new password ends every sign-in session of the account, and so every "remember
    me" cookie, except ``keep`` (the session of the person who changed it)."""
    validate_password(password)
    user.password_hash = hash_password(password)
    sessions.end_all(user, "password-changed", keep=keep)
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str, *,
                    keep: SignInSession | None = None) -> None:
    """The account's own change of password: every other sign-in session ends, ``keep``
    (the one asking) stays."""
    if not check_password_hash(user.password_hash, current_password):
        raise AccountError(_l("The current password is not right."), "current_password")
    validate_password(new_password, "new_password")
    set_password(user, new_password, keep=keep)


def update_settings(user: User, *, display_name: str, locale: str | None) -> None:
    user.display_name = validate_display_name(display_name)
    user.locale = locale or None
    db.session.flush()


def on_language_chosen(user: User, locale: str) -> None:
    """Keep a signed-in person's language choice (the switch in every page's footer) on
    their account; registered with ``lms.core.i18n.add_language_listener``."""
    update_settings(user, display_name=user.display_name, locale=locale)


# Password reset -----------------------------------------------------------------------

def _password_fingerprint(user: User) -> str:
    # Tied to the current hash: once the password changes, every earlier link is void.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)


def make_reset_token(user: User, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps({"u": str(user.public_id), "p": _password_fingerprint(user)})


def user_for_reset_token(token: str, secret_key: str, max_age: int) -> User:
    """The user a reset link was made for; ``AccountError`` if it is expired, forged,
    already used or the account is closed."""
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccountError(_l("This password-reset link has expired. Please ask for a new one.")) from None
    except BadSignature:
        raise AccountError(_l("This password-reset link is not valid. Please ask for a new one.")) from None
    user = None
    if isinstance(data, dict) and isinstance(data.get("u"), str):
        try:
            user = get_by_public_id(uuid.UUID(data["u"]))
        except ValueError:
            user = None
    if user is None or not user.active or not hmac.compare_digest(str(data.get("p", "")), _password_fingerprint(user)):
        raise AccountError(_l("This password-reset link is not valid any more. Please ask for a new one."))
    return user


def reset_password(token: str, new_password: str, secret_key: str, max_age: int) -> User:
    """Set the password a reset link was made for; every sign-in session of the account
    ends (whoever knew the old password is signed out everywhere)."""
    user = user_for_reset_token(token, secret_key, max_age)
    set_password(user, new_password)
    return user


def user_for_reset_request(email: str) -> User | None:
    """The active account a reset e-mail may go to; None says nothing to the visitor."""
    email = normalise_email(email)
    if not email:
        return None
    user = db.session.scalar(sa.select(User).where(User.email == email))
    return user if user is not None and user.active else None


# Administration -----------------------------------------------------------------------

def _other_active_admins(user: User) -> int:
    """Count the other active admins, locking their rows so two admins demoting each
    other at the same moment cannot both succeed (PostgreSQL; SQLite serialises writes)."""
    rows = db.session.scalars(
        sa.select(User.id)
        .join(UserRole)
        .where(UserRole.role == "admin", User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    return len(rows)


def set_roles(user: User, roles: Iterable[str]) -> None:
    roles = set(roles)
    if not roles or not roles <= set(ROLES):
        raise AccountError(_l("Choose at least one valid role."), "roles")
    if user.has_role("admin") and "admin" not in roles and user.active and not _other_active_admins(user):
        raise LastAdminError(_l("This is the last administrator: make someone else an administrator first."), "roles")
    current = {link.role: link for link in user.role_links}
    for role, link in current.items():
        if role not in roles:
            user.role_links.remove(link)
    for role in sorted(roles - current.keys()):
        user.role_links.append(UserRole(role=role))
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Deactivating ends every sign-in session of the account at once; reactivating lets
    it sign in again but brings none of them back."""
    if not active and user.active and user.has_role("admin") and not _other_active_admins(user):
        raise LastAdminError(_l("This is the last administrator: make someone else an administrator first."))
    user.active = active
    if not active:
        sessions.end_all(user, "deactivated")
    db.session.flush()


@dataclass(frozen=True)
class UserFilter:
    query: str = ""
    role: str | None = None
    audience: str | None = None
    status: str | None = None  # "active", "inactive" or None for both


def search_users(filters: UserFilter, page: int = 1, per_page: int = 50):
    """A page of users matching the filters, newest first; erased people's anonymous
    accounts are not people any more and are left out."""
    statement = sa.select(User).where(User.erased_at.is_(None)).order_by(User.created_at.desc(), User.id.desc())
    if filters.query:
        pattern = "%" + filters.query.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(sa.or_(
            User.username.like(pattern, escape="\\"),
            User.email.like(pattern, escape="\\"),
            sa.func.lower(User.display_name).like(pattern, escape="\\"),
        ))
    if filters.role in ROLES:
        statement = statement.where(User.role_links.any(UserRole.role == filters.role))
    if filters.audience in AUDIENCES:
        statement = statement.where(User.audience == filters.audience)
    if filters.status == "active":
        statement = statement.where(User.active.is_(True))
    elif filters.status == "inactive":
        statement = statement.where(User.active.is_(False))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


DEMO_ACCOUNTS = (
    # username, display name, audience, roles, e-mail, password
    ("demo-admin", "Programme Manager", "adult", ("learner", "admin"), "admin@demo.invalid", "demo-admin-pass"),
    ("demo-teacher", "Ilze Teacher", "teacher", ("learner", "teacher"), "teacher@demo.invalid", "demo-teacher-pass"),
    ("demo-adult", "Jānis Learner", "adult", ("learner",), "adult@demo.invalid", "demo-adult-pass"),
    ("demo-pupil", "Pupil Anna", "pupil", ("learner",), None, "demo-pupil-pass"),
)


def seed_demo() -> list[tuple[str, str, str, bool]]:
    """Create the demo accounts that are missing; returns (username, password, roles,
    created) for each. Running it again changes nothing."""
    result = []
    for username, name, audience, roles, email, password in DEMO_ACCOUNTS:
        existing = find_by_login(username)
        if existing is None:
            create_user(username=username, password=password, display_name=name,
                        audience=audience, email=email, roles=roles)
        result.append((username, password, ", ".join(roles), existing is None))
    return result
