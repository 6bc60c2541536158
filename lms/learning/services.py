"""The learner journey. Each operation saves its changes and its xAPI statements in the
caller's transaction (they flush; the caller commits), so either all of a step is saved
or none of it."""

from __future__ import annotations

import math
import random
import re
import secrets
from dataclasses import dataclass
from typing import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import Refused
from lms.catalog import services as catalog
from lms.catalog.models import SHOW_ANSWERS, Course, Item, Module
from lms.extensions import db
from lms.learning import classes, papers, statements
from lms.learning.models import Certificate, Enrollment, ItemProgress, ModuleCompletion, QuizAttempt
from lms.xapi import services as xapi


class LearningError(Refused):
    """A step the rules refuse, with a message for the learner."""


class AttemptLimitReached(LearningError):
    pass


class HandInRefused(LearningError):
    """A class's dates refuse the step now: not open yet, or closed at the due date."""


def check_hand_in(enrollment: Enrollment, item: Item) -> None:
    """Quizzes honour their classes' dates: an attempt is neither started before the
    opening date nor submitted after a due date at which the teacher closed hand-in."""
    problem = classes.of().hand_in_problem(enrollment.user, item)
    if problem is not None:
        raise HandInRefused(problem)


class AnswerError(LearningError):
    """Submitted answers that cannot be graded; ``problems`` maps question id to message."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(_l("Some answers need your attention."))
        self.problems = problems


# Enrolment ---------------------------------------------------------------------------------

def enrollment_for(user: User, course: Course) -> Enrollment | None:
    return db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == user.id,
                                                         Enrollment.course_id == course.id))


def active_enrollment(user: User, course: Course) -> Enrollment | None:
    enrollment = enrollment_for(user, course)
    return enrollment if enrollment is not None and enrollment.active else None


def enrol(user: User, course: Course) -> Enrollment:
    """Enrol, or come back after leaving with all earlier progress kept."""
    if not course.is_published:
        raise LearningError(_l("This course is not open for enrolment."))
    enrollment = enrollment_for(user, course)
    if enrollment is not None and enrollment.active:
        return enrollment
    if enrollment is None:
        enrollment = Enrollment(user=user, course=course)
        db.session.add(enrollment)
    else:
        enrollment.active, enrollment.left_at = True, None
    enrollment.last_activity_at = utcnow()
    db.session.flush()
    xapi.record([statements.registered(enrollment)])
    return enrollment


def leave(enrollment: Enrollment) -> None:
    """Leave a course; progress, attempts and certificates are kept for a return."""
    enrollment.active, enrollment.left_at = False, utcnow()
    db.session.flush()


# Progress -----------------------------------------------------------------------------------

def progress_by_item(enrollment: Enrollment) -> dict[int, ItemProgress]:
    rows = db.session.scalars(sa.select(ItemProgress).where(ItemProgress.enrollment_id == enrollment.id))
    return {row.item_id: row for row in rows}


def _progress_row(enrollment: Enrollment, item: Item) -> ItemProgress:
    row = db.session.scalar(sa.select(ItemProgress).where(ItemProgress.enrollment_id == enrollment.id,
                                                          ItemProgress.item_id == item.id))
    if row is None:
        row = ItemProgress(enrollment_id=enrollment.id, item_id=item.id, attempts=0)
        db.session.add(row)
    return row


def _touch(enrollment: Enrollment, item: Item) -> None:
    enrollment.last_item_id = item.id
    enrollment.last_activity_at = utcnow()


def open_item(enrollment: Enrollment, item: Item) -> None:
    """The learner opened a lesson, quiz or exercise page: remember it for "continue",
    record ``experienced`` for a lesson, and complete it where the course completes on opening."""
    row = _progress_row(enrollment, item)
    row.opened_at = row.opened_at or utcnow()
    _touch(enrollment, item)
    db.session.flush()
    if item.kind == "lesson":
        xapi.record([statements.experienced(enrollment, item)])
        if enrollment.course.lesson_completion == "on_open":
            _complete_item(enrollment, item, row)


def mark_done(enrollment: Enrollment, item: Item) -> bool:
    """Mark a lesson done; False (and nothing recorded) if it already was."""
    if item.kind != "lesson":
        raise LearningError(_l("A quiz or an exercise is done by passing it."))
    row = _progress_row(enrollment, item)
    if row.completed_at is not None:
        return False
    row.opened_at = row.opened_at or utcnow()
    _touch(enrollment, item)
    _complete_item(enrollment, item, row)
    return True


DEMO_COURSES = ("js-fundamentals",)  # the demo learner's first course, where it is shipped


def start_demo_learning(user: User, lessons: int = 2) -> Enrollment | None:
    """Give a demo learner something in progress (``flask lms seed-demo``): enrolled in
    the adult track's first course (else any published course for their audience) with its
    first lessons done, through the same services and records as a learner's clicks. None
    when there is no course or they are already enrolled somewhere; flushes."""
    if db.session.scalar(sa.select(Enrollment.id).where(Enrollment.user_id == user.id).limit(1)):
        return None
    course = next((c for c in (catalog.get_course(slug) for slug in DEMO_COURSES) if c is not None), None)
    if course is None:
        course = next((c for c in catalog.list_courses(catalog.CourseFilter(audience=user.audience))
                       if c.is_published and any(i.kind == "lesson" for i in catalog.live_items(c))), None)
    if course is None:
        return None
    enrollment = enrol(user, course)
    for item in [i for i in catalog.live_items(course) if i.kind == "lesson"][:lessons]:
        open_item(enrollment, item)
        mark_done(enrollment, item)
    db.session.flush()
    return enrollment


def _complete_item(enrollment: Enrollment, item: Item, row: ItemProgress) -> None:
    """First completion of an item: its statement, then progress, module, course."""
    row.completed_at = utcnow()
    db.session.flush()
    records = [statements.completed_item(enrollment, item)] if item.kind == "lesson" else []
    records += _after_completion(enrollment, item.module)
    xapi.record(records)


def _after_completion(enrollment: Enrollment, module: Module) -> list:
    course = enrollment.course
    done = {item_id for item_id, row in progress_by_item(enrollment).items() if row.completed_at}
    required = catalog.required_items(course)
    enrollment.progress = math.floor(100 * sum(1 for i in required if i.id in done) / len(required)) if required else 100
    records = [statements.progressed(enrollment)]

    completed_modules = {row.module_id for row in db.session.scalars(
        sa.select(ModuleCompletion).where(ModuleCompletion.enrollment_id == enrollment.id))}
    module_items = [i for i in catalog.live_items(course) if i.module_id == module.id and not i.optional]
    if module.id not in completed_modules and all(i.id in done for i in module_items):
        db.session.add(ModuleCompletion(enrollment_id=enrollment.id, module_id=module.id))
        completed_modules.add(module.id)
        records.append(statements.completed_module(enrollment, module))

    required_modules = [m for m in catalog.live_modules(course) if not m.optional]
    if enrollment.completed_at is None and all(m.id in completed_modules for m in required_modules):
        enrollment.completed_at = utcnow()
        db.session.add(Certificate(enrollment_id=enrollment.id, code=_certificate_code()))
        records.append(statements.completed_course(enrollment))
    db.session.flush()
    return records


def _certificate_code() -> str:
    raw = secrets.token_hex(6).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# Quizzes ---------------------------------------------------------------------------------------

def attempts(enrollment: Enrollment, item: Item) -> list[QuizAttempt]:
    return list(db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.item_id == item.id).order_by(QuizAttempt.number)))


def attempts_left(item: Item, made: list[QuizAttempt]) -> int | None:
    if item.max_attempts is None:
        return None
    return max(item.max_attempts - sum(1 for a in made if a.submitted_at), 0)


def answers_shown(item: Item, made: list[QuizAttempt]) -> bool:
    """Whether the learner may now see the correct answers and the feedback of their
    submitted attempts, by the quiz's ``show_answers``. Until then a result says only which
    questions were right and the score, so a failed attempt cannot be copied into the next."""
    rule = item.show_answers or SHOW_ANSWERS[0]
    submitted = [a for a in made if a.submitted_at is not None]
    if rule == "never" or not submitted:
        return False
    if rule == "after_each_attempt":
        return True
    passed = any(a.passed for a in submitted)
    if rule == "after_passed":
        return passed
    return passed or attempts_left(item, made) == 0


def answers_policy(item: Item):
    """When this quiz shows the correct answers, in the learner's words."""
    rule = item.show_answers or SHOW_ANSWERS[0]
    if rule == "after_each_attempt":
        return _l("The correct answers are shown after each attempt.")
    if rule == "never":
        return _l("This quiz does not show the correct answers.")
    if rule == "after_passed" or item.max_attempts is None:
        return _l("The correct answers are shown once you pass.")
    return _l("The correct answers are shown once you pass or have used your last attempt.")


