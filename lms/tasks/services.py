"""Reviewed tasks: the learner's working copy and hand-ins, reviews with a rubric, and who
may review whose work.

Each step saves its rows, its files and its xAPI statements in the caller's transaction
(they flush; the caller commits), so a refused step changes nothing.

For the gradebook and other readers, in a fixed number of queries however many learners
and items: ``statuses`` (each learner's state per task), ``waiting_for`` (the review queue
of one reviewer), ``visible_to`` (the SQL condition on ``Enrollment`` that says whose work
a reviewer may see) and ``reviewer_role`` (in what right one reviewer sees one learner)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.audit import services as audit
from lms.core.clock import utcnow
from lms.catalog.models import Course, Item
from lms.content.loader import MAX_FILES
from lms.core import markdown
from lms.core.errors import Refused
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import Enrollment
from lms.notifications import services as notifications
from lms.tasks import files as filecheck
from lms.tasks import statements, storage
from lms.tasks.models import (
    ACCEPTED, ANOTHER_TRY, CLASS_TEACHER, COURSE_REVIEWER, DECISIONS, REPLACED, WAITING, CourseReviewer, HandIn,
    Review, TaskDraft, TaskFile)
from lms.teaching import services as teaching
from lms.teaching.models import ClassCourse, ClassMember, SchoolClass
from lms.xapi import services as xapi

MAX_TEXT = 50_000
MAX_COMMENT = 20_000
MAX_LINK = 500


class TaskError(Refused):
    """A step the rules refuse, with a message for the person and the field it concerns."""


class ReviewError(TaskError):
    """A review that cannot be saved; ``problems`` maps a criterion id (or ``comment``,
    ``decision``) to its message."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(_l("The review needs your attention."))
        self.problems = problems


# What the task asks for -------------------------------------------------------------------

def hand_in_spec(item: Item) -> dict:
    return item.task["hand_in"]


def rubric(item: Item) -> list[dict]:
    return item.task.get("rubric") or []


def max_file_bytes(item: Item) -> int:
    """A file's limit: the task's own, never above ``LMS_TASK_MAX_FILE_MB``."""
    spec = hand_in_spec(item).get("files") or {}
    mb = min(spec.get("max_size_mb") or current_app.config["LMS_TASK_MAX_FILE_MB"],
             current_app.config["LMS_TASK_MAX_FILE_MB"])
    return int(mb * 1024 * 1024)


def max_file_mb(item: Item) -> str:
    return f"{max_file_bytes(item) / (1024 * 1024):g}"


def type_names(item: Item) -> str:
    return filecheck.type_names((hand_in_spec(item).get("files") or {}).get("types", []))


def accepted_extensions(item: Item) -> str:
    """The file input's ``accept``: the extensions of the task's types (a hint to the
    browser's file picker; the content decides)."""
    spec = hand_in_spec(item).get("files") or {}
    return ",".join(f".{extension}" for code in spec.get("types", []) for extension in filecheck.TYPES[code].extensions)


def max_request_bytes() -> int:
    """The largest hand-in request any task may send (the most files a task may ask for,
    each at the site's limit, and the text): the hand-in view's request limit, set before
    CSRF reads the form. Each task's own, lower, limit is checked by the view."""
    return MAX_FILES * int(current_app.config["LMS_TASK_MAX_FILE_MB"] * 1024 * 1024) + 1024 * 1024


def max_upload_bytes(item: Item) -> int:
    """The largest request a hand-in form may send: every file at its limit, and the text."""
    spec = hand_in_spec(item).get("files") or {}
    return (spec.get("max_files") or 0) * max_file_bytes(item) + 1024 * 1024


# Who may review whose work ------------------------------------------------------------------

def visible_to(reviewer: User) -> sa.ColumnElement[bool]:
    """SQL on ``Enrollment``: the learner's work in that course is this reviewer's to see,
    as the teacher of a class the learner is in that has the course assigned, or as a
    reviewer of the course when the learner is in no such class."""
    return sa.or_(
        teaching.teaches(reviewer.id, Enrollment.user_id, Enrollment.course_id),
        sa.and_(sa.exists().where(CourseReviewer.course_id == Enrollment.course_id,
                                  CourseReviewer.user_id == reviewer.id),
                ~teaching.in_class_with_course(Enrollment.user_id, Enrollment.course_id)))


