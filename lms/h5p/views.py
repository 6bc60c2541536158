"""Admin → H5P libraries: add the libraries of an ``.h5p`` package to the shared store,
and approve which may run."""

import mimetypes

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.catalog.models import Item
from lms.competence import kinds
from lms.config import STATIC_DIR
from lms.core import limits
from lms.core.auth import login_required, role_required
from lms.extensions import db, limiter
from lms.h5p import forms, package, player
from lms.h5p import services as h5p
from lms.learning import guards
from lms.learning import services as learning
from lms.learning.models import Enrollment
from lms.xapi import services as xapi

bp = Blueprint("h5p", __name__)


def _page(form, status=200):
    libraries = h5p.libraries()
    return render_template("h5p/list_libraries.html", form=form, libraries=libraries,
                           platform={library.id for library in libraries if h5p.is_platform(library)},
                           decision=forms.LibraryDecisionForm()), status


def _upload_bytes() -> int:
    return current_app.config["LMS_H5P_MAX_BYTES"] + 64 * 1024  # the form's own fields around the file


@bp.route("/libraries", methods=["GET", "POST"])
@role_required("admin")
@limits.larger_requests(_upload_bytes)
def list_libraries():
    form = forms.LibraryPackageForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    limit = current_app.config["LMS_H5P_MAX_BYTES"]
    try:
        read = package.read(form.package.data.stream.read(limit + 1), limit, current_app.config["LMS_H5P_MAX_FILES"])
    except package.PackageRefused as refused:
        form.package.errors = [_("The package was refused:")] + [problem.shown() for problem in refused.problems[:50]]
        return _page(form, 400)
    outcome = h5p.store(read)
    db.session.commit()
    if not outcome:
        flash(_("The package brings no libraries; the ones it needs must already be in the store."), "info")
    for library, what in outcome:
        message = {h5p.ADDED: _("%(library)s %(version)s was added; approve it to let it run."),
                   h5p.UPDATED: _("%(library)s was updated to %(version)s; approve it again to let it run."),
                   h5p.REUSED: _("%(library)s is already in the store (version %(version)s); it was reused.")}[what]
        flash(message % {"library": str(library), "version": library.version}, "success")
    return redirect(url_for("h5p.list_libraries"))


def _library_or_404(library_id: int):
    library = h5p.get(library_id)
    if library is None:
        abort(404)
    return library


@bp.route("/libraries/<int:library_id>/approve", methods=["POST"])
@role_required("admin")
def approve_library(library_id):
    library = _library_or_404(library_id)
    if forms.LibraryDecisionForm().validate_on_submit():
        h5p.approve(library, current_user)
        db.session.commit()
        flash(_("%(library)s is approved: content that needs it may run.", library=str(library)), "success")
    return redirect(url_for("h5p.list_libraries"))


