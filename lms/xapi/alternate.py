"""xAPI's Alternate Request Syntax: a client that can only POST sends
``POST /xapi/<resource>?method=PUT`` with a form holding the headers, the parameters
and the ``content``. This WSGI middleware turns such a request back into the request it
stands for before Flask sees it."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlencode

HEADER_FIELDS = {"authorization", "x-experience-api-version", "content-type", "content-length",
                 "if-match", "if-none-match"}


class AlternateRequestSyntax:
    def __init__(self, wsgi_app, prefix: str = "/xapi/", max_bytes: int | None = None) -> None:
        self.wsgi_app, self.prefix, self.max_bytes = wsgi_app, prefix, max_bytes

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self.prefix)
                and "method=" in environ.get("QUERY_STRING", "")):
            environ = self._rewrite(environ) or environ
        return self.wsgi_app(environ, start_response)

    def _rewrite(self, environ):
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        methods = [value for key, value in query if key == "method"]
        if len(methods) != 1 or len(query) != 1:
            return None  # the resource answers 400 for the stray parameters
        if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if self.max_bytes is not None and length > self.max_bytes:
            return None  # left unread: the LRS answers 413 for a body over its limit
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        fields = parse_qsl(body, keep_blank_values=True)
        if any(key.lower() == "x-experience-api-version" and value.startswith("2.") for key, value in fields):
            # xAPI 2.0 dropped the alternate syntax: let the resource refuse the request.
            environ["wsgi.input"] = io.BytesIO(body.encode())
            return None
        new = dict(environ)
        new["REQUEST_METHOD"] = methods[0].upper()
        params, content = [], b""
        for key, value in fields:
            lower = key.lower()
            if lower == "content":
                content = value.encode()
            elif lower in HEADER_FIELDS:
                if lower == "content-type":
                    new["CONTENT_TYPE"] = value
                elif lower != "content-length":
                    new["HTTP_" + lower.upper().replace("-", "_")] = value
            else:
                params.append((key, value))
        if not any(key.lower() == "content-type" for key, _ in fields):
            new["CONTENT_TYPE"] = "application/json" if content else ""
        new["QUERY_STRING"] = urlencode(params)
        new["CONTENT_LENGTH"] = str(len(content))
        new["wsgi.input"] = io.BytesIO(content)
        return new
