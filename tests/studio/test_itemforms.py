"""The quiz form's data and the quiz file: every shipped quiz read into the form and
written back is the same quiz for the validator; buttons add, remove and move questions
and options."""

from pathlib import Path

import pytest

from lms.content.loader import load_exercise, load_quiz, load_task
from lms.studio import files as studio_files
from lms.studio import itemforms
from tests.conftest import FIXTURE_COURSES

ROOT = Path(__file__).parents[2]
# Not the translations (``<slug>.lv.yaml``): they are partial, laid over the quiz.
QUIZZES = sorted(path for path in [*(ROOT / "courses").glob("*/quizzes/*.yaml"),
                                   *FIXTURE_COURSES.glob("*/quizzes/*.yaml")] if path.suffixes == [".yaml"])


def _spec(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text)
    problems = []
    return load_quiz(path, "q", lambda p: p.name, problems), problems


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_shipped_quiz_read_into_the_form_and_written_back_is_the_same_quiz(tmp_path, path):
    original, problems = _spec(tmp_path, "original.yaml", path.read_bytes())
    assert problems == []
    data = itemforms.quiz_form_data(studio_files.load(path.read_bytes()))
    written = studio_files.dump(itemforms.quiz_from_form(data)).encode()
    again, problems = _spec(tmp_path, "written.yaml", written)
    assert problems == []
    assert again == original


def test_a_quiz_of_every_type_from_the_form_validates(tmp_path):
    data = {"title": "Check", "pass_mark": 60, "questions": []}
    for qtype in itemforms.QUESTION_TYPES:
        itemforms.apply_action(data, f"add-question-{qtype}")
    single, multiple, truth, number, text = data["questions"]
    single["prompt"] = "Is it?"
    single["options"][0].update(text="Yes", correct=True)
    single["options"][1].update(text="No")
    multiple["prompt"] = "Which?"
    multiple["options"][0].update(text="A", correct=True, feedback="Right.")
    multiple["options"][1].update(text="B", correct=True)
    truth["prompt"], truth["truth"] = "False?", "false"
    number["prompt"], number["answer"], number["tolerance"] = "How many?", 8, 0.5
    text["prompt"], text["accepted"] = "Name it", "router\nmaršrutētājs\n"
    quiz = itemforms.quiz_from_form(data)
    spec, problems = _spec(tmp_path, "quiz.yaml", studio_files.dump(quiz).encode())
    assert problems == []
    assert [q["type"] for q in spec.questions] == list(itemforms.QUESTION_TYPES)
    assert spec.questions[2]["answer"] is False and spec.questions[3]["tolerance"] == 0.5
    assert spec.questions[4]["accepted"] == ["router", "maršrutētājs"]
    assert spec.questions[1]["options"][0]["feedback"] == "Right."


def test_a_quiz_without_a_correct_answer_is_refused_at_its_options(tmp_path):
    data = itemforms.apply_action({"title": "Check", "pass_mark": 60}, "add-question-single")
    data["questions"][0].update(prompt="Which?")
    data["questions"][0]["options"][0]["text"], data["questions"][0]["options"][1]["text"] = "A", "B"
    spec, problems = _spec(tmp_path, "quiz.yaml", studio_files.dump(itemforms.quiz_from_form(data)).encode())
    assert spec is False
    assert [itemforms.field_id(p.field) for p in problems] == ["questions-0-options"]
    assert "exactly one correct option" in problems[0].message


def test_moving_an_option_keeps_its_id_so_learners_records_still_name_it(tmp_path):
    quiz = {"title": "T", "pass_mark": 0, "questions": [
        {"id": "q", "type": "single", "prompt": "p", "options": [{"text": "A", "correct": True}, {"text": "B"}]}]}
    data = itemforms.apply_action(itemforms.quiz_form_data(quiz), "down-questions-0-options-0")
    written = itemforms.quiz_from_form(data)["questions"][0]["options"]
    assert written == [{"id": "o2", "text": "B"}, {"id": "o1", "text": "A", "correct": True}]
    spec, problems = _spec(tmp_path, "quiz.yaml", studio_files.dump(itemforms.quiz_from_form(data)).encode())
    assert problems == [] and [o["id"] for o in spec.questions[0]["options"]] == ["o2", "o1"]


