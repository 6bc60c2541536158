"""Admin → H5P libraries: add the libraries of an ``.h5p`` package to the shared store,
and approve which may run."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core import limits
from lms.core.auth import role_required
from lms.extensions import db
from lms.h5p import forms, package
from lms.h5p import services as h5p

bp = Blueprint("h5p", __name__)


def _page(form, status=200):
    return render_template("h5p/list_libraries.html", form=form, libraries=h5p.libraries(),
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
        form.package.errors = [_("The package was refused:")] + [str(problem) for problem in refused.problems[:50]]
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