def reviewer_role(reviewer: User, enrollment: Enrollment) -> str | None:
    """``class-teacher``, ``course-reviewer`` or None (the reviewer may not see this
    learner's work in this course), in one query."""
    teacher, course_reviewer = db.session.execute(sa.select(
        teaching.teaches(reviewer.id, enrollment.user_id, enrollment.course_id),
        sa.and_(sa.exists().where(CourseReviewer.course_id == enrollment.course_id,
                                  CourseReviewer.user_id == reviewer.id),
                ~teaching.in_class_with_course(enrollment.user_id, enrollment.course_id)))).one()
    if teacher:
        return CLASS_TEACHER
    return COURSE_REVIEWER if course_reviewer else None


def reviewed_by_class_teacher(enrollment: Enrollment) -> bool:
    """Whether the learner's reviewer is a class teacher (else the course's reviewers)."""
    return bool(db.session.scalar(sa.select(teaching.in_class_with_course(enrollment.user_id, enrollment.course_id))))


# The learner's working copy --------------------------------------------------------------

def draft_for(enrollment: Enrollment, item: Item) -> TaskDraft | None:
    return db.session.scalar(sa.select(TaskDraft).where(TaskDraft.enrollment_id == enrollment.id,
                                                        TaskDraft.item_id == item.id)
                             .options(selectinload(TaskDraft.files)))


def _draft(enrollment: Enrollment, item: Item) -> TaskDraft:
    draft = draft_for(enrollment, item)
    if draft is not None:
        return draft
    draft = TaskDraft(enrollment_id=enrollment.id, item_id=item.id, text="", link="")
    try:
        with db.session.begin_nested():
            db.session.add(draft)
            db.session.flush()
    except IntegrityError:
        draft = draft_for(enrollment, item)  # the learner's other tab made it a moment ago
    return draft


def hand_ins(enrollment: Enrollment, item: Item) -> list[HandIn]:
    """Every hand-in of this task by this learner, first to last, with files and review."""
    return list(db.session.scalars(sa.select(HandIn).where(
        HandIn.enrollment_id == enrollment.id, HandIn.item_id == item.id).order_by(HandIn.number)
        .options(selectinload(HandIn.files), selectinload(HandIn.review).selectinload(Review.reviewer))))


def is_accepted(made: list[HandIn]) -> bool:
    return any(hand_in.status == ACCEPTED for hand_in in made)


def check_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if len(link) > MAX_LINK or parts.scheme not in ("http", "https") or not parts.netloc or any(
            ord(ch) < 33 for ch in link):
        raise TaskError(_l("Enter a whole web address starting with https:// (at most %(limit)d characters).",
                           limit=MAX_LINK), "link")
    return link


@dataclass
class Upload:
    filename: str
    data: bytes


def save(enrollment: Enrollment, item: Item, *, text: str = "", link: str = "", uploads: list[Upload] = (),
         remove: set[int] = frozenset(), hand_in: bool = False) -> HandIn | None:
    """Save the learner's working copy (text, link, files added and removed) and, with
    ``hand_in``, hand it in for review: a new hand-in that replaces one still waiting, and
    ``attempted``. Every file is checked first; on any refusal (``TaskError``, naming the
    file and the limit) nothing is saved. Returns the new hand-in, if any."""
    if item.kind != "task":
        raise TaskError(_l("Only a task is handed in."))
    spec = hand_in_spec(item)
    made = hand_ins(enrollment, item)
    if is_accepted(made):
        raise TaskError(_l("This task is accepted: there is nothing more to hand in."))
    text = (text or "").replace("\r\n", "\n") if spec["text"] else ""
    if len(text) > MAX_TEXT:
        raise TaskError(_l("Your answer is %(size)d characters long; at most %(limit)d are accepted.",
                           size=len(text), limit=MAX_TEXT), "text")
    link = check_link(link) if spec["link"] else ""
    file_spec = spec.get("files")
    uploads = [upload for upload in uploads if upload.filename or upload.data]
    if uploads and not file_spec:
        raise TaskError(_l("This task does not take files."), "files")
    try:
        checked = [filecheck.check(upload.filename, upload.data, file_spec["types"], max_file_bytes(item))
                   for upload in uploads] if uploads else []
    except filecheck.FileRefused as refused:
        raise TaskError(refused.message, "files") from None
    draft = _draft(enrollment, item)
    kept = [f for f in draft.files if f.id not in remove]
    if file_spec and len(kept) + len(checked) > file_spec["max_files"]:
        raise TaskError(_l("This task takes at most %(limit)d files; remove one before adding another.",
                           limit=file_spec["max_files"]), "files")

    draft.text, draft.link, draft.saved_at = text, link, utcnow()
    released = {f.blob_id for f in draft.files if f.id in remove}
    for old in [f for f in draft.files if f.id in remove]:
        draft.files.remove(old)
        db.session.delete(old)
    for upload in checked:
        draft.files.append(TaskFile(blob_id=storage.store().put(upload.data), filename=upload.filename,
                                    file_type=upload.file_type, content_type=upload.content_type,
                                    size=len(upload.data)))
    db.session.flush()
    storage.release(released)
    if not hand_in:
        return None
    if not (draft.text.strip() or draft.link or draft.files):
        raise TaskError(_l("There is nothing to hand in yet: write your answer, add a link or a file first."))
    return _hand_in(enrollment, item, draft, made)