def start_attempt(enrollment: Enrollment, item: Item, rng: random.Random | None = None) -> QuizAttempt:
    """The open attempt, or a new one if the limit allows: starting twice (a reload, a
    double click) gives the same attempt. A new attempt's paper (drawn questions, option
    order) is fixed here and kept with it; ``rng`` makes the draw repeatable in tests."""
    if item.kind != "quiz":
        raise LearningError(_l("Only a quiz has attempts."))
    made = attempts(enrollment, item)
    open_attempt = next((a for a in made if a.submitted_at is None), None)
    if open_attempt is not None:
        return open_attempt
    check_hand_in(enrollment, item)
    if attempts_left(item, made) == 0:
        raise AttemptLimitReached(_l("You have used all %(count)d attempts at this quiz.", count=item.max_attempts))
    attempt = QuizAttempt(enrollment_id=enrollment.id, item_id=item.id, number=len(made) + 1,
                          paper=papers.draw(item, [a.paper for a in made], rng or random.SystemRandom()))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another request started the same attempt a moment ago: use that one.
        return next(a for a in attempts(enrollment, item) if a.submitted_at is None)
    _touch(enrollment, item)
    row = _progress_row(enrollment, item)
    row.opened_at = row.opened_at or utcnow()
    db.session.flush()
    return attempt