def test_buttons_add_remove_and_move_questions_and_options():
    data = {"questions": []}
    itemforms.apply_action(data, "add-question-true_false")
    itemforms.apply_action(data, "add-question-multiple")
    assert [q["id"] for q in data["questions"]] == ["question-1", "question-2"]
    itemforms.apply_action(data, "up-questions-1")
    assert [q["type"] for q in data["questions"]] == ["multiple", "true_false"]
    itemforms.apply_action(data, "add-questions-0-options")
    assert [o["id"] for o in data["questions"][0]["options"]] == ["o1", "o2", "o3"]
    itemforms.apply_action(data, "remove-questions-0-options-0")
    assert [o["id"] for o in data["questions"][0]["options"]] == ["o2", "o3"]
    itemforms.apply_action(data, "remove-questions-0")
    assert [q["type"] for q in data["questions"]] == ["true_false"]
    data["questions"][0]["type"] = "single"
    itemforms.apply_action(data, "refresh")
    assert len(data["questions"][0]["options"]) == 2
    assert itemforms.apply_action(data, "remove-questions-7") is None
    assert itemforms.apply_action(data, "format-disk") is None


def _items(folder):
    return sorted(path for path in [*(ROOT / "courses").glob(f"*/{folder}/*.yaml"),
                                    *FIXTURE_COURSES.glob(f"*/{folder}/*.yaml")] if path.suffixes == [".yaml"])


def _loaded(loader, tmp_path, text):
    path = tmp_path / "item.yaml"
    path.write_bytes(text)
    problems = []
    spec = loader(path, "item", lambda p: p.name, problems)
    return spec, problems


@pytest.mark.parametrize("kind, loader, path", [
    *(("exercise", load_exercise, path) for path in _items("exercises")),
    *(("task", load_task, path) for path in _items("tasks"))], ids=lambda v: getattr(v, "name", None))
def test_every_shipped_exercise_and_task_read_into_the_form_and_written_back_is_the_same(
        tmp_path, kind, loader, path):
    original, problems = _loaded(loader, tmp_path, path.read_bytes())
    assert problems == []
    to_form, from_form = itemforms.KINDS[kind]
    written = studio_files.dump(from_form(to_form(studio_files.load(path.read_bytes())))).encode()
    again, problems = _loaded(loader, tmp_path, written)
    assert problems == []
    if kind == "exercise":  # where in the file each test starts is not the exercise
        original.lines, again.lines = {}, {}
    assert again == original


def test_a_task_from_the_form_with_a_rubric_built_by_buttons_validates(tmp_path):
    data = itemforms.task_form_data({})
    data.update(title="Plan a lesson", competences=["digcomp:1.1@1"], instructions="Write a plan.\n",
                hand_in_files=True, file_types=["pdf", "docx"], max_size_mb=5)
    itemforms.apply_action(data, "add-rubric")
    itemforms.apply_action(data, "add-rubric-0-levels")
    criterion = data["rubric"][0]
    criterion["name"] = "Clarity"
    for level, (name, points) in zip(criterion["levels"], [("Not yet", 0), ("Partly", 1), ("Fully", 2)]):
        level.update(name=name, points=points)
    task, problems = _loaded(load_task, tmp_path, studio_files.dump(itemforms.task_from_form(data)).encode())
    assert problems == []
    assert task.hand_in["files"]["types"] == ["pdf", "docx"] and task.hand_in["files"]["max_size_mb"] == 5
    assert [level["points"] for level in task.rubric[0]["levels"]] == [0, 1, 2]
    data["hand_in_files"] = False
    _task, problems = _loaded(load_task, tmp_path, studio_files.dump(itemforms.task_from_form(data)).encode())
    assert [itemforms.field_id(p.field) for p in problems] == ["hand_in"]
    assert "asks for nothing" in problems[0].message


def test_an_exercise_from_the_form_keeps_its_code_as_typed(tmp_path):
    data = itemforms.exercise_form_data({})
    data.update(title="Answer", competences=["jsreact:fundamentals.functions@1"], instructions="Return 42.",
                starter="export function answer() {\r\n  // here\r\n}", solution="export function answer() {\r\n"
                "  return 42;\r\n}\r\n\r\n")
    itemforms.apply_action(data, "add-tests")
    itemforms.apply_action(data, "add-hidden_tests")
    data["tests"][0].update(name="a number", code="expect(typeof answer()).toBe('number');")
    data["hidden_tests"][0].update(name="the answer", code="expect(answer()).toBe(42);")
    exercise = itemforms.exercise_from_form(data)
    assert exercise["starter"] == "export function answer() {\n  // here\n}\n"
    assert exercise["solution"] == "export function answer() {\n  return 42;\n}\n"
    spec, problems = _loaded(load_exercise, tmp_path, studio_files.dump(exercise).encode())
    assert problems == [] and [t["name"] for t in spec.hidden_tests] == ["the answer"]
