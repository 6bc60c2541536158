"""Reviewed tasks: the learner hands in (the task page itself is the course's item page,
``learning.show_item``), files are downloaded by those who may see them, reviewers work
through their queue, and admins assign course reviewers."""

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.core import limits
from lms.core.auth import login_required, role_required
from lms.extensions import db
from lms.learning import guards
from lms.learning import services as learning
from lms.tasks import forms, services
from lms.tasks.models import ACCEPTED

bp = Blueprint("tasks", __name__)


@bp.app_template_global()
def reviews_waiting():
    """The count beside "Reviews" on a teacher's pages: one count query per request."""
    if "reviews_waiting" not in g:
        g.reviews_waiting = services.count_waiting_for(current_user)
    return g.reviews_waiting


@bp.app_context_processor
def task_names():
    return {"decision_names": forms.DECISION_NAMES}


def _enrolled_task(slug, item_slug):
    """The task and the signed-in learner's active enrolment (404, 403 or 400 otherwise)."""
    _course, enrollment, item = guards.enrolled_item(slug, item_slug, "task")
    return enrollment, item


def show_task(enrollment, item):
    """The task's item page (``learning.show_item``); registered with
    ``lms.learning.views.add_item_page`` at start-up."""
    db.session.commit()
    return render_task(enrollment, item)


def render_task(enrollment, item, *, form=None, error=None, status=200):
    """The learner's task page (also ``learning.show_item`` for a task)."""
    draft = services.draft_for(enrollment, item)
    if form is None:
        form = forms.HandInForm(formdata=None, text=draft.text if draft else "", link=draft.link if draft else "")
    files = services.hand_in_spec(item).get("files")
    if files:
        form.files.render_kw = {"accept": services.accepted_extensions(item)}
        form.files.description = " ".join((
            ngettext("You may hand in one file.", "You may hand in up to %(num)d files.", files["max_files"]),
            _("Allowed: %(types)s, at most %(size)s MB each; a file is checked by its content, not its name.",
              types=services.type_names(item), size=services.max_file_mb(item))))
    return render_template("tasks/show_task.html", form=form, error=error, **services.page(enrollment, item),
                           **learning.item_context(enrollment, item)), status


@bp.route("/courses/<slug>/learn/<item_slug>/hand-in", methods=["POST"])
@login_required
@limits.larger_requests(services.max_request_bytes)
def save_hand_in(slug, item_slug):
    """Save the working copy, and with ``action=hand_in`` hand it in for review."""
    enrollment, item = _enrolled_task(slug, item_slug)
    limit = services.max_upload_bytes(item)
    too_large = _("The files together are larger than %(limit)s MB, the most this task accepts at once.",
                  limit=f"{limit / (1024 * 1024):g}")
    # Refused before the body is read when its announced length is too much; otherwise
    # the form parser stops at the limit.
    if request.content_length is not None and request.content_length > limit:
        return render_task(enrollment, item, error=too_large, status=413)
    request.max_content_length = limit
    try:
        form = forms.HandInForm()
    except RequestEntityTooLarge:
        return render_task(enrollment, item, error=too_large, status=413)
    if not form.validate_on_submit():
        abort(400)
    per_file = services.max_file_bytes(item)
    uploads = [services.Upload(upload.filename or "", upload.stream.read(per_file + 1))
               for upload in request.files.getlist(form.files.name) if upload.filename]
    remove = {int(value) for value in request.form.getlist("remove") if value.isdigit()}
    handing_in = request.form.get("action") == "hand_in"
    try:
        services.save(enrollment, item, text=form.text.data or "", link=form.link.data or "", uploads=uploads,
                      remove=remove, hand_in=handing_in)
    except services.TaskError as error:
        db.session.rollback()
        if error.field in ("text", "link", "files"):
            getattr(form, error.field).errors = [error.message]
        return render_task(enrollment, item, form=form, error=error.message, status=400)
    db.session.commit()
    if handing_in:
        flash(_("Handed in. Your reviewer will see it in their queue; you can still change it until it is "
                "reviewed."), "success")
    else:
        flash(_("Your work is saved as a draft. It is not handed in yet."), "info")
    return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug))


