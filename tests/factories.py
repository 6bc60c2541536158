"""Data factories: real services, committed, so tests see what users would."""

from __future__ import annotations

from lms.accounts import services
from lms.extensions import db

PASSWORD = "correct horse battery"
_UNSET = object()


def make_user(username: str = "learner", *, audience: str = "adult", roles=("learner",),
              email=_UNSET, display_name: str | None = None, password: str = PASSWORD,
              active: bool = True, locale: str | None = None):
    if email is _UNSET:
        email = None if audience == "pupil" else f"{username}@example.org"
    user = services.create_user(
        username=username, password=password, audience=audience, roles=roles, email=email,
        display_name=display_name or username.replace("-", " ").title(), locale=locale,
    )
    user.active = active
    db.session.commit()
    return user
