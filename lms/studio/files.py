"""Writing the course file format from what an author enters, and reading back the parts
of it the studio's pages show. Plain functions on text and dicts: no database."""

from __future__ import annotations

import copy
import functools
import re
import unicodedata

import yaml

from lms.core import yamlsafe
from lms.content.loader import FRONT_MATTER, H5P_FILE, H5P_ITEM_KEYS, ITEM_FILES, ITEM_KINDS

ITEM_FILE = re.compile(r"^(lessons/([a-z0-9-]+)\.md|(quizzes|exercises|tasks)/([a-z0-9-]+)\.yaml"
                       r"|h5p/([a-z0-9-]+)\.h5p)$")
KIND_OF_FOLDER = {"lessons": "lesson", "quizzes": "quiz", "exercises": "exercise", "tasks": "task"}
# An H5P activity's file is a package made by another tool; what the course says of it
# (title, competences, completion rule, ...) is in its entry in course.yaml: its settings.
H5P_SETTINGS = tuple(key for key in ("title", "competences", "completion", "pass_mark", "assessed")
                     if key in H5P_ITEM_KEYS)


class _Dumper(yaml.SafeDumper):
    """Block scalars (``|``) for text of several lines, as an author would write it."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    if style and any(line != line.rstrip() for line in value.splitlines()):
        style = None  # trailing spaces cannot be kept in a block scalar
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def load(text: str | bytes):
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return yamlsafe.load(text)


def item_path(kind: str, slug: str) -> str:
    return H5P_FILE.format(slug) if kind == "h5p" else ITEM_FILES[kind].format(slug)


def kind_of(path: str) -> tuple[str, str] | None:
    """(kind, slug) of an item file's path, None for other files."""
    match = ITEM_FILE.match(path)
    if not match:
        return None
    if match.group(2):
        return "lesson", match.group(2)
    if match.group(5):
        return "h5p", match.group(5)
    return KIND_OF_FOLDER[match.group(3)], match.group(4)


def slugify(text: str, taken: set[str] = frozenset(), fallback: str = "course") -> str:
    """A slug made from a title (Latvian letters without their marks), not in ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:56].strip("-") or fallback
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def lesson_text(front: dict, body: str) -> str:
    body = body.replace("\r\n", "\n")
    return "---\n" + dump({k: v for k, v in front.items() if v not in (None, [], False)}) + "---\n" + body


def read_lesson(text: str | bytes) -> tuple[dict, str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return (yamlsafe.load(match.group(1)) or {}), text[match.end():]


def outline(course_yaml: bytes) -> dict:
    """The course's settings and its modules with their items, as course.yaml says (a
    copy the caller may change)."""
    return copy.deepcopy(_outline(bytes(course_yaml)))


@functools.lru_cache(maxsize=64)
def _outline(course_yaml: bytes) -> dict:
    # Parsed once per version of course.yaml: a save, the outline page and the learner's
    # view each read it several times, and the guarded YAML parsing is what costs.
    data = load(course_yaml) or {}
    modules = []
    for module in data.get("modules") or []:
        items = []
        for entry in module.get("items") or []:
            kind = next(kind for kind in (*ITEM_KINDS, "h5p") if kind in entry)
            item = {"kind": kind, "slug": entry[kind], "optional": bool(entry.get("optional"))}
            if kind == "h5p":
                item["settings"] = {key: entry[key] for key in H5P_SETTINGS if key in entry}
            items.append(item)
        modules.append({"slug": module["slug"], "title": module.get("title", ""), "summary": module.get("summary"),
                        "optional": bool(module.get("optional")), "items": items})
    return {**data, "modules": modules}


def course_yaml(data: dict) -> bytes:
    """course.yaml from settings and modules (as ``outline`` gives them)."""
    written = {key: value for key, value in data.items() if key != "modules" and value not in (None, [])}
    written["modules"] = []
    for module in data["modules"]:
        entry = {"slug": module["slug"], "title": module["title"]}
        if module.get("summary"):
            entry["summary"] = module["summary"]
        if module.get("optional"):
            entry["optional"] = True
        entry["items"] = [{item["kind"]: item["slug"], **({"optional": True} if item.get("optional") else {}),
                           **(h5p_settings(item.get("settings") or {}) if item["kind"] == "h5p" else {})}
                          for item in module["items"]]
        written["modules"].append(entry)
    return dump(written).encode()


def h5p_settings(settings: dict) -> dict:
    """An H5P item's settings as course.yaml writes them: a pass mark only with the score
    rule, ``assessed`` only when true (the default is false), nothing empty."""
    written = {key: settings[key] for key in H5P_SETTINGS if settings.get(key) not in (None, [], "")}
    if written.get("completion") != "score":
        written.pop("pass_mark", None)
    if not written.get("assessed"):
        written.pop("assessed", None)
    return written


# Stand-ins for item files that did not change, so checking a save reads only what it
# changed: each is valid, so any problem found is in the files that changed.
STUBS = {
    "lesson": b"---\ntitle: s\n---\ns\n",
    "quiz": b"title: s\npass_mark: 0\nquestions:\n- {id: q, type: true_false, prompt: p, answer: true}\n",
    "exercise": (b"title: s\nlanguage: javascript\ncompetences: [digcomp:1.1@1]\ninstructions: s\nstarter: s\n"
                 b"solution: s\ntests: [{name: a, code: s}]\nhidden_tests: [{name: b, code: s}]\n"),
    "task": b"title: s\ncompetences: [digcomp:1.1@1]\ninstructions: s\nhand_in: {text: true}\n",
}


def new_item_text(kind: str, title: str, competence: str | None) -> bytes:
    """A first version of a new item's file, valid as it is, for the author to change."""
    refs = [competence] if competence else []
    if kind == "lesson":
        return lesson_text({"title": title}, f"# {title}\n\n…\n").encode()
    if kind == "quiz":
        return dump({"title": title, "pass_mark": 70, "competences": refs, "questions": [
            {"id": "question-1", "type": "true_false", "prompt": "…?", "answer": True}]}).encode()
    if kind == "exercise":
        return dump({"title": title, "language": "javascript", "competences": refs,
                     "instructions": "Write `answer()` that returns 42.\n",
                     "starter": "export function answer() {\n  // your code here\n}\n",
                     "solution": "export function answer() {\n  return 42;\n}\n",
                     "tests": [{"name": "returns a number", "code": "expect(typeof answer()).toBe('number');\n"}],
                     "hidden_tests": [{"name": "returns 42", "code": "expect(answer()).toBe(42);\n"}]}).encode()
    return dump({"title": title, "competences": refs, "instructions": "…\n",
                 "hand_in": {"text": True, "link": False}}).encode()
