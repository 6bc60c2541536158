"""Import checked course packages into the catalogue. Slugs are identities: a re-import
updates what changed, keeps every learner's progress, and archives what was removed."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from lms.catalog.models import Course, Item, Module
from lms.competence import services as competence
from lms import config
from lms.content import packages
from lms.content.loader import CourseSpec, ExerciseSpec, H5PSpec, Problem, load
from lms.core import markdown
from lms.extensions import db
from lms.xapi import vocabulary

COURSES_DIR = config.COURSES_DIR
# What an H5P item keeps besides its row (its content): lms.h5p, a domain above this one,
# registers it at start-up.
H5P_IMPORT: list[Callable[[Item, H5PSpec], None]] = []
LEADING_H1 = re.compile(r"\A\s*#\s+[^\n]*\n")


class ImportRefused(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the course files")
        self.problems = problems


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    items_archived: int = 0
    modules_archived: int = 0
    unknown_competences: list[str] = field(default_factory=list)


def validate(path: Path = COURSES_DIR) -> tuple[list[CourseSpec], list[Problem]]:
    """Every problem in the files, then (when the files are right) every exercise whose
    solution does not pass or whose starter code already passes."""
    specs, problems = load(path)
    if not problems:
        problems = check_exercises(specs)
    return specs, problems


# Grading the same exercise text gives the same outcome, so a process checks each version
# of an exercise once (re-imports, the test suite). Resource outcomes are not remembered.
_checked: dict[str, list[Problem]] = {}
DETERMINISTIC = ("ok", "syntax_error", "error", "too_large")


def check_exercises(specs: list[CourseSpec]) -> list[Problem]:
    """Grade each exercise's solution (visible and hidden tests must all pass) and its
    starter code (it must fail at least one hidden test) in the sandbox."""
    problems: list[Problem] = []
    for spec in specs:
        for exercise in spec.exercises.values():
            problems += _check_exercise(exercise)
    return problems


def _check_exercise(exercise: ExerciseSpec) -> list[Problem]:
    try:
        from lms.exercises import sandbox  # the grader starts its worker processes on first use
    except ImportError as error:
        return [Problem(exercise.file, exercise.lines.get("solution"), "solution",
                        f"cannot be graded: the grader is not installed ({error})")]
    key = hashlib.sha256(json.dumps(
        [exercise.language, exercise.environment, exercise.time_limit_ms, exercise.starter, exercise.solution,
         exercise.tests, exercise.hidden_tests]).encode()).hexdigest()
    if key in _checked:
        return [Problem(exercise.file, p.line, p.field, p.message) for p in _checked[key]]
    options = {"language": exercise.language, "environment": exercise.environment,
               "time_limit_ms": exercise.time_limit_ms}
    problems, remember = [], True
    tests = exercise.tests + exercise.hidden_tests
    keys = [f"tests[{i}]" for i in range(len(exercise.tests))]
    keys += [f"hidden_tests[{i}]" for i in range(len(exercise.hidden_tests))]
    solved = sandbox.grade(exercise.solution, tests, **options)
    remember = remember and solved.status in DETERMINISTIC
    if solved.status != "ok":
        problems.append(Problem(exercise.file, exercise.lines.get("solution"), "solution",
                                f"does not run ({_outcome(solved)})"))
    else:
        for field_name, result in zip(keys, solved.tests):
            if not result.passed:
                problems.append(Problem(exercise.file, exercise.lines.get(field_name), field_name,
                                        f"the solution fails test {result.name!r}: {result.message}"))
    started = sandbox.grade(exercise.starter, exercise.hidden_tests, **options)
    remember = remember and started.status in DETERMINISTIC
    if started.all_passed:
        problems.append(Problem(exercise.file, exercise.lines.get("starter"), "starter",
                                "passes every hidden test; it must fail at least one, or there is nothing to do"))
    if remember:
        _checked[key] = problems
    return problems


def _outcome(result) -> str:
    error = " ".join(result.error.split())  # one problem, one line
    error = error if len(error) <= 300 else error[:299] + "…"
    if result.status in ("syntax_error", "error"):
        where = f" at line {result.line}" if result.line else ""
        return f"{result.status.replace('_', ' ')}{where}: {error}"
    return f"{result.status}: {error}" if error else result.status


def import_courses(path: Path = COURSES_DIR) -> ImportReport:
    """Validate everything under ``path`` first (exercises are graded); on any problem
    raise ``ImportRefused`` and change nothing. Flushes; the caller commits."""
    specs, problems = validate(path)
    if problems:
        raise ImportRefused(problems)
    frameworks = Path(path) / "_frameworks"
    competence.import_frameworks(frameworks if frameworks.is_dir() else competence.FRAMEWORKS_DIR)
    return import_specs(specs)


def import_specs(specs: list[CourseSpec], report: ImportReport | None = None) -> ImportReport:
    """Create or update the courses of checked ``specs`` (slugs are identities: progress is
    kept, what is gone is archived). Flushes; the caller commits."""
    report = report or ImportReport()
    for spec in specs:
        _import_course(spec, report)
    db.session.flush()
    return report


def read_package(data: bytes, name: str | None = None) -> tuple[str, dict[str, bytes]]:
    """A ``.zip`` package's slug and files (``packages.read_zip``), a refusal raised as
    ``ImportRefused`` so callers show one kind of problem list."""
    try:
        return packages.read_zip(data, name)
    except packages.PackageRefused as refused:
        raise ImportRefused(refused.problems) from None


def export_course(source: str | Path) -> tuple[str, bytes]:
    """(slug, the ``.zip`` package) of a course folder, or of the shipped course with that
    slug; ``ImportRefused`` when there is no such course or a file may not be packed."""
    folder = Path(source)
    if not (folder / "course.yaml").is_file():
        folder = COURSES_DIR / str(source)
        if not packages.SLUG.match(str(source)) or not (folder / "course.yaml").is_file():
            raise ImportRefused([Problem(str(source), None, "", "is neither a course folder nor a shipped course")])
    try:
        return folder.name, packages.to_zip(folder.name, packages.folder_files(folder))
    except packages.PackageRefused as refused:
        raise ImportRefused(refused.problems) from None


def validate_package(slug: str, files: dict[str, bytes]) -> tuple[CourseSpec | None, list[Problem]]:
    """The course of a package's files, checked exactly as a course folder is (exercises
    graded too): (the spec, []) or (None, every problem)."""
    with packages.unpacked(slug, files) as folder:
        specs, problems = validate(folder)
    return (specs[0] if specs and not problems else None), problems


def import_package(slug: str, files: dict[str, bytes]) -> ImportReport:
    """Validate a package's files and create or update its course, as ``import_courses``
    does for a folder; ``ImportRefused`` changes nothing. The frameworks already in the
    database are used (the shipped ones are loaded into a database that has none)."""
    spec, problems = validate_package(slug, files)
    if problems:
        raise ImportRefused(problems)
    if not competence.has_frameworks():
        competence.import_frameworks(competence.FRAMEWORKS_DIR)
    return import_specs([spec])


def _render_lesson(body: str) -> str:
    # The page shows the title as its heading; drop the file's own "# Title" line.
    return markdown.render(LEADING_H1.sub("", body, count=1))


def _quiz_questions(questions: list[dict]) -> list[dict]:
    rendered = []
    for question in questions:
        question = dict(question)
        question["prompt_html"] = markdown.render(question["prompt"])
        if "options" in question:
            question["options"] = [{**option, "text_html": markdown.render(option["text"])}
                                   for option in question["options"]]
        rendered.append(question)
    return rendered


def _item_translations(spec: CourseSpec, item: Item) -> dict | None:
    """The item's texts in the course's other languages, rendered like its own: a quiz's
    questions in full (same ids, options and answers), a task's rubric with its points. A
    text question accepts the answers of every language, whichever the learner reads."""
    found = {}
    for language, block in spec.translations.items():
        texts = block["items"].get(item.slug)
        if not texts:
            continue
        shown = {"title": texts["title"]}
        if item.kind == "lesson":
            shown["html"] = _render_lesson(texts["body"])
        elif texts.get("intro") or texts.get("instructions"):
            shown["html"] = markdown.render(texts.get("intro") or texts["instructions"])
        if item.kind == "quiz":
            shown["questions"] = _translated_questions(item.questions, texts["questions"])
        if item.kind == "task":
            rubric = [{**criterion, **{k: v for k, v in texts["rubric"].get(criterion["id"], {}).items()
                                       if k != "levels"},
                       "levels": [{**level, **{k: v for k, v in translated.items() if v}}
                                  for level, translated in zip(criterion["levels"], texts["rubric"].get(
                                      criterion["id"], {}).get("levels", [{}] * len(criterion["levels"])))]}
                      for criterion in item.task["rubric"]]
            shown["task"] = {"hand_in": item.task["hand_in"], "rubric": rubric}
        found[language] = shown
    return found or None


def _translated_questions(questions: list[dict], texts: dict) -> list[dict]:
    """``questions`` (rendered) with the translated texts; untranslated ones as they are.
    Accepted answers of a text question become those of both languages, on both."""
    out = []
    for question in questions:
        translated = texts.get(question["id"])
        if not translated:
            out.append(question)
            continue
        if "accepted" in translated:
            both = list(dict.fromkeys([*translated["accepted"], *question["accepted"]]))
            question["accepted"] = list(dict.fromkeys([*question["accepted"], *translated["accepted"]]))
            shown = {**question, "accepted": both}
        else:
            shown = dict(question)
        shown["prompt"] = translated["prompt"]
        shown["prompt_html"] = markdown.render(translated["prompt"])
        shown["feedback"] = translated["feedback"] or question["feedback"]
        if "options" in translated:
            shown["options"] = [{**option, "text": new["text"], "text_html": markdown.render(new["text"]),
                                 "feedback": new["feedback"] or option["feedback"]}
                                for option, new in zip(question["options"], translated["options"])]
        out.append(shown)
    return out


def _clear_quiz_settings(item: Item) -> None:
    item.show_answers, item.shuffle_options, item.draw = None, False, None


def _import_course(spec: CourseSpec, report: ImportReport) -> None:
    course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
        report.created.append(spec.slug)
    else:
        report.updated.append(spec.slug)
    for name in ("title", "summary", "language", "audiences", "track", "level", "estimated_hours",
                 "status", "competences", "lesson_completion"):
        setattr(course, name, getattr(spec, name))
    course.archived = False
    course.translations = {language: {"title": block["title"], "summary": block["summary"]}
                           for language, block in spec.translations.items()} or None
    db.session.flush()

    modules = {m.slug: m for m in db.session.scalars(sa.select(Module).where(Module.course_id == course.id))}
    items = {i.slug: i for i in db.session.scalars(sa.select(Item).where(Item.course_id == course.id))}
    seen_modules, seen_items = set(), set()
    position = 0
    for module_position, module_spec in enumerate(spec.modules):
        module = modules.get(module_spec.slug)
        if module is None:
            module = Module(course_id=course.id, slug=module_spec.slug)
            db.session.add(module)
        module.title, module.summary = module_spec.title, module_spec.summary
        module.position, module.optional, module.archived = module_position, module_spec.optional, False
        module.translations = {language: block["modules"][module_spec.slug]
                               for language, block in spec.translations.items()
                               if module_spec.slug in block["modules"]} or None
        db.session.flush()
        seen_modules.add(module_spec.slug)
        for ref in module_spec.items:
            item = items.get(ref.slug)
            if item is None:
                item = Item(course_id=course.id, slug=ref.slug)
                db.session.add(item)
            item.module_id, item.kind, item.position = module.id, ref.kind, position
            item.optional, item.archived = ref.optional, False
            item.h5p = None
            if ref.kind == "lesson":
                lesson = spec.lessons[ref.slug]
                item.title, item.minutes, item.competences = lesson.title, lesson.minutes, lesson.competences
                item.html = _render_lesson(lesson.body)
                item.pass_mark = item.max_attempts = item.questions = None
                item.exercise = item.task = None
                _clear_quiz_settings(item)
            elif ref.kind == "quiz":
                quiz = spec.quizzes[ref.slug]
                item.title, item.minutes, item.competences = quiz.title, None, quiz.competences
                item.html = markdown.render(quiz.intro) if quiz.intro else None
                item.pass_mark, item.max_attempts = quiz.pass_mark, quiz.max_attempts
                item.questions = _quiz_questions(quiz.questions)
                item.show_answers, item.shuffle_options, item.draw = quiz.show_answers, quiz.shuffle_options, quiz.draw
                item.exercise = item.task = None
            elif ref.kind == "task":
                task = spec.tasks[ref.slug]
                item.title, item.minutes, item.competences = task.title, task.minutes, task.competences
                item.html = markdown.render(task.instructions)
                item.pass_mark, item.max_attempts, item.questions = task.pass_mark, None, None
                item.exercise = None
                _clear_quiz_settings(item)
                item.task = {"hand_in": task.hand_in, "rubric": task.rubric}
            elif ref.kind == "h5p":
                activity = spec.h5p[ref.slug]
                item.title, item.minutes, item.competences = activity.title, None, activity.competences
                item.html = item.max_attempts = item.questions = item.exercise = item.task = None
                item.pass_mark = activity.pass_mark
                _clear_quiz_settings(item)
                item.h5p = {"completion": activity.completion, "assessed": activity.assessed,
                            "licence": activity.package.licence, "authors": activity.package.authors,
                            "source": activity.package.manifest.get("source"),
                            "main_library": str(activity.package.main_library)}
                db.session.flush()
                for keep in H5P_IMPORT:
                    keep(item, activity)
            else:
                exercise = spec.exercises[ref.slug]
                item.title, item.minutes, item.competences = exercise.title, exercise.minutes, exercise.competences
                item.html = markdown.render(exercise.instructions)
                item.pass_mark = item.max_attempts = item.questions = None
                _clear_quiz_settings(item)
                item.task = None
                item.exercise = {
                    "language": exercise.language, "environment": exercise.environment,
                    "time_limit_ms": exercise.time_limit_ms, "starter": exercise.starter,
                    "solution": exercise.solution, "tests": exercise.tests,
                    "hidden_tests": exercise.hidden_tests,
                }
            item.translations = _item_translations(spec, item)
            seen_items.add(ref.slug)
            position += 1
    mappings, participation_counts = [], set()
    for lesson in spec.lessons.values():
        activity = vocabulary.activity_id("lesson", spec.slug, lesson.slug)
        mappings += [(activity, ref) for ref in lesson.competences]
        if lesson.participation_counts:
            participation_counts.add(activity)
    for quiz in spec.quizzes.values():
        mappings += [(vocabulary.activity_id("quiz", spec.slug, quiz.slug), ref) for ref in quiz.competences]
    for exercise in spec.exercises.values():
        mappings += [(vocabulary.activity_id("exercise", spec.slug, exercise.slug), ref)
                     for ref in exercise.competences]
    for task in spec.tasks.values():
        mappings += [(vocabulary.activity_id("task", spec.slug, task.slug), ref) for ref in task.competences]
    for activity in spec.h5p.values():
        mappings += [(vocabulary.activity_id("h5p", spec.slug, activity.slug), ref) for ref in activity.competences]
    report.unknown_competences += competence.map_activities(f"course:{spec.slug}", mappings, participation_counts)
    for slug, module in modules.items():
        if slug not in seen_modules and not module.archived:
            module.archived = True
            report.modules_archived += 1
    for slug, item in items.items():
        if slug not in seen_items and not item.archived:
            item.archived = True
            item.position = position  # archived items sort after the live ones
            position += 1
            report.items_archived += 1
