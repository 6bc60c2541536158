"""Which language a page is shown in, and how a visitor changes it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import LazyString, format_decimal, format_percent, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.extensions import login_manager

LANGUAGE_NAMES = {"lv": "Latviešu", "en": "English"}

# Called with the signed-in person and the language they chose. The accounts domain
# registers one at start-up that keeps the choice on the account, so core needs not
# know where accounts store it (core imports no domain).
LanguageListener = Callable[[object, str], None]
_language_listeners: list[LanguageListener] = []


def add_language_listener(listener: LanguageListener) -> None:
    """Other domains call this once at start-up to hear a signed-in person's language choice."""
    if listener not in _language_listeners:
        _language_listeners.append(listener)


def language_chosen(user, locale: str) -> None:
    """Tell the listeners that ``user`` chose ``locale``; the caller commits."""
    for listener in _language_listeners:
        listener(user, locale)


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
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["shown_language"] = shown_language
    # Flask-Login's own prompt on a page that needs signing in, in the page's language too.
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.localize_callback = str

    @app.context_processor
    def language_context():
        return {
            "current_locale": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "languages": app.config["LMS_LANGUAGES"],
        }


def localized(source, field: str = "title"):
    """The text in the page's language, chosen in this one place: on a Latvian page
    ``<field>_lv`` when ``source`` has one; for a course, module or item, its
    ``translations[<page language>][<field>]`` when it has one; else ``<field>``. ``source``
    is a model (a framework, a competence, a role, a course, a module, an item) or a mapping
    (a framework's level, an answer of the self-assessment scale); in templates
    ``{{ competence|localized }}``, ``{{ item|localized('html') }}``."""

    def value(name: str):
        return source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)

    language = _page_language()
    if language == "lv":
        latvian = value(f"{field}_lv")
        if latvian:
            return latvian
    translations = value("translations")
    if isinstance(translations, Mapping) and language in translations:
        translated = (translations[language] or {}).get(field)
        if translated:
            return translated
    return value(field)


def shown_language(course) -> str:
    """The language a course is read in on this page: the page's when the course has it,
    else the course's own (for ``lang`` attributes)."""
    language = _page_language()
    return language if language in (course.translations or {}) else course.language


def _page_language() -> str | None:
    locale = get_locale()
    return locale.language if locale is not None else None


def lazy_localized(source, field: str = "title") -> LazyString:
    """``localized`` chosen when the text is shown, for services that build what a page
    or an export shows before the page's language is at hand."""
    return LazyString(localized, source, field)
