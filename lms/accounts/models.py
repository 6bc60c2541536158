from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.extensions import db

AUDIENCES = ("pupil", "adult", "teacher")
ROLES = ("learner", "teacher", "admin")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (sa.CheckConstraint(_in("audience", AUDIENCES), name="audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The identity used outside the database: in URLs, sessions and xAPI statements.
    public_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(sa.String(32), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    audience: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set when the person was erased (lms.privacy.erasure): the row is then an anonymous
    # account that keeps only what programme figures count (audience, enrolments).
    erased_at: Mapped[datetime | None]
    # When `flask lms retention` warned that the unused account will be erased.
    retention_warned_at: Mapped[datetime | None]

    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The sign-in session this request runs under, with its token (lms.accounts.sessions
    # sets it when it starts or finds one); not a column.
    sign_in = None  # SignInSession | None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and "remember me" cookies: the sign-in
        session's token, never the account's id, so that ending the session on the
        server ends every cookie that carries it."""
        if self.sign_in is None or self.sign_in.token is None:
            raise RuntimeError("sign in through lms.accounts.signin.sign_in(), which starts a sign-in session")
        return self.sign_in.token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(link.role for link in self.role_links)

    def has_role(self, *names: str) -> bool:
        return not self.roles.isdisjoint(names)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


END_REASONS = ("signed-out", "signed-out-everywhere", "password-changed", "deactivated")


class SignInSession(db.Model):
    """One signing in on one device: the session and "remember me" cookies carry its
    token, and it is valid until it ends or expires. Only a hash of the token is stored,
    so a copy of the database cannot be used to sign in."""

    __tablename__ = "sign_in_session"
    __table_args__ = (sa.CheckConstraint(_in("end_reason", END_REASONS), name="end_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A session kept signed in lasts as long as its cookie; one that is not ends after a
    # while unused (lms.accounts.sessions moves this on as it is used).
    expires_at: Mapped[datetime]
    # The device, as its browser names itself: the browser and the operating system, with
    # no version and no address.
    browser: Mapped[str | None] = mapped_column(sa.String(40))
    os: Mapped[str | None] = mapped_column(sa.String(40))
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(24))

    user: Mapped[User] = relationship()

    # The token itself, known only to the request that started or presented it.
    token = None  # str | None

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} of user {self.user_id}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (sa.CheckConstraint(_in("role", ROLES), name="role"),)

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_links")