def reviewer_ids(enrollment: Enrollment) -> list[int]:
    """Who reviews this learner's work in the course: the teachers of the learner's classes
    that have it assigned, or else the course's reviewers (as ``visible_to`` says)."""
    teachers = db.session.scalars(sa.select(SchoolClass.teacher_id).distinct()
                                  .join(ClassMember, ClassMember.class_id == SchoolClass.id)
                                  .join(ClassCourse, ClassCourse.class_id == SchoolClass.id)
                                  .where(ClassMember.user_id == enrollment.user_id,
                                         ClassCourse.course_id == enrollment.course_id)).all()
    if teachers:
        return list(teachers)
    return list(db.session.scalars(sa.select(CourseReviewer.user_id)
                                   .where(CourseReviewer.course_id == enrollment.course_id)))


def _waiting_key(hand_in: HandIn) -> str:
    return f"hand-in-waiting:{hand_in.id}"


def _hand_in(enrollment: Enrollment, item: Item, draft: TaskDraft, made: list[HandIn]) -> HandIn:
    for earlier in made:
        if earlier.status == WAITING:
            earlier.status = REPLACED
            notifications.withdraw(_waiting_key(earlier))
    new = HandIn(enrollment_id=enrollment.id, item_id=item.id, text=draft.text, link=draft.link,
                 text_html=markdown.render(draft.text) if draft.text.strip() else "", status=WAITING,
                 submitted_at=utcnow())
    for _ in range(5):
        last = db.session.scalar(sa.select(sa.func.max(HandIn.number)).where(
            HandIn.enrollment_id == enrollment.id, HandIn.item_id == item.id))
        new.number = (last or 0) + 1
        try:
            with db.session.begin_nested():
                db.session.add(new)
                db.session.flush()
            break
        except IntegrityError:
            continue  # the same learner handed in from another tab: take the next number
    else:
        raise TaskError(_l("Too many hand-ins at once. Please hand in again."))
    for source in draft.files:
        new.files.append(TaskFile(blob_id=source.blob_id, filename=source.filename, file_type=source.file_type,
                                  content_type=source.content_type, size=source.size))
    db.session.flush()
    xapi.record([statements.handed_in(enrollment, item, new)])
    notifications.notify_many(reviewer_ids(enrollment), "hand_in", f"{enrollment.user.display_name}: {item.title}",
                              url_for("tasks.review_hand_in", hand_in_id=new.id), key=_waiting_key(new))
    return new


# Reviews ------------------------------------------------------------------------------------

@dataclass
class ChosenLevel:
    criterion: dict
    index: int

    @property
    def level(self) -> dict:
        return self.criterion["levels"][self.index]


def parse_levels(item: Item, form: dict[str, str]) -> tuple[list[ChosenLevel], dict[str, object]]:
    """The level chosen for every criterion (``level-<criterion id>``: the level's
    position) and the problems: a criterion without a level, or a value that is not one of
    its levels (a score outside the criterion's range)."""
    chosen, problems = [], {}
    for criterion in rubric(item):
        low = min(level["points"] for level in criterion["levels"])
        high = max(level["points"] for level in criterion["levels"])
        value = (form.get(f"level-{criterion['id']}") or "").strip()
        if not value:
            problems[criterion["id"]] = _l("Choose a level for “%(criterion)s”.", criterion=criterion["name"])
            continue
        if not re.fullmatch(r"\d{1,3}", value) or int(value) >= len(criterion["levels"]):
            problems[criterion["id"]] = _l(
                "“%(criterion)s”: choose one of its levels, from %(low)s to %(high)s points.",
                criterion=criterion["name"], low=f"{low:g}", high=f"{high:g}")
            continue
        chosen.append(ChosenLevel(criterion, int(value)))
    return chosen, problems


