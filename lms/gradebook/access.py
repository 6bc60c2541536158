"""Who may see a learner's work on an item, and in what right.

The teacher of a class the learner is in that has the item assigned (its whole course,
or the item on its own); for a learner in no class with the course, the course's
reviewers; and admins. Nobody else, and never another pupil."""

from __future__ import annotations

import sqlalchemy as sa

from lms.accounts.models import User
from lms.catalog.models import Item
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.tasks.models import CLASS_TEACHER, COURSE_REVIEWER, CourseReviewer
from lms.teaching import services as teaching
from lms.teaching.models import ClassCourse, ClassItem, ClassMember, SchoolClass

ADMIN = "admin"
ROLES = (CLASS_TEACHER, COURSE_REVIEWER, ADMIN)


def teaches_item(teacher_id: int, user_id, course_id, item_id) -> sa.ColumnElement[bool]:
    """SQL: ``teacher_id`` runs a class the learner is in that has the item assigned, as
    part of its course or on its own."""
    assigned = sa.or_(
        sa.exists().where(ClassCourse.class_id == SchoolClass.id, ClassCourse.course_id == course_id),
        sa.exists().where(ClassItem.class_id == SchoolClass.id, ClassItem.item_id == item_id))
    return sa.exists().where(ClassMember.user_id == user_id, SchoolClass.id == ClassMember.class_id,
                             SchoolClass.teacher_id == teacher_id, assigned)


def role_for(viewer: User, enrollment: Enrollment, item: Item) -> str | None:
    """``class-teacher``, ``course-reviewer``, ``admin`` or None (not theirs to see), in one
    query. A learner's own work is not "viewed": callers show it through the learner's pages."""
    if viewer.id == enrollment.user_id or item.course_id != enrollment.course_id:
        return None
    teacher, reviewer = db.session.execute(sa.select(
        teaches_item(viewer.id, enrollment.user_id, enrollment.course_id, item.id),
        sa.and_(sa.exists().where(CourseReviewer.course_id == enrollment.course_id,
                                  CourseReviewer.user_id == viewer.id),
                ~teaching.in_class_with_course(enrollment.user_id, enrollment.course_id)))).one()
    if teacher:
        return CLASS_TEACHER
    if reviewer:
        return COURSE_REVIEWER
    return ADMIN if viewer.has_role("admin") else None


def reviews_course(viewer: User, course_id: int) -> bool:
    """The viewer is one of the course's reviewers (or an admin): the course's gradebook of
    learners outside classes is theirs."""
    if viewer.has_role("admin"):
        return True
    return db.session.get(CourseReviewer, (course_id, viewer.id)) is not None