def attempt_paper(attempt: QuizAttempt, rng: random.Random | None = None) -> list[papers.PaperQuestion]:
    """The questions of an attempt as its learner sees them, from the paper kept with it.
    An open attempt whose paper no longer fits the quiz (it was edited since, or the
    attempt is older than kept papers) gets a fresh paper here; a submitted one shows
    what is left of its questions."""
    item = attempt.item
    if attempt.submitted_at is None and not papers.fits(item, attempt.paper):
        earlier = list(db.session.scalars(sa.select(QuizAttempt).where(
            QuizAttempt.enrollment_id == attempt.enrollment_id, QuizAttempt.item_id == item.id,
            QuizAttempt.number < attempt.number).order_by(QuizAttempt.number)))
        attempt.paper = papers.draw(item, [a.paper for a in earlier], rng or random.SystemRandom())
        db.session.flush()
    return papers.resolve(item, attempt.paper, attempt.results)


NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_answers(item: Item, paper: list[papers.PaperQuestion],
                  form: Mapping[str, list[str]]) -> dict[str, object]:
    """Read ``q-<question id>`` fields for the questions on the attempt's paper; a choice
    is read by the value the paper gave its option and kept as the option's id.
    ``AnswerError`` names every missing, malformed or unknown answer (a question not
    drawn for this attempt, an option not offered), so nothing is graded until all are usable."""
    on_paper = {entry.question["id"]: entry for entry in paper}
    in_quiz = {q["id"] for q in item.questions or []}
    answers: dict[str, object] = {}
    problems: dict[str, object] = {}
    for key in form:
        if key.startswith("q-") and key[2:] not in on_paper:
            if key[2:] in in_quiz:
                problems[key[2:]] = _l("This answer is for a question that is not part of this attempt.")
            else:
                problems[key[2:]] = _l("This answer is for a question that is not in this quiz.")
    for qid, entry in on_paper.items():
        number, kind = entry.number, entry.question["type"]
        values = [value.strip() for value in form.get(f"q-{qid}", []) if value.strip()]
        if not values:
            problems[qid] = _l("Question %(number)d has no answer.", number=number)
            continue
        if kind in ("single", "true_false", "numeric", "text") and len(values) > 1:
            problems[qid] = _l("Question %(number)d takes one answer.", number=number)
            continue
        if kind in ("single", "multiple"):
            offered = {value: option["id"] for value, option in entry.options}
            if not set(values) <= set(offered):
                problems[qid] = _l("Question %(number)d: choose from the options shown.", number=number)
                continue
            chosen = sorted({offered[value] for value in values})
            answers[qid] = chosen[0] if kind == "single" else chosen
        elif kind == "true_false":
            if values[0] not in ("true", "false"):
                problems[qid] = _l("Question %(number)d: choose true or false.", number=number)
                continue
            answers[qid] = values[0] == "true"
        elif kind == "numeric":
            text = values[0].replace(" ", "").replace("\u00a0", "")
            if not NUMBER.match(text) or len(text) > 40:
                problems[qid] = _l("Question %(number)d: enter a number, such as 12 or 3.5.", number=number)
                continue
            answers[qid] = float(text.replace(",", "."))
        else:
            if len(values[0]) > 500:
                problems[qid] = _l("Question %(number)d: the answer is too long.", number=number)
                continue
            answers[qid] = values[0]
    if problems:
        raise AnswerError(problems)
    return answers


