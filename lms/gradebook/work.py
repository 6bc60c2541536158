"""What a learner did on one item, as their teacher sees it from a gradebook cell (each
quiz attempt with the answers given and the right ones, each code submission with its
code and test results, hidden tests by name and verdict only, each task hand-in with its
files and reviews), who opened it, and feedback: a teacher's comments on an attempt, a
submission (overall or on one of its lines) or a hand-in.

The learner sees the feedback on the item's page and, with every opening of their work,
in their record. A comment is not an xAPI statement: the platform's vocabulary
(DESIGN.md) has no ``commented`` verb, and a review's own statement already says what an
assessment concluded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lms.accounts import services as accounts
from lms.accounts.models import User, utcnow
from lms.audit import services as audit
from lms.catalog import services as catalog
from lms.catalog.models import Course, Item
from lms.core import markdown
from lms.exercises import services as exercises
from lms.exercises.models import ExerciseSubmission
from lms.extensions import db
from lms.gradebook import access
from lms.gradebook.models import ATTEMPT, HAND_IN, SUBMISSION, TARGETS, Feedback
from lms.learning import services as learning
from lms.learning.models import Enrollment, QuizAttempt
from lms.notifications import services as notifications
from lms.tasks import services as tasks
from lms.tasks.models import HandIn, Review

MAX_COMMENT = 10_000


class FeedbackError(ValueError):
    """A comment that cannot be saved, with a message naming the field."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field


@dataclass
class Submitted:
    submission: ExerciseSubmission
    outcome: object
    lines: list[str]
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class Attempted:
    attempt: QuizAttempt
    paper: list
    results: dict
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class HandedIn:
    hand_in: HandIn
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class Work:
    learner: User
    enrollment: Enrollment
    course: Course
    item: Item
    role: str
    attempts: list[Attempted] = field(default_factory=list)
    submissions: list[Submitted] = field(default_factory=list)
    hand_ins: list[HandedIn] = field(default_factory=list)


def find(viewer: User, public_id, slug: str, item_slug: str) -> tuple[Enrollment, Item, str] | None:
    """The learner's enrolment, the item and the viewer's right to see the work, or None when
    any is missing or the work is not the viewer's to see (the same answer, so nothing can
    be probed)."""
    learner = accounts.get_by_public_id(public_id)
    course = catalog.get_course(slug, include_drafts=True)
    if learner is None or course is None:
        return None
    item = catalog.find_item(course, item_slug)
    enrollment = learning.enrollment_for(learner, course)
    if item is None or enrollment is None or item.kind not in ("quiz", "exercise", "task"):
        return None
    role = access.role_for(viewer, enrollment, item)
    if role is None:
        return None
    return enrollment, item, role


def _feedback(enrollment: Enrollment, item: Item) -> dict[tuple[str, int], list[Feedback]]:
    found: dict[tuple[str, int], list[Feedback]] = {}
    for row in feedback_on(enrollment, item):
        found.setdefault((row.target, row.target_id), []).append(row)
    return found


def work(enrollment: Enrollment, item: Item, role: str) -> Work:
    """Everything the learner did on the item, oldest first, with its feedback."""
    found = Work(enrollment.user, enrollment, enrollment.course, item, role)
    feedback = _feedback(enrollment, item)
    if item.kind == "quiz":
        for attempt in learning.attempts(enrollment, item):
            if attempt.submitted_at is None:
                continue
            found.attempts.append(Attempted(attempt, learning.attempt_paper(attempt),
                                            {r["id"]: r for r in attempt.results or []},
                                            feedback.get((ATTEMPT, attempt.id), [])))
    elif item.kind == "exercise":
        for submission in exercises.submissions(enrollment, item):
            found.submissions.append(Submitted(submission, exercises.outcome_of(submission),
                                               submission.code.split("\n"),
                                               feedback.get((SUBMISSION, submission.id), [])))
    else:
        for hand_in in tasks.hand_ins(enrollment, item):
            found.hand_ins.append(HandedIn(hand_in, feedback.get((HAND_IN, hand_in.id), [])))
    return found


# The access log's name for what a teacher sees of each kind of item.
WHAT_IS_SEEN = {"quiz": "answers", "exercise": "code", "task": "hand_in"}


def record_view(enrollment: Enrollment, item: Item, viewer: User, role: str) -> None:
    """The viewer opened the learner's work: one entry in the access log, which the learner
    sees on the item's page and in their record, and admins search."""
    audit.record_access(viewer, enrollment.user_id, WHAT_IS_SEEN.get(item.kind, "record"), item.title,
                        item_id=item.id, role=role)


# Feedback ------------------------------------------------------------------------------------

def _target(enrollment: Enrollment, item: Item, target: str, target_id) -> ExerciseSubmission | QuizAttempt | HandIn:
    model = {ATTEMPT: QuizAttempt, SUBMISSION: ExerciseSubmission, HAND_IN: HandIn}.get(target)
    kind = {ATTEMPT: "quiz", SUBMISSION: "exercise", HAND_IN: "task"}.get(target)
    row = None
    if model is not None and kind == item.kind and str(target_id).isdigit():
        row = db.session.get(model, int(target_id))
    if row is None or row.enrollment_id != enrollment.id or row.item_id != item.id or (
            target == ATTEMPT and row.submitted_at is None):
        raise FeedbackError(_l("Choose a piece of this learner's work on this item to comment on."), "target")
    return row