def review(reviewer: User, hand_in: HandIn, *, levels: dict[str, str], comment: str, decision: str) -> Review:
    """Review a waiting hand-in: a level per rubric criterion, a comment (required for
    another try) and the decision. Refused (``TaskError``, nothing changed) when the
    reviewer may not see the learner's work, the hand-in was already reviewed or replaced,
    a level is missing or out of range, or acceptance falls short of the task's pass mark.
    Records ``passed``/``failed`` with the reviewer's role, and acceptance completes the
    item (its module, the course) and evidences its competences, all in this transaction;
    the learner is notified ("your work has been reviewed")."""
    enrollment, item = hand_in.enrollment, hand_in.item
    role = reviewer_role(reviewer, enrollment)
    if role is None:
        raise TaskError(_l("You may not review this learner's work."))
    if hand_in.status != WAITING:
        raise TaskError(_l("This hand-in was replaced by a newer one.") if hand_in.status == REPLACED
                        else _l("This hand-in has already been reviewed."))
    chosen, problems = parse_levels(item, levels)
    comment = (comment or "").replace("\r\n", "\n").strip()
    if decision not in DECISIONS:
        problems["decision"] = _l("Choose: accept the work, or ask for another try.")
    elif decision == ANOTHER_TRY and not comment:
        problems["comment"] = _l("Tell the learner what to change for another try.")
    if len(comment) > MAX_COMMENT:
        problems["comment"] = _l("The comment is %(size)d characters long; at most %(limit)d are accepted.",
                                 size=len(comment), limit=MAX_COMMENT)
    points = sum(c.level["points"] for c in chosen)
    max_points = item.rubric_points if rubric(item) else None
    score = points / max_points if max_points else None
    if not problems and decision == ACCEPTED and item.pass_mark is not None and score is not None \
            and score * 100 < item.pass_mark - 1e-9:
        problems["decision"] = _l(
            "Accepting needs at least %(mark)d%% of the rubric's points; the levels chosen give %(score)d%%.",
            mark=item.pass_mark, score=int(score * 100))
    if problems:
        raise ReviewError(problems)

    # Claim the hand-in: of two reviews sent at once, only one is saved.
    claimed = db.session.execute(
        sa.update(HandIn).where(HandIn.id == hand_in.id, HandIn.status == WAITING).values(status=decision)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(hand_in)
    if not claimed:
        raise TaskError(_l("This hand-in has already been reviewed."))
    made = Review(hand_in_id=hand_in.id, reviewer_id=reviewer.id, reviewer_role=role,
                  scores=[{"criterion": c.criterion["id"], "name": c.criterion["name"], "level": c.index,
                           "level_name": c.level["name"], "points": c.level["points"],
                           "max_points": max(level["points"] for level in c.criterion["levels"])} for c in chosen],
                  points=points if max_points else None, max_points=max_points, score=score,
                  comment=comment, comment_html=markdown.render(comment) if comment else "", decision=decision,
                  reviewed_at=utcnow())
    db.session.add(made)
    db.session.flush()
    accepted = decision == ACCEPTED
    records = [statements.reviewed(enrollment, item, hand_in, made, reviewer)]
    records += learning.count_assessment(enrollment, item, score=score if score is not None else float(accepted),
                                         passed=accepted)
    xapi.record(records)
    notifications.withdraw(_waiting_key(hand_in))
    notifications.notify(enrollment.user_id, "reviewed", item.title,
                         url_for("learning.show_item", slug=enrollment.course.slug, item_slug=item.slug))
    return made


def record_view(hand_in: HandIn, viewer: User, role: str, detail: str = "") -> None:
    """Someone other than the learner opened the hand-in (its page or one of its files):
    an entry in the one access log, with the item and the hand-in's number, which the
    learner sees under that hand-in, on the item's page and in their record."""
    audit.record_access(viewer, hand_in.enrollment.user_id, "hand_in", detail or hand_in.item.title,
                        item_id=hand_in.item_id, role=role, work_number=hand_in.number)


# Reading --------------------------------------------------------------------------------------

def hand_in_for_reviewer(hand_in_id: int, reviewer: User) -> tuple[HandIn, str] | None:
    """The hand-in and the reviewer's role, or None when it does not exist or is not this
    reviewer's to see (the same answer, so ids cannot be probed)."""
    hand_in = db.session.scalar(sa.select(HandIn).join(Enrollment, HandIn.enrollment_id == Enrollment.id)
                                .where(HandIn.id == hand_in_id, visible_to(reviewer))
                                .options(selectinload(HandIn.files), selectinload(HandIn.enrollment)
                                         .selectinload(Enrollment.user)))
    if hand_in is None:
        return None
    return hand_in, reviewer_role(reviewer, hand_in.enrollment)


def file_for(file_id: int, user: User) -> TaskFile | None:
    """A file the user may download: their own (draft or hand-in), or one handed in by a
    learner whose work they review. Anyone else's is None, as if it did not exist."""
    row = db.session.get(TaskFile, file_id)
    if row is None:
        return None
    if row.draft_id is not None:
        return row if row.draft.enrollment_id in _own_enrollments(user, row.draft.item_id) else None
    hand_in = row.hand_in
    if hand_in.enrollment.user_id == user.id:
        return row
    return row if reviewer_role(user, hand_in.enrollment) is not None else None


def _own_enrollments(user: User, item_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Enrollment.id).join(Item, Item.course_id == Enrollment.course_id)
                                  .where(Enrollment.user_id == user.id, Item.id == item_id)))


