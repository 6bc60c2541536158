"""Friendly error pages; JSON for clients that asked for JSON."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from lms.core.i18n import format_bytes


class Refused(ValueError):
    """The one base of the errors a service raises when its rules refuse a step: ``message``
    is for people (often lazily translated), ``field`` names the form field to blame, or is
    None. Views show the message (``show_error``) and change nothing."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    403: (_l("No access"), _l("You do not have permission to open this page. If you think you should, ask the programme's administrator.")),
    404: (_l("Page not found"), _l("There is no page at this address. It may have moved, or the link may be mistyped.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too much sent"), _l("What you sent is larger than this site accepts. Nothing was saved.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An error on our side stopped this page. Nothing you did caused it; please try again in a moment.")),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    text = message or default_message
    if wants_json():
        return jsonify(error=str(title), message=str(text)), code
    return render_template("errors/error.html", code=code, title=title, message=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, str(_l("The form had expired or was sent from another site. Please go back, reload the page and try again.")))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        return render_error(413, str(_l("What you sent is larger than this site accepts (at most %(size)s). "
                                        "Nothing was saved: please send less, for example shorter text.",
                                        size=format_bytes(request.max_content_length))))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        from lms.extensions import db

        db.session.rollback()
        return render_error(500)
