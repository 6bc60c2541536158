"""Read and check course packages. Nothing here touches the database: ``load()`` returns
checked, plain data and every problem found, each naming file, line and field.

A course folder is an author's work, so reading it must not hurt the server: files that
lead out of the folder or are too large are refused before they are read
(``lms.content.files``), YAML anchors and aliases are refused while parsing, before
anything is expanded (a few hundred bytes of aliases expand to gigabytes), nesting is
bounded, images must be real images inside the folder (``lms.content.images``), and names
and titles may not hide characters (``lms.core.text``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from lms.competence import references as competences
from lms.content import files, images
from lms.core import yamlsafe
from lms.core.messages import N_, translated
from lms.core.text import describe, hidden_character

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
AUDIENCES = ("pupil", "adult", "teacher")
LANGUAGES = ("lv", "en")
LEVELS = ("beginner", "intermediate", "advanced")
STATUSES = ("draft", "published")
LESSON_COMPLETION = ("mark_done", "on_open")
QUESTION_TYPES = ("single", "multiple", "true_false", "numeric", "text")
# When a learner sees the correct answers and the feedback of their attempts; before
# that, only which questions were right and the score. The first is the default.
SHOW_ANSWERS = ("after_passed_or_last_attempt", "after_each_attempt", "after_passed", "never")
ITEM_KINDS = ("lesson", "quiz", "exercise", "task")
EXERCISE_LANGUAGES = ("javascript", "react", "html")
EXERCISE_ENVIRONMENTS = ("dom",)
TIME_LIMIT_MS = (100, 10000, 2000)  # minimum, maximum, default
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
NAME_KEYS = ("title", "summary", "name")  # text people see as a name: nothing may hide in it
MULTILINE = str.maketrans("\n\t", "  ")
ITEM_FILES = {"lesson": "lessons/{}.md", "quiz": "quizzes/{}.yaml", "exercise": "exercises/{}.yaml",
              "task": "tasks/{}.yaml"}
# An H5P activity is a package made by another tool (``h5p/<slug>.h5p``): what an item file
# says of the others, its entry in course.yaml says of it.
H5P_FILE = "h5p/{}.h5p"
H5P_COMPLETION = ("opened", "completed", "score")
H5P_ITEM_KEYS = {"h5p", "optional", "title", "competences", "completion", "pass_mark", "assessed"}
# How an .h5p package is checked: lms.h5p (a domain above this one: its libraries live in
# the database) registers it at start-up. ``check(path, file)`` returns the read package
# (None when refused) and the problems, each naming ``file``.
H5P_CHECK: list[Callable[[Path, str], tuple[Any, list["Problem"]]]] = []


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return self._located(self.message)

    @property
    def translated(self) -> str:
        """The message in the language of the page (``message`` is English, for the CLI)."""
        return translated(self.message)

    def shown(self) -> str:
        """Where and what, the message in the language of the page."""
        return self._located(self.translated)

    def _located(self, message: str) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"


@dataclass
class LessonSpec:
    slug: str
    title: str
    body: str
    minutes: int | None
    competences: list[str]
    participation_counts: bool = False  # taking part counts at the competences' levels


@dataclass
class QuizSpec:
    slug: str
    title: str
    intro: str | None
    pass_mark: int
    max_attempts: int | None
    competences: list[str]
    questions: list[dict]
    show_answers: str = SHOW_ANSWERS[0]
    shuffle_options: bool = False   # per question ``shuffle_options`` overrides it
    draw: int | None = None         # questions drawn per attempt; None: all of them


@dataclass
class ExerciseSpec:
    """A code exercise. ``file`` and ``lines`` (field path -> line) let the grading check
    that runs after loading name the file and line of a failing solution or test."""

    slug: str
    title: str
    language: str
    environment: str | None
    minutes: int | None
    time_limit_ms: int
    competences: list[str]
    instructions: str
    starter: str
    solution: str
    tests: list[dict]          # visible: [{"name", "code"}]
    hidden_tests: list[dict]
    file: str = ""
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class TaskSpec:
    """A reviewed task: instructions, what the learner hands in, a rubric a reviewer scores
    it with, and the share of the rubric's points acceptance needs (None: the reviewer's
    decision alone)."""

    slug: str
    title: str
    minutes: int | None
    competences: list[str]
    instructions: str
    hand_in: dict          # {"text": bool, "link": bool, "files": {"types", "max_files", "max_size_mb"} | None}
    rubric: list[dict]     # [{"id", "name", "description", "levels": [{"name", "description", "points"}]}]
    pass_mark: int | None = None


@dataclass
class ItemRef:
    kind: str
    slug: str
    optional: bool


@dataclass
class H5PSpec:
    """An H5P activity: its package (as ``lms.h5p.package`` read it) and what the course
    says of it. ``completion``: opened, completed, or a score of at least ``pass_mark``;
    the browser's score is assessed evidence only when the course says ``assessed: true``."""

    slug: str
    title: str
    competences: list[str]
    completion: str = "completed"
    pass_mark: int | None = None
    assessed: bool = False
    data: bytes = b""
    package: Any = None


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str | None
    optional: bool
    items: list[ItemRef]


@dataclass
class CourseSpec:
    slug: str
    folder: Path
    title: str = ""
    summary: str = ""
    language: str = "en"
    audiences: list[str] = field(default_factory=list)
    track: str = ""
    level: str = "beginner"
    estimated_hours: float = 0
    status: str = "draft"
    competences: list[str] = field(default_factory=list)
    lesson_completion: str = "mark_done"
    modules: list[ModuleSpec] = field(default_factory=list)
    lessons: dict[str, LessonSpec] = field(default_factory=dict)
    quizzes: dict[str, QuizSpec] = field(default_factory=dict)
    exercises: dict[str, ExerciseSpec] = field(default_factory=dict)
    tasks: dict[str, TaskSpec] = field(default_factory=dict)
    h5p: dict[str, H5PSpec] = field(default_factory=dict)
    # the course in other languages: {language: {"title", "summary", "modules": {slug:
    # {"title", "summary"}}, "items": {slug: {...the item's texts in that language}}}}
    translations: dict[str, dict] = field(default_factory=dict)


