"""Due dates of work assigned to classes, and what follows from them for a learner.

A teacher assigns a whole course or single items of a course to a class, each optionally
with an opening date, a due date, and whether hand-in closes at the due date (nothing is
locked unless they chose it). A single item's own dates hold for it in that class; the
other items of a course assigned as a whole take the course's dates.

A learner in several classes that assign the same item gets the most lenient of their
windows (as Canvas does): the earliest opening, the latest due date, and hand-in closes
only if every one of those classes closes it.

For other domains (the gradebook, reviewed tasks), each in a fixed number of queries:

- :func:`window_for` (user, item) and :func:`windows_for` (many users by many items):
  the learner's :class:`Window` for an item, or None when no class of theirs assigns it;
- :func:`class_windows` (a class, its items): each item's window in that class;
- :func:`is_late` (window, completed_at): not done by the due date;
- :func:`hand_in_problem` (user, item): why hand-in is refused now (not open yet, or
  closed at the due date), or None; :func:`hand_in_closed` says only whether it is closed.

Quizzes honour the windows (lms.learning.services.check_hand_in); code exercises do not
yet (their submission is being reworked into grading jobs: a caller there needs only
:func:`hand_in_problem`); reviewed tasks are to.

Times are naive UTC, as stored; :func:`from_local` turns what a teacher typed (wall-clock
time in ``LMS_TIMEZONE``) into that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import Refused
from lms.catalog.models import Course, Item
from lms.extensions import db
from lms.learning.models import Enrollment, ItemProgress
from lms.teaching.models import ClassCourse, ClassItem, ClassMember, DueDates, SchoolClass


class DueDateError(Refused):
    """Dates a teacher entered that cannot be kept, with a message naming the field."""


@dataclass(frozen=True)
class Window:
    """When a learner's work on an item opens and is due, and whether hand-in closes then."""

    opens_at: datetime | None = None
    due_at: datetime | None = None
    close_at_due: bool = False

    def not_open_yet(self, now: datetime | None = None) -> bool:
        return self.opens_at is not None and (now or utcnow()) < self.opens_at

    def closed(self, now: datetime | None = None) -> bool:
        return self.close_at_due and self.due_at is not None and (now or utcnow()) >= self.due_at


def window_of(dates: DueDates) -> Window:
    return Window(dates.opens_at, dates.due_at, bool(dates.close_at_due and dates.due_at))


def lenient(windows: Iterable[Window]) -> Window | None:
    """The most lenient of a learner's windows for one item (several classes)."""
    windows = list(windows)
    if not windows:
        return None
    opens = [w.opens_at for w in windows]
    dues = [w.due_at for w in windows]
    due_at = None if None in dues else max(dues)
    return Window(None if None in opens else min(opens), due_at,
                  due_at is not None and all(w.close_at_due for w in windows))


def is_late(window: Window | None, completed_at: datetime | None, now: datetime | None = None) -> bool:
    """Not done by the due date: done after it, or not done and the date has passed."""
    if window is None or window.due_at is None:
        return False
    if completed_at is not None:
        return completed_at > window.due_at
    return (now or utcnow()) > window.due_at


# Setting dates --------------------------------------------------------------------------------

