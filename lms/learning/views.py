from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from lms.catalog import services as catalog
from lms.catalog.models import Item
from lms.core.auth import login_required
from lms.core.confirm import confirmation_page
from lms.extensions import db
from lms.learning import classes, guards, services
from lms.learning.models import Enrollment

bp = Blueprint("learning", __name__)

# The item page of a kind another domain owns (an exercise, a task): that domain registers
# its page at start-up (``add_item_page``), so learning needs not import it. The page is
# called with the enrolment and the item once the item is marked opened, and commits.
ItemPage = Callable[[Enrollment, Item], ResponseReturnValue]
_item_pages: dict[str, ItemPage] = {}


def add_item_page(kind: str, page: ItemPage) -> None:
    """Show items of ``kind`` with ``page`` in ``show_item``; called once at start-up."""
    _item_pages[kind] = page


@bp.app_template_filter("link_sections")
def link_sections(html, sections) -> Markup:
    """Feedback (already rendered and sanitised) whose quoted section or lesson names
    ("revise the section „find: atrast pirmo”") link to that place in the lesson."""
    html = str(html)
    for name, (item, anchor) in services.sections_named(html, sections or {}).items():
        url = url_for("learning.show_item", slug=item.course.slug, item_slug=item.slug) + (f"#{anchor}" if anchor else "")
        html = html.replace(name, f'<a href="{escape(url)}">{name}</a>', 1)
    return Markup(html)


@bp.route("/my")
@login_required
def dashboard():
    return render_template("learning/dashboard.html", entries=services.dashboard(current_user),
                           due=classes.of().still_to_do(current_user),
                           announcements=classes.of().unread_announcements(current_user),
                           classes=classes.of().classes_joined(current_user))


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@login_required
def enrol(slug):
    course = guards.course_or_404(slug)
    enrollment = services.enrol(current_user, course)
    db.session.commit()
    flash(_("You are enrolled in %(title)s.", title=course.title), "success")
    # Enrolling from a link to one item (a learning plan's) opens that item.
    wanted = catalog.find_item(course, request.form.get("item", "")) if request.form.get("item") else None
    first = wanted or services.continue_item(enrollment)
    if first is None:
        return redirect(url_for("catalog.show_course", slug=slug))
    return redirect(url_for("learning.show_item", slug=slug, item_slug=first.slug))


@bp.route("/courses/<slug>/leave", methods=["GET", "POST"])
@login_required
def leave(slug):
    """GET asks first, naming the course; POST leaves it."""
    course, enrollment = guards.enrolled(slug)
    if request.method == "GET":
        return confirmation_page(
            title=_("Leave %(title)s?", title=course.title),
            explanation=[_("The course leaves My learning. Your progress, quiz attempts and certificate are kept: "
                           "if you enrol again, you continue where you left off.")],
            action=url_for("learning.leave", slug=slug), confirm=_("Yes, leave %(title)s", title=course.title),
            cancel_url=url_for("catalog.show_course", slug=slug), cancel=_("No, stay in the course"))
    services.leave(enrollment)
    db.session.commit()
    flash(_("You have left %(title)s. Your progress is kept if you come back.", title=course.title), "info")
    return redirect(url_for("learning.dashboard"))


@bp.route("/courses/<slug>/learn/<item_slug>")
@login_required
def show_item(slug, item_slug):
    course = guards.course_or_404(slug)
    item = guards.item_or_404(course, item_slug)
    enrollment = services.active_enrollment(current_user, course)
    if enrollment is None:
        # A link to an item from outside the course (a learning plan, a role's gap, a
        # pupil's evidence) offers enrolment rather than a dead end.
        flash(_("Enrol in %(course)s to open %(item)s.", course=course.title, item=item.title), "info")
        return redirect(url_for("catalog.show_course", slug=slug, item=item.slug))
    services.open_item(enrollment, item)
    if item.kind in _item_pages:
        return _item_pages[item.kind](enrollment, item)
    db.session.commit()
    context = services.item_context(enrollment, item)
    if item.kind == "quiz":
        made = services.attempts(enrollment, item)
        return render_template("learning/show_quiz.html", attempts=made, policy=services.answers_policy(item),
                               attempts_left=services.attempts_left(item, made),
                               window=classes.of().window_for(current_user, item), **context)
    return render_template("learning/show_lesson.html", **context)


