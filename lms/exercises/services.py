"""Code exercises for learners: the latest code (a draft kept on every run and submit),
running the visible tests, and graded submissions that count like quiz attempts.

Learner code runs only in the sandbox's worker processes (``sandbox.grade``), never here.
Grading happens before anything is written, so a submission, its progress and its
statements are saved together in the caller's transaction or not at all."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from lms.core.clock import utcnow
from lms.catalog.models import Item
from lms.core import markdown
from lms.core.errors import Refused
from lms.exercises import sandbox
from lms.exercises.models import ExerciseDraft, ExerciseSubmission
from lms.extensions import db
from lms.learning import services as learning
from lms.learning import statements
from lms.learning.models import Enrollment
from lms.xapi import services as xapi

# The Pygments lexer of each exercise language (a submission is shown highlighted).
LEXERS = {"javascript": "javascript", "react": "jsx", "html": "html"}


class CodeError(Refused):
    """Code that cannot be run, with a message for the learner; nothing was saved."""


@dataclass(frozen=True)
class TestOutcome:
    name: str
    hidden: bool
    passed: bool
    message: str
    logs: list[str]


@dataclass(frozen=True)
class Outcome:
    """What the learner sees after a run or a submit (a run is never stored)."""

    kind: str                  # "run" or "submit"
    status: str                # the grader's status
    tests: list[TestOutcome]
    logs: list[str]
    error: str
    line: int | None
    column: int | None
    passed_count: int
    total: int
    submission: ExerciseSubmission | None = None

    @property
    def score(self) -> float:
        return self.passed_count / self.total if self.total else 0.0

    @property
    def all_passed(self) -> bool:
        return self.status == "ok" and self.total > 0 and self.passed_count == self.total

    @property
    def message(self) -> str:
        """What went wrong with the code as a whole, in the learner's language ("" if it ran)."""
        return status_message(self.status, self.error, self.line)


def status_message(status: str, error: str = "", line: int | None = None) -> str:
    if status == "ok":
        return ""
    if status == "syntax_error":
        if line:
            return str(_l("Your code has a syntax error on line %(line)s: %(error)s", line=line, error=error))
        return str(_l("Your code has a syntax error: %(error)s", error=error))
    if status == "error":
        if line:
            return str(_l("Your code threw an error on line %(line)s while it loaded: %(error)s", line=line, error=error))
        return str(_l("Your code threw an error while it loaded: %(error)s", error=error))
    if status == "timeout":
        return str(_l("Your code ran longer than the time limit, so it was stopped. Look for a loop that never ends."))
    if status == "memory":
        return str(_l("Your code used more memory than allowed, so it was stopped. Look for a loop that keeps "
                      "making an array or a string bigger."))
    if status == "too_large":
        return str(_l("Your code is larger than the grader accepts (%(limit)s bytes).", limit=max_code_bytes()))
    return str(_l("The grader stopped while running your code, most likely because the code used too many "
                  "resources. Check your code and try again."))


def max_code_bytes() -> int:
    return current_app.config["LMS_EXERCISE_MAX_CODE_BYTES"]


def check_code(code: object) -> str:
    """The submitted code, or ``CodeError`` saying why it cannot be run."""
    if not isinstance(code, str) or not code.strip():
        raise CodeError(_l("There is no code to run. Write your solution in the editor first."))
    size = len(code.encode("utf-8"))
    if size > max_code_bytes():
        raise CodeError(_l("Your code is %(size)s bytes long; at most %(limit)s bytes are accepted.",
                           size=size, limit=max_code_bytes()))
    return code


# Drafts ---------------------------------------------------------------------------------------

def draft_for(enrollment: Enrollment, item: Item) -> ExerciseDraft | None:
    return db.session.scalar(sa.select(ExerciseDraft).where(ExerciseDraft.enrollment_id == enrollment.id,
                                                            ExerciseDraft.item_id == item.id))


def current_code(enrollment: Enrollment, item: Item) -> str:
    """The learner's latest code, else the starter code."""
    draft = draft_for(enrollment, item)
    return draft.code if draft is not None else item.exercise["starter"]


def save_draft(enrollment: Enrollment, item: Item, code: str) -> ExerciseDraft:
    draft = draft_for(enrollment, item)
    if draft is None:
        draft = ExerciseDraft(enrollment_id=enrollment.id, item_id=item.id, code=code)
        try:
            with db.session.begin_nested():
                db.session.add(draft)
                db.session.flush()
        except IntegrityError:
            # The same learner's other tab saved first: update that draft.
            draft = draft_for(enrollment, item)
    draft.code, draft.saved_at = code, utcnow()
    db.session.flush()
    return draft