def _normalise_text(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def grade_question(question: dict, answer) -> tuple[bool, list[str], str]:
    """(correct, feedback texts to show, the xAPI response string). Choices are graded by
    option id, never by the position they were shown in."""
    kind = question["type"]
    feedback: list[str] = []
    if kind in ("single", "multiple"):
        chosen = {answer} if kind == "single" else set(answer)
        correct_ids = {o["id"] for o in question["options"] if o["correct"]}
        correct = chosen == correct_ids
        feedback += [o["feedback"] for o in question["options"] if o["id"] in chosen and o.get("feedback")]
        response = "[,]".join(sorted(chosen))
    elif kind == "true_false":
        correct = answer is question["answer"]
        response = "true" if answer else "false"
    elif kind == "numeric":
        correct = abs(answer - question["answer"]) <= question["tolerance"] + 1e-9
        response = f"{answer:g}"
    else:
        given = _normalise_text(answer, question["case_sensitive"])
        correct = any(given == _normalise_text(a, question["case_sensitive"]) for a in question["accepted"])
        response = answer
    general = question.get("feedback", {}).get("correct" if correct else "incorrect")
    if general:
        feedback.append(general)
    return correct, feedback, response


@dataclass
class Submission:
    attempt: QuizAttempt
    counted: bool  # False when this attempt had been submitted before (a double submit)


def submit_attempt(enrollment: Enrollment, attempt: QuizAttempt, form: Mapping[str, list[str]]) -> Submission:
    """Grade an open attempt once, on the questions of its paper only (the score is scaled
    on their points). A second submit of the same attempt changes nothing."""
    item = attempt.item
    if attempt.submitted_at is not None:
        return Submission(attempt, counted=False)
    check_hand_in(enrollment, item)
    paper = attempt_paper(attempt)
    answers = parse_answers(item, paper, form)
    now = utcnow()
    # Claim the attempt atomically: of two simultaneous submits only one gets the row.
    claimed = db.session.execute(
        sa.update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(attempt)
    if not claimed:
        return Submission(attempt, counted=False)

    results, records, points, max_points = [], [], 0.0, 0.0
    for entry in paper:
        question = entry.question
        correct, feedback, response = grade_question(question, answers[question["id"]])
        earned = question.get("points", 1) if correct else 0
        points += earned
        max_points += question.get("points", 1)
        results.append({"id": question["id"], "correct": correct, "points": earned, "feedback": feedback})
        records.append(statements.answered(enrollment, item, question, response, correct))
    score = points / max_points if max_points else 0.0
    passed = score * 100 >= item.pass_mark - 1e-9
    attempt.answers = {key: value for key, value in answers.items()}
    attempt.results, attempt.points, attempt.max_points = results, points, max_points
    attempt.score, attempt.passed = score, passed

    records.append(statements.assessed(enrollment, item, passed=passed, score=score, points=points,
                                       max_points=max_points))
    records += count_assessment(enrollment, item, score=score, passed=passed)
    xapi.record(records)
    return Submission(attempt, counted=True)


def count_assessment(enrollment: Enrollment, item: Item, *, score: float, passed: bool) -> list:
    """Count one graded quiz attempt or exercise submission in the learner's progress
    (attempts, last and best score); the first pass completes the item, and with it
    perhaps its module and the course. Returns the statements of those steps, for the
    caller to record with its own."""
    row = _progress_row(enrollment, item)
    row.attempts += 1
    row.last_score = score
    row.best_score = max(score, row.best_score or 0.0)
    _touch(enrollment, item)
    db.session.flush()
    if not passed or row.completed_at is not None:
        return []
    row.completed_at = utcnow()
    db.session.flush()
    return _after_completion(enrollment, item.module)


def item_context(enrollment: Enrollment, item: Item) -> dict:
    """What every item page shows around the item: the course's contents with the
    learner's progress, and the previous and next items."""
    course = enrollment.course
    items = catalog.live_items(course)
    index = items.index(item)
    return {
        "course": course, "enrollment": enrollment, "item": item, "items": items,
        "modules": catalog.live_modules(course), "progress": progress_by_item(enrollment),
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
    }


def get_attempt(enrollment: Enrollment, item: Item, number: int) -> QuizAttempt | None:
    return db.session.scalar(sa.select(QuizAttempt).where(
        QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.item_id == item.id, QuizAttempt.number == number))


HEADING = re.compile(r'<h[2-4] id="([^"]+)">(.*?)</h[2-4]>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def _plain(html: str) -> str:
    return " ".join(TAG.sub("", html).replace("&amp;", "&").split()).casefold()


def lesson_sections(course: Course) -> dict[str, list[tuple[Item, str | None]]]:
    """Every section heading and lesson title of the course's live lessons, as plain
    lower-case text, with the lesson and the heading's anchor (None for a whole lesson), in
    course order: what a quiz's "revise section X" feedback links to."""
    sections: dict[str, list[tuple[Item, str | None]]] = {}
    for item in catalog.live_items(course):
        if item.kind != "lesson":
            continue
        sections.setdefault(_plain(item.title), []).append((item, None))
        for anchor, heading in HEADING.findall(item.html or ""):
            sections.setdefault(_plain(heading), []).append((item, anchor))
    return sections


QUOTED = re.compile(r"([„“\"«])([^„“”\"«»<>]{1,120})([”“\"»])")


def sections_named(text: str, sections: dict[str, list[tuple[Item, str | None]]]) -> dict[str, tuple[Item, str | None]]:
    """The quoted names in ``text`` („find: atrast pirmo”) that are a lesson's section or
    title, each with the lesson and anchor; of several lessons with that heading, the one
    the text also names."""
    quoted = [match.group(2) for match in QUOTED.finditer(text)]
    named_lessons = {sections[_plain(q)][0][0].id for q in quoted
                     if _plain(q) in sections and sections[_plain(q)][0][1] is None}
    found = {}
    for name in quoted:
        places = sections.get(_plain(name))
        if places:
            found[name] = next((p for p in places if p[0].id in named_lessons), places[0])
    return found


def attempt_page(enrollment: Enrollment, item: Item, attempt: QuizAttempt) -> dict:
    """What an attempt's page shows: its paper, each question's result, and whether the
    correct answers and feedback may be shown yet (only a submitted attempt's, and only
    as the quiz's ``show_answers`` allows). May fix a fresh paper: the caller commits."""
    made = attempts(enrollment, item)
    return {
        "paper": attempt_paper(attempt),
        "results": {result["id"]: result for result in attempt.results or []},
        "shown": attempt.submitted_at is not None and answers_shown(item, made),
        "policy": answers_policy(item),
        "attempts_left": attempts_left(item, made),
        "progress": progress_by_item(enrollment).get(item.id),
        "sections": lesson_sections(enrollment.course) if attempt.submitted_at is not None else {},
    }


# Dashboard and certificates ---------------------------------------------------------------------

@dataclass
class DashboardEntry:
    enrollment: Enrollment
    next_item: Item | None
    certificate: Certificate | None


def dashboard(user: User) -> list[DashboardEntry]:
    """The learner's active enrolments, most recently used first, with where to continue
    and any certificate: a fixed number of queries however many courses there are."""
    enrollments = list(db.session.scalars(
        sa.select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.active.is_(True))
        .options(selectinload(Enrollment.course).selectinload(Course.modules),
                 selectinload(Enrollment.course).selectinload(Course.items),
                 selectinload(Enrollment.last_item))
        .order_by(Enrollment.last_activity_at.desc(), Enrollment.id.desc())))
    ids = [enrollment.id for enrollment in enrollments]
    progress: dict[int, dict[int, ItemProgress]] = {enrollment_id: {} for enrollment_id in ids}
    certificates: dict[int, Certificate] = {}
    if ids:
        for row in db.session.scalars(sa.select(ItemProgress).where(ItemProgress.enrollment_id.in_(ids))):
            progress[row.enrollment_id][row.item_id] = row
        for certificate in db.session.scalars(sa.select(Certificate).where(Certificate.enrollment_id.in_(ids))):
            certificates[certificate.enrollment_id] = certificate
    return [DashboardEntry(e, continue_item(e, progress[e.id]), certificates.get(e.id)) for e in enrollments]


def course_state(user: User, course: Course) -> dict:
    """A learner's state on the course's catalogue page: their active enrolment, its
    progress by item and the item "continue" leads to (registered with the catalogue)."""
    enrollment = active_enrollment(user, course)
    if enrollment is None:
        return {"enrollment": None, "progress": {}, "next_item": None}
    progress = progress_by_item(enrollment)
    return {"enrollment": enrollment, "progress": progress, "next_item": continue_item(enrollment, progress)}


def continue_item(enrollment: Enrollment, progress: dict[int, ItemProgress] | None = None) -> Item | None:
    """Where "continue" leads: the first required item not done after the last one used,
    else the first not done at all, else the last used."""
    items = catalog.live_items(enrollment.course)
    if not items:
        return None
    progress = progress if progress is not None else progress_by_item(enrollment)
    undone = [i for i in items if not (progress.get(i.id) and progress[i.id].completed_at)]
    last = enrollment.last_item
    if last is not None and not last.archived:
        after = [i for i in undone if i.position >= last.position]
        if after:
            return after[0]
    return undone[0] if undone else (last if last is not None and not last.archived else items[0])


def certificate_for(enrollment: Enrollment) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.enrollment_id == enrollment.id))


def normalise_certificate_code(code: str) -> str:
    """A code as people type it (spaces, lower case, with or without the dashes) in the
    form it is issued in: ``ab12 cd34 ef56`` -> ``AB12-CD34-EF56``."""
    raw = re.sub(r"[\s\-‐‑–—]+", "", code or "").upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


def certificate_by_code(code: str) -> Certificate | None:
    code = normalise_certificate_code(code)
    if not re.match(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$", code):
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code)
                             .options(selectinload(Certificate.enrollment)))


def set_certificate_name_visible(certificate: Certificate, visible: bool) -> None:
    """Learners choose whether the public page shows their name; a pupil's never shows."""
    if visible and certificate.enrollment.user.audience == "pupil":
        raise LearningError(_l("Pupils' names are never shown on public pages."))
    certificate.show_name = visible
    db.session.flush()