class _Source:
    """One YAML document with the line of every key and list entry, for messages."""

    def __init__(self, file: str, text: str, problems: list[Problem], line_offset: int = 0) -> None:
        self.file, self.problems, self.offset = file, problems, line_offset
        self.lines: dict[tuple, int] = {}
        self.data: Any = None
        try:
            node, self.data = yamlsafe.parse(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 + line_offset if mark else None
            problems.append(Problem(file, line, "", yamlsafe.message(error)))
            return
        if node is not None:
            self._index(node, ())

    def _index(self, node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1 + self.offset
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self.lines[path + (key.value,)] = key.start_mark.line + 1 + self.offset
                self._index(value, path + (key.value,))
                self.lines[path + (key.value,)] = key.start_mark.line + 1 + self.offset
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                self._index(value, path + (index,))

    def line(self, path: tuple) -> int | None:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path)

    def problem(self, path: tuple, message: str) -> None:
        name = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
        self.problems.append(Problem(self.file, self.line(path), name, message))


# Field readers: each returns a value (or a safe default) and records a problem if wrong.

def _mapping(src: _Source, value, path) -> dict:
    if not isinstance(value, dict):
        src.problem(path, N_("must be a mapping of fields"))
        return {}
    return value


def _text(src, data, key, path=(), required=True, default=None):
    value = data.get(key)
    if value is None:
        if required:
            src.problem(path + (key,), N_("is required"))
        return default
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        src.problem(path + (key,), N_("must be non-empty text"))
        return default
    hidden = None
    if key in NAME_KEYS:  # a summary may run over several lines; nothing else may hide in it
        hidden = hidden_character(str(value).strip().translate(MULTILINE if key == "summary" else {}))
    if hidden:
        src.problem(path + (key,), N_("contains an invisible or text-direction character (%(describe)s): remove it",
                                      describe=describe(hidden)))
        return default
    return str(value).strip()


def _choice(src, data, key, options, path=(), default=None, required=True):
    value = data.get(key, default)
    if value is None:
        if required:
            src.problem(path + (key,), N_("is required (one of %(choices)s)", choices=', '.join(options)))
        return default
    if value not in options:
        src.problem(path + (key,), N_("must be one of %(choices)s, not %(value)s",
                                      choices=', '.join(options), value=repr(value)))
        return default
    return value


def _slug(src, value, path) -> str | None:
    if not isinstance(value, str) or not SLUG.match(value) or len(value) > 64:
        src.problem(path, N_("%(value)s is not a slug (lowercase letters, digits and dashes, at most 64)",
                             value=repr(value)))
        return None
    return value


def _bool(src, data, key, path=(), default=False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        src.problem(path + (key,), N_("must be true or false"))
        return default
    return value


def _number(src, data, key, path=(), *, required=True, default=None, minimum=None, maximum=None,
            whole=False, exclusive_minimum=False):
    value = data.get(key)
    if value is None:
        if required:
            src.problem(path + (key,), N_("is required"))
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        src.problem(path + (key,), N_("must be a number"))
        return default
    if whole and value != int(value):
        src.problem(path + (key,), N_("must be a whole number"))
        return default
    if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
        src.problem(path + (key,), N_("must be more than %(minimum)s", minimum=minimum) if exclusive_minimum
                    else N_("must be at least %(minimum)s", minimum=minimum))
        return default
    if maximum is not None and value > maximum:
        src.problem(path + (key,), N_("must be at most %(maximum)s", maximum=maximum))
        return default
    return int(value) if whole else value


def _competences(src, data, path=()) -> list[str]:
    value = data.get("competences", [])
    if value is None:
        return []
    if not isinstance(value, list):
        src.problem(path + ("competences",), N_("must be a list like [digcomp:1.1@2]"))
        return []
    refs = []
    for index, reference in enumerate(value):
        try:
            refs.append(str(competences.parse(reference)))
        except ValueError as error:
            src.problem(path + ("competences", index), error.args[0])  # a Deferred message: kept for pages
    return refs


def _unknown_keys(src, data, allowed, path=()) -> None:
    for key in data:
        if key not in allowed:
            src.problem(path + (key,), N_("unknown field (allowed: %(choices)s)", choices=', '.join(sorted(allowed))))


# Course ----------------------------------------------------------------------------------

COURSE_KEYS = {"title", "summary", "language", "audiences", "track", "level", "estimated_hours",
               "status", "competences", "completion", "modules", "translations"}


def load_course(folder: Path, root: Path | None = None) -> tuple[CourseSpec, list[Problem]]:
    """Read one course folder; the spec is usable only when the problem list is empty."""
    problems: list[Problem] = []
    root = root or folder.parent
    rel = lambda path: str(path.relative_to(root)) if path.is_relative_to(root) else str(path)  # noqa: E731
    course = CourseSpec(slug=folder.name, folder=folder)
    course_file = folder / "course.yaml"
    if not SLUG.match(folder.name):
        problems.append(Problem(rel(folder), None, "", N_("folder name %(name)s is not a slug",
                                                          name=repr(folder.name))))
    refused = files.refusal(course_file, folder)
    if refused:
        problems.append(Problem(rel(course_file), None, "", refused))
        return course, problems
    if not course_file.is_file():
        problems.append(Problem(rel(folder), None, "", N_("has no course.yaml")))
        return course, problems
    src = _Source(rel(course_file), _read(course_file, rel, problems), problems)
    if src.data is None:
        if not any(p.file == src.file for p in problems):
            src.problem((), N_("is empty"))
        return course, problems
    data = _mapping(src, src.data, ())
    _unknown_keys(src, data, COURSE_KEYS)
    course.title = _text(src, data, "title", default="")
    course.summary = _text(src, data, "summary", default="")
    course.language = _choice(src, data, "language", LANGUAGES, default="en")
    course.track = _text(src, data, "track", default="") or ""
    if course.track:
        _slug(src, course.track, ("track",))
    course.level = _choice(src, data, "level", LEVELS, default="beginner")
    course.estimated_hours = _number(src, data, "estimated_hours", minimum=0, exclusive_minimum=True, default=0)
    course.status = _choice(src, data, "status", STATUSES, default="draft", required=False)
    course.competences = _competences(src, data)
    audiences = data.get("audiences")
    if not isinstance(audiences, list) or not audiences:
        src.problem(("audiences",), N_("is required: a list with one or more of %(choices)s",
                                       choices=', '.join(AUDIENCES)))
    else:
        for index, audience in enumerate(audiences):
            if audience not in AUDIENCES:
                src.problem(("audiences", index), N_("must be one of %(choices)s, not %(audience)s",
                                                     choices=', '.join(AUDIENCES), audience=repr(audience)))
        course.audiences = [a for a in audiences if a in AUDIENCES]
    completion = data.get("completion") or {}
    if completion:
        completion = _mapping(src, completion, ("completion",))
        _unknown_keys(src, completion, {"lessons"}, ("completion",))
        course.lesson_completion = _choice(src, completion, "lessons", LESSON_COMPLETION,
                                           ("completion",), default="mark_done", required=False)

    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        src.problem(("modules",), N_("is required: a list of at least one module"))
        modules = []
    module_slugs: set[str] = set()
    item_slugs: dict[str, tuple] = {}
    for index, module in enumerate(modules):
        path = ("modules", index)
        module = _mapping(src, module, path)
        _unknown_keys(src, module, {"slug", "title", "summary", "optional", "items"}, path)
        slug = _slug(src, module.get("slug"), path + ("slug",))
        if slug and slug in module_slugs:
            src.problem(path + ("slug",), N_("module slug %(slug)s is used twice", slug=repr(slug)))
        module_slugs.add(slug)
        spec = ModuleSpec(slug=slug or "", title=_text(src, module, "title", path, default="") or "",
                          summary=_text(src, module, "summary", path, required=False),
                          optional=_bool(src, module, "optional", path), items=[])
        items = module.get("items")
        if not isinstance(items, list) or not items:
            src.problem(path + ("items",), N_("is required: a list of at least one lesson, quiz, exercise or task"))
            items = []
        for item_index, item in enumerate(items):
            ipath = path + ("items", item_index)
            item = _mapping(src, item, ipath)
            kinds = [kind for kind in (*ITEM_KINDS, "h5p") if kind in item]
            _unknown_keys(src, item, H5P_ITEM_KEYS if kinds == ["h5p"] else {*ITEM_KINDS, "h5p", "optional"}, ipath)
            if len(kinds) != 1:
                src.problem(ipath, N_("must name exactly one of lesson:, quiz:, exercise:, task: or h5p:"))
                continue
            kind = kinds[0]
            item_slug = _slug(src, item[kind], ipath + (kind,))
            if not item_slug:
                continue
            if item_slug in item_slugs:
                src.problem(ipath + (kind,), N_("item slug %(item_slug)s is used twice in this course",
                                                item_slug=repr(item_slug)))
                continue
            item_slugs[item_slug] = ipath
            spec.items.append(ItemRef(kind, item_slug, _bool(src, item, "optional", ipath)))
            if kind == "h5p":
                activity = _load_h5p(src, folder, item, item_slug, ipath, rel)
                if activity:
                    course.h5p[item_slug] = activity
                continue
            item_file = ITEM_FILES[kind].format(item_slug)
            refused = files.refusal(folder / item_file, folder)
            if refused:
                src.problem(ipath + (kind,), N_("%(item_file)s %(refused)s", item_file=item_file, refused=refused))
                continue
            if kind == "lesson":
                lesson = load_lesson(folder / "lessons" / f"{item_slug}.md", item_slug, rel, problems)
                if lesson is None:
                    src.problem(ipath + (kind,), N_("lessons/%(item_slug)s.md does not exist", item_slug=item_slug))
                elif lesson:
                    course.lessons[item_slug] = lesson
            elif kind == "quiz":
                quiz = load_quiz(folder / "quizzes" / f"{item_slug}.yaml", item_slug, rel, problems)
                if quiz is None:
                    src.problem(ipath + (kind,), N_("quizzes/%(item_slug)s.yaml does not exist", item_slug=item_slug))
                elif quiz:
                    course.quizzes[item_slug] = quiz
            elif kind == "exercise":
                exercise = load_exercise(folder / "exercises" / f"{item_slug}.yaml", item_slug, rel, problems)
                if exercise is None:
                    src.problem(ipath + (kind,), N_("exercises/%(item_slug)s.yaml does not exist", item_slug=item_slug))
                elif exercise:
                    course.exercises[item_slug] = exercise
            else:
                task = load_task(folder / "tasks" / f"{item_slug}.yaml", item_slug, rel, problems)
                if task is None:
                    src.problem(ipath + (kind,), N_("tasks/%(item_slug)s.yaml does not exist", item_slug=item_slug))
                elif task:
                    course.tasks[item_slug] = task
        course.modules.append(spec)
    if "translations" in data:
        _load_translations(course, src, data["translations"], rel, problems)
    return course, problems


def _load_h5p(src: _Source, folder: Path, item: dict, slug: str, ipath: tuple, rel) -> H5PSpec | None:
    """An ``h5p:`` entry of a module and its package ``h5p/<slug>.h5p``, checked by the
    check ``lms.h5p`` registered."""
    spec = H5PSpec(slug=slug, title=_text(src, item, "title", ipath, default="") or "",
                   competences=_competences(src, item, ipath),
                   completion=_choice(src, item, "completion", H5P_COMPLETION, ipath, default="completed"),
                   pass_mark=_number(src, item, "pass_mark", ipath, required=False, minimum=0, maximum=100,
                                     whole=True),
                   assessed=_bool(src, item, "assessed", ipath))
    if spec.completion == "score" and spec.pass_mark is None and "pass_mark" not in item:
        src.problem(ipath + ("pass_mark",), N_("is required when completion is score (0-100)"))
    elif spec.completion != "score" and "pass_mark" in item:
        src.problem(ipath + ("pass_mark",), N_("is used only with completion: score"))
    path = folder / H5P_FILE.format(slug)
    refused = files.refusal(path, folder, limit=2**62)  # the package's own limit is checked when it is read
    if refused:
        src.problem(ipath + ("h5p",), N_("%(file)s %(refusal)s", file=H5P_FILE.format(slug), refusal=refused))
        return None
    if not path.is_file():
        src.problem(ipath + ("h5p",), N_("%(file)s does not exist", file=H5P_FILE.format(slug)))
        return None
    if not H5P_CHECK:
        src.problem(ipath + ("h5p",), N_("H5P activities cannot be checked here (the platform's H5P part is not loaded)"))
        return None
    spec.package, problems = H5P_CHECK[0](path, rel(path))
    src.problems.extend(problems)
    return spec if spec.package is not None and not problems else None


def _read(path: Path, rel, problems) -> str:
    """The text of a file ``files.refusal`` accepted."""
    try:
        text = files.read_bytes(path, files.MAX_TEXT_BYTES).decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n")  # as reading in text mode would
    except UnicodeDecodeError as error:
        problems.append(Problem(rel(path), None, "", N_("is not UTF-8 text (%(reason)s)", reason=error.reason)))
    except (OSError, ValueError) as error:
        problems.append(Problem(rel(path), None, "", error.args[0] if isinstance(error, ValueError) else str(error)))
    return ""


def _image_problems(file: str, text: str, base: Path, folder: Path, line_of) -> list[Problem]:
    """A problem for each image the Markdown ``text`` shows that is not a good image in
    the course folder; ``line_of(src)`` gives the line to name."""
    found = []
    for src in images.sources(text):
        problem = images.problem(src, base, folder)
        if problem:
            found.append(Problem(file, line_of(src), "", problem))
    return found


# Markdown fields of YAML item files, as paths into the data ("*": every entry of a list).
MARKDOWN_FIELDS = {
    "quiz": (("intro",), ("questions", "*", "prompt"), ("questions", "*", "options", "*", "text")),
    "exercise": (("instructions",),),
}


def _check_yaml_images(src: _Source, path: Path, kind: str) -> None:
    """The images in an item file's Markdown fields (paths relative to that file)."""

    def values(data, pattern, at=()):
        if not pattern:
            if isinstance(data, str):
                yield at, data
            return
        head, rest = pattern[0], pattern[1:]
        if head == "*" and isinstance(data, list):
            for index, entry in enumerate(data):
                yield from values(entry, rest, at + (index,))
        elif isinstance(data, dict) and head in data:
            yield from values(data[head], rest, at + (head,))

    def line_of(at, text, image_src):
        line = src.line(at)
        if line and "\n" in text.rstrip("\n"):  # a block (|): its lines start below the key
            line += 1 + next((n for n, row in enumerate(text.splitlines()) if image_src in row), 0)
        return line

    for pattern in MARKDOWN_FIELDS[kind]:
        for at, text in values(src.data, pattern):
            src.problems.extend(_image_problems(src.file, text, path.parent, path.parent.parent,
                                                lambda image_src, at=at, text=text: line_of(at, text, image_src)))


def _open_yaml(path: Path, rel, problems: list[Problem]) -> tuple[_Source, dict] | None:
    """A YAML item file's source and its top-level mapping; None when it is empty or not YAML."""
    before = len(problems)
    src = _Source(rel(path), _read(path, rel, problems), problems)
    if src.data is None:
        if len(problems) == before:
            src.problem((), N_("is empty"))
        return None
    return src, _mapping(src, src.data, ())


# Lessons ---------------------------------------------------------------------------------

def load_lesson(path: Path, slug: str, rel, problems: list[Problem]):
    """A ``LessonSpec``; None when the file is missing; False when it has problems."""
    if not path.is_file():
        return None
    before = len(problems)
    text = _read(path, rel, problems)
    match = FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem(rel(path), 1, "", N_("must start with front matter between --- lines")))
        return False
    src = _Source(rel(path), match.group(1), problems, line_offset=1)
    data = _mapping(src, src.data, ()) if src.data is not None else {}
    _unknown_keys(src, data, {"title", "minutes", "competences", "participation_counts"})
    title = _text(src, data, "title", default="")
    minutes = _number(src, data, "minutes", required=False, minimum=1, whole=True)
    refs = _competences(src, data)
    participation_counts = _bool(src, data, "participation_counts")
    if participation_counts and not refs:
        src.problem(("participation_counts",), N_("the lesson names no competences for taking part to count towards"))
    body = text[match.end():]
    if not body.strip():
        problems.append(Problem(rel(path), None, "body", N_("the lesson has no text")))
    lines = text.splitlines()

    def line_of(image_src: str) -> int | None:
        return next((number for number, line in enumerate(lines, 1)
                     if number > src.offset and image_src in line), None)

    # Lessons live in lessons/ of the course folder; image paths are relative to the lesson.
    problems.extend(_image_problems(rel(path), body, path.parent, path.parent.parent, line_of))
    if len(problems) > before:
        return False
    return LessonSpec(slug=slug, title=title, body=body, minutes=minutes, competences=refs,
                      participation_counts=participation_counts)


# Quizzes ---------------------------------------------------------------------------------

QUESTION_KEYS = {"id", "type", "prompt", "points", "options", "answer", "tolerance", "accepted",
                 "case_sensitive", "feedback", "shuffle_options"}
QUIZ_KEYS = {"title", "intro", "pass_mark", "max_attempts", "competences", "questions",
             "show_answers", "shuffle_options", "draw"}


def load_quiz(path: Path, slug: str, rel, problems: list[Problem]):
    """A ``QuizSpec``; None when the file is missing; False when it has problems."""
    if not path.is_file():
        return None
    before = len(problems)
    opened = _open_yaml(path, rel, problems)
    if opened is None:
        return False
    src, data = opened
    _unknown_keys(src, data, QUIZ_KEYS)
    quiz = QuizSpec(
        slug=slug, title=_text(src, data, "title", default=""),
        intro=_text(src, data, "intro", required=False),
        pass_mark=_number(src, data, "pass_mark", minimum=0, maximum=100, whole=True, default=0),
        max_attempts=_number(src, data, "max_attempts", required=False, minimum=1, whole=True),
        competences=_competences(src, data), questions=[],
        show_answers=_choice(src, data, "show_answers", SHOW_ANSWERS, default=SHOW_ANSWERS[0], required=False),
        shuffle_options=_bool(src, data, "shuffle_options"),
        draw=_number(src, data, "draw", required=False, minimum=1, whole=True),
    )
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        src.problem(("questions",), N_("is required: a list of at least one question"))
        questions = []
    if quiz.draw is not None and questions and quiz.draw > len(questions):
        src.problem(("draw",), N_("draws %(draw)s questions per attempt, but the quiz has only %(count)s",
                                  draw=quiz.draw, count=len(questions)))
    seen: set[str] = set()
    for index, question in enumerate(questions):
        parsed = _question(src, _mapping(src, question, ("questions", index)), ("questions", index))
        if parsed:
            if parsed["id"] in seen:
                src.problem(("questions", index, "id"), N_("question id %(parsed)s is used twice",
                                                           parsed=repr(parsed['id'])))
            seen.add(parsed["id"])
            quiz.questions.append(parsed)
    _check_yaml_images(src, path, "quiz")
    return quiz if len(problems) == before else False


def _feedback(src, question, path) -> dict:
    feedback = question.get("feedback") or {}
    if not isinstance(feedback, dict):
        src.problem(path + ("feedback",), N_("must have correct: and/or incorrect: texts"))
        return {}
    _unknown_keys(src, feedback, {"correct", "incorrect"}, path + ("feedback",))
    return {key: str(feedback[key]) for key in ("correct", "incorrect") if feedback.get(key)}


def _question(src, question: dict, path) -> dict | None:
    _unknown_keys(src, question, QUESTION_KEYS, path)
    qid = _slug(src, question.get("id"), path + ("id",))
    qtype = _choice(src, question, "type", QUESTION_TYPES, path)
    prompt = _text(src, question, "prompt", path)
    points = _number(src, question, "points", path, required=False, default=1, minimum=0, exclusive_minimum=True)
    if not (qid and qtype and prompt):
        return None
    parsed = {"id": qid, "type": qtype, "prompt": prompt, "points": points,
              "feedback": _feedback(src, question, path)}
    if "shuffle_options" in question:
        if qtype in ("single", "multiple"):
            parsed["shuffle_options"] = _bool(src, question, "shuffle_options", path)
        else:
            src.problem(path + ("shuffle_options",),
                        N_("only single and multiple choice questions have options to shuffle"))
    if qtype in ("single", "multiple"):
        options = question.get("options")
        if not isinstance(options, list) or len(options) < 2:
            src.problem(path + ("options",), N_("needs at least two options"))
            return None
        parsed["options"] = []
        option_ids = set()
        for index, option in enumerate(options):
            opath = path + ("options", index)
            option = _mapping(src, option, opath)
            _unknown_keys(src, option, {"id", "text", "correct", "feedback"}, opath)
            oid = option.get("id", f"o{index + 1}")
            if "id" in option:
                oid = _slug(src, oid, opath + ("id",))
            if oid in option_ids:
                src.problem(opath + ("id",), N_("option id %(oid)s is used twice", oid=repr(oid)))
            option_ids.add(oid)
            parsed["options"].append({
                "id": oid, "text": _text(src, option, "text", opath, default=""),
                "correct": _bool(src, option, "correct", opath),
                "feedback": str(option["feedback"]) if option.get("feedback") else None,
            })
        correct = sum(1 for option in parsed["options"] if option["correct"])
        if qtype == "single" and correct != 1:
            src.problem(path + ("options",),
                        N_("a single-choice question needs exactly one correct option, not %(correct)s",
                           correct=correct))
        if qtype == "multiple" and correct < 1:
            src.problem(path + ("options",), N_("a multiple-choice question needs at least one correct option"))
    elif qtype == "true_false":
        answer = question.get("answer")
        if not isinstance(answer, bool):
            src.problem(path + ("answer",), N_("is required: true or false"))
            return None
        parsed["answer"] = answer
    elif qtype == "numeric":
        parsed["answer"] = _number(src, question, "answer", path)
        parsed["tolerance"] = _number(src, question, "tolerance", path, required=False, default=0, minimum=0)
        if parsed["answer"] is None:
            return None
    elif qtype == "text":
        accepted = question.get("accepted")
        if isinstance(accepted, str):
            accepted = [accepted]
        if not isinstance(accepted, list) or not accepted or not all(
                isinstance(a, (str, int, float)) and str(a).strip() for a in accepted):
            src.problem(path + ("accepted",), N_("is required: a list of accepted answers"))
            return None
        parsed["accepted"] = [str(a).strip() for a in accepted]
        parsed["case_sensitive"] = _bool(src, question, "case_sensitive", path)
    return parsed


# Exercises -------------------------------------------------------------------------------

EXERCISE_KEYS = {"title", "language", "environment", "minutes", "time_limit_ms", "competences",
                 "instructions", "starter", "solution", "tests", "hidden_tests"}


def _code(src, data, key, path=()) -> str:
    """Code as written (indentation kept); required and not blank."""
    value = data.get(key)
    if value is None:
        src.problem(path + (key,), N_("is required"))
        return ""
    if not isinstance(value, str) or not value.strip():
        src.problem(path + (key,), N_("must be non-empty code (use a | block)"))
        return ""
    return value


def _exercise_tests(src, data, key, seen: dict[str, str], lines: dict[str, int]) -> list[dict]:
    tests = data.get(key)
    if not isinstance(tests, list) or not tests:
        src.problem((key,), N_("is required: a list of at least one test with name: and code:"))
        return []
    parsed = []
    for index, test in enumerate(tests):
        path = (key, index)
        test = _mapping(src, test, path)
        _unknown_keys(src, test, {"name", "code"}, path)
        name = _text(src, test, "name", path, default=None)
        code = _code(src, test, "code", path)
        if name is None:
            continue
        if name in seen:
            src.problem(path + ("name",), N_("test name %(name)s is used twice (also in %(seen)s)",
                                             name=repr(name), seen=seen[name]))
            continue
        seen[name] = f"{key}[{index}]"
        lines[f"{key}[{index}]"] = src.line(path + ("name",))
        parsed.append({"name": name, "code": code})
    return parsed


def load_exercise(path: Path, slug: str, rel, problems: list[Problem]):
    """An ``ExerciseSpec``; None when the file is missing; False when it has problems. Whether
    the solution passes and the starter fails is checked afterwards, by grading
    (``lms.content.services.check_exercises``)."""
    if not path.is_file():
        return None
    before = len(problems)
    opened = _open_yaml(path, rel, problems)
    if opened is None:
        return False
    src, data = opened
    _unknown_keys(src, data, EXERCISE_KEYS)
    low, high, default = TIME_LIMIT_MS
    if not data.get("competences"):
        src.problem(("competences",), N_("is required: a list of at least one, like "
                                         "[jsreact:fundamentals.functions@2]"))
    refs = _competences(src, data)
    instructions = _text(src, data, "instructions", default="")
    lines: dict[str, int] = {}
    seen: dict[str, str] = {}
    exercise = ExerciseSpec(
        slug=slug, title=_text(src, data, "title", default=""),
        language=_choice(src, data, "language", EXERCISE_LANGUAGES, default="javascript"),
        environment=_choice(src, data, "environment", EXERCISE_ENVIRONMENTS, required=False),
        minutes=_number(src, data, "minutes", required=False, minimum=1, whole=True),
        time_limit_ms=_number(src, data, "time_limit_ms", required=False, default=default,
                              minimum=low, maximum=high, whole=True),
        competences=refs, instructions=instructions or "",
        starter=_code(src, data, "starter"), solution=_code(src, data, "solution"),
        tests=_exercise_tests(src, data, "tests", seen, lines),
        hidden_tests=_exercise_tests(src, data, "hidden_tests", seen, lines),
        file=src.file, lines=lines,
    )
    for key in ("starter", "solution"):
        lines[key] = src.line((key,))
    _check_yaml_images(src, path, "exercise")
    return exercise if len(problems) == before else False


# Tasks -------------------------------------------------------------------------------------

TASK_KEYS = {"title", "minutes", "competences", "instructions", "hand_in", "rubric", "pass_mark"}
HAND_IN_KEYS = {"text", "link", "files"}
FILE_KEYS = {"types", "max_files", "max_size_mb"}
# What a task may accept; each is checked by content when uploaded (lms/tasks/files.py).
FILE_TYPES = ("pdf", "png", "jpeg", "text", "zip", "docx", "xlsx", "pptx", "odt", "ods", "odp")
MAX_FILES = 10
MAX_FILE_MB = 100
DEFAULT_FILE_MB = 10


def _hand_in(src, data) -> dict:
    value = data.get("hand_in")
    wanted = N_("is required: what the learner hands in, one or more of text: true, link: true, files:")
    if value is None:
        src.problem(("hand_in",), wanted)
        return {}
    if not isinstance(value, dict):
        src.problem(("hand_in",), N_("must be a mapping: what the learner hands in, one or more of text: true, "
                                     "link: true, files:"))
        return {}
    path = ("hand_in",)
    _unknown_keys(src, value, HAND_IN_KEYS, path)
    hand_in = {"text": _bool(src, value, "text", path), "link": _bool(src, value, "link", path), "files": None}
    files = value.get("files")
    if files is not None:
        fpath = path + ("files",)
        files = _mapping(src, files, fpath)
        _unknown_keys(src, files, FILE_KEYS, fpath)
        types = files.get("types")
        if not isinstance(types, list) or not types:
            src.problem(fpath + ("types",), N_("is required: a list of one or more of %(choices)s",
                                               choices=', '.join(FILE_TYPES)))
            types = []
        chosen = []
        for index, kind in enumerate(types):
            if kind not in FILE_TYPES:
                src.problem(fpath + ("types", index), N_("must be one of %(choices)s, not %(kind)s",
                                                         choices=', '.join(FILE_TYPES), kind=repr(kind)))
            elif kind in chosen:
                src.problem(fpath + ("types", index), N_("%(kind)s is listed twice", kind=repr(kind)))
            else:
                chosen.append(kind)
        hand_in["files"] = {
            "types": chosen,
            "max_files": _number(src, files, "max_files", fpath, required=False, default=1, minimum=1,
                                 maximum=MAX_FILES, whole=True),
            "max_size_mb": _number(src, files, "max_size_mb", fpath, required=False, default=DEFAULT_FILE_MB,
                                   minimum=0, exclusive_minimum=True, maximum=MAX_FILE_MB),
        }
    if not (hand_in["text"] or hand_in["link"] or files is not None):
        src.problem(path, N_("asks for nothing: set text: true, link: true or files:"))
    return hand_in


def _rubric(src, data) -> list[dict]:
    value = data.get("rubric")
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        src.problem(("rubric",), N_("must be a list of at least one criterion with id:, name: and levels:"))
        return []
    criteria, ids, names = [], set(), set()
    for index, criterion in enumerate(value):
        path = ("rubric", index)
        criterion = _mapping(src, criterion, path)
        _unknown_keys(src, criterion, {"id", "name", "description", "levels"}, path)
        cid = _slug(src, criterion.get("id"), path + ("id",))
        name = _text(src, criterion, "name", path)
        if cid and cid in ids:
            src.problem(path + ("id",), N_("criterion id %(cid)s is used twice", cid=repr(cid)))
        if name and name.casefold() in names:
            src.problem(path + ("name",), N_("criterion name %(name)s is used twice", name=repr(name)))
        ids.add(cid)
        names.add((name or "").casefold())
        levels = criterion.get("levels")
        if not isinstance(levels, list) or len(levels) < 2:
            src.problem(path + ("levels",), N_("needs at least two levels, each with name: and points:"))
            levels = []
        parsed, level_names = [], set()
        for level_index, level in enumerate(levels):
            lpath = path + ("levels", level_index)
            level = _mapping(src, level, lpath)
            _unknown_keys(src, level, {"name", "description", "points"}, lpath)
            level_name = _text(src, level, "name", lpath)
            if level_name and level_name.casefold() in level_names:
                src.problem(lpath + ("name",), N_("level name %(level_name)s is used twice in this criterion",
                                                  level_name=repr(level_name)))
            level_names.add((level_name or "").casefold())
            points = _number(src, level, "points", lpath, minimum=0)
            parsed.append({"name": level_name or "", "description": _text(src, level, "description", lpath,
                                                                           required=False) or "",
                           "points": points if points is not None else 0})
        if parsed and len(parsed) == len(levels) and max(level["points"] for level in parsed) <= 0:
            src.problem(path + ("levels",), N_("no level gives any points, so this criterion counts for nothing"))
        criteria.append({"id": cid or "", "name": name or "",
                         "description": _text(src, criterion, "description", path, required=False) or "",
                         "levels": parsed})
    return criteria


def load_task(path: Path, slug: str, rel, problems: list[Problem]):
    """A ``TaskSpec``; None when the file is missing; False when it has problems."""
    if not path.is_file():
        return None
    before = len(problems)
    opened = _open_yaml(path, rel, problems)
    if opened is None:
        return False
    src, data = opened
    _unknown_keys(src, data, TASK_KEYS)
    if not data.get("competences"):
        src.problem(("competences",), N_("is required: a list of at least one, like [digcompedu:3.1@B1]"))
    task = TaskSpec(
        slug=slug, title=_text(src, data, "title", default="") or "",
        minutes=_number(src, data, "minutes", required=False, minimum=1, whole=True),
        competences=_competences(src, data), instructions=_text(src, data, "instructions", default="") or "",
        hand_in=_hand_in(src, data), rubric=_rubric(src, data),
        pass_mark=_number(src, data, "pass_mark", required=False, minimum=0, maximum=100, whole=True),
    )
    if task.pass_mark is not None and "rubric" not in data:
        src.problem(("pass_mark",), N_("needs a rubric: the share of the rubric's points the work must reach"))
    return task if len(problems) == before else False


# Many courses ----------------------------------------------------------------------------

def load(path: Path) -> tuple[list[CourseSpec], list[Problem]]:
    """``path`` is one course folder (it has a course.yaml) or a folder of course folders."""
    path = Path(path)
    if not path.exists():
        return [], [Problem(str(path), None, "", N_("does not exist"))]
    if (path / "course.yaml").exists():
        course, problems = load_course(path, path.parent)
        return [course], problems
    courses, problems = [], []
    folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    for folder in list(folders):
        if not folder.resolve().is_relative_to(path.resolve()):
            problems.append(Problem(folder.name, None, "", N_("is a symbolic link that leads outside %(path)s",
                                                              path=path)))
            folders.remove(folder)
    for folder in folders:
        course, found = load_course(folder, path)
        courses.append(course)
        problems += found
    if not folders:
        problems.append(Problem(str(path), None, "", N_("has no course folders")))
    return courses, problems


# Translations ----------------------------------------------------------------------------
#
# One course in several languages: course.yaml's ``translations:`` gives, per language, the
# course's and its modules' titles and summaries; ``<slug>.<language>.md`` (lessons) or
# ``.yaml`` (quizzes, exercises, tasks) beside an item's file gives the item's texts. What
# is not translated is shown in the course's own language. Everything that is not text
# (slugs, question ids, correct answers, points, competences) is the course's own.

def _load_translations(course: CourseSpec, src: _Source, value, rel, problems: list[Problem]) -> None:
    value = _mapping(src, value, ("translations",))
    modules = {module.slug: module for module in course.modules}
    for language, block in value.items():
        path = ("translations", language)
        if language not in LANGUAGES or language == course.language:
            others = ", ".join(code for code in LANGUAGES if code != course.language)
            src.problem(path, N_("must be another language of the platform (%(others)s), not %(language)s",
                                 others=others, language=repr(language)))
            continue
        block = _mapping(src, block, path)
        _unknown_keys(src, block, {"title", "summary", "modules"}, path)
        found = {"title": _text(src, block, "title", path),
                 "summary": _text(src, block, "summary", path), "modules": {}, "items": {}}
        module_block = _mapping(src, block.get("modules") or {}, path + ("modules",))
        for slug, texts in module_block.items():
            mpath = path + ("modules", slug)
            if slug not in modules:
                src.problem(mpath, N_("the course has no module %(slug)s", slug=repr(slug)))
                continue
            texts = _mapping(src, texts, mpath)
            _unknown_keys(src, texts, {"title", "summary"}, mpath)
            found["modules"][slug] = {"title": _text(src, texts, "title", mpath),
                                      "summary": _text(src, texts, "summary", mpath, required=False)}
        for module in course.modules:
            for ref in module.items:
                file = course.folder / ITEM_FILES[ref.kind].format(f"{ref.slug}.{language}")
                if files.refusal(file, course.folder) or not file.is_file():
                    continue
                texts = _TRANSLATION_LOADERS[ref.kind](course, ref.slug, file, rel, problems)
                if texts:
                    found["items"][ref.slug] = texts
        course.translations[language] = found


def _translated_lesson(course, slug, path: Path, rel, problems) -> dict | None:
    text = _read(path, rel, problems)
    match = FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem(rel(path), 1, "", N_("must start with front matter between --- lines")))
        return None
    src = _Source(rel(path), match.group(1), problems, line_offset=1)
    data = _mapping(src, src.data, ()) if src.data is not None else {}
    _unknown_keys(src, data, {"title"})
    body = text[match.end():]
    if not body.strip():
        problems.append(Problem(rel(path), None, "body", N_("the lesson has no text")))
    return {"title": _text(src, data, "title", default=""), "body": body}


