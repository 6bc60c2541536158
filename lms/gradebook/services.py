"""The gradebook: learners by assigned items (quizzes, exercises, tasks), each cell with
its state, best score, attempts, last activity and whether it is late; totals per learner
and per item; filters and sorting. Built in a fixed number of queries however many
learners and items (see ``tests/gradebook/test_queries.py``).

For a class (its teacher): the items its courses and single-item assignments hold, with
the class's due dates. For a course (its reviewers, admins): the learners in no class
that has the course, who are the course reviewers' to follow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import load_only, selectinload

from lms.accounts.models import User
from lms.catalog.models import Course, Item
from lms.core.clock import utcnow
from lms.exercises.models import ExerciseSubmission
from lms.extensions import db
from lms.learning.models import Enrollment, ItemProgress, QuizAttempt
from lms.tasks import services as tasks
from lms.tasks.models import CourseReviewer
from lms.teaching import due_dates, services as teaching
from lms.teaching.due_dates import Window
from lms.teaching.models import SchoolClass

GRADED_KINDS = ("quiz", "exercise", "task")

# A cell's state, from nothing to done.
NOT_STARTED, OPENED, IN_PROGRESS, TRIED, NEEDS_REVIEW, ANOTHER_TRY, DONE = (
    "not_started", "opened", "in_progress", "tried", "needs_review", "another_try", "done")
STATE_NAMES = {
    NOT_STARTED: _l("Not started"), OPENED: _l("Opened"), IN_PROGRESS: _l("Draft"), TRIED: _l("Tried, not passed"),
    NEEDS_REVIEW: _l("Needs review"), ANOTHER_TRY: _l("Another try asked"), DONE: _l("Done"),
}
FILTERS = {
    "needs_review": _l("Needs review"), "not_started": _l("Not started"), "late": _l("Late"),
}
SORTS = {
    "name": _l("Name"), "score": _l("Average score"), "done": _l("Items done"), "last": _l("Last activity"),
}


@dataclass
class Cell:
    """One learner's work on one item."""

    item: Item
    enrollment_id: int | None
    state: str = NOT_STARTED
    best_score: float | None = None
    attempts: int = 0
    last_at: datetime | None = None
    completed_at: datetime | None = None
    late: bool = False
    due_at: datetime | None = None
    matches: bool = False  # the filter chosen picks this cell

    @property
    def state_name(self) -> str:
        return str(STATE_NAMES[self.state])

    def matches_filter(self, name: str | None) -> bool:
        if name == "needs_review":
            return self.state == NEEDS_REVIEW
        if name == "not_started":
            return self.state == NOT_STARTED
        if name == "late":
            return self.late
        return False


@dataclass
class Row:
    learner: User
    cells: list[Cell]

    @property
    def done(self) -> int:
        return sum(1 for cell in self.cells if cell.state == DONE)

    @property
    def average(self) -> float | None:
        """The mean of the best scores over every item, an item without a score counting 0."""
        if not self.cells:
            return None
        return sum(cell.best_score or 0.0 for cell in self.cells) / len(self.cells)

    @property
    def last_at(self) -> datetime | None:
        return max((cell.last_at for cell in self.cells if cell.last_at), default=None)

    @property
    def late(self) -> int:
        return sum(1 for cell in self.cells if cell.late)


@dataclass
class Column:
    item: Item
    window: Window | None
    done: int = 0
    needs_review: int = 0
    late: int = 0
    average: float | None = None  # mean best score of those who have one


@dataclass
class Gradebook:
    columns: list[Column]
    rows: list[Row]
    filter: str | None = None
    sort: str = "name"
    learners: int = 0  # before filtering
    courses: list[Course] = field(default_factory=list)


def class_items(school_class: SchoolClass) -> list[Item]:
    """The quizzes, exercises and tasks assigned to the class, as whole courses or on their
    own, in course and item order: one query (the class's assignments are loaded with it)."""
    course_ids = {a.course_id for a in school_class.assignments}
    single = {a.item_id for a in school_class.item_assignments}
    if not course_ids and not single:
        return []
    return list(db.session.scalars(
        sa.select(Item).join(Course, Course.id == Item.course_id)
        .where(sa.or_(Item.course_id.in_(course_ids), Item.id.in_(single)), Item.kind.in_(GRADED_KINDS),
               Item.archived.is_(False))
        .order_by(Course.title, Course.id, Item.position).options(*_AS_COLUMNS)))