@bp.route("/courses/<slug>/learn/<item_slug>/done", methods=["POST"])
@login_required
def mark_done(slug, item_slug):
    course, enrollment, item = guards.enrolled_item(slug, item_slug, "lesson")
    services.mark_done(enrollment, item)
    db.session.commit()
    if enrollment.completed_at and services.certificate_for(enrollment):
        flash(_("You have completed %(title)s!", title=course.title), "success")
        return redirect(url_for("learning.show_certificate", slug=slug))
    following = services.continue_item(enrollment)
    target = following if following is not None else item
    return redirect(url_for("learning.show_item", slug=slug, item_slug=target.slug))


@bp.route("/courses/<slug>/learn/<item_slug>/attempts", methods=["POST"])
@login_required
def start_attempt(slug, item_slug):
    course, enrollment, item = guards.enrolled_item(slug, item_slug, "quiz")
    try:
        attempt = services.start_attempt(enrollment, item)
    except services.LearningError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug))
    db.session.commit()
    return redirect(url_for("learning.show_attempt", slug=slug, item_slug=item_slug, number=attempt.number))


@bp.route("/courses/<slug>/learn/<item_slug>/attempts/<int:number>", methods=["GET", "POST"])
@login_required
def show_attempt(slug, item_slug, number):
    course, enrollment = guards.enrolled(slug)
    item = guards.item_or_404(course, item_slug)
    attempt = services.get_attempt(enrollment, item, number) if item.kind == "quiz" else None
    if attempt is None:
        abort(404)
    problems, status = {}, 200
    if request.method == "POST" and attempt.submitted_at is None:
        try:
            submission = services.submit_attempt(enrollment, attempt, request.form.to_dict(flat=False))
        except services.AnswerError as error:
            db.session.rollback()
            problems, status = error.problems, 400
        except services.HandInRefused as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("learning.show_item", slug=slug, item_slug=item_slug))
        else:
            db.session.commit()
            if submission.counted and enrollment.completed_at and attempt.passed:
                flash(_("You have completed %(title)s!", title=course.title), "success")
            return redirect(url_for("learning.show_attempt", slug=slug, item_slug=item_slug, number=number))
    page = services.attempt_page(enrollment, item, attempt)
    db.session.commit()
    return render_template("learning/show_attempt.html", course=course, item=item, attempt=attempt,
                           problems=problems, given=request.form if problems else {}, **page), status


@bp.route("/courses/<slug>/certificate", methods=["GET", "POST"])
@login_required
def show_certificate(slug):
    course = guards.course_or_404(slug)
    enrollment = services.enrollment_for(current_user, course)
    certificate = services.certificate_for(enrollment) if enrollment else None
    if certificate is None:
        abort(404)
    if request.method == "POST":
        try:
            services.set_certificate_name_visible(certificate, request.form.get("show_name") == "1")
        except services.LearningError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your choice is saved."), "success")
        return redirect(url_for("learning.show_certificate", slug=slug))
    return render_template("learning/show_certificate.html", course=course, certificate=certificate,
                           enrollment=enrollment)


@bp.route("/certificates")
def find_certificate():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("learning.verify_certificate", code=services.normalise_certificate_code(code)))
    return render_template("learning/find_certificate.html")


@bp.route("/certificates/<code>")
def verify_certificate(code):
    """Public: anyone holding the code can check the certificate. Shows the course and
    the date, and the learner's name only if they agreed."""
    certificate = services.certificate_by_code(code)
    status = 200 if certificate is not None else 404
    return render_template("learning/verify_certificate.html", certificate=certificate, code=code), status