def file_data(row: TaskFile) -> bytes:
    data = storage.store().get(row.blob_id)
    if data is None:
        raise LookupError(f"task file {row.id}: its blob {row.blob_id} is missing")
    return data


@dataclass
class TaskStatus:
    """A learner's state in one task, for lists and gradebooks."""

    state: str                        # not_started, draft, waiting, another_try, accepted
    hand_ins: int = 0
    last_handed_in_at: datetime | None = None
    last_reviewed_at: datetime | None = None    # when its latest review was made
    accepted_at: datetime | None = None
    best_score: float | None = None


def statuses(enrollment_ids: list[int], item_ids: list[int]) -> dict[tuple[int, int], TaskStatus]:
    """{(enrollment id, item id): TaskStatus} for every pair, in two queries however many
    learners and tasks (hand-ins with their reviews, drafts). Only the columns a status
    needs are read: a gradebook asks for a whole class's hand-ins, texts and comments
    included they cost more than the rest of its page."""
    result = {(e, i): TaskStatus("not_started") for e in enrollment_ids for i in item_ids}
    if not enrollment_ids or not item_ids:
        return result
    made = db.session.execute(
        sa.select(HandIn.enrollment_id, HandIn.item_id, HandIn.status, HandIn.submitted_at, Review.id,
                  Review.score, Review.reviewed_at)
        .outerjoin(Review, Review.hand_in_id == HandIn.id)
        .where(HandIn.enrollment_id.in_(enrollment_ids), HandIn.item_id.in_(item_ids)).order_by(HandIn.number))
    drafts = {(enrollment_id, item_id) for enrollment_id, item_id in db.session.execute(
        sa.select(TaskDraft.enrollment_id, TaskDraft.item_id).where(
            TaskDraft.enrollment_id.in_(enrollment_ids), TaskDraft.item_id.in_(item_ids)))}
    for key in drafts:
        result[key].state = "draft"
    for enrollment_id, item_id, hand_in_status, submitted_at, review_id, score, reviewed_at in made:
        status = result[(enrollment_id, item_id)]
        status.hand_ins += 1
        status.last_handed_in_at = submitted_at
        if review_id is not None:
            status.last_reviewed_at = reviewed_at
            if score is not None:
                status.best_score = max(status.best_score or 0.0, score)
        if hand_in_status == ACCEPTED:
            status.accepted_at = reviewed_at if review_id is not None else submitted_at
        if status.state != ACCEPTED and hand_in_status != REPLACED:
            status.state = hand_in_status
    return result


