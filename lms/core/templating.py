"""Template helpers every domain may use."""

from __future__ import annotations

from flask import Flask, request, url_for


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = {**(request.view_args or {}), **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **args)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_with"] = url_with
