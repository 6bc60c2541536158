from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.auth import login_required
from lms.extensions import db
from lms.notifications import forms, services

bp = Blueprint("notifications", __name__)


def _own_or_404(notification_id):
    notification = services.notification_of(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


@bp.route("/notifications")
@login_required
def list_notifications():
    page = request.args.get("page", 1, type=int)
    return render_template("notifications/list_notifications.html", listing=services.notifications_of(current_user, page),
                           sentence=services.sentence)


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id):
    """Following a notification reads it and leads to what it is about."""
    notification = _own_or_404(notification_id)
    services.mark_read(notification)
    db.session.commit()
    return redirect(notification.url)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    services.mark_read(_own_or_404(notification_id))
    db.session.commit()
    return redirect(url_for("notifications.list_notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    services.mark_all_read(current_user)
    db.session.commit()
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.list_notifications"))


@bp.route("/account/notifications", methods=["POST"])
@login_required
def update_digest():
    form = forms.DigestForm()
    if form.validate_on_submit():
        try:
            services.set_email_digest(current_user, form.email_digest.data)
        except services.NotificationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("You will get a daily e-mail when there is something new.") if form.email_digest.data
                  else _("You will get no notification e-mails."), "success")
    else:
        flash(_("The form had expired. Please try again."), "error")
    return redirect(url_for("accounts.settings") + "#notifications")


def digest_form_for(user) -> forms.DigestForm | None:
    """The e-mail digest choice on the account's settings page (registered with accounts),
    or None for an account that gets no e-mail."""
    if not services.can_get_email(user):
        return None
    return forms.DigestForm(formdata=None, email_digest=services.email_digest_chosen(user))


def unread_in_header() -> int:
    """The header's unread count: one indexed count per page, and none for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = services.unread_count(current_user)
    return g.unread_notifications


@bp.app_context_processor
def header_context():
    return {"unread_notifications": unread_in_header}