def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def from_local(moment: datetime | None) -> datetime | None:
    """A wall-clock time in ``LMS_TIMEZONE`` (what a teacher types) as stored: naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=zone()).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(moment: datetime | None) -> datetime | None:
    """A stored time as wall-clock time in ``LMS_TIMEZONE`` (naive, for a form's field)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(zone()).replace(tzinfo=None)


def check_dates(opens_at: datetime | None, due_at: datetime | None, close_at_due: bool) -> None:
    """``DueDateError`` names what cannot be kept: a due date before the opening date, or
    closing hand-in with no due date to close it at."""
    if opens_at is not None and due_at is not None and due_at < opens_at:
        raise DueDateError(_l("The due date is before the opening date: choose a due date after %(opens)s.",
                              opens=format_datetime(opens_at, "short")), "due_at")
    if close_at_due and due_at is None:
        raise DueDateError(_l("Hand-in can close only at a due date: set a due date, or leave hand-in open."),
                           "close_at_due")


def set_dates(assignment: DueDates, opens_at: datetime | None, due_at: datetime | None,
              close_at_due: bool = False) -> None:
    """Give assigned work its dates (naive UTC), or clear them with None; checked first, so
    refused dates change nothing."""
    check_dates(opens_at, due_at, close_at_due)
    assignment.opens_at, assignment.due_at, assignment.close_at_due = opens_at, due_at, close_at_due
    db.session.flush()


# Windows for the gradebook and for hand-in ----------------------------------------------------

def windows_for(user_ids: Iterable[int], items: Iterable[Item]) -> dict[tuple[int, int], Window]:
    """Each learner's window for each item that a class of theirs assigns (as a course or
    on its own): three queries however many learners and items. Pairs that no class
    assigns are absent."""
    user_ids, items = list(dict.fromkeys(user_ids)), list(items)
    if not user_ids or not items:
        return {}
    classes_of: dict[int, list[int]] = defaultdict(list)
    for class_id, user_id in db.session.execute(sa.select(ClassMember.class_id, ClassMember.user_id)
                                                .where(ClassMember.user_id.in_(user_ids))):
        classes_of[user_id].append(class_id)
    class_ids = {c for ids in classes_of.values() for c in ids}
    if not class_ids:
        return {}
    by_course = {(a.class_id, a.course_id): window_of(a) for a in db.session.scalars(
        sa.select(ClassCourse).where(ClassCourse.class_id.in_(class_ids),
                                     ClassCourse.course_id.in_({i.course_id for i in items})))}
    by_item = {(a.class_id, a.item_id): window_of(a) for a in db.session.scalars(
        sa.select(ClassItem).where(ClassItem.class_id.in_(class_ids), ClassItem.item_id.in_({i.id for i in items})))}
    result = {}
    for user_id in user_ids:
        for item in items:
            found = [by_item.get((c, item.id)) or by_course.get((c, item.course_id)) for c in classes_of[user_id]]
            window = lenient(w for w in found if w is not None)
            if window is not None:
                result[(user_id, item.id)] = window
    return result


def window_for(user: User, item: Item) -> Window | None:
    """The learner's window for an item, or None when no class of theirs assigns it."""
    return windows_for([user.id], [item]).get((user.id, item.id))


def class_windows(school_class: SchoolClass, items: Iterable[Item]) -> dict[int, Window]:
    """Each item's window in one class (for that class's gradebook), from the class's
    assignments (no query when they are loaded). Items the class does not assign are absent."""
    by_item = {a.item_id: window_of(a) for a in school_class.item_assignments}
    by_course = {a.course_id: window_of(a) for a in school_class.assignments}
    result = {}
    for item in items:
        window = by_item.get(item.id) or by_course.get(item.course_id)
        if window is not None:
            result[item.id] = window
    return result


def hand_in_problem(user: User, item: Item, now: datetime | None = None):
    """Why the learner may not hand in work on the item now, or None: before the opening
    date, or after the due date when hand-in closes then. Learners whom no class assigns
    the item are never refused."""
    window = window_for(user, item)
    now = now or utcnow()
    if window is None:
        return None
    if window.not_open_yet(now):
        return _l("This opens on %(date)s.", date=format_datetime(window.opens_at, "short"))
    if window.closed(now):
        return _l("Hand-in closed at the due date, %(date)s.", date=format_datetime(window.due_at, "short"))
    return None


def hand_in_closed(user: User, item: Item, now: datetime | None = None) -> bool:
    window = window_for(user, item)
    return window is not None and window.closed(now)


# What a learner sees -------------------------------------------------------------------------

@dataclass
class DueWork:
    """One piece of dated work of one class: a whole course or a single item."""

    key: str  # stable: "course-<class>-<course>" or "item-<class item id>" (calendar UIDs, reminders)
    school_class: SchoolClass
    course: Course
    item: Item | None
    window: Window
    completed_at: datetime | None = None
    status: str = "due"  # due, not_open, late, done, done_late
    assignment_id: int | None = None  # a single item's ClassItem id

    @property
    def title(self) -> str:
        return self.item.title if self.item is not None else self.course.title


def course_key(class_id: int, course_id: int) -> str:
    return f"course-{class_id}-{course_id}"


def item_key(class_item_id: int) -> str:
    return f"item-{class_item_id}"


def _status(window: Window, completed_at: datetime | None, now: datetime) -> str:
    if completed_at is not None:
        return "done_late" if is_late(window, completed_at) else "done"
    if window.not_open_yet(now):
        return "not_open"
    return "late" if is_late(window, None, now) else "due"


def _dated(query, model):
    return query.where(model.due_at.is_not(None))


def due_work(user: User, class_id: int | None = None, now: datetime | None = None) -> list[DueWork]:
    """The learner's dated work in all their classes (or one), soonest due first, each
    with whether it is done, late or not open yet: four queries however many classes,
    courses and items."""
    now = now or utcnow()
    member = sa.select(ClassMember.class_id).where(ClassMember.user_id == user.id)
    if class_id is not None:
        member = member.where(ClassMember.class_id == class_id)
    courses = list(db.session.scalars(_dated(sa.select(ClassCourse), ClassCourse).where(
        ClassCourse.class_id.in_(member)).options(joinedload(ClassCourse.course), joinedload(ClassCourse.school_class))))
    items = list(db.session.scalars(_dated(sa.select(ClassItem), ClassItem).where(
        ClassItem.class_id.in_(member)).options(joinedload(ClassItem.item), joinedload(ClassItem.course),
                                                joinedload(ClassItem.school_class))))
    course_ids = {a.course_id for a in courses} | {a.course_id for a in items}
    enrollments = {}
    done_items = {}
    if course_ids:
        enrollments = {e.course_id: e for e in db.session.scalars(sa.select(Enrollment).where(
            Enrollment.user_id == user.id, Enrollment.course_id.in_(course_ids)))}
    if items and enrollments:
        done_items = dict(db.session.execute(sa.select(ItemProgress.item_id, ItemProgress.completed_at).where(
            ItemProgress.enrollment_id.in_([e.id for e in enrollments.values()]),
            ItemProgress.item_id.in_({a.item_id for a in items}), ItemProgress.completed_at.is_not(None))).all())
    work = []
    for a in courses:
        if not a.course.is_published:
            continue
        enrollment = enrollments.get(a.course_id)
        done = enrollment.completed_at if enrollment is not None else None
        window = window_of(a)
        work.append(DueWork(course_key(a.class_id, a.course_id), a.school_class, a.course, None, window, done,
                            _status(window, done, now)))
    for a in items:
        if a.item.archived or not a.course.is_published:
            continue
        done = done_items.get(a.item_id)
        window = window_of(a)
        work.append(DueWork(item_key(a.id), a.school_class, a.course, a.item, window, done, _status(window, done, now),
                            a.id))
    work.sort(key=lambda w: (w.window.due_at, w.school_class.name.lower(), w.title.lower()))
    return work


def still_to_do(user: User, now: datetime | None = None) -> list[DueWork]:
    """"My learning"'s list: dated work not done yet, late work first as it is due first."""
    return [w for w in due_work(user, now=now) if w.status in ("due", "late", "not_open")]


# What a teacher sees ---------------------------------------------------------------------------

def class_work(school_class: SchoolClass) -> list[DueWork]:
    """Everything assigned to the class, with its dates: dated work soonest first, then
    work with no due date. From the class's assignments, loaded with it."""
    work = [DueWork(course_key(a.class_id, a.course_id), school_class, a.course, None, window_of(a))
            for a in school_class.assignments]
    work += [DueWork(item_key(a.id), school_class, a.course, a.item, window_of(a), assignment_id=a.id)
             for a in school_class.item_assignments]
    far = datetime.max - timedelta(days=1)
    work.sort(key=lambda w: (w.window.due_at or far, w.course.title.lower(), w.item is not None,
                             w.item.position if w.item is not None else 0))
    return work
