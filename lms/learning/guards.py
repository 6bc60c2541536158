"""The one guard for a learner's step in a course, shared by the views of every item kind
(lessons and quizzes here, exercises, tasks): 404 for no such course or item, 403 when the
signed-in learner is not enrolled, 400 when the step is for another kind of item."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from lms.catalog import services as catalog
from lms.learning import services


def course_or_404(slug):
    course = catalog.get_course(slug)
    if course is None:
        abort(404)
    return course


def enrolled(slug):
    """The published course and the signed-in learner's active enrolment in it."""
    course = course_or_404(slug)
    enrollment = services.active_enrollment(current_user, course)
    if enrollment is None:
        abort(403)
    return course, enrollment


def item_or_404(course, item_slug):
    item = catalog.find_item(course, item_slug)
    if item is None:
        abort(404)
    return item


def enrolled_item(slug, item_slug, kind: str | None = None):
    """Course, enrolment and item; with ``kind``, a step only that kind of item takes."""
    course, enrollment = enrolled(slug)
    item = item_or_404(course, item_slug)
    if kind is not None and item.kind != kind:
        abort(400)
    return course, enrollment, item