def _translated_exercise(course, slug, path: Path, rel, problems) -> dict | None:
    opened = _open_yaml(path, rel, problems)
    if opened is None:
        return None
    src, data = opened
    _unknown_keys(src, data, {"title", "instructions"})
    return {"title": _text(src, data, "title"), "instructions": _text(src, data, "instructions", required=False)}


def _translated_quiz(course, slug, path: Path, rel, problems) -> dict | None:
    opened = _open_yaml(path, rel, problems)
    if opened is None or slug not in course.quizzes:
        return None
    src, data = opened
    _unknown_keys(src, data, {"title", "intro", "questions"})
    original = {question["id"]: question for question in course.quizzes[slug].questions}
    found = {"title": _text(src, data, "title"), "intro": _text(src, data, "intro", required=False),
             "questions": {}}
    questions = data.get("questions") or []
    if not isinstance(questions, list):
        src.problem(("questions",), N_("must be a list of questions, each with the id of the quiz's question"))
        questions = []
    for index, question in enumerate(questions):
        path_ = ("questions", index)
        question = _mapping(src, question, path_)
        _unknown_keys(src, question, {"id", "prompt", "options", "feedback", "accepted"}, path_)
        qid = question.get("id")
        if qid not in original:
            src.problem(path_ + ("id",), N_("the quiz has no question %(qid)s", qid=repr(qid)))
            continue
        texts = {"prompt": _text(src, question, "prompt", path_), "feedback": _feedback(src, question, path_)}
        options = question.get("options")
        if "options" in original[qid] or options is not None:
            count = len(original[qid].get("options", []))
            if not isinstance(options, list) or len(options) != count:
                src.problem(path_ + ("options",), N_("must translate the question's %(count)s options, in their order",
                                                     count=count))
                continue
            texts["options"] = []
            for oindex, option in enumerate(options):
                opath = path_ + ("options", oindex)
                option = _mapping(src, option, opath)
                _unknown_keys(src, option, {"text", "feedback"}, opath)
                texts["options"].append({"text": _text(src, option, "text", opath, default=""),
                                         "feedback": str(option["feedback"]) if option.get("feedback") else None})
        if "accepted" in question:
            accepted = question["accepted"]
            if original[qid]["type"] != "text" or not isinstance(accepted, list) or not all(
                    isinstance(a, (str, int, float)) and str(a).strip() for a in accepted):
                src.problem(path_ + ("accepted",), N_("only a text question has accepted answers: a list of them"))
            else:
                texts["accepted"] = [str(a).strip() for a in accepted]
        found["questions"][qid] = texts
    return found


