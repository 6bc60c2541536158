"""Classes: creating them, joining with a code, assigning courses, looking after pupils."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.catalog import services as catalog
from lms.catalog.models import Course, Item
from lms.core import text
from lms.core.i18n import localized
from lms.core.errors import Refused
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Enrollment
from lms.teaching import due_dates
from lms.teaching.models import ClassCourse, ClassItem, ClassMember, SchoolClass

# No 0/O, 1/I/L: codes are read aloud and copied from a board.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class ClassError(Refused):
    """A class change the rules refuse; ``field`` names the form field."""


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.join_code == code)) is None:
            return code


# On what basis a class's members take part, and whether the basis needs its date.
LEGAL_BASES = {
    "school_activity": _l("School activity; parents were informed on the date below"),
    "guardian_consent": _l("Guardians' consent forms were collected on the date below"),
    "adults": _l("Adults only, who agree for themselves when they register"),
}
DATED_BASES = ("school_activity", "guardian_consent")


def check_legal_basis(legal_basis: str | None, basis_date: date | None,
                      today: date | None = None) -> tuple[str | None, date | None]:
    """The basis and its date as stored; ``ClassError`` names what is missing or wrong."""
    if legal_basis is None:
        return None, None
    if legal_basis not in LEGAL_BASES:
        raise ClassError(_l("Choose on what basis the class's members take part."), "legal_basis")
    if legal_basis in DATED_BASES:
        if basis_date is None:
            raise ClassError(_l("Enter the date the parents were informed or the consent forms were collected."),
                             "basis_date")
        if basis_date > (today or date.today()):
            raise ClassError(_l("The date cannot be in the future: record it once it has happened."), "basis_date")
        return legal_basis, basis_date
    return legal_basis, None


def create_class(teacher: User, name: str, group: str | None = None, ends_on: date | None = None,
                 legal_basis: str | None = None, basis_date: date | None = None) -> SchoolClass:
    """A new class with a join code. Without a legal basis it cannot be joined until one is
    recorded (the teacher's form always asks for one)."""
    legal_basis, basis_date = check_legal_basis(legal_basis, basis_date)
    name, group = (name or "").strip(), (group or "").strip()
    if not name:
        raise ClassError(_l("Give the class a name."), "name")
    for field_name, value, label in (("name", name, _l("Class name")), ("group", group, _l("Year group or adult group"))):
        refused = text.name_problem(value, label)
        if refused:
            raise ClassError(refused, field_name)
    school_class = SchoolClass(teacher_id=teacher.id, name=name[:120], group=group[:60] or None,
                               ends_on=ends_on, join_code=_new_code(), legal_basis=legal_basis,
                               basis_date=basis_date)
    db.session.add(school_class)
    db.session.flush()
    return school_class


def record_legal_basis(school_class: SchoolClass, legal_basis: str | None, basis_date: date | None) -> None:
    """Record (or correct) on what basis the class's members take part."""
    if legal_basis is None:
        raise ClassError(_l("Choose on what basis the class's members take part."), "legal_basis")
    school_class.legal_basis, school_class.basis_date = check_legal_basis(legal_basis, basis_date)
    db.session.flush()


def classes_of(teacher: User) -> list[SchoolClass]:
    return list(db.session.scalars(sa.select(SchoolClass).where(SchoolClass.teacher_id == teacher.id)
                                   .order_by(SchoolClass.created_at.desc())
                                   .options(selectinload(SchoolClass.members))))


def class_for_teacher(class_id: int, teacher: User) -> SchoolClass | None:
    """The class if this teacher runs it; another teacher's class is None (404). Its pupils
    and courses come in the same few queries, however large the class."""
    school_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.id == class_id).options(
        selectinload(SchoolClass.members).selectinload(ClassMember.user),
        selectinload(SchoolClass.assignments).selectinload(ClassCourse.course),
        selectinload(SchoolClass.item_assignments).selectinload(ClassItem.item),
        selectinload(SchoolClass.item_assignments).selectinload(ClassItem.course)))
    if school_class is None or school_class.teacher_id != teacher.id:
        return None
    return school_class


def class_of_member(class_id: int, user: User) -> SchoolClass | None:
    """The class if the learner is in it; any other class is None (404)."""
    return db.session.scalar(sa.select(SchoolClass).join(ClassMember).where(
        SchoolClass.id == class_id, ClassMember.user_id == user.id).options(selectinload(SchoolClass.teacher)))