def _waiting_ids(reviewer: User):
    """SQL: the ids of hand-ins waiting for this reviewer, found from the reviewer's side
    (their classes' members, the courses they review) rather than by testing every waiting
    hand-in in the store: the same hand-ins as ``visible_to``, read through the indexes on
    a class's teacher, its members and their enrolments."""
    taught = (sa.select(Enrollment.id)
              .join(ClassMember, ClassMember.user_id == Enrollment.user_id)
              .join(SchoolClass, sa.and_(SchoolClass.id == ClassMember.class_id,
                                         SchoolClass.teacher_id == reviewer.id))
              .join(ClassCourse, sa.and_(ClassCourse.class_id == SchoolClass.id,
                                         ClassCourse.course_id == Enrollment.course_id)))
    reviewed = (sa.select(Enrollment.id)
                .join(CourseReviewer, sa.and_(CourseReviewer.course_id == Enrollment.course_id,
                                              CourseReviewer.user_id == reviewer.id))
                .where(~teaching.in_class_with_course(Enrollment.user_id, Enrollment.course_id)))
    # The enrolments first, then their waiting hand-ins (the index on enrolment and status):
    # a join from the hand-ins' side led the planners to read every waiting hand-in in the store.
    as_teacher = sa.select(HandIn.id).where(HandIn.enrollment_id.in_(taught), HandIn.status == WAITING)
    as_reviewer = sa.select(HandIn.id).where(HandIn.enrollment_id.in_(reviewed), HandIn.status == WAITING)
    return sa.union(as_teacher, as_reviewer)


QUEUE_PAGE = 50


def waiting_for(reviewer: User, *, limit: int | None = None, offset: int = 0) -> list[HandIn]:
    """Hand-ins waiting for this reviewer, oldest first (``limit`` of them from ``offset``),
    with learner, task and course: one query and its loads, however many classes and courses."""
    return list(db.session.scalars(
        sa.select(HandIn).where(HandIn.id.in_(_waiting_ids(reviewer))).order_by(HandIn.submitted_at, HandIn.id)
        .limit(limit).offset(offset)
        .options(selectinload(HandIn.enrollment).selectinload(Enrollment.user),
                 selectinload(HandIn.enrollment).selectinload(Enrollment.course),
                 selectinload(HandIn.item))))


@dataclass
class TaskPage:
    draft: TaskDraft | None
    hand_ins: list[HandIn]
    views: dict[int, list[audit.WorkViews]]    # by hand-in number
    accepted: bool
    waiting: HandIn | None
    class_teacher: bool
    max_file_mb: str
    file_types: list = field(default_factory=list)


def page(enrollment: Enrollment, item: Item) -> dict:
    """What the learner's task page shows: the working copy, every hand-in with its review
    and who opened it, and what the task accepts."""
    made = hand_ins(enrollment, item)
    spec = hand_in_spec(item).get("files")
    return {"task_page": TaskPage(
        draft=draft_for(enrollment, item), hand_ins=made, views=audit.views_by_number(enrollment.user_id, item.id),
        accepted=is_accepted(made), waiting=next((h for h in made if h.status == WAITING), None),
        class_teacher=reviewed_by_class_teacher(enrollment), max_file_mb=max_file_mb(item),
        file_types=[filecheck.TYPES[code] for code in spec["types"]] if spec else [])}


# Course reviewers -----------------------------------------------------------------------------

def course_reviewers() -> list[tuple[Course, list[User]]]:
    """Every live course with a task, and its reviewers, in two queries."""
    courses = list(db.session.scalars(
        sa.select(Course).where(Course.archived.is_(False), sa.exists().where(
            Item.course_id == Course.id, Item.kind == "task", Item.archived.is_(False))).order_by(Course.title)))
    reviewers: dict[int, list[User]] = {course.id: [] for course in courses}
    for row in db.session.scalars(sa.select(CourseReviewer).options(selectinload(CourseReviewer.user))):
        if row.course_id in reviewers:
            reviewers[row.course_id].append(row.user)
    return [(course, sorted(reviewers[course.id], key=lambda u: u.display_name.lower())) for course in courses]


def assign_reviewer(course: Course, user: User | None) -> bool:
    """Make a teacher a reviewer of the course; False if they already were."""
    if user is None:
        raise TaskError(_l("No account has this username or e-mail address."), "user")
    if not user.active:
        raise TaskError(_l("%(username)s is deactivated.", username=user.username), "user")
    if not user.has_role("teacher"):
        raise TaskError(_l("%(username)s is not a teacher: give them the teacher role first.",
                           username=user.username), "user")
    if db.session.get(CourseReviewer, (course.id, user.id)) is not None:
        return False
    db.session.add(CourseReviewer(course_id=course.id, user_id=user.id))
    db.session.flush()
    return True


def unassign_reviewer(course: Course, user: User) -> bool:
    row = db.session.get(CourseReviewer, (course.id, user.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def count_waiting_for(reviewer: User) -> int:
    """How many hand-ins wait for this reviewer: one count query (the header's number)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_waiting_ids(reviewer).subquery())) or 0
