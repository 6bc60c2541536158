"""The xAPI statements of the learner journey, in the platform's vocabulary."""

from __future__ import annotations

from lms.catalog.models import Course, Item, Module
from lms.learning.models import Enrollment
from lms.xapi import vocabulary as v

INTERACTION_TYPES = {"single": "choice", "multiple": "choice", "true_false": "true-false",
                     "numeric": "numeric", "text": "fill-in"}


def course_activity(course: Course):
    return v.activity("course", (course.slug,), course.title, course.language)


def track_activity(course: Course):
    return v.activity("track", (course.track,), course.track, course.language)


def module_activity(course: Course, module: Module):
    return v.activity("module", (course.slug, module.slug), module.title, course.language)


def item_activity(course: Course, item: Item):
    return v.activity(item.kind, (course.slug, item.slug), item.title, course.language)


def _context(enrollment: Enrollment, parent=None, competences: list[str] | None = None):
    course = enrollment.course
    grouping = [track_activity(course)] if parent is None else [course_activity(course), track_activity(course)]
    return v.context(registration=enrollment.registration, language=course.language,
                     parent=[parent] if parent is not None else None, grouping=grouping,
                     extensions=v.competence_evidence(competences or []) or None)


def registered(enrollment: Enrollment):
    return v.statement(v.actor(enrollment.user.public_id), "registered",
                       course_activity(enrollment.course), context_=_context(enrollment))


def experienced(enrollment: Enrollment, item: Item):
    course = enrollment.course
    return v.statement(v.actor(enrollment.user.public_id), "experienced", item_activity(course, item),
                       context_=_context(enrollment, module_activity(course, item.module)))


def completed_item(enrollment: Enrollment, item: Item):
    course = enrollment.course
    return v.statement(v.actor(enrollment.user.public_id), "completed", item_activity(course, item),
                       context_=_context(enrollment, module_activity(course, item.module), item.competences),
                       result_=v.result(completion=True))


def completed_module(enrollment: Enrollment, module: Module):
    course = enrollment.course
    return v.statement(v.actor(enrollment.user.public_id), "completed", module_activity(course, module),
                       context_=_context(enrollment, course_activity(course)),
                       result_=v.result(completion=True))


def completed_course(enrollment: Enrollment):
    return v.statement(v.actor(enrollment.user.public_id), "completed", course_activity(enrollment.course),
                       context_=_context(enrollment), result_=v.result(completion=True))


def progressed(enrollment: Enrollment):
    return v.statement(v.actor(enrollment.user.public_id), "progressed", course_activity(enrollment.course),
                       context_=_context(enrollment), result_=v.result(progress=enrollment.progress))


def _interaction(question: dict) -> dict:
    """The question's interaction type, and nothing of its answer key: no
    ``correctResponsesPattern`` and no ``choices`` (option ids follow the course file's order,
    which shuffling hides). The learner reads these statements (their record, their own
    statements through the LRS) and every learner's share one activity definition, so
    either would give the answers away before the quiz's ``show_answers`` allows."""
    return {"interaction_type": INTERACTION_TYPES[question["type"]]}


def answered(enrollment: Enrollment, quiz: Item, question: dict, response: str, correct: bool):
    course = enrollment.course
    activity = v.activity("question", (course.slug, quiz.slug, question["id"]),
                          _plain(question["prompt"]), course.language, interaction=_interaction(question))
    return v.statement(v.actor(enrollment.user.public_id), "answered", activity,
                       context_=_context(enrollment, item_activity(course, quiz)),
                       result_=v.result(success=correct, response=response))


def assessed(enrollment: Enrollment, item: Item, *, passed: bool, score: float, points: float, max_points: float,
             response: str | None = None):
    """``passed`` or ``failed`` on a quiz or an exercise (``response``: the submitted code)."""
    course = enrollment.course
    return v.statement(v.actor(enrollment.user.public_id), "passed" if passed else "failed",
                       item_activity(course, item),
                       context_=_context(enrollment, module_activity(course, item.module),
                                         item.competences if passed else None),
                       result_=v.result(scaled=score, raw=points, max_points=max_points, success=passed,
                                        completion=passed, response=response))


def attempted(enrollment: Enrollment, item: Item):
    """A code exercise was submitted for grading."""
    course = enrollment.course
    return v.statement(v.actor(enrollment.user.public_id), "attempted", item_activity(course, item),
                       context_=_context(enrollment, module_activity(course, item.module)))


def _plain(markdown_text: str) -> str:
    return " ".join(markdown_text.replace("*", "").replace("`", "").split())[:250]
