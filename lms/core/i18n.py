"""Which language a page is shown in, and how a visitor changes it."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_decimal, format_percent, get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"lv": "Latviešu", "en": "English"}


def select_locale() -> str:
    """The account's setting, else the visitor's choice this session, else the browser's
    ``Accept-Language``, else the site default."""
    languages = current_app.config["LMS_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or default


def format_bytes(count: int | None) -> str:
    """A size as people read it, in the page's language: ``1 MiB``, ``64 KiB``, ``1,5 MiB``."""
    count = count or 0
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= size:
            return f"{format_decimal(count / size, '#,##0.#')} {unit}"
    return f"{format_decimal(count)} B"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["numberformat"] = format_decimal
    app.jinja_env.filters["percentformat"] = format_percent

    @app.context_processor
    def language_context():
        return {
            "current_locale": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "languages": app.config["LMS_LANGUAGES"],
        }
