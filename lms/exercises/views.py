"""Run, submit and reset a code exercise. The exercise page itself is the course's item
page (``learning.show_item``); these are its forms. Run and submit queue a grading job
and answer at once: ``fetch`` gets 202 and the job's status address, which it asks until
the results are there; a plain form post is sent back to the exercise page, which says
the code is being graded and links to itself to check again."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.auth import login_required
from lms.core.errors import wants_json
from lms.exercises import jobs, queues, services
from lms.extensions import db, limiter
from lms.learning import guards
from lms.learning import services as learning

bp = Blueprint("exercises", __name__)

# The page asks how its grading is going when the answer says to (twice a second for a
# run, once when a submission's results are due): a cheap read, limited above that (a few
# tabs) and far below a flood, since every learner waiting on a grading may poll.
STATUS_RATE_LIMIT = "60 per minute"


def show_exercise(enrollment, item):
    """The exercise's item page (``learning.show_item``), with the learner's latest grading;
    registered with ``lms.learning.views.add_item_page`` at start-up."""
    page = jobs.page(enrollment, item)
    db.session.commit()
    if page.pop("completed_course"):
        flash(_("You have completed %(title)s!", title=enrollment.course.title), "success")
    return render_template("exercises/show_exercise.html", **page, **learning.item_context(enrollment, item))


def _grading_limit() -> str:
    return current_app.config["LMS_EXERCISE_RATE_LIMIT"]


def _per_learner() -> str:
    return f"exercise:{current_user.public_id}" if current_user.is_authenticated else request.remote_addr or ""


# Runs and submits share one budget per learner: both start a grading.
grading_limit = limiter.shared_limit(_grading_limit, scope="exercise-grading", key_func=_per_learner)
status_limit = limiter.limit(STATUS_RATE_LIMIT, key_func=_per_learner)


def _enrolled_exercise(slug, item_slug):
    """The exercise and the signed-in learner's active enrolment (404, 403 or 400 otherwise)."""
    _course, enrollment, item = guards.enrolled_item(slug, item_slug, "exercise")
    return enrollment, item


def _job_url(enrollment, item, job) -> str:
    return url_for("exercises.show_job", slug=enrollment.course.slug, item_slug=item.slug, job_id=job.id)


def _results(enrollment, item, outcome=None, *, error=None, **extra):
    """The results as fetch() shows them: the results section's HTML, the course progress,
    and where a syntax error is."""
    html = render_template("exercises/_results.html", outcome=outcome, item=item, error=error)
    row = learning.progress_by_item(enrollment).get(item.id)
    made = services.submissions(enrollment, item)
    # The best score and the submissions list as the page shows them, so a submit's
    # result shows there without a reload.
    body = {"html": html, "error": str(error) if error else None, "progress": enrollment.progress,
            "done": bool(row and row.completed_at),
            "best_html": render_template("exercises/_best_score.html", row=row).strip(),
            "submissions_html": render_template("exercises/_submissions.html", submissions=made,
                                                best_submission=services.best_submission(made),
                                                course=enrollment.course, item=item).strip(), **extra}
    if outcome is not None:
        body.update(status=outcome.status, line=outcome.line, column=outcome.column,
                    passed=outcome.passed_count, total=outcome.total, all_passed=outcome.all_passed)
    return jsonify(body)


def _refused(enrollment, item, *, code, error, status, job=None):
    """A run or submit that was not queued, and why: JSON for fetch (with the address of
    the learner's grading of this exercise in flight, if that is what stood in the way),
    or the exercise page with the message and the code as it was sent."""
    if wants_json():
        extra = {}
        if job is not None and job.enrollment_id == enrollment.id and job.item_id == item.id:
            extra["status_url"] = _job_url(enrollment, item, job)
        return _results(enrollment, item, error=error, **extra), status
    page = jobs.page(enrollment, item, code=code)
    page.pop("completed_course")
    page.update(outcome=None, error=error)
    context = learning.item_context(enrollment, item)
    return render_template("exercises/show_exercise.html", **page, **context), status


def _queue(slug, item_slug, kind):
    enrollment, item = _enrolled_exercise(slug, item_slug)
    code = request.form.get("code")
    try:
        job = jobs.start(current_user, enrollment, item, kind, code, locale=str(get_locale()))
    except services.CodeError as error:
        db.session.rollback()
        return _refused(enrollment, item, code=code, error=error.message, status=400)
    except jobs.GradingBusy as busy:
        db.session.rollback()
        return _refused(enrollment, item, code=code, error=busy.message, status=409, job=busy.job)
    db.session.commit()
    if not queues.dispatch_grading(current_app._get_current_object(), job):
        return _refused(enrollment, item, code=code, error=job.error, status=503)
    url = _job_url(enrollment, item, job)
    if wants_json():
        return jsonify(state=job.state, status_url=url), 202, {"Location": url}
    return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug, _anchor="results"))


@bp.route("/courses/<slug>/learn/<item_slug>/run", methods=["POST"])
@login_required
@grading_limit
def run_code(slug, item_slug):
    """Check the code with the example tests (nothing is counted)."""
    return _queue(slug, item_slug, "run")


@bp.route("/courses/<slug>/learn/<item_slug>/submit", methods=["POST"])
@login_required
@grading_limit
def submit_code(slug, item_slug):
    """Grade the code with the example and hidden tests; the submission counts."""
    return _queue(slug, item_slug, "submit")


@bp.route("/courses/<slug>/learn/<item_slug>/gradings/<int:job_id>")
@login_required
@status_limit
def show_job(slug, item_slug, job_id):
    """How one of the learner's gradings is going: ``queued`` or ``running``, then its
    results as a run or submit answered them before (JSON for fetch); without JavaScript,
    the exercise page, which shows the same. Another learner's grading is a 404."""
    enrollment, item = _enrolled_exercise(slug, item_slug)
    job = jobs.get(enrollment, item, job_id)
    if job is None:
        abort(404)
    completed = jobs.shown(job)
    db.session.commit()
    if completed:
        flash(_("You have completed %(title)s!", title=enrollment.course.title), "success")
    if not wants_json():
        return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug, _anchor="results"))
    if job.in_flight:
        return jsonify(state=job.state, status_url=request.path, poll_after_ms=jobs.poll_after_ms(job))
    db.session.refresh(enrollment)  # read before the grading's commit, which may have moved the progress
    return _results(enrollment, item, jobs.outcome_of(job), error=job.error or None, state=job.state)


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
