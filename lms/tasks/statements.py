"""The xAPI statements of reviewed tasks, in the platform's vocabulary.

Handing in is ``attempted``. A review is ``passed`` (accepted) or ``failed`` (another try)
with the rubric score, made by the platform about the learner; the reviewer is named by
their public id in ``context.instructor`` and their role (``class-teacher`` or
``course-reviewer``) in the ``reviewer-role`` context extension, so the evidence a passed
task gives (assessed, at its competences' levels) says who assessed it and in what right."""

from __future__ import annotations

from lms.accounts.models import User
from lms.catalog.models import Item
from lms.learning import statements as learning
from lms.learning.models import Enrollment
from lms.tasks.models import ACCEPTED, HandIn, Review
from lms.xapi import vocabulary as v

REVIEWER_ROLE = "reviewer-role"
HAND_IN = "hand-in"


def _context(enrollment: Enrollment, item: Item, hand_in: HandIn, *, competences: list[str] | None = None,
             reviewer: User | None = None, role: str | None = None):
    course = enrollment.course
    extensions = {v.extension_iri(HAND_IN): hand_in.number, **v.competence_evidence(competences or [])}
    if role is not None:
        extensions[v.extension_iri(REVIEWER_ROLE)] = role
    context = v.context(registration=enrollment.registration, language=course.language,
                        parent=[learning.module_activity(course, item.module)],
                        grouping=[learning.course_activity(course), learning.track_activity(course)],
                        extensions=extensions)
    if reviewer is not None:
        context["instructor"] = v.actor(reviewer.public_id)
    return context


def handed_in(enrollment: Enrollment, item: Item, hand_in: HandIn):
    """The learner handed the task in (its number in the context)."""
    return v.statement(v.actor(enrollment.user.public_id), "attempted", learning.item_activity(enrollment.course, item),
                       context_=_context(enrollment, item, hand_in))


def reviewed(enrollment: Enrollment, item: Item, hand_in: HandIn, review: Review, reviewer: User):
    """``passed`` when accepted (with the task's competences), else ``failed``; the rubric
    score when the task has a rubric."""
    accepted = review.decision == ACCEPTED
    return v.statement(
        v.actor(enrollment.user.public_id), "passed" if accepted else "failed",
        learning.item_activity(enrollment.course, item),
        context_=_context(enrollment, item, hand_in, competences=item.competences if accepted else None,
                          reviewer=reviewer, role=review.reviewer_role),
        result_=v.result(scaled=review.score, raw=review.points, max_points=review.max_points, success=accepted,
                         completion=accepted))