def comment(author: User, enrollment: Enrollment, item: Item, *, target: str, target_id, body: str,
            line=None) -> Feedback:
    """A comment on a quiz attempt, a code submission (overall, or on ``line``) or a task
    hand-in, and a "feedback" notification to the learner linking to it. Refused
    (``FeedbackError``, nothing saved) when the work is not the author's to see, the
    target is not this learner's work on this item, the line is not a line of the code,
    or the comment is empty or too long."""
    role = access.role_for(author, enrollment, item)
    if role is None:
        raise FeedbackError(_l("You may not comment on this learner's work."))
    if target not in TARGETS:
        raise FeedbackError(_l("Choose a piece of this learner's work on this item to comment on."), "target")
    row = _target(enrollment, item, target, target_id)
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise FeedbackError(_l("Write your comment."), "body")
    if len(body) > MAX_COMMENT:
        raise FeedbackError(_l("The comment is %(size)d characters long; at most %(limit)d are accepted.",
                               size=len(body), limit=MAX_COMMENT), "body")
    line_number, line_text = None, ""
    if line not in (None, ""):
        lines = row.code.split("\n") if target == SUBMISSION else []
        if not lines:
            raise FeedbackError(_l("Only code has lines to comment on."), "line")
        if not str(line).strip().isdigit() or not 1 <= int(line) <= len(lines):
            raise FeedbackError(_l("Choose a line from 1 to %(count)d.", count=len(lines)), "line")
        line_number, line_text = int(line), lines[int(line) - 1][:500]
    made = Feedback(enrollment_id=enrollment.id, item_id=item.id, author_id=author.id, author_role=role,
                    target=target, target_id=row.id, target_number=row.number, line=line_number,
                    line_text=line_text, body=body, body_html=markdown.render(body), created_at=utcnow())
    db.session.add(made)
    db.session.flush()
    notifications.notify(enrollment.user_id, "feedback", item.title,
                         url_for("learning.show_item", slug=enrollment.course.slug, item_slug=item.slug,
                                 _anchor="feedback"))
    return made


# What the learner sees -----------------------------------------------------------------------

def feedback_on(enrollment: Enrollment, item: Item) -> list[Feedback]:
    """Every comment on the learner's work on the item, oldest first, with its author."""
    return list(db.session.scalars(sa.select(Feedback).where(
        Feedback.enrollment_id == enrollment.id, Feedback.item_id == item.id)
        .order_by(Feedback.created_at, Feedback.id).options(selectinload(Feedback.author))))


def views_on(enrollment: Enrollment, item: Item) -> list[audit.WorkViews]:
    return audit.views_of(enrollment.user_id, item.id)


@dataclass
class ItemFeedback:
    """The feedback part of a learner's item page."""

    feedback: list[Feedback]
    views: list[audit.WorkViews]


def for_item_page(enrollment: Enrollment | None, item: Item) -> ItemFeedback | None:
    if enrollment is None or item.kind not in ("quiz", "exercise", "task"):
        return None
    return ItemFeedback(feedback_on(enrollment, item), views_on(enrollment, item))


@dataclass
class RecordEntry:
    """One line of a learner's record: someone viewed, commented on or reviewed their work."""

    at: datetime
    kind: str  # viewed, commented, reviewed
    who: User | None
    role: str
    course: Course
    item: Item
    feedback: Feedback | None = None
    review: Review | None = None


def record(user: User) -> list[RecordEntry]:
    """Who opened (from the access log), commented on and reviewed the learner's work,
    newest first: a fixed number of queries."""
    mine = sa.select(Enrollment.id).where(Enrollment.user_id == user.id)
    entries = []
    views = audit.views_of(user.id)
    items = {item.id: item for item in db.session.scalars(
        sa.select(Item).where(Item.id.in_({view.item_id for view in views})).options(selectinload(Item.course)))} \
        if views else {}
    for view in views:
        if view.item_id in items:
            item = items[view.item_id]
            entries.append(RecordEntry(view.last_at, "viewed", view.viewer, view.viewer_role, item.course, item))
    for row in db.session.scalars(sa.select(Feedback).where(Feedback.enrollment_id.in_(mine)).options(
            selectinload(Feedback.author), selectinload(Feedback.item).selectinload(Item.course))):
        entries.append(RecordEntry(row.created_at, "commented", row.author, row.author_role, row.item.course,
                                   row.item, feedback=row))
    for review in db.session.scalars(sa.select(Review).join(HandIn, Review.hand_in_id == HandIn.id).where(
            HandIn.enrollment_id.in_(mine)).options(
            selectinload(Review.reviewer), selectinload(Review.hand_in).selectinload(HandIn.item)
            .selectinload(Item.course))):
        entries.append(RecordEntry(review.reviewed_at, "reviewed", review.reviewer, review.reviewer_role,
                                   review.hand_in.item.course, review.hand_in.item, review=review))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
