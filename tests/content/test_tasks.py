"""Tasks in the course format: what is handed in, the rubric and the pass mark are checked,
every problem named with its file, line and field."""

import shutil
import textwrap

import pytest

from lms.catalog import services as catalog
from lms.content import services
from lms.content.loader import load
from lms.extensions import db
from tests.tasks.conftest import TASK_COURSES


@pytest.fixture
def course_copy(tmp_path):
    target = tmp_path / "courses" / "project-work"
    shutil.copytree(TASK_COURSES / "project-work", target)
    return target


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def messages(path):
    return [str(problem) for problem in load(path)[1]]


def test_the_task_fixture_is_valid_and_imports_as_items_of_kind_task(ctx):
    specs, problems = load(TASK_COURSES)
    assert problems == []
    plan = specs[0].tasks["lesson-plan"]
    assert plan.hand_in == {"text": True, "link": True, "files": {
        "types": ["pdf", "docx", "odt", "png", "jpeg", "text"], "max_files": 2, "max_size_mb": 1}}
    assert [c["id"] for c in plan.rubric] == ["objective", "activities"] and plan.pass_mark == 50
    services.import_courses(TASK_COURSES)
    db.session.commit()
    item = catalog.find_item(catalog.get_course("project-work"), "lesson-plan")
    assert item.kind == "task" and item.rubric_points == 6 and item.pass_mark == 50
    assert "<strong>flipped lesson</strong>" in item.html
    assert item.task["rubric"][0]["levels"][2] == {
        "name": "Clear and checkable", "description": "A pupil could tell whether they reached it.", "points": 2}


def test_a_broken_task_gets_every_problem_with_its_file_and_line(course_copy):
    write(course_copy / "tasks" / "lesson-plan.yaml", """
        title: Plan
        competences: [digcomp:2.1@4]
        instructions: Plan a lesson.
        hand_in:
          text: yes please
          files:
            types: [pdf, exe, pdf]
            max_files: 20
            max_size_mb: 0
          video: true
        rubric:
          - id: objective
            name: Objective
            levels:
              - {name: None, points: -1}
              - {name: none, points: 2}
          - id: objective
            name: objective
            levels:
              - {name: Only one, points: 1}
          - id: zero
            name: Zero
            levels:
              - {name: A, points: 0}
              - {name: B, points: 0}
        pass_mark: 120
        """)
    found = messages(course_copy.parent)
    expected = [
        "project-work/tasks/lesson-plan.yaml:5: hand_in.text: must be true or false",
        "project-work/tasks/lesson-plan.yaml:7: hand_in.files.types[1]: must be one of pdf, png, jpeg, text, zip, docx, xlsx, pptx, odt, ods, odp, not 'exe'",
        "project-work/tasks/lesson-plan.yaml:7: hand_in.files.types[2]: 'pdf' is listed twice",
        "project-work/tasks/lesson-plan.yaml:8: hand_in.files.max_files: must be at most 10",
        "project-work/tasks/lesson-plan.yaml:9: hand_in.files.max_size_mb: must be more than 0",
        "project-work/tasks/lesson-plan.yaml:10: hand_in.video: unknown field",
        "project-work/tasks/lesson-plan.yaml:15: rubric[0].levels[0].points: must be at least 0",
        "project-work/tasks/lesson-plan.yaml:16: rubric[0].levels[1].name: level name 'none' is used twice in this criterion",
        "project-work/tasks/lesson-plan.yaml:17: rubric[1].id: criterion id 'objective' is used twice",
        "project-work/tasks/lesson-plan.yaml:18: rubric[1].name: criterion name 'objective' is used twice",
        "project-work/tasks/lesson-plan.yaml:19: rubric[1].levels: needs at least two levels",
        "project-work/tasks/lesson-plan.yaml:23: rubric[2].levels: no level gives any points",
        "project-work/tasks/lesson-plan.yaml:26: pass_mark: must be at most 100",
    ]
    for message in expected:
        assert any(line.startswith(message) for line in found), (message, found)


@pytest.mark.parametrize("text, message", [
    ("title: T\ncompetences: [digcomp:2.1@4]\ninstructions: Do it.\n",
     "project-work/tasks/reflection.yaml:1: hand_in: is required"),
    ("title: T\ncompetences: [digcomp:2.1@4]\ninstructions: Do it.\nhand_in: {text: false}\n",
     "project-work/tasks/reflection.yaml:4: hand_in: asks for nothing"),
    ("title: T\ninstructions: Do it.\nhand_in: {text: true}\n",
     "project-work/tasks/reflection.yaml:1: competences: is required"),
    ("title: T\ncompetences: [digcomp:2.1@4]\ninstructions: Do it.\nhand_in: {text: true}\npass_mark: 50\n",
     "project-work/tasks/reflection.yaml:5: pass_mark: needs a rubric"),
])
def test_what_a_task_needs(course_copy, text, message):
    (course_copy / "tasks" / "reflection.yaml").write_text(text, encoding="utf-8")
    assert any(line.startswith(message) for line in messages(course_copy.parent)), messages(course_copy.parent)


def test_a_task_file_that_is_missing_is_named(course_copy):
    (course_copy / "tasks" / "reflection.yaml").unlink()
    assert "project-work/course.yaml:19: modules[1].items[0].task: tasks/reflection.yaml does not exist" in messages(
        course_copy.parent)
