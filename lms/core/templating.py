"""Template helpers every domain may use."""

from __future__ import annotations

from flask import Flask, request, url_for
from markupsafe import Markup

from lms.core import markdown


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = {**(request.view_args or {}), **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **args)


def abbreviate(text: str, length: int = 18) -> str:
    """A name cut at a word boundary to about ``length`` characters, with an ellipsis (a
    narrow column's header; the full name goes beside it for hover and screen readers)."""
    text = str(text or "")
    if len(text) <= length:
        return text
    cut = text[:length + 1].rsplit(" ", 1)[0] if " " in text[:length + 1] else text[:length]
    return cut.rstrip(" ,;:.-–—") + "…"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.filters["abbreviate"] = abbreviate
    # Quiz options and feedback: inline Markdown, rendered and sanitised by the one renderer.
    app.jinja_env.filters["inline_markdown"] = lambda text: Markup(markdown.render_inline(text))
