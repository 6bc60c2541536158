"""Import checked course packages into the catalogue. Slugs are identities: a re-import
updates what changed, keeps every learner's progress, and archives what was removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from lms.catalog.models import Course, Item, Module
from lms.competence import services as competence
from lms.config import REPO_ROOT
from lms.content.loader import CourseSpec, Problem, load
from lms.core import markdown
from lms.extensions import db
from lms.xapi import vocabulary

COURSES_DIR = REPO_ROOT / "courses"
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
    return load(path)


def import_courses(path: Path = COURSES_DIR) -> ImportReport:
    """Validate everything under ``path`` first; on any problem raise ``ImportRefused``
    and change nothing. Flushes; the caller commits."""
    specs, problems = load(path)
    if problems:
        raise ImportRefused(problems)
    report = ImportReport()
    frameworks = Path(path) / "_frameworks"
    competence.import_frameworks(frameworks if frameworks.is_dir() else competence.FRAMEWORKS_DIR)
    for spec in specs:
        _import_course(spec, report)
    db.session.flush()
    return report


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
        db.session.flush()
        seen_modules.add(module_spec.slug)
        for ref in module_spec.items:
            item = items.get(ref.slug)
            if item is None:
                item = Item(course_id=course.id, slug=ref.slug)
                db.session.add(item)
            item.module_id, item.kind, item.position = module.id, ref.kind, position
            item.optional, item.archived = ref.optional, False
            if ref.kind == "lesson":
                lesson = spec.lessons[ref.slug]
                item.title, item.minutes, item.competences = lesson.title, lesson.minutes, lesson.competences
                item.html = _render_lesson(lesson.body)
                item.pass_mark = item.max_attempts = item.questions = None
            else:
                quiz = spec.quizzes[ref.slug]
                item.title, item.minutes, item.competences = quiz.title, None, quiz.competences
                item.html = markdown.render(quiz.intro) if quiz.intro else None
                item.pass_mark, item.max_attempts = quiz.pass_mark, quiz.max_attempts
                item.questions = _quiz_questions(quiz.questions)
            seen_items.add(ref.slug)
            position += 1
    mappings = []
    for lesson in spec.lessons.values():
        mappings += [(vocabulary.activity_id("lesson", spec.slug, lesson.slug), ref) for ref in lesson.competences]
    for quiz in spec.quizzes.values():
        mappings += [(vocabulary.activity_id("quiz", spec.slug, quiz.slug), ref) for ref in quiz.competences]
    report.unknown_competences += competence.map_activities(f"course:{spec.slug}", mappings)
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