def reset(enrollment: Enrollment, item: Item) -> str:
    """Back to the starter code (the learner confirmed); submissions are kept."""
    draft = draft_for(enrollment, item)
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()
    return item.exercise["starter"]


# Running and submitting -----------------------------------------------------------------------

def _grade(item: Item, code: str, *, with_hidden: bool):
    """Grade with the visible tests, and the hidden ones after them when ``with_hidden``: the
    grader reports those by name and passed/failed only."""
    spec = item.exercise
    tests = spec["tests"] + (spec["hidden_tests"] if with_hidden else [])
    locale = str(get_locale() or "en")  # the grader's messages in the learner's language
    return sandbox.grade(code, tests, language=spec["language"], environment=spec["environment"],
                         time_limit_ms=spec["time_limit_ms"], locale=locale if locale in sandbox.LOCALES else "en",
                         hidden_from=len(spec["tests"]))


def check_reference(spec: dict) -> dict:
    """Grade an exercise being written as validation does: its reference solution on every
    test (the author sees each), its starter code on the hidden tests (it must fail one).
    ``spec`` has the exercise's language, environment, time_limit_ms, solution, starter,
    tests and hidden_tests. A plain dict for the grading job to store."""
    options = {"language": spec["language"], "environment": spec.get("environment"),
               "time_limit_ms": spec["time_limit_ms"]}
    hidden = {test["name"] for test in spec["hidden_tests"]}
    solved = sandbox.grade(spec["solution"], spec["tests"] + spec["hidden_tests"], **options)
    started = sandbox.grade(spec["starter"], spec["hidden_tests"], **options)
    return {
        "solution_error": status_message(solved.status, solved.error, solved.line) or None,
        "tests": [[test.name, test.name in hidden, test.passed, test.message] for test in solved.tests],
        "starter_fails": ([test.name for test in started.tests if not test.passed] if started.status == "ok"
                          else [test["name"] for test in spec["hidden_tests"]]),
    }


def _shown(name: str, hidden: bool, passed: bool, message: str, logs: list[str]) -> TestOutcome:
    """A test as the learner may see it: a hidden one by its name and whether it passed."""
    if hidden:
        return TestOutcome(name, True, passed, "", [])
    return TestOutcome(name, False, passed, message, list(logs))


def _stored(test: TestOutcome) -> dict:
    """What a submission keeps of a test: of a hidden one only its name and whether it passed."""
    if test.hidden:
        return {"name": test.name, "hidden": True, "passed": test.passed}
    return {"name": test.name, "hidden": False, "passed": test.passed, "message": test.message, "logs": test.logs}


def _outcome(kind: str, result, hidden_from: int, submission=None) -> Outcome:
    tests = [_shown(t.name, index >= hidden_from, t.passed, t.message, t.logs)
             for index, t in enumerate(result.tests)]
    return Outcome(kind=kind, status=result.status, tests=tests, logs=list(result.logs), error=result.error,
                   line=result.line, column=result.column, passed_count=sum(t.passed for t in tests),
                   total=len(tests), submission=submission)


def run(enrollment: Enrollment, item: Item, code: object) -> Outcome:
    """Run the visible tests only; keeps the code as the draft, records no statement."""
    code = check_code(code)
    result = _grade(item, code, with_hidden=False)
    save_draft(enrollment, item, code)
    return _outcome("run", result, hidden_from=len(item.exercise["tests"]))


def submit(enrollment: Enrollment, item: Item, code: object) -> Outcome:
    """Grade against the visible and hidden tests and keep the submission; record
    ``attempted`` then ``passed``/``failed`` (with the code as the response), and the
    completions a first pass brings. The best submission counts."""
    code = check_code(code)
    spec = item.exercise
    result = _grade(item, code, with_hidden=True)
    outcome = _outcome("submit", result, hidden_from=len(spec["tests"]))
    save_draft(enrollment, item, code)
    submission = ExerciseSubmission(
        enrollment_id=enrollment.id, item_id=item.id, code=code, status=outcome.status,
        results=[_stored(t) for t in outcome.tests],
        logs=outcome.logs, error=outcome.error, line=outcome.line, column=outcome.column,
        passed_count=outcome.passed_count, total=outcome.total, score=outcome.score,
        passed=outcome.all_passed, duration_ms=float(result.duration_ms or 0))
    _add_numbered(enrollment, item, submission)
    records = [statements.attempted(enrollment, item),
               statements.assessed(enrollment, item, passed=submission.passed, score=submission.score,
                                   points=submission.passed_count, max_points=submission.total, response=code)]
    records += learning.count_assessment(enrollment, item, score=submission.score, passed=submission.passed)
    xapi.record(records)
    return _outcome("submit", result, hidden_from=len(spec["tests"]), submission=submission)


