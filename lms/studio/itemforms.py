"""A quiz file as the fields of the studio's quiz form, and back: plain functions on dicts
(what ``yaml`` reads and what a WTForms form's ``data`` gives), no request and no database.

The form keeps every key of the course format's quizzes (docs/course-format.md), so a
quiz read into the form and written back is the same quiz for the validator and learners.
Option ids stay the learners' identities: an option keeps the id it had (written only when
it differs from the one its position would give), so reordering changes no record."""

from __future__ import annotations

import re
from decimal import Decimal

from lms.content.loader import QUESTION_TYPES, SHOW_ANSWERS

CHOICE_TYPES = ("single", "multiple")
SHUFFLE = {"": None, "yes": True, "no": False}


def _number(value):
    """A form's number (Decimal, int, float or None) as YAML would hold it."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _text(value) -> str:
    return str(value).replace("\r\n", "\n").strip() if value is not None else ""


def _block(value) -> str:
    """Markdown as written (line breaks and indentation kept); empty when blank."""
    text = str(value).replace("\r\n", "\n") if value is not None else ""
    return text if text.strip() else ""


# File → form -------------------------------------------------------------------------------

def quiz_form_data(quiz: dict) -> dict:
    """The quiz form's data from a quiz file's mapping."""
    return {
        "title": quiz.get("title") or "",
        "intro": quiz.get("intro") or "",
        "pass_mark": quiz.get("pass_mark"),
        "max_attempts": quiz.get("max_attempts"),
        "show_answers": quiz.get("show_answers") or SHOW_ANSWERS[0],
        "shuffle_options": bool(quiz.get("shuffle_options")),
        "draw": quiz.get("draw"),
        "competences": list(quiz.get("competences") or []),
        "questions": [_question_form_data(question) for question in quiz.get("questions") or []],
    }


def _question_form_data(question: dict) -> dict:
    feedback = question.get("feedback") or {}
    accepted = question.get("accepted") or []
    if isinstance(accepted, str):
        accepted = [accepted]
    qtype = question.get("type") or "single"
    shuffle = question.get("shuffle_options")
    return {
        "id": question.get("id") or "",
        "type": qtype,
        "prompt": question.get("prompt") or "",
        "points": question.get("points"),
        "shuffle": "" if shuffle is None else ("yes" if shuffle else "no"),
        "feedback_correct": feedback.get("correct") or "",
        "feedback_incorrect": feedback.get("incorrect") or "",
        "options": [{"id": option.get("id") or f"o{index + 1}", "text": option.get("text") or "",
                     "correct": bool(option.get("correct")), "feedback": option.get("feedback") or ""}
                    for index, option in enumerate(question.get("options") or [])],
        "truth": "true" if question.get("answer") is True or qtype != "true_false" else "false",
        "answer": question.get("answer") if qtype == "numeric" else None,
        "tolerance": question.get("tolerance"),
        "accepted": "\n".join(str(value) for value in accepted),
        "case_sensitive": bool(question.get("case_sensitive")),
    }


# Form → file -------------------------------------------------------------------------------

def quiz_from_form(data: dict) -> dict:
    """A quiz file's mapping from the quiz form's data; keys the author left empty are
    left out, as an author writing the file would."""
    quiz = {"title": _text(data.get("title")), "pass_mark": _number(data.get("pass_mark"))}
    for key in ("max_attempts", "draw"):
        if _number(data.get(key)) is not None:
            quiz[key] = _number(data.get(key))
    if data.get("show_answers") and data["show_answers"] != SHOW_ANSWERS[0]:
        quiz["show_answers"] = data["show_answers"]
    if data.get("shuffle_options"):
        quiz["shuffle_options"] = True
    if data.get("competences"):
        quiz["competences"] = list(data["competences"])
    if _block(data.get("intro")):
        quiz["intro"] = _block(data.get("intro"))
    quiz["questions"] = [_question_from_form(question) for question in data.get("questions") or []]
    return quiz


def _question_from_form(data: dict) -> dict:
    qtype = data.get("type") or "single"
    question = {"id": _text(data.get("id")), "type": qtype, "prompt": _block(data.get("prompt"))}
    points = _number(data.get("points"))
    if points is not None and points != 1:
        question["points"] = points
    if qtype in CHOICE_TYPES:
        if SHUFFLE.get(data.get("shuffle") or "") is not None:
            question["shuffle_options"] = SHUFFLE[data["shuffle"]]
        question["options"] = []
        for index, option in enumerate(data.get("options") or []):
            written = {}
            if option.get("id") and option["id"] != f"o{index + 1}":
                written["id"] = option["id"]
            written["text"] = _text(option.get("text"))
            if option.get("correct"):
                written["correct"] = True
            if _block(option.get("feedback")):
                written["feedback"] = _block(option.get("feedback"))
            question["options"].append(written)
    elif qtype == "true_false":
        question["answer"] = data.get("truth") != "false"
    elif qtype == "numeric":
        question["answer"] = _number(data.get("answer"))
        tolerance = _number(data.get("tolerance"))
        if tolerance:
            question["tolerance"] = tolerance
    elif qtype == "text":
        question["accepted"] = [line.strip() for line in _text(data.get("accepted")).splitlines() if line.strip()]
        if data.get("case_sensitive"):
            question["case_sensitive"] = True
    feedback = {key: _block(data.get(f"feedback_{key}")) for key in ("correct", "incorrect")
                if _block(data.get(f"feedback_{key}"))}
    if feedback:
        question["feedback"] = feedback
    return question


# Adding, removing and moving entries of lists (submit buttons, no JavaScript) ------------
#
# A button's value names a verb and a list by the form's field names: ``add-questions``,
# ``add-questions-2-options``, ``remove-rubric-1-levels-0``, ``up-tests-3``; and
# ``add-question-<type>`` adds a question of that type.

ACTION = re.compile(r"^(add|remove|up|down)-([a-z_]+(?:-\d+-[a-z_]+)*)(?:-(\d+))?$")


def _fresh(prefix: str, taken: set[str]) -> str:
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def new_question(qtype: str, taken: set[str]) -> dict:
    question = _question_form_data({"type": qtype})
    question["id"] = _fresh("question-", taken)
    return question


def _new_entry(name: str, siblings: list[dict]) -> dict:
    if name == "options":
        return {"id": _fresh("o", {o.get("id") for o in siblings}), "text": "", "correct": False, "feedback": ""}
    if name in ("tests", "hidden_tests"):
        return {"name": "", "code": ""}
    if name == "rubric":
        return {"id": _fresh("criterion-", {c.get("id") for c in siblings}), "name": "", "description": "",
                "levels": [{"name": "", "points": 0, "description": ""}, {"name": "", "points": 1, "description": ""}]}
    if name == "levels":
        return {"name": "", "points": None, "description": ""}
    return new_question("single", {q.get("id") for q in siblings})


def apply_action(data: dict, action: str) -> dict | None:
    """The form's data after an add/remove/move button; None for an action that names
    nothing in it. Changes ``data`` in place and returns it."""
    if action == "refresh":
        return _pad(data)
    if (action or "").startswith("add-question-") and action[len("add-question-"):] in QUESTION_TYPES:
        questions = data.setdefault("questions", [])
        questions.append(new_question(action[len("add-question-"):], {q.get("id") for q in questions}))
        return _pad(data)
    match = ACTION.match(action or "")
    if not match:
        return None
    verb, path, index = match.group(1), match.group(2).split("-"), match.group(3)
    container = data
    for step, token in enumerate(path):
        if step % 2:
            position = int(token)
            if not isinstance(container, list) or not 0 <= position < len(container):
                return None
            container = container[position]
        else:
            if not isinstance(container, dict):
                return None
            name = token
            container = container.setdefault(token, []) if step == len(path) - 1 else container.get(token)
    items = container
    if not isinstance(items, list):
        return None
    if verb == "add":
        if index is not None:
            return None
        items.append(_new_entry(name, items))
        return _pad(data)
    if index is None or not 0 <= int(index) < len(items):
        return None
    index = int(index)
    if verb == "remove":
        items.pop(index)
    else:
        target = index - 1 if verb == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
    return _pad(data)


def _pad(data: dict) -> dict:
    """A choice question shows at least two options to fill (after its type changed)."""
    for question in data.get("questions") or []:
        options = question.setdefault("options", [])
        while question.get("type") in CHOICE_TYPES and len(options) < 2:
            options.append({"id": _fresh("o", {o.get("id") for o in options}), "text": "", "correct": False,
                            "feedback": ""})
    return data


# Validator field names whose form field has another name (a task's hand-in settings).
FIELD_ALIASES = (("hand_in-files-types", "file_types"), ("hand_in-files-max_files", "max_files"),
                 ("hand_in-files-max_size_mb", "max_size_mb"), ("hand_in-files", "hand_in_files"))


def field_id(problem_field: str) -> str:
    """The form field's id for a validator's field name: ``questions[0].options[1].text``
    is ``questions-0-options-1-text``."""
    name = re.sub(r"\[(\d+)\]", r"-\1", problem_field).replace(".", "-")
    for prefix, alias in FIELD_ALIASES:
        if name == prefix or name.startswith(prefix + "-"):
            return alias
    return name


# Code exercises --------------------------------------------------------------------------

def exercise_form_data(exercise: dict) -> dict:
    return {
        "title": exercise.get("title") or "",
        "language": exercise.get("language") or "javascript",
        "environment": exercise.get("environment") or "",
        "minutes": exercise.get("minutes"),
        "time_limit_ms": exercise.get("time_limit_ms"),
        "competences": list(exercise.get("competences") or []),
        "instructions": exercise.get("instructions") or "",
        "starter": exercise.get("starter") or "",
        "solution": exercise.get("solution") or "",
        "tests": [{"name": test.get("name") or "", "code": test.get("code") or ""}
                  for test in exercise.get("tests") or [] if isinstance(test, dict)],
        "hidden_tests": [{"name": test.get("name") or "", "code": test.get("code") or ""}
                         for test in exercise.get("hidden_tests") or [] if isinstance(test, dict)],
    }


def _code(value) -> str:
    """Code as typed (indentation kept), ending in one newline like a | block."""
    text = str(value or "").replace("\r\n", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


def exercise_from_form(data: dict) -> dict:
    exercise = {"title": _text(data.get("title")), "language": data.get("language") or "javascript"}
    if data.get("environment"):
        exercise["environment"] = data["environment"]
    for key in ("minutes", "time_limit_ms"):
        if _number(data.get(key)) is not None:
            exercise[key] = _number(data.get(key))
    exercise["competences"] = list(data.get("competences") or [])
    exercise["instructions"] = _block(data.get("instructions"))
    exercise["starter"] = _code(data.get("starter"))
    exercise["solution"] = _code(data.get("solution"))
    for key in ("tests", "hidden_tests"):
        exercise[key] = [{"name": _text(test.get("name")), "code": _code(test.get("code"))}
                         for test in data.get(key) or []]
    return exercise


# Reviewed tasks --------------------------------------------------------------------------

def task_form_data(task: dict) -> dict:
    hand_in = task.get("hand_in") if isinstance(task.get("hand_in"), dict) else {}
    files = hand_in.get("files") if isinstance(hand_in.get("files"), dict) else None
    return {
        "title": task.get("title") or "",
        "minutes": task.get("minutes"),
        "competences": list(task.get("competences") or []),
        "instructions": task.get("instructions") or "",
        "hand_in_text": bool(hand_in.get("text")),
        "hand_in_link": bool(hand_in.get("link")),
        "hand_in_files": files is not None,
        "file_types": list((files or {}).get("types") or []),
        "max_files": (files or {}).get("max_files"),
        "max_size_mb": (files or {}).get("max_size_mb"),
        "rubric": [{"id": criterion.get("id") or "", "name": criterion.get("name") or "",
                    "description": criterion.get("description") or "",
                    "levels": [{"name": level.get("name") or "", "points": level.get("points"),
                                "description": level.get("description") or ""}
                               for level in criterion.get("levels") or [] if isinstance(level, dict)]}
                   for criterion in task.get("rubric") or [] if isinstance(criterion, dict)],
        "pass_mark": task.get("pass_mark"),
    }


def task_from_form(data: dict) -> dict:
    task = {"title": _text(data.get("title"))}
    if _number(data.get("minutes")) is not None:
        task["minutes"] = _number(data.get("minutes"))
    task["competences"] = list(data.get("competences") or [])
    task["instructions"] = _block(data.get("instructions"))
    hand_in = {}
    if data.get("hand_in_text"):
        hand_in["text"] = True
    if data.get("hand_in_link"):
        hand_in["link"] = True
    if data.get("hand_in_files"):
        files = {"types": list(data.get("file_types") or [])}
        for key in ("max_files", "max_size_mb"):
            if _number(data.get(key)) is not None:
                files[key] = _number(data.get(key))
        hand_in["files"] = files
    task["hand_in"] = hand_in
    rubric = []
    for criterion in data.get("rubric") or []:
        written = {"id": _text(criterion.get("id")), "name": _text(criterion.get("name"))}
        if _text(criterion.get("description")):
            written["description"] = _text(criterion.get("description"))
        written["levels"] = []
        for level in criterion.get("levels") or []:
            entry = {"name": _text(level.get("name")), "points": _number(level.get("points"))}
            if _text(level.get("description")):
                entry["description"] = _text(level.get("description"))
            written["levels"].append(entry)
        rubric.append(written)
    if rubric:
        task["rubric"] = rubric
    if _number(data.get("pass_mark")) is not None:
        task["pass_mark"] = _number(data.get("pass_mark"))
    return task


KINDS = {"quiz": (quiz_form_data, quiz_from_form), "exercise": (exercise_form_data, exercise_from_form),
         "task": (task_form_data, task_from_form)}