@bp.route("/task-files/<int:file_id>")
@login_required
def download_file(file_id):
    """A file, only to its learner and their reviewers; always a download, with the type
    its content showed, never rendered by the browser."""
    row = services.file_for(file_id, current_user)
    if row is None:
        abort(404)
    data = services.file_data(row)
    if row.hand_in is not None and row.hand_in.enrollment.user_id != current_user.id:
        services.record_view(row.hand_in, current_user, services.reviewer_role(current_user, row.hand_in.enrollment) or "",
                             f"{row.hand_in.item.title}: {row.filename}")
        db.session.commit()
    response = send_file(io.BytesIO(data), mimetype=row.content_type, as_attachment=True,
                         download_name=row.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/reviews")
@role_required("teacher")
def review_queue():
    """Hand-ins waiting for this reviewer, oldest first, a page of them at a time."""
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    total = reviews_waiting()
    waiting = services.waiting_for(current_user, limit=services.QUEUE_PAGE, offset=(page - 1) * services.QUEUE_PAGE)
    return render_template("tasks/review_queue.html", waiting=waiting, total=total, page=page,
                           has_more=page * services.QUEUE_PAGE < total)


@bp.route("/reviews/<int:hand_in_id>", methods=["GET", "POST"])
@role_required("teacher")
def review_hand_in(hand_in_id):
    """One hand-in with the learner's earlier ones, and the review form while it waits.
    A hand-in that is not this reviewer's to see is a 404, and a review of it changes nothing."""
    found = services.hand_in_for_reviewer(hand_in_id, current_user)
    if found is None:
        abort(404)
    hand_in, role = found
    form = forms.ReviewForm()
    problems, status = {}, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            review = services.review(current_user, hand_in, levels=request.form.to_dict(),
                                     comment=form.comment.data or "", decision=form.decision.data or "")
        except services.ReviewError as error:
            db.session.rollback()
            problems, status = error.problems, 400
            for name in ("comment", "decision"):
                if name in problems:
                    getattr(form, name).errors = [problems[name]]
        except services.TaskError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("tasks.review_hand_in", hand_in_id=hand_in_id))
        else:
            db.session.commit()
            learner = hand_in.enrollment.user.display_name
            flash(_("Accepted: %(name)s's work is done.", name=learner) if review.decision == ACCEPTED
                  else _("%(name)s is asked for another try.", name=learner), "success")
            return redirect(url_for("tasks.review_queue"))
    services.record_view(hand_in, current_user, role)
    db.session.commit()
    enrollment, item = hand_in.enrollment, hand_in.item
    made = services.hand_ins(enrollment, item)
    return render_template("tasks/review_hand_in.html", hand_in=hand_in, role=role, form=form, problems=problems,
                           chosen=request.form if problems else {}, course=enrollment.course, item=item,
                           learner=enrollment.user, history=[h for h in reversed(made) if h.id != hand_in.id],
                           rubric=services.rubric(item)), status


# Course reviewers (admins) --------------------------------------------------------------------

def _course_or_404(slug):
    course = catalog.get_course(slug, include_drafts=True)
    if course is None:
        abort(404)
    return course


def _reviewers_page(errors=None, status=200):
    return render_template("tasks/list_reviewers.html", courses=services.course_reviewers(),
                           form=forms.ReviewerForm(formdata=None), errors=errors or {}), status


@bp.route("/admin/reviewers")
@role_required("admin")
def list_reviewers():
    """Courses with tasks and the teachers who review them for learners outside classes."""
    return _reviewers_page()


@bp.route("/admin/reviewers/<slug>", methods=["POST"])
@role_required("admin")
def add_reviewer(slug):
    course = _course_or_404(slug)
    form = forms.ReviewerForm()
    if not form.validate_on_submit():
        return _reviewers_page({course.id: _("Enter the username or e-mail address of a teacher.")}, 400)
    try:
        added = services.assign_reviewer(course, accounts.find_by_login(form.user.data))
    except services.TaskError as error:
        db.session.rollback()
        return _reviewers_page({course.id: error.message}, 400)
    db.session.commit()
    flash(_("%(user)s reviews %(course)s.", user=form.user.data.strip(), course=course.title) if added
          else _("%(user)s already reviews %(course)s.", user=form.user.data.strip(), course=course.title),
          "success")
    return redirect(url_for("tasks.list_reviewers"))


@bp.route("/admin/reviewers/<slug>/<uuid:public_id>/remove", methods=["POST"])
@role_required("admin")
def remove_reviewer(slug, public_id):
    course = _course_or_404(slug)
    user = accounts.get_by_public_id(public_id)
    if user is None or not services.unassign_reviewer(course, user):
        abort(404)
    db.session.commit()
    flash(_("%(name)s no longer reviews %(course)s.", name=user.display_name, course=course.title), "success")
    return redirect(url_for("tasks.list_reviewers"))