def _add_numbered(enrollment: Enrollment, item: Item, submission: ExerciseSubmission) -> None:
    """Number the submission 1, 2, 3...; two submits at once each get their own number."""
    for _ in range(5):
        last = db.session.scalar(sa.select(sa.func.max(ExerciseSubmission.number)).where(
            ExerciseSubmission.enrollment_id == enrollment.id, ExerciseSubmission.item_id == item.id))
        submission.number = (last or 0) + 1
        try:
            with db.session.begin_nested():
                db.session.add(submission)
                db.session.flush()
            return
        except IntegrityError:
            continue  # another submit took this number; the savepoint let go of ours
    raise CodeError(_l("Too many submissions at once. Please submit again."))


def submissions(enrollment: Enrollment, item: Item) -> list[ExerciseSubmission]:
    return list(db.session.scalars(sa.select(ExerciseSubmission).where(
        ExerciseSubmission.enrollment_id == enrollment.id, ExerciseSubmission.item_id == item.id)
        .order_by(ExerciseSubmission.number)))


def get_submission(enrollment: Enrollment, item: Item, submission_id: int) -> ExerciseSubmission | None:
    """One of this learner's submissions of this exercise, or None: a submission of another
    learner or another exercise is as absent as one that does not exist, so ids cannot be probed."""
    return db.session.scalar(sa.select(ExerciseSubmission).where(
        ExerciseSubmission.id == submission_id, ExerciseSubmission.enrollment_id == enrollment.id,
        ExerciseSubmission.item_id == item.id))


def best_submission(made: list[ExerciseSubmission]) -> ExerciseSubmission | None:
    """The submission that counts: the highest score, and of equal scores the first one
    (the one that reached it, as the progress's best score did)."""
    return min(made, key=lambda submission: (-submission.score, submission.number), default=None)


def copy_to_draft(enrollment: Enrollment, item: Item, submission: ExerciseSubmission) -> ExerciseDraft:
    """Put an earlier submission's code in the editor (the learner confirmed that it
    replaces their current code); nothing else changes."""
    if submission.enrollment_id != enrollment.id or submission.item_id != item.id:
        raise ValueError("the submission belongs to another learner or exercise")
    return save_draft(enrollment, item, submission.code)


def submission_page(enrollment: Enrollment, item: Item, submission: ExerciseSubmission) -> dict:
    """What a past submission's page shows: its code highlighted read-only, its results as
    the exercise page shows them, whether it is the one that counts, and whether copying
    it into the editor would replace different code."""
    best = best_submission(submissions(enrollment, item))
    draft = current_code(enrollment, item)
    return {
        "submission": submission, "outcome": outcome_of(submission),
        "code_html": markdown.highlight(submission.code, LEXERS.get(item.exercise["language"], "javascript")),
        "is_best": best is not None and best.id == submission.id,
        "draft_differs": draft != submission.code,
    }


def outcome_of(submission: ExerciseSubmission) -> Outcome:
    """A stored submission, shown like a fresh one (hidden tests by name and verdict only,
    even in a row stored before they were kept that way)."""
    return Outcome(kind="submit", status=submission.status,
                   tests=[_shown(t["name"], t["hidden"], t["passed"], t.get("message", ""), t.get("logs", []))
                          for t in submission.results],
                   logs=submission.logs, error=submission.error, line=submission.line, column=submission.column,
                   passed_count=submission.passed_count, total=submission.total, submission=submission)


def page(enrollment: Enrollment, item: Item, *, code: str | None = None, outcome: Outcome | None = None) -> dict:
    """What the exercise page shows: the code in the editor (the learner's latest), the
    visible tests (never the hidden ones), the submissions, and the last result."""
    made = submissions(enrollment, item)
    if outcome is None and made:
        outcome = outcome_of(made[-1])
    return {
        "code": code if code is not None else current_code(enrollment, item),
        "visible_tests": item.exercise["tests"], "hidden_count": len(item.exercise["hidden_tests"]),
        "submissions": made, "best_submission": best_submission(made), "outcome": outcome, "max_code_bytes": max_code_bytes(),
        "time_limit_ms": item.exercise["time_limit_ms"],
    }