def classes_joined(user: User) -> list[SchoolClass]:
    """The classes a learner is in, by name: one query."""
    return list(db.session.scalars(sa.select(SchoolClass).join(ClassMember).where(ClassMember.user_id == user.id)
                                   .order_by(SchoolClass.name)))


def find_open_class(code: str, today: date | None = None) -> SchoolClass:
    """The class a join code opens; ``ClassError`` says why not."""
    code = "".join((code or "").split()).upper()
    school_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.join_code == code)) if code else None
    if school_class is None:
        raise ClassError(_l("No class has this code. Check it with your teacher."), "code")
    if not school_class.joining_open:
        raise ClassError(_l("This class is closed for joining. Ask your teacher."), "code")
    if school_class.ends_on is not None and school_class.ends_on < (today or date.today()):
        raise ClassError(_l("This class has ended, so its code no longer works."), "code")
    if school_class.legal_basis is None:
        raise ClassError(_l("This class cannot be joined yet: your teacher has not written down why you may take "
                            "part. Ask your teacher."), "code")
    return school_class


def join(school_class: SchoolClass, *, username: str, display_name: str, password: str) -> User:
    """A pupil joins: an account with no e-mail, membership, and the assigned courses."""
    pupil = accounts.create_user(username=username, password=password, display_name=display_name,
                                 audience="pupil", email=None)
    db.session.add(ClassMember(class_id=school_class.id, user_id=pupil.id))
    db.session.flush()
    courses = {a.course_id: a.course for a in school_class.assignments}
    courses.update((a.course_id, a.course) for a in school_class.item_assignments)
    for course in courses.values():
        if course.is_published:
            learning.enrol(pupil, course)
    return pupil


def assign_course(school_class: SchoolClass, course: Course, opens_at=None, due_at=None,
                  close_at_due: bool = False) -> ClassCourse:
    """Assign a whole course, optionally with dates (naive UTC; refused dates change
    nothing); every pupil is enrolled. Assigning it again changes nothing."""
    due_dates.check_dates(opens_at, due_at, close_at_due)
    existing = next((a for a in school_class.assignments if a.course_id == course.id), None)
    if existing is not None:
        return existing
    assignment = ClassCourse(course_id=course.id, opens_at=opens_at, due_at=due_at, close_at_due=close_at_due)
    school_class.assignments.append(assignment)
    db.session.flush()
    for member in school_class.members:
        learning.enrol(member.user, course)
    return assignment


def unassign_course(school_class: SchoolClass, course_id: int) -> None:
    school_class.assignments[:] = [a for a in school_class.assignments if a.course_id != course_id]
    db.session.flush()


def assign_item(school_class: SchoolClass, item: Item, opens_at=None, due_at=None,
                close_at_due: bool = False) -> ClassItem:
    """Assign one item of a course with its own dates (naive UTC); pupils are enrolled in
    its course. An item already assigned to the class gets the new dates."""
    due_dates.check_dates(opens_at, due_at, close_at_due)
    assignment = next((a for a in school_class.item_assignments if a.item_id == item.id), None)
    if assignment is None:
        assignment = ClassItem(item=item, course_id=item.course_id)
        school_class.item_assignments.append(assignment)
    due_dates.set_dates(assignment, opens_at, due_at, close_at_due)
    for member in school_class.members:
        learning.enrol(member.user, item.course)
    return assignment


def unassign_item(school_class: SchoolClass, assignment: ClassItem) -> None:
    school_class.item_assignments.remove(assignment)
    db.session.flush()


def course_assignment(school_class: SchoolClass, course_id: int) -> ClassCourse | None:
    return next((a for a in school_class.assignments if a.course_id == course_id), None)


def item_assignment(school_class: SchoolClass, assignment_id: int) -> ClassItem | None:
    return next((a for a in school_class.item_assignments if a.id == assignment_id), None)


def set_joining(school_class: SchoolClass, open_: bool) -> None:
    school_class.joining_open = open_
    db.session.flush()


def member(school_class: SchoolClass, public_id) -> ClassMember | None:
    return next((m for m in school_class.members if str(m.user.public_id) == str(public_id)), None)


def remove_member(school_class: SchoolClass, membership: ClassMember) -> None:
    school_class.members.remove(membership)
    db.session.flush()


def reset_password(membership: ClassMember, new_password: str) -> None:
    accounts.set_password(membership.user, new_password)


