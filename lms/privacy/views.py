"""Pages for personal data: a person's own page (requests, who looked at their data),
asking for an erasure, and the admin's erasure requests."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts import services as accounts
from lms.core import limits
from lms.core.auth import login_required, role_required
from lms.core.confirm import confirmation_page
from lms.core.forms import show_error
from lms.extensions import db
from lms.audit import services as access_log
from lms.privacy import export, forms
from lms.privacy import requests as erasure_requests
from lms.privacy.erasure import ErasureError

bp = Blueprint("privacy", __name__)


@bp.context_processor
def names():
    return {"status_names": forms.STATUS_NAMES, "requester_names": forms.REQUESTER_NAMES,
            "access_names": access_log.WHAT}

@bp.route("/my/privacy")
@login_required
def my_privacy():
    return render_template("privacy/my_privacy.html", requests=erasure_requests.requests_of(current_user),
                           entries=access_log.entries_about(current_user))


NOTICES = ("pupils", "adults", "teachers")


@bp.route("/privacy")
@bp.route("/privacy/<audience>")
def notice(audience=None):
    """The privacy notice for each audience (public)."""
    if audience is not None and audience not in NOTICES:
        abort(404)
    return render_template("privacy/notice.html", audience=audience)


@bp.route("/admin/privacy/access-log")
@role_required("admin")
def access_log_page():
    form = forms.AccessLogSearchForm(request.args)
    form.what.choices = [SelectChoice("", _("Anything"))] + [SelectChoice(key, name)
                                                              for key, name in access_log.WHAT.items()]
    form.validate()
    since = form.since.data if not form.since.errors else None
    until = form.until.data if not form.until.errors else None
    filters = access_log.LogFilter(
        viewer=(form.viewer.data or "")[:80], subject=(form.subject.data or "")[:80], what=form.what.data or "",
        since=datetime.combine(since, time()) if since else None,
        until=datetime.combine(until + timedelta(days=1), time()) if until else None)
    entries = access_log.search(filters, page=limits.page_arg())
    return render_template("privacy/access_log.html", form=form, entries=entries)


def _subject_or_404(public_id: uuid.UUID):
    """The person ``current_user`` may ask to erase; anyone else is a 404, so the address
    tells nothing of who exists."""
    subject = accounts.get_by_public_id(public_id)
    if subject is None or erasure_requests.requester_role(current_user, subject) is None:
        abort(404)
    return subject


@bp.route("/privacy/erasure/<uuid:public_id>", methods=["GET", "POST"])
@login_required
def request_erasure(public_id):
    subject = _subject_or_404(public_id)
    form = forms.ErasureRequestForm()
    status = 200
    if form.validate_on_submit():
        try:
            erasure_requests.request_erasure(subject, by=current_user, reason=form.reason.data or "")
        except ErasureError as error:
            db.session.rollback()
            show_error(form, error.message)
        else:
            db.session.commit()
            flash(_("Your request is sent. An administrator decides it; you see the outcome on your privacy page."),
                  "success")
            return redirect(url_for("privacy.my_privacy"))
    if form.errors or form.form_errors:
        status = 400
    return render_template("privacy/request_erasure.html", form=form, subject=subject,
                           open_request=erasure_requests.open_request_for(subject)), status


@bp.route("/privacy/export/<uuid:public_id>", methods=["GET", "POST"])
@login_required
def export_data(public_id):
    """A copy of everything about a person, for themselves, a teacher of their class or an
    admin (anyone else: 404): the copies they asked for, and a button to ask for a new one,
    which is prepared in the background (the requester is notified when it is ready)."""
    subject = _subject_or_404(public_id)
    form = forms.ExportForm()
    if form.validate_on_submit():
        job = export.request_export(subject, current_user)
        db.session.commit()
        export.dispatch(job)
        flash(_("The copy is being prepared. You get a notification when it is ready."), "success")
        return redirect(url_for("privacy.export_data", public_id=subject.public_id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("privacy/export.html", subject=subject, form=form,
                           exports=export.exports_for(subject, current_user),
                           keep_hours=current_app.config["LMS_EXPORT_KEEP_HOURS"]), status


@bp.route("/privacy/export/<uuid:public_id>/<int:export_id>.zip")
@login_required
def download_export(public_id, export_id):
    """A ready copy the visitor asked for; a download of someone else's data is written to the access log."""
    subject = _subject_or_404(public_id)
    data = export.ready_archive(export_id, subject, current_user)
    if data is None:
        abort(404)
    if access_log.record_access(current_user, subject, "export"):
        db.session.commit()
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"data-{subject.username}.zip", max_age=0)


@bp.route("/admin/privacy/requests")
@role_required("admin")
def list_requests():
    return render_template("privacy/list_requests.html", requests=erasure_requests.all_requests(limits.page_arg()))


def _request_or_404(request_id: int):
    request_ = erasure_requests.get(request_id)
    if request_ is None:
        abort(404)
    return request_


@bp.route("/admin/privacy/requests/<int:request_id>")
@role_required("admin")
def show_request(request_id):
    request_ = _request_or_404(request_id)
    return render_template("privacy/show_request.html", request_=request_, form=forms.RefuseForm(),
                           forwarded=erasure_requests.forwarded_by_endpoint(request_))


@bp.route("/admin/privacy/requests/<int:request_id>/approve", methods=["GET", "POST"])
@role_required("admin")
def approve_request(request_id):
    request_ = _request_or_404(request_id)
    if request_.status != "open":
        flash(_("This request has already been decided."), "error")
        return redirect(url_for("privacy.show_request", request_id=request_id))
    name = request_.subject.display_name
    if request.method == "POST":
        try:
            erased = erasure_requests.approve(request_, admin=current_user)
        except ErasureError as error:
            db.session.rollback()
            flash(error.message, "error")
        except SQLAlchemyError as error:
            db.session.rollback()
            flash(_("The erasure failed and nothing was changed (%(error)s). Try again, or tell the platform's "
                    "developers.", error=type(error).__name__), "error")
        else:
            db.session.commit()
            flash(_("The person is erased: %(count)d learning records and %(files)d files deleted.",
                    count=erased.statements, files=erased.files), "success")
        return redirect(url_for("privacy.show_request", request_id=request_id))
    return confirmation_page(
        title=_("Erase %(name)s everywhere?", name=name),
        explanation=[
            _("Their account, enrolments' answers, code, hand-ins and files, feedback about them, notifications, "
              "competence evidence and every learning record of theirs in the platform's LRS (with those of "
              "external actors linked to them) are deleted. Their certificates are withdrawn."),
            _("Programme figures keep counting what they did, with no name. The request and its outcome are kept. "
              "This cannot be undone."),
        ],
        action=url_for("privacy.approve_request", request_id=request_id),
        confirm=_("Yes, erase %(name)s", name=name),
        cancel_url=url_for("privacy.show_request", request_id=request_id), cancel=_("No, go back"))


@bp.route("/admin/privacy/requests/<int:request_id>/refuse", methods=["POST"])
@role_required("admin")
def refuse_request(request_id):
    request_ = _request_or_404(request_id)
    form = forms.RefuseForm()
    if form.validate_on_submit():
        try:
            erasure_requests.refuse(request_, admin=current_user, reason=form.reason.data)
        except ErasureError as error:
            db.session.rollback()
            show_error(form, error.message)
        else:
            db.session.commit()
            flash(_("The request is refused; the person who asked sees your reason."), "success")
            return redirect(url_for("privacy.show_request", request_id=request_id))
    return render_template("privacy/show_request.html", request_=request_, form=form,
                           forwarded=erasure_requests.forwarded_by_endpoint(request_)), 400