@bp.route("/libraries/<int:library_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_library(library_id):
    library = _library_or_404(library_id)
    if forms.LibraryDecisionForm().validate_on_submit():
        h5p.revoke(library)
        db.session.commit()
        flash(_("%(library)s is no longer approved: content that needs it will not run.", library=str(library)),
              "success")
    return redirect(url_for("h5p.list_libraries"))


# Playing an activity ---------------------------------------------------------------------

player_bp = Blueprint("h5p_player", __name__)
PLAYER_DIR = STATIC_DIR / "vendor" / "h5p-standalone"
# The player's frame: its own scripts and the store's libraries from this site only, nothing
# sent anywhere else. Inline scripts and eval are H5P's way of running content types; the
# frame has an opaque origin, so they reach no cookie, page or API of the learner's.
FRAME_POLICY = ("default-src 'none'; script-src {site} 'unsafe-inline' 'unsafe-eval'; "
                "style-src {site} 'unsafe-inline'; img-src {site} data: blob:; font-src {site} data:; "
                "media-src {site} blob:; connect-src {site}; frame-src 'self' {site} about: blob:; "
                "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'")
LICENCE_NAMES = {
    "U": _l("Undisclosed"), "CC BY": "CC BY", "CC BY-SA": "CC BY-SA", "CC BY-ND": "CC BY-ND",
    "CC BY-NC": "CC BY-NC", "CC BY-NC-SA": "CC BY-NC-SA", "CC BY-NC-ND": "CC BY-NC-ND",
    "CC0 1.0": _l("CC0 1.0 (public domain dedication)"), "GNU GPL": "GNU GPL", "PD": _l("Public domain"),
    "ODC PDDL": "ODC PDDL", "CC PDM": _l("Public Domain Mark"), "C": _l("Copyright, all rights reserved"),
}


# H5P's own player strings (H5PIntegration.l10n.H5P) in the learner's language; the content
# type's strings are the content's, in the language its author wrote it in.
PLAYER_STRINGS = {
    "fullscreen": _l("Fullscreen"), "disableFullscreen": _l("Leave fullscreen"), "download": _l("Download"),
    "copyrights": _l("Rights of use"), "embed": _l("Embed"), "size": _l("Size"), "close": _l("Close"),
    "title": _l("Title"), "author": _l("Author"), "year": _l("Year"), "source": _l("Source"),
    "license": _l("Licence"), "thumbnail": _l("Thumbnail"), "noCopyrights": _l("No copyright information."),
    "contentChanged": _l("This content has changed since you last used it."),
    "startingOver": _l("You'll be starting over."), "confirmDialogHeader": _l("Confirm action"),
    "confirmDialogBody": _l("Please confirm that you wish to proceed. This action is not reversible."),
    "cancelLabel": _l("Cancel"), "confirmLabel": _l("Confirm"), "copyrightInformation": _l("Rights of use"),
}


# What a learner's activities may send: H5P content reports every interaction (a video's
# every pause), yet no person makes more than a few a second; more is a script flooding the LRS.
PLAYER_RATE_LIMIT = "120 per minute;3000 per hour"


def _per_learner() -> str:
    return f"h5p:{current_user.public_id}" if current_user.is_authenticated else request.remote_addr or ""


player_limit = limiter.shared_limit(PLAYER_RATE_LIMIT, scope="h5p-player", key_func=_per_learner)


def _site() -> str:
    return request.host_url.rstrip("/")


def show_activity(enrollment, item):
    """The H5P item's page (``learning.show_item``): the sandboxed player frame, the
    content's licence and authors; registered with ``add_item_page`` at start-up."""
    player.open_activity(enrollment, item)
    db.session.commit()
    token = player.token_for(current_app.config["SECRET_KEY"], enrollment, item)
    return render_template("h5p/show_activity.html", token=token, language=str(get_locale()),
                           licence=LICENCE_NAMES.get((item.h5p or {}).get("licence") or "U"),
                           evidence=kinds.describe(kinds.ASSESSED if (item.h5p or {}).get("assessed")
                                                   else kinds.BROWSER_SCORED),
                           **learning.item_context(enrollment, item))


def _played(token):
    found = player.read_token(current_app.config["SECRET_KEY"], token)
    enrollment = db.session.get(Enrollment, found[0]) if found else None
    item = db.session.get(Item, found[1]) if found else None
    if enrollment is None or item is None or item.kind != "h5p" or enrollment.user_id is None:
        abort(404)
    return enrollment, item


def frame_file(data: bytes | None, name: str):
    """A file the frame loads: cross-origin (the frame's origin is opaque), no cookies needed."""
    if data is None:
        abort(404)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(data, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@player_bp.route("/h5p/play/<token>/")
def player_document(token):
    enrollment, item = _played(token)
    base = url_for("h5p_player.player_document", token=token, _external=True).rstrip("/")
    return player_page(base, item.slug, item.title, item.course.language, player.activity_id(enrollment, item),
                       player.state_of(enrollment, item))


def player_page(base: str, slug: str, title: str, content_language: str, activity: str,
                state: str | None = None) -> Response:
    """The player's document for the sandboxed frame: the content at ``base`` + /content, the
    approved libraries at ``base`` + /libraries, the player at ``base`` + /player (a learner's
    activity, or a studio draft's preview, which records nothing)."""
    # The frame's request carries no cookie, so the page says which language the learner reads.
    language = request.args.get("lang") if request.args.get("lang") in current_app.config["LMS_LANGUAGES"] else None
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        strings = {key: str(text) for key, text in PLAYER_STRINGS.items()}
    options = {
        "id": slug, "h5pJsonPath": base + "/content", "contentJsonPath": base + "/content/content",
        "librariesPath": base + "/libraries", "frameJs": base + "/player/frame.bundle.js",
        "frameCss": base + "/player/styles/h5p.css", "frame": False, "copyright": False, "export": False,
        "icon": False, "fullScreen": False, "xAPIObjectIRI": activity,
        # In the player's own document: a nested frame of a sandboxed frame gets an origin of
        # its own, so H5P's iframe embedding could not write into it.
        "embedType": "div",
        "translations": {"H5P": strings},
        "saveFreq": 5,  # H5P writes the content's state this often; the frame hands it to the page
    }
    if state is not None:
        # H5P's user data by sub-content (0: the content itself) and kind, as H5P's getUserData
        # reads it: the content type gets it back parsed, as ``extras.previousState``.
        options["contentUserData"] = [{"state": state}]
    page = render_template("h5p/player.html", title=title, content_language=content_language, base=base,
                           config={"item": slug, "parent": _site(), "options": options})
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = FRAME_POLICY.format(site=_site())
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@player_bp.route("/h5p/play/<token>/player/<path:name>")
def player_file(token, name):
    _played(token)
    return player_asset(name)


def player_asset(name: str) -> Response:
    """A file of the vendored player (or the platform's frame script) for the frame."""
    target = (PLAYER_DIR / name).resolve()
    if name == "lms-frame.js":
        target = (STATIC_DIR / "js" / "h5p-frame.js").resolve()
    elif not target.is_relative_to(PLAYER_DIR.resolve()) or not target.is_file():
        abort(404)
    return frame_file(target.read_bytes(), target.name)


@player_bp.route("/h5p/play/<token>/content/<path:name>")
def content_file(token, name):
    _enrollment, item = _played(token)
    return frame_file(player.content_file(item, name), name)


@player_bp.route("/h5p/play/<token>/libraries/<folder>/<path:name>")
def library_file(token, folder, name):
    _played(token)
    return frame_file(player.library_file(folder, name), name)


@player_bp.route("/courses/<slug>/h5p/<item_slug>/statements", methods=["POST"])
@login_required
@player_limit
def record_statement(slug, item_slug):
    """A statement the item's content reported, forwarded by the item page's script."""
    _course, enrollment, item = guards.enrolled_item(slug, item_slug, "h5p")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error=_("Send a JSON object with the item and the statement.")), 400
    try:
        outcome = player.record_statement(enrollment, item, body.get("item"), body.get("statement"))
    except (player.StatementRefused, xapi.StatementError) as refused:
        db.session.rollback()
        message = refused.message if isinstance(refused, player.StatementRefused) else "; ".join(refused.problems)
        return jsonify(error=message), 400
    db.session.commit()
    return jsonify(outcome)


@player_bp.route("/courses/<slug>/h5p/<item_slug>/state", methods=["POST"])
@login_required
@player_limit
def save_state(slug, item_slug):
    """Where the learner is in the activity, forwarded by the item page's script."""
    _course, enrollment, item = guards.enrolled_item(slug, item_slug, "h5p")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error=_("Send a JSON object with the item and the state.")), 400
    try:
        player.save_state(enrollment, item, body.get("item"), body.get("state"))
    except player.StatementRefused as refused:
        db.session.rollback()
        return jsonify(error=refused.message), 400
    db.session.commit()
    return jsonify(saved=True)
