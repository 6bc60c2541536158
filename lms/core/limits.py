"""How much a request may carry, decided before any view runs.

- Bodies: every request may send at most ``LMS_MAX_REQUEST_BYTES`` (Flask's
  ``MAX_CONTENT_LENGTH``, and ``MAX_FORM_MEMORY_SIZE`` for one form field); a blueprint
  whose clients send more (the LRS, with attachments) raises its own requests' limit with
  ``allow_larger_requests``, and a view that takes files (a task's hand-in) with
  ``larger_requests``. Over the limit the body is not read: 413, nothing changed.
- Numbers in URLs and page numbers: a number its column cannot hold would reach the
  database and fail there (SQLite cannot bind one over 64 bits; PostgreSQL casts the
  parameter to the column's type and refuses one over 32 bits for an ``Integer``); here it
  is a 404, or the last page there can be. ``<int:...>`` is an ``Integer`` id (32 bits),
  ``<bigint:...>`` a ``BigInteger`` one (a statement's ``seq``).
"""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from lms.config import ConfigError

MAX_INT = 2**31 - 1     # the largest value of an Integer column on PostgreSQL
MAX_BIGINT = 2**63 - 1  # of a BigInteger column (and of any SQLite integer)
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """``<int:...>``: only numbers an ``Integer`` id can be match; others are a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BigIdConverter(IdConverter):
    """``<bigint:...>``: a ``BigInteger`` id."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_BIGINT, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_arg(name: str = "page") -> int:
    """The page number the query string asks for: 1 when missing or not a number, never
    more than ``MAX_PAGE``."""
    return min(max(request.args.get(name, 1, type=int), 1), MAX_PAGE)


def allow_larger_requests(blueprint: Blueprint, setting: str) -> None:
    """Requests to ``blueprint`` may send up to ``app.config[setting]`` bytes. Call it
    before the blueprint's other ``before_request`` functions: a body declared too large
    is refused first, whatever else is wrong with the request."""

    @blueprint.before_request
    def larger_limit() -> None:
        limit = request.max_content_length = request.max_form_memory_size = current_app.config[setting]
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge()


def larger_requests(limit: Callable[[], int]):
    """A view (decorated with this innermost, next to ``def``) whose requests may send up
    to ``limit()`` bytes. The limit is set before anything reads the body, CSRF's check of
    the form included, which is why a view's own ``request.max_content_length`` comes too late."""

    def decorate(view):
        view.lms_request_limit = limit
        return view

    return decorate


def _endpoint_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "lms_request_limit", None)
    if limit is not None:
        request.max_content_length = limit()


def init_app(app: Flask) -> None:
    """Before any blueprint is registered (routes are compiled with the converters)."""
    limit, code = app.config["LMS_MAX_REQUEST_BYTES"], app.config["LMS_EXERCISE_MAX_CODE_BYTES"]
    if limit < 3 * code:
        # Percent-encoding in a form can triple code; the learner would get a bare 413
        # instead of the message that names the code's size.
        raise ConfigError(f"LMS_MAX_REQUEST_BYTES: {limit} is too small for LMS_EXERCISE_MAX_CODE_BYTES={code}; "
                          f"set it to at least {3 * code}")
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["bigint"] = BigIdConverter
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_FORM_MEMORY_SIZE"] = limit
    # First of all the app's before-request functions: CSRFProtect reads the form in one.
    app.before_request_funcs.setdefault(None, []).insert(0, _endpoint_limit)
