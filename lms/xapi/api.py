"""The LRS over HTTP (xAPI 1.0.3): ``/xapi/about`` and ``/xapi/statements``.

External apps authenticate with HTTP Basic credentials an admin issued, and each
resource honours the credential's scopes (``models.RESOURCE_SCOPES``); a signed-in
learner's browser may read their own statements. Every statement written here goes
through ``services.record``, the same door as the platform's own, with the credential's
rights (``lms.xapi.rights``): it speaks only for its own actors and voids only its own
statements. Bad input (JSON nested too deep, U+0000, lone surrogates, numbers out of
range, identifiers longer than their columns, an altered ``more`` link) is a 400 that
names what is wrong, never a 500."""

from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime, timezone
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from lms.core import limits
from lms.extensions import db
from lms.xapi import attachments, credentials, documents, queries, rights, services
from lms.xapi.models import ACTIVITY_ID_LENGTH, CONTENT_TYPE_LENGTH, DOCUMENT_ID_LENGTH, Statement
from lms.xapi.validation import (
    IRI,
    BadJSON,
    is_uuid,
    load_json,
    text_problem,
    too_long,
)

bp = Blueprint("lrs", __name__, url_prefix="/xapi")

VERSION = "1.0.3"
LATEST = "2.0.0"
GET_PARAMETERS = {"statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
                  "related_activities", "related_agents", "since", "until", "limit", "format",
                  "attachments", "ascending", "more"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return _json({"error": error.message}, error.status, error.headers)


limits.allow_larger_requests(bp, "LMS_XAPI_MAX_REQUEST_BYTES")  # statements carry attachments


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    return api_error(ApiError(413, f"The request is larger than this LRS accepts: at most "
                                   f"{current_app.config['LMS_XAPI_MAX_REQUEST_BYTES']:,} bytes. Nothing was stored."))


def _json(body, status=200, headers=None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@bp.after_request
def version_header(response: Response) -> Response:
    # A request that names no version is answered in the deployment's default version.
    response.headers["X-Experience-API-Version"] = g.get("xapi_version") or current_app.config["LMS_XAPI_DEFAULT_VERSION"]
    if request.endpoint == "lrs.get_statements":
        # Every write is visible to reads once committed, so reads are consistent to now.
        response.headers["X-Experience-API-Consistent-Through"] = services.iso_timestamp(datetime.now(timezone.utc))
    return response


@bp.before_request
def check_version():
    if request.endpoint == "lrs.about" or request.method == "OPTIONS":
        return None
    version = request.headers.get("X-Experience-API-Version")
    if not version:
        raise ApiError(400, "The X-Experience-API-Version header is required.")
    if version == "2.0.0" or version == "2.0":
        g.xapi_version = "2.0.0"
        return None
    if not (version == "1.0" or (version.startswith("1.0.") and version[4:].isdigit())):
        raise ApiError(400, f"X-Experience-API-Version {version!r} is not supported; this LRS speaks 1.0.x and 2.0.0.")
    g.xapi_version = VERSION
    return None


@bp.before_request
def refuse_unusable_text():
    """No parameter or stored header may hold U+0000 or a lone surrogate: PostgreSQL
    cannot store them and they encode as no UTF-8."""
    for key, value in request.args.items(multi=True):
        if problem := text_problem(key):
            raise ApiError(400, f"A parameter's name {problem}.")
        if problem := text_problem(value):
            raise ApiError(400, f"{key}: {problem}.")
    if problem := text_problem(request.headers.get("Content-Type", "")):
        raise ApiError(400, f"Content-Type: {problem}.")


RESOURCE_NAMES = {"statements": "statements", "state": "the State resource",
                  "profile": "the Activity and Agent Profile resources", "activities": "the Activities resource",
                  "agents": "the Agents resource"}


def _authenticate(resource: str, write: bool = False, *, browser: bool = False):
    """Sets ``g.credential`` or, where ``browser`` allows a signed-in learner to read,
    ``g.learner_keys`` (their own account and the actors linked to it); 401 without valid
    credentials, 403 when the credential's scopes do not allow this resource."""
    auth = request.authorization
    g.credential, g.learner_keys = None, None
    if auth is not None and auth.type == "basic":
        credential = credentials.authenticate(auth.username or "", auth.password or "")
        if credential is None:
            raise ApiError(401, "Unknown or revoked credentials.", {"WWW-Authenticate": 'Basic realm="LRS"'})
        if not credential.allows(resource, write):
            raise ApiError(403, f"These credentials may not {'write to' if write else 'read'} "
                                f"{RESOURCE_NAMES[resource]}: their scopes are {', '.join(credential.scopes)}.")
        g.credential = credential
        return
    if browser and not write and current_user.is_authenticated:
        g.learner_keys = services.own_actor_keys(services.account_key(current_user.public_id))
        return
    raise ApiError(401, "Authentication required.", {"WWW-Authenticate": 'Basic realm="LRS"'})


def _writes() -> bool:
    return request.method in ("PUT", "POST", "DELETE")


@bp.route("/about")
def about():
    return _json({"version": [VERSION, "2.0.0"]})


# Writing -------------------------------------------------------------------------------

def _body_statements():
    """The statements sent, as application/json or multipart/mixed with attachments;
    the attachment parts are kept in ``g.parts``."""
    g.parts = {}
    raw = request.get_data()
    if request.mimetype == "multipart/mixed":
        try:
            raw, g.parts = attachments.parse_multipart(request.headers["Content-Type"], raw)
        except attachments.AttachmentError as error:
            raise ApiError(400, str(error)) from None
    elif request.mimetype != "application/json":
        raise ApiError(400, "Send statements as application/json, or multipart/mixed with attachments.")
    try:
        return load_json(raw)
    except BadJSON as error:
        raise ApiError(400, f"The body is not valid JSON: {error}") from None


def _store(statements_: list, status_ids=True):
    authority = credentials.authority(g.credential)
    try:
        # The parsed body is record()'s to stamp, unless a signature is checked against
        # the statement as sent, below.
        rows = services.record(statements_, authority=authority, version=g.get("xapi_version", VERSION),
                               given_away=not g.parts, rights=functools.partial(rights.refusals, g.credential))
        # After validation, so a malformed statement is named before a missing part.
        attachments.check(statements_, g.parts)
        attachments.store(g.parts)
    except attachments.AttachmentError as error:
        db.session.rollback()
        raise ApiError(400, str(error)) from None
    except services.StatementConflict as error:
        db.session.rollback()
        raise ApiError(409, "; ".join(error.problems)) from None
    except services.StatementForbidden as error:
        db.session.rollback()
        raise ApiError(403, "; ".join(error.problems)) from None
    except services.StatementError as error:
        db.session.rollback()
        raise ApiError(400, "; ".join(error.problems)) from None
    _check_voiding(rows)
    db.session.commit()
    return rows


def _check_voiding(rows) -> None:
    for row in rows:
        if row.verb_id == services.VOIDED and row.data["object"].get("objectType") != "StatementRef":
            db.session.rollback()
            raise ApiError(400, "A voiding statement's object must be a StatementRef.")


@bp.route("/statements", methods=["POST"])
def post_statements():
    _authenticate("statements", write=True)
    body = _body_statements()
    batch = body if isinstance(body, list) else [body]
    if not batch:
        raise ApiError(400, "The batch is empty.")
    rows = _store(batch)
    return _json([str(row.statement_id) for row in rows])


@bp.route("/statements", methods=["PUT"])
def put_statement():
    _authenticate("statements", write=True)
    statement_id = request.args.get("statementId")
    if not is_uuid(statement_id or ""):
        raise ApiError(400, "PUT needs a statementId parameter holding a UUID.")
    unknown = set(request.args) - {"statementId"}
    if unknown:
        raise ApiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    body = _body_statements()
    if not isinstance(body, dict):
        raise ApiError(400, "PUT takes one statement.")
    if "id" in body and (not isinstance(body["id"], str) or body["id"].lower() != statement_id.lower()):
        raise ApiError(400, "The statement's id differs from the statementId parameter.")
    body = {**body, "id": statement_id}
    _store([body])
    return Response(status=204)


# Reading: the query engine is ``lms.xapi.queries`` ------------------------------------------

def _load_agent(text: str) -> dict:
    try:
        return queries.load_agent(text)
    except queries.QueryError as error:
        raise ApiError(400, error.message) from None


def _bool_param(name: str) -> bool:
    value = request.args.get(name, "false")
    if value not in ("true", "false"):
        raise ApiError(400, f"{name}: must be true or false")
    return value == "true"


def _reader() -> queries.Reader:
    return queries.Reader(credential=g.credential, learner_keys=g.learner_keys)


def _formatted(data: dict, fmt: str) -> dict:
    return queries.formatted(data, fmt, request.accept_languages.best_match)


def _last_modified(row) -> str:
    return row.stored.replace(tzinfo=timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _single(statement_id: str, voided: bool):
    row = queries.single(statement_id, voided, _reader())
    if row is None:
        raise ApiError(404, "No such statement." if not voided else "No voided statement has this id.")
    fmt = request.args.get("format", "exact")
    if request.args.get("attachments") == "true":
        response = _multipart(_formatted(row.data, fmt), [row.data])
        response.headers["Last-Modified"] = _last_modified(row)
        return response
    return _json(_formatted(row.data, fmt), headers={"Last-Modified": _last_modified(row)})


@bp.route("/statements", methods=["GET", "HEAD"])
def get_statements():
    _authenticate("statements", browser=True)
    args = request.args
    unknown = set(args) - GET_PARAMETERS
    if unknown:
        raise ApiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    fmt = args.get("format", "exact")
    if fmt not in queries.FORMATS:
        raise ApiError(400, "format: must be exact, ids or canonical")
    _bool_param("attachments")
    for key in ("statementId", "voidedStatementId"):
        if key in args:
            others = set(args) - {key, "format", "attachments"}
            if others:
                raise ApiError(400, f"{key} cannot be combined with {', '.join(sorted(others))}.")
            if not is_uuid(args[key].lower()):
                raise ApiError(400, f"{key}: must be a UUID")
            return _single(args[key].lower(), voided=key == "voidedStatementId")
    try:
        page, params = queries.statements(args.to_dict(), _reader(), current_app.secret_key)
    except queries.QueryError as error:
        raise ApiError(400, error.message) from None
    more = f"{request.script_root}/xapi/statements?{urlencode({'more': page.more})}" if page.more else ""
    body = {"statements": [_formatted(row.data, fmt) for row in page.statements], "more": more}
    if params.get("attachments") == "true":
        return _multipart(body, [row.data for row in page.statements])
    return _json(body)


def _multipart(body, statements_: list[dict]) -> Response:
    boundary = uuid.uuid4().hex
    content = attachments.multipart_response(body, attachments.for_statements(statements_), boundary)
    return Response(content, content_type=f"multipart/mixed; boundary={boundary}")


# Documents: State, Activity Profile, Agent Profile ---------------------------------------

def _required(name: str, limit: int | None = None) -> str:
    value = request.args.get(name)
    if value is None or value == "":
        raise ApiError(400, f"The {name} parameter is required.")
    if limit is not None and (problem := too_long(value, limit)):
        raise ApiError(400, f"{name}: {problem}")
    return value


def _document_id(name: str, required: bool = True) -> str | None:
    if not required and not request.args.get(name):
        return None
    return _required(name, DOCUMENT_ID_LENGTH)


def _only(*allowed: str) -> None:
    unknown = set(request.args) - set(allowed)
    if unknown:
        raise ApiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")


def _activity_param() -> str:
    value = _required("activityId", ACTIVITY_ID_LENGTH)
    if not IRI.match(value):
        raise ApiError(400, "activityId: must be an IRI")
    return value


def _agent_param() -> tuple[dict, str]:
    agent = _load_agent(_required("agent"))
    return agent, services.actor_key(agent)


def _document_response(document):
    if document is None:
        raise ApiError(404, "No such document.")
    response = Response(document.content, mimetype=None, content_type=document.content_type)
    response.headers["ETag"] = f'"{document.etag}"'
    response.headers["Last-Modified"] = document.updated.replace(tzinfo=timezone.utc).strftime(
        "%a, %d %b %Y %H:%M:%S GMT")
    return response


def _since_param():
    try:
        return queries.parse_time("since", request.args.get("since"))
    except queries.QueryError as error:
        raise ApiError(400, error.message) from None


def _document_body() -> tuple[bytes, str]:
    content_type = request.headers.get("Content-Type", "application/octet-stream")
    if problem := too_long(content_type, CONTENT_TYPE_LENGTH):
        raise ApiError(400, f"Content-Type: {problem}")
    content = request.get_data()
    if content_type.split(";")[0].strip() == "application/json":
        try:
            load_json(content or b"null")
        except BadJSON as error:
            raise ApiError(400, f"The body says application/json but is not valid JSON: {error}") from None
    return content, content_type


def _write_document(kind: str, document_id: str, concurrency: bool, lenient_create: bool = False, **where):
    content, content_type = _document_body()
    try:
        if request.method == "PUT":
            documents.put(kind, document_id, content, content_type, concurrency=concurrency,
                          lenient_create=lenient_create,
                          if_match=request.headers.get("If-Match"), if_none_match=request.headers.get("If-None-Match"),
                          **where)
        else:
            documents.post(kind, document_id, content, content_type, if_match=request.headers.get("If-Match"),
                           if_none_match=request.headers.get("If-None-Match"), **where)
    except documents.DocumentError as error:
        db.session.rollback()
        raise ApiError(error.status, error.message) from None
    db.session.commit()
    return Response(status=204)


def _delete_document(kind: str, document_id: str | None, **where):
    try:
        documents.delete(kind, document_id, if_match=request.headers.get("If-Match"), **where)
    except documents.DocumentError as error:
        db.session.rollback()
        raise ApiError(error.status, error.message) from None
    db.session.commit()
    return Response(status=204)


@bp.route("/activities/state", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def state():
    _authenticate("state", _writes())
    _only("activityId", "agent", "registration", "stateId", "since")
    activity_id = _activity_param()
    _, agent_key = _agent_param()
    registration = request.args.get("registration", "")
    if registration:
        if not is_uuid(registration.lower()):
            raise ApiError(400, "registration: must be a UUID")
        registration = registration.lower()
    where = {"activity_id": activity_id, "agent_key": agent_key, "registration": registration}
    state_id = _document_id("stateId", required=request.method in ("PUT", "POST"))
    if request.method in ("PUT", "POST"):
        # xAPI 2.0 puts the State resource under ETag concurrency too.
        return _write_document("state", state_id, g.get("xapi_version") == LATEST, lenient_create=True, **where)
    if request.method == "DELETE":
        return _delete_document("state", state_id, **where)
    if state_id:
        return _document_response(documents.get("state", state_id, **where))
    return _json(documents.list_ids("state", _since_param(), **where))


@bp.route("/activities/profile", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def activity_profile():
    _authenticate("profile", _writes())
    _only("activityId", "profileId", "since")
    activity_id = _activity_param()
    profile_id = _document_id("profileId", required=_writes())
    where = {"activity_id": activity_id}
    if request.method in ("PUT", "POST"):
        return _write_document("activity_profile", profile_id, True, **where)
    if request.method == "DELETE":
        return _delete_document("activity_profile", profile_id, **where)
    if profile_id:
        return _document_response(documents.get("activity_profile", profile_id, **where))
    return _json(documents.list_ids("activity_profile", _since_param(), **where))


@bp.route("/agents/profile", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def agent_profile():
    _authenticate("profile", _writes())
    _only("agent", "profileId", "since")
    _, agent_key = _agent_param()
    profile_id = _document_id("profileId", required=_writes())
    where = {"agent_key": agent_key}
    if request.method in ("PUT", "POST"):
        return _write_document("agent_profile", profile_id, True, **where)
    if request.method == "DELETE":
        return _delete_document("agent_profile", profile_id, **where)
    if profile_id:
        return _document_response(documents.get("agent_profile", profile_id, **where))
    return _json(documents.list_ids("agent_profile", _since_param(), **where))


@bp.route("/activities", methods=["GET", "HEAD"])
def activities():
    _authenticate("activities")
    _only("activityId")
    return _json(documents.activity(_activity_param()))


@bp.route("/agents", methods=["GET", "HEAD"])
def agents():
    _authenticate("agents")
    _only("agent")
    agent, key = _agent_param()
    # The names seen with the agent, in the statements these credentials may read.
    seen_in = queries.visible(sa.select(Statement.data).where(services.naming_agent(key, related=True)), _reader())
    return _json(documents.person(agent, seen_in))
