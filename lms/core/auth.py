"""The one place that decides who may open a route."""

from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

from flask import abort
from flask_login import current_user

from lms.extensions import login_manager

F = TypeVar("F", bound=Callable)


def role_required(*roles: str) -> Callable[[F], F]:
    """Anonymous visitors are sent to log in; signed-in users without one of ``roles``
    get 403. With no roles, any signed-in user may pass."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


login_required = role_required()
