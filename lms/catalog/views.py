from typing import Callable

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from lms.accounts.models import User
from lms.catalog import forms, services
from lms.catalog.models import Course

bp = Blueprint("catalog", __name__)

# A signed-in learner's state in a course (enrolment, progress, the item to continue with),
# as keyword arguments for the course page. Learning owns it and sits above the catalogue,
# so it registers the function at start-up (``set_learner_state``).
LearnerState = Callable[[User, Course], dict]
_learner_state: LearnerState = lambda user, course: {}  # noqa: E731


def set_learner_state(state: LearnerState) -> None:
    """Show a learner's state on course pages with ``state(user, course)``; called once at start-up."""
    global _learner_state
    _learner_state = state

ITEM_KIND_NAMES = {"lesson": _l("Lesson"), "quiz": _l("Quiz"), "exercise": _l("Exercise"), "task": _l("Task"),
                   "h5p": _l("Interactive H5P activity")}
TRACK_NAMES = {
    "after-school": _l("After-school activities"),
    "digital-essentials": _l("Digital essentials"),
    "digital-pedagogy": _l("Digital pedagogy"),
    "js-react": _l("JavaScript and React"),
}


def can_see_drafts() -> bool:
    return current_user.is_authenticated and current_user.has_role("admin")


@bp.app_context_processor
def catalogue_names():
    return {"track_names": TRACK_NAMES, "level_names": forms.LEVEL_NAMES,
            "audience_group_names": forms.AUDIENCE_NAMES, "content_language_names": forms.LANGUAGE_NAMES}


@bp.app_template_filter("item_kind_name")
def item_kind_name(kind: str) -> str:
    """What people call an item's kind (a filter, so macros imported without context have it)."""
    return str(ITEM_KIND_NAMES.get(kind, kind))


@bp.route("/courses")
def list_courses():
    drafts = can_see_drafts()
    form = forms.CatalogueFilterForm(request.args)
    form.track.choices = [SelectChoice("", _l("All tracks"))] + [
        SelectChoice(track, TRACK_NAMES.get(track, track)) for track in services.tracks(include_drafts=drafts)]
    form.validate()
    filters = services.CourseFilter(
        query=(form.q.data or "")[:100],
        audience=form.audience.data if form.audience.data in forms.AUDIENCE_NAMES else None,
        track=form.track.data or None, level=form.level.data or None,
        language=form.language.data if form.language.data in forms.LANGUAGE_NAMES else None,
    )
    courses = services.list_courses(filters, include_drafts=drafts)
    return render_template("catalog/list_courses.html", form=form, courses=courses)


@bp.route("/courses/<slug>")
def show_course(slug):
    course = services.get_course(slug, include_drafts=can_see_drafts())
    if course is None:
        abort(404)
    state = {"enrollment": None, "progress": {}, "next_item": None}
    if current_user.is_authenticated:
        state.update(_learner_state(current_user, course))
    return render_template(
        "catalog/show_course.html", course=course, modules=services.live_modules(course),
        items=services.live_items(course), **state,
    )
