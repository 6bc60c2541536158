"""Security headers on every response, in one place.

Pages get a Content-Security-Policy that allows only what the site itself serves:
scripts and style sheets from ``static/``, images from the site, ``fetch`` to the site,
forms posted to the site, and no framing by anyone. An inline ``<script>`` or ``<style>``
runs only with the request's nonce (``{{ csp_nonce() }}`` in a template); ``style``
attributes and ``on...=`` handlers never do. The code editor (CodeMirror) styles itself
through constructed style sheets, which the policy does not govern; where a browser lacks
them it falls back to ``<style>`` elements carrying the nonce the editor's ``<script>``
tag passes on. Everything that is not a page (JSON, CSV, static files, the LRS) gets a
policy that allows nothing, so a response opened on its own cannot run anything either.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g

PAGE_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
               "img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "same-origin",  # no address (a reset link's token) goes to another site
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                          "microphone=(), payment=(), usb=()",
}
# A year; not includeSubDomains: the site's domain may have other services that are not ours.
HSTS = "max-age=31536000"


def csp_nonce() -> str:
    """This request's nonce, for an inline ``<script nonce="...">`` or ``<style nonce="...">``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_headers(response: Response) -> Response:
    """A view that sets one of these headers itself keeps its own value."""
    policy = PAGE_POLICY.format(nonce=csp_nonce()) if response.mimetype == "text/html" else OTHER_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["LMS_BASE_URL"].startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