@dataclass
class ProgressRow:
    pupil: User
    progress: dict[int, int | None]  # course id -> percent, None when not enrolled


def class_progress(school_class: SchoolClass) -> list[ProgressRow]:
    """Each pupil's progress on each assigned course, in two queries."""
    pupils = sorted((m.user for m in school_class.members), key=lambda u: u.display_name.lower())
    course_ids = [a.course_id for a in school_class.assignments]
    enrollments = {}
    if pupils and course_ids:
        for enrollment in db.session.scalars(sa.select(Enrollment).where(
                Enrollment.user_id.in_([p.id for p in pupils]), Enrollment.course_id.in_(course_ids))):
            enrollments[(enrollment.user_id, enrollment.course_id)] = enrollment.progress
    return [ProgressRow(p, {c: enrollments.get((p.id, c)) for c in course_ids}) for p in pupils]


def in_class_with_course(user_id, course_id) -> sa.ColumnElement[bool]:
    """SQL: the learner (a column or a value) is in a class that has the course assigned."""
    return sa.exists().where(ClassMember.user_id == user_id, ClassCourse.class_id == ClassMember.class_id,
                             ClassCourse.course_id == course_id)


def teaches(teacher_id: int, user_id, course_id) -> sa.ColumnElement[bool]:
    """SQL: ``teacher_id`` runs a class the learner is in and that has the course assigned:
    the learner's work in that course is the teacher's to see."""
    return sa.exists().where(ClassMember.user_id == user_id, ClassCourse.class_id == ClassMember.class_id,
                             ClassCourse.course_id == course_id, SchoolClass.id == ClassMember.class_id,
                             SchoolClass.teacher_id == teacher_id)


def assignable_courses() -> list[Course]:
    return catalog.list_courses(catalog.CourseFilter())


def assignable_item(item_id: int) -> Item | None:
    """An item that may be assigned on its own: not archived, in a published course."""
    item = db.session.get(Item, item_id)
    if item is None or item.archived or not item.course.is_published:
        return None
    return item


def assignable_items() -> list[tuple[Course, list[Item]]]:
    """Each published course with its items in order, to assign one on its own: two queries."""
    courses = assignable_courses()
    items: dict[int, list[Item]] = {c.id: [] for c in courses}
    if courses:
        for item in db.session.scalars(sa.select(Item).where(Item.course_id.in_(items), Item.archived.is_(False))
                                       .order_by(Item.position)):
            items[item.course_id].append(item)
    return [(c, items[c.id]) for c in courses if items[c.id]]


@dataclass
class HeatMap:
    competences: list
    rows: list[tuple[User, dict[int, object]]]  # pupil, competence id -> LearnerCompetence
    # pupil id -> competence id -> the level a pupil took part in above their level, not yet assessed
    not_yet_assessed: dict[int, dict[int, str]] = field(default_factory=dict)


def heat_map(school_class: SchoolClass) -> HeatMap:
    """Pupils by the competences their assigned courses develop, in a fixed number of queries."""
    from lms.competence import services as competence
    from lms.xapi import services as xapi

    pupils = sorted((m.user for m in school_class.members), key=lambda u: u.display_name.lower())
    competences = competence.competences_of_sources([f"course:{a.course.slug}" for a in school_class.assignments])
    keys = {p.id: xapi.account_key(p.public_id) for p in pupils}
    levels = competence.levels_for(list(keys.values()))
    waiting = competence.not_yet_assessed_for(list(keys.values()))
    return HeatMap(competences, [(p, levels[keys[p.id]]) for p in pupils],
                   {p.id: waiting[keys[p.id]] for p in pupils})


def csv_rows(school_class: SchoolClass) -> list[list[str]]:
    """The class's progress and competence levels as rows for a CSV export, headed by
    names in the reader's language (course titles, competence names), not slugs or codes."""
    progress = {row.pupil.id: row.progress for row in class_progress(school_class)}
    heat = heat_map(school_class)
    header = [str(_l("Username")), str(_l("Name"))] + [
        str(_l("Progress: %(course)s", course=a.course.title)) for a in school_class.assignments] + [
        localized(c) for c in heat.competences]
    rows = [header]
    for pupil, levels in heat.rows:
        rows.append([pupil.username, pupil.display_name]
                    + ["" if progress[pupil.id][a.course_id] is None else str(progress[pupil.id][a.course_id])
                       for a in school_class.assignments]
                    + [levels[c.id].level if c.id in levels else "" for c in heat.competences])
    return rows