# A gradebook's columns name their item and course: the items' content (lesson HTML, a quiz's
# questions, an exercise, a task's rubric, their translations) is not read, nor decoded.
_AS_COLUMNS = (load_only(Item.id, Item.course_id, Item.module_id, Item.slug, Item.kind, Item.title, Item.position,
                         Item.archived), selectinload(Item.course))


def course_items(course: Course) -> list[Item]:
    return list(db.session.scalars(sa.select(Item).where(
        Item.course_id == course.id, Item.kind.in_(GRADED_KINDS), Item.archived.is_(False)).order_by(Item.position)
        .options(*_AS_COLUMNS)))


def _cells(learners: list[User], items: list[Item], windows: dict[int, Window] | None) -> dict[tuple[int, int], Cell]:
    """{(learner id, item id): Cell} in six queries however many learners and items."""
    cells: dict[tuple[int, int], Cell] = {}
    if not learners or not items:
        return cells
    enrollments = {(e.user_id, e.course_id): e.id for e in db.session.execute(
        sa.select(Enrollment.id, Enrollment.user_id, Enrollment.course_id).where(
            Enrollment.user_id.in_([u.id for u in learners]),
            Enrollment.course_id.in_({i.course_id for i in items})))}
    enrollment_ids = list(enrollments.values())
    item_ids = [i.id for i in items]
    progress, quizzes, submissions = {}, {}, {}
    task_status = {}
    if enrollment_ids:
        progress = {(p.enrollment_id, p.item_id): p for p in db.session.execute(
            sa.select(ItemProgress.enrollment_id, ItemProgress.item_id, ItemProgress.opened_at,
                      ItemProgress.completed_at, ItemProgress.best_score).where(
                ItemProgress.enrollment_id.in_(enrollment_ids), ItemProgress.item_id.in_(item_ids)))}
        quizzes = {(r.enrollment_id, r.item_id): r for r in db.session.execute(
            sa.select(QuizAttempt.enrollment_id, QuizAttempt.item_id, sa.func.count().label("attempts"),
                      sa.func.max(QuizAttempt.score).label("best"), sa.func.max(QuizAttempt.submitted_at).label("last"))
            .where(QuizAttempt.enrollment_id.in_(enrollment_ids), QuizAttempt.item_id.in_(item_ids),
                   QuizAttempt.submitted_at.is_not(None))
            .group_by(QuizAttempt.enrollment_id, QuizAttempt.item_id))}
        submissions = {(r.enrollment_id, r.item_id): r for r in db.session.execute(
            sa.select(ExerciseSubmission.enrollment_id, ExerciseSubmission.item_id, sa.func.count().label("attempts"),
                      sa.func.max(ExerciseSubmission.score).label("best"),
                      sa.func.max(ExerciseSubmission.submitted_at).label("last"))
            .where(ExerciseSubmission.enrollment_id.in_(enrollment_ids), ExerciseSubmission.item_id.in_(item_ids))
            .group_by(ExerciseSubmission.enrollment_id, ExerciseSubmission.item_id))}
        task_ids = [i.id for i in items if i.kind == "task"]
        if task_ids:
            task_status = tasks.statuses(enrollment_ids, task_ids)
    now = utcnow()
    made_of = {"quiz": quizzes, "exercise": submissions}
    # What each column needs of its item, read once (not 30 times through the ORM's attributes).
    columns = [(item, item.id, item.course_id, item.kind, made_of.get(item.kind, {}), (windows or {}).get(item.id))
               for item in items]
    for learner in learners:
        learner_id = learner.id
        for item, item_id, course_id, kind, made_here, window in columns:
            enrollment_id = enrollments.get((learner_id, course_id))
            cell = Cell(item, enrollment_id, due_at=window.due_at if window else None)
            cells[(learner_id, item_id)] = cell
            if enrollment_id is None:
                cell.late = due_dates.is_late(window, None, now)
                continue
            key = (enrollment_id, item_id)
            row = progress.get(key)
            opened = row.opened_at if row else None
            cell.completed_at = row.completed_at if row else None
            moments = [opened]
            if key in made_here:
                made = made_here[key]
                cell.attempts, cell.best_score = made.attempts, made.best
                moments.append(made.last)
            elif kind == "task" and key in task_status:
                status = task_status[key]
                cell.attempts, cell.best_score = status.hand_ins, status.best_score
                moments += [status.last_handed_in_at, status.last_reviewed_at]
                if status.state == tasks.WAITING:
                    cell.state = NEEDS_REVIEW
                elif status.state == tasks.ANOTHER_TRY:
                    cell.state = ANOTHER_TRY
                elif status.state == "draft":
                    cell.state = IN_PROGRESS
            if cell.best_score is None and row is not None and row.best_score is not None:
                cell.best_score = row.best_score
            cell.last_at = max((m for m in moments if m), default=None)
            if cell.completed_at is not None:
                cell.state = DONE
            elif cell.state == NOT_STARTED:
                cell.state = TRIED if cell.attempts else OPENED if opened else NOT_STARTED
            cell.late = due_dates.is_late(window, cell.completed_at, now)
    return cells