def _translated_task(course, slug, path: Path, rel, problems) -> dict | None:
    opened = _open_yaml(path, rel, problems)
    if opened is None or slug not in course.tasks:
        return None
    src, data = opened
    _unknown_keys(src, data, {"title", "instructions", "rubric"})
    original = {criterion["id"]: criterion for criterion in course.tasks[slug].rubric}
    found = {"title": _text(src, data, "title"), "instructions": _text(src, data, "instructions", required=False),
             "rubric": {}}
    rubric = data.get("rubric") or []
    if not isinstance(rubric, list):
        src.problem(("rubric",), N_("must be a list of criteria, each with the id of the task's criterion"))
        rubric = []
    for index, criterion in enumerate(rubric):
        cpath = ("rubric", index)
        criterion = _mapping(src, criterion, cpath)
        _unknown_keys(src, criterion, {"id", "name", "description", "levels"}, cpath)
        cid = criterion.get("id")
        if cid not in original:
            src.problem(cpath + ("id",), N_("the task's rubric has no criterion %(cid)s", cid=repr(cid)))
            continue
        levels = criterion.get("levels")
        count = len(original[cid]["levels"])
        if not isinstance(levels, list) or len(levels) != count:
            src.problem(cpath + ("levels",), N_("must translate the criterion's %(count)s levels, in their order",
                                                count=count))
            continue
        found["rubric"][cid] = {
            "name": _text(src, criterion, "name", cpath),
            "description": _text(src, criterion, "description", cpath, required=False),
            "levels": [{"name": _text(src, _mapping(src, level, cpath + ("levels", n)), "name", cpath + ("levels", n)),
                        "description": _text(src, level, "description", cpath + ("levels", n), required=False)
                        if isinstance(level, dict) else None}
                       for n, level in enumerate(levels)],
        }
    return found


_TRANSLATION_LOADERS = {"lesson": _translated_lesson, "quiz": _translated_quiz,
                        "exercise": _translated_exercise, "task": _translated_task}
