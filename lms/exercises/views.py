"""Run, submit and reset a code exercise. The exercise page itself is the course's item
page (``learning.show_item``); these are its forms. Each answers a plain form post with
the page rendered on the server, and a ``fetch`` that asks for JSON with the results."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.catalog import services as catalog
from lms.core.auth import login_required
from lms.core.errors import wants_json
from lms.exercises import services
from lms.extensions import db, limiter
from lms.learning import services as learning

bp = Blueprint("exercises", __name__)


def _grading_limit() -> str:
    return current_app.config["LMS_EXERCISE_RATE_LIMIT"]


def _per_learner() -> str:
    return f"exercise:{current_user.public_id}" if current_user.is_authenticated else request.remote_addr or ""


# Runs and submits share one budget per learner: both start a grading.
grading_limit = limiter.shared_limit(_grading_limit, scope="exercise-grading", key_func=_per_learner)


def _enrolled_exercise(slug, item_slug):
    """The exercise and the signed-in learner's active enrolment in its course: 404 for
    no such course or item, 403 when not enrolled, 400 when the item is not an exercise."""
    course = catalog.get_course(slug)
    if course is None:
        abort(404)
    enrollment = learning.active_enrollment(current_user, course)
    if enrollment is None:
        abort(403)
    item = catalog.find_item(course, item_slug)
    if item is None:
        abort(404)
    if item.kind != "exercise":
        abort(400)
    return enrollment, item


def _answer(enrollment, item, outcome=None, *, code, error=None, status=200):
    """The results as JSON (for fetch) or the whole page (for a plain form post)."""
    page = services.page(enrollment, item, code=code, outcome=outcome)
    if error:
        page["outcome"] = None  # the message alone, not an older submission's results
    if wants_json():
        results = render_template("exercises/_results.html", outcome=page["outcome"], item=item, error=error)
        row = learning.progress_by_item(enrollment).get(item.id)
        body = {"html": results, "error": str(error) if error else None, "progress": enrollment.progress,
                "done": bool(row and row.completed_at)}
        if outcome is not None:
            body.update(status=outcome.status, line=outcome.line, column=outcome.column,
                        passed=outcome.passed_count, total=outcome.total, all_passed=outcome.all_passed)
        return jsonify(body), status
    context = learning.item_context(enrollment, item)
    return render_template("exercises/show_exercise.html", **page, **context, error=error), status


@bp.route("/courses/<slug>/learn/<item_slug>/run", methods=["POST"])
@login_required
@grading_limit
def run_code(slug, item_slug):
    enrollment, item = _enrolled_exercise(slug, item_slug)
    code = request.form.get("code")
    try:
        outcome = services.run(enrollment, item, code)
    except services.CodeError as error:
        db.session.rollback()
        return _answer(enrollment, item, code=code, error=error.message, status=400)
    db.session.commit()
    return _answer(enrollment, item, outcome, code=code)


@bp.route("/courses/<slug>/learn/<item_slug>/submit", methods=["POST"])
@login_required
@grading_limit
def submit_code(slug, item_slug):
    enrollment, item = _enrolled_exercise(slug, item_slug)
    code = request.form.get("code")
    was_complete = enrollment.completed_at is not None
    try:
        outcome = services.submit(enrollment, item, code)
    except services.CodeError as error:
        db.session.rollback()
        return _answer(enrollment, item, code=code, error=error.message, status=400)
    db.session.commit()
    if not was_complete and enrollment.completed_at is not None:
        flash(_("You have completed %(title)s!", title=enrollment.course.title), "success")
    if wants_json():
        return _answer(enrollment, item, outcome, code=code)
    # A plain form post: show the stored result at the page's own address (a reload
    # then shows it again instead of submitting twice).
    return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug, _anchor="results"))


@bp.route("/courses/<slug>/learn/<item_slug>/reset", methods=["GET", "POST"])
@login_required
def reset_code(slug, item_slug):
    """GET asks first (the page without JavaScript links here); POST puts the starter
    code back. Submissions are kept."""
    enrollment, item = _enrolled_exercise(slug, item_slug)
    if request.method == "GET":
        return render_template("exercises/reset_code.html", course=enrollment.course, item=item)
    starter = services.reset(enrollment, item)
    db.session.commit()
    if wants_json():
        return jsonify(code=starter)
    flash(_("The editor has the starter code again. Your submissions are kept."), "info")
    return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug))


def _own_submission(slug, item_slug, submission_id):
    """The exercise, the learner's enrolment and one of *their* submissions of it: another
    learner's, another exercise's or a missing one is the same 404."""
    enrollment, item = _enrolled_exercise(slug, item_slug)
    submission = services.get_submission(enrollment, item, submission_id)
    if submission is None:
        abort(404)
    return enrollment, item, submission


@bp.route("/courses/<slug>/learn/<item_slug>/submissions/<int:submission_id>")
@login_required
def show_submission(slug, item_slug, submission_id):
    """An earlier submission: when, its score, its code (read-only) and its results."""
    enrollment, item, submission = _own_submission(slug, item_slug, submission_id)
    return render_template("exercises/show_submission.html", course=enrollment.course, item=item,
                           **services.submission_page(enrollment, item, submission))


@bp.route("/courses/<slug>/learn/<item_slug>/submissions/<int:submission_id>/copy", methods=["POST"])
@login_required
def copy_submission(slug, item_slug, submission_id):
    """Put the submission's code in the editor (the page said the current code is replaced)."""
    enrollment, item, submission = _own_submission(slug, item_slug, submission_id)
    services.copy_to_draft(enrollment, item, submission)
    db.session.commit()
    flash(_("The editor has the code of submission %(number)s. Your submissions are kept.",
            number=submission.number), "info")
    return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug))