def build(learners: Iterable[User], items: list[Item], windows: dict[int, Window] | None = None, *,
          filter_: str | None = None, sort: str = "name") -> Gradebook:
    """The gradebook of these learners on these items, filtered (``needs_review``,
    ``not_started``, ``late``: learners with such a cell) and sorted (``name``, ``score``,
    ``done``, ``last``)."""
    learners = sorted(learners, key=lambda u: (u.display_name.lower(), u.id))
    filter_ = filter_ if filter_ in FILTERS else None
    sort = sort if sort in SORTS else "name"
    cells = _cells(learners, items, windows)
    rows = [Row(learner, [cells[(learner.id, item.id)] for item in items]) for learner in learners]
    columns = []
    for index, item in enumerate(items):
        column_cells = [row.cells[index] for row in rows]
        scores = [c.best_score for c in column_cells if c.best_score is not None]
        columns.append(Column(item, (windows or {}).get(item.id), done=sum(c.state == DONE for c in column_cells),
                              needs_review=sum(c.state == NEEDS_REVIEW for c in column_cells),
                              late=sum(c.late for c in column_cells),
                              average=sum(scores) / len(scores) if scores else None))
    total = len(rows)
    if filter_:
        for row in rows:
            for cell in row.cells:
                cell.matches = cell.matches_filter(filter_)
        rows = [row for row in rows if any(cell.matches for cell in row.cells)]
    if sort == "score":
        rows.sort(key=lambda r: -(r.average or 0.0))
    elif sort == "done":
        rows.sort(key=lambda r: -r.done)
    elif sort == "last":
        rows.sort(key=lambda r: (r.last_at is None, -(r.last_at.timestamp() if r.last_at else 0)))
    courses = list({item.course_id: item.course for item in items}.values())
    return Gradebook(columns, rows, filter_, sort, total, courses)


def for_class(school_class: SchoolClass, *, filter_: str | None = None, sort: str = "name") -> Gradebook:
    """The class's gradebook: its pupils by the items assigned to it, with its due dates."""
    items = class_items(school_class)
    return build([m.user for m in school_class.members], items, due_dates.class_windows(school_class, items),
                 filter_=filter_, sort=sort)


def outside_class_learners(course: Course) -> list[User]:
    """Active learners of the course who are in no class that has it assigned: one query."""
    return list(db.session.scalars(sa.select(User).join(Enrollment, Enrollment.user_id == User.id).where(
        Enrollment.course_id == course.id, Enrollment.active.is_(True),
        ~teaching.in_class_with_course(Enrollment.user_id, Enrollment.course_id))))


def for_course(course: Course, *, filter_: str | None = None, sort: str = "name") -> Gradebook:
    """A course's gradebook for its reviewers: learners outside classes by its items."""
    return build(outside_class_learners(course), course_items(course), filter_=filter_, sort=sort)


def reviewed_courses(viewer: User) -> list[Course]:
    """The courses this person reviews, by title."""
    return list(db.session.scalars(sa.select(Course).join(CourseReviewer, CourseReviewer.course_id == Course.id)
                                   .where(CourseReviewer.user_id == viewer.id).order_by(Course.title)))
