"""The gradebook of a class (its teacher) and of a course (its reviewers), its exports,
a learner's work on one item behind each cell, comments on that work, and the learner's
record of who saw and commented on it."""

import uuid
from urllib.parse import quote as url_quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_percent, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from lms.catalog import services as catalog
from lms.core.auth import login_required, role_required
from lms.core.exports import csv_response
from lms.extensions import db
from lms.gradebook import access, exports, forms, services, work
from lms.audit.services import record_access
from lms.teaching import services as teaching

bp = Blueprint("gradebook", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def item_feedback(enrollment, item):
    """The feedback part of a learner's item page (``learning/_item_layout.html``)."""
    return work.for_item_page(enrollment, item)


class Formats:
    """The cells' words and numbers, each distinct value formatted once per page: a
    gradebook of 1,200 cells holds few distinct scores, days and states, and formatting
    each cell afresh through Babel was most of the page's time."""

    def __init__(self) -> None:
        self._cache: dict = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def day(self, moment):
        return self._once(("day", moment.date()), lambda: format_date(moment, "short"))

    def percent(self, score):
        return self._once(("percent", round(score, 4)), lambda: format_percent(score))

    def tries(self, count):
        return self._once(("tries", count), lambda: ngettext("%(num)d try", "%(num)d tries", count))

    def state(self, cell):
        return self._once(("state", cell.state), lambda: cell.state_name)

    def text(self, message):
        return self._once(("text", message), lambda: _(message))

    def _work_url_pattern(self) -> str:
        return self._once("work_url", lambda: url_for(
            "gradebook.show_work", public_id=_PLACEHOLDER_ID, slug="{slug}", item_slug="{item}")
            .replace(str(_PLACEHOLDER_ID), "{learner}").replace("%7Bslug%7D", "{slug}")
            .replace("%7Bitem%7D", "{item}"))

    def _body(self, cell) -> str:
        body = f'<span class="state">{escape(self.state(cell))}</span>'
        if cell.best_score is not None:
            body += f'<span class="score">{escape(self.percent(cell.best_score))}</span>'
        if cell.attempts:
            body += f'<span class="attempts">{escape(self.tries(cell.attempts))}</span>'
        if cell.late:
            body += f'<strong class="late-marker">{escape(_("late"))}</strong>'
        if cell.last_at:
            body += f'<span class="last meta">{escape(self.day(cell.last_at))}</span>'
        return body

    def cell(self, learner, cell) -> Markup:
        """A cell's content: its link, state, best score, tries, late marker and last day.
        The content is written (and escaped) once per page for each distinct combination
        of those, and the link around it from the learner's and the item's parts, each
        made once: a 1,200-cell page has few distinct contents, and formatting, escaping
        and building a URL for every cell afresh was most of its time."""
        cache = self._cache
        key = ("body", cell.state, None if cell.best_score is None else round(cell.best_score, 4), cell.attempts,
               cell.late, cell.last_at.date() if cell.last_at else None)
        body = cache.get(key)
        if body is None:
            body = cache[key] = self._body(cell)
        if not cell.enrollment_id:
            return Markup(body)
        learner_key, item_key = ("link-learner", learner.id), ("link-item", cell.item.id)
        if learner_key not in cache:
            pattern = self._work_url_pattern()
            cache[learner_key] = (escape(pattern[:pattern.index("{learner}")]
                                         + url_quote(str(learner.public_id), safe="")), escape(learner.display_name))
        if item_key not in cache:
            item = cell.item
            pattern = self._work_url_pattern()
            rest = pattern[pattern.index("{learner}") + len("{learner}"):]
            cache[item_key] = (escape(rest.replace("{slug}", url_quote(item.course.slug, safe=""))
                                      .replace("{item}", url_quote(item.slug, safe=""))), escape(item.title))
        (start, name), (end, title) = cache[learner_key], cache[item_key]
        return Markup(f'<a href="{start}{end}">{body}<span class="visually-hidden"> — {name}, {title}</span></a>')

    def cells(self, row) -> Markup:
        """A row's cells, each a ``<td>`` with its state's classes around ``cell``: one
        call per row rather than a template loop's work for each of 1,200 cells."""
        parts = []
        for cell in row.cells:
            key = (cell.state, cell.matches, cell.late)
            classes = self._once(("td", key), lambda key=key: "cell state-{}{}{}".format(
                escape(key[0]), " matches" if key[1] else "", " late" if key[2] else ""))
            parts.append(f'<td class="{classes}">{self.cell(row.learner, cell)}</td>')
        return Markup("\n        ".join(parts))


_PLACEHOLDER_ID = uuid.UUID(int=0)


def _class_or_404(class_id):
    school_class = teaching.class_for_teacher(class_id, current_user)
    if school_class is None:
        abort(404)
    return school_class


def _course_or_404(slug):
    course = catalog.get_course(slug, include_drafts=True)
    if course is None or not access.reviews_course(current_user, course.id):
        abort(404)
    return course


def _choices():
    return {"filter_": request.args.get("filter") or None, "sort": request.args.get("sort") or "name"}


@bp.route("/classes/<int:class_id>/gradebook")
@role_required("teacher")
def show_class_gradebook(class_id):
    school_class = _class_or_404(class_id)
    return render_template("gradebook/show_gradebook.html", book=services.for_class(school_class, **_choices()),
                           title=school_class.name, school_class=school_class, course=None,
                           here=url_for("gradebook.show_class_gradebook", class_id=class_id),
                           csv_url=url_for("gradebook.export_class_csv", class_id=class_id),
                           xlsx_url=url_for("gradebook.export_class_xlsx", class_id=class_id),
                           filters=services.FILTERS, sorts=services.SORTS, fmt=Formats())


@bp.route("/classes/<int:class_id>/gradebook.csv")
@role_required("teacher")
def export_class_csv(class_id):
    school_class = _class_or_404(class_id)
    book = _exported(services.for_class(school_class), school_class.name, "CSV")
    return csv_response(exports.rows(book), f"gradebook-class-{class_id}.csv")


def _exported(book, title: str, kind: str):
    """An export names every learner in it: the access log keeps who took it."""
    record_access(current_user, [row.learner.id for row in book.rows], "progress", f"{title} ({kind})")
    db.session.commit()
    return book


def _xlsx(data, filename):
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/classes/<int:class_id>/gradebook.xlsx")
@role_required("teacher")
def export_class_xlsx(class_id):
    school_class = _class_or_404(class_id)
    book = _exported(services.for_class(school_class), school_class.name, "Excel")
    return _xlsx(exports.xlsx(book, school_class.name), f"gradebook-class-{class_id}.xlsx")


@bp.route("/gradebooks")
@role_required("teacher", "admin")
def list_gradebooks():
    """The teacher's classes and the courses they review, each with its gradebook."""
    return render_template("gradebook/list_gradebooks.html", classes=teaching.classes_of(current_user),
                           courses=services.reviewed_courses(current_user))


@bp.route("/courses/<slug>/gradebook")
@role_required("teacher", "admin")
def show_course_gradebook(slug):
    course = _course_or_404(slug)
    return render_template("gradebook/show_gradebook.html", book=services.for_course(course, **_choices()),
                           title=course.title, school_class=None, course=course,
                           here=url_for("gradebook.show_course_gradebook", slug=slug),
                           csv_url=url_for("gradebook.export_course_csv", slug=slug),
                           xlsx_url=url_for("gradebook.export_course_xlsx", slug=slug),
                           filters=services.FILTERS, sorts=services.SORTS, fmt=Formats())


@bp.route("/courses/<slug>/gradebook.csv")
@role_required("teacher", "admin")
def export_course_csv(slug):
    course = _course_or_404(slug)
    book = _exported(services.for_course(course), course.title, "CSV")
    return csv_response(exports.rows(book), f"gradebook-{slug}.csv")


@bp.route("/courses/<slug>/gradebook.xlsx")
@role_required("teacher", "admin")
def export_course_xlsx(slug):
    course = _course_or_404(slug)
    book = _exported(services.for_course(course), course.title, "Excel")
    return _xlsx(exports.xlsx(book, course.title), f"gradebook-{slug}.xlsx")


def _work_page(enrollment, item, role, form=None, error=None, status=200):
    return render_template("gradebook/show_work.html", work=work.work(enrollment, item, role),
                           form=form or forms.FeedbackForm(formdata=None), error=error,
                           back=request.args.get("back")), status


@bp.route("/work/<uuid:public_id>/<slug>/<item_slug>")
@role_required("teacher", "admin")
def show_work(public_id, slug, item_slug):
    """What the learner did on the item; the opening is kept and shown to the learner."""
    found = work.find(current_user, public_id, slug, item_slug)
    if found is None:
        abort(404)
    enrollment, item, role = found
    work.record_view(enrollment, item, current_user, role)
    page = _work_page(enrollment, item, role)
    db.session.commit()
    return page


@bp.route("/work/<uuid:public_id>/<slug>/<item_slug>/feedback", methods=["POST"])
@role_required("teacher", "admin")
def add_feedback(public_id, slug, item_slug):
    """A comment on an attempt, a submission (or one of its lines) or a hand-in. Work that
    is not the commenter's to see is a 404, and nothing is saved."""
    found = work.find(current_user, public_id, slug, item_slug)
    if found is None:
        abort(404)
    enrollment, item, role = found
    form = forms.FeedbackForm()
    if not form.validate_on_submit():
        return _work_page(enrollment, item, role, form, _("The comment could not be saved."), 400)
    try:
        work.comment(current_user, enrollment, item, target=form.target.data or "", target_id=form.target_id.data or "",
                     body=form.body.data or "", line=form.line.data)
    except work.FeedbackError as error:
        db.session.rollback()
        if error.field in ("body", "line"):
            getattr(form, error.field).errors = [error.message]
        return _work_page(enrollment, item, role, form, error.message, 400)
    db.session.commit()
    flash(_("Your comment is saved; %(name)s is notified.", name=enrollment.user.display_name), "success")
    return redirect(url_for("gradebook.show_work", public_id=public_id, slug=slug, item_slug=item_slug))


@bp.route("/my/feedback")
@login_required
def my_feedback():
    """Who opened, commented on and reviewed the learner's work."""
    return render_template("gradebook/my_feedback.html", entries=work.record(current_user))
