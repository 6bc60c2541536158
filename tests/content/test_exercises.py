"""The exercise file format: every problem named with file, line and field; solutions and
starter code graded by the sandbox before anything is imported."""

import shutil
import textwrap

import pytest

from lms.content import services as content
from lms.content.loader import load
from lms.extensions import db
from tests.conftest import FIXTURE_COURSES

FILE = "code-practice/exercises/sum-numbers.yaml"


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the code-practice course to break in each test."""
    target = tmp_path / "courses" / "code-practice"
    shutil.copytree(FIXTURE_COURSES / "code-practice", target)
    shutil.copytree(FIXTURE_COURSES / "_frameworks", tmp_path / "courses" / "_frameworks")
    return target


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def messages(path):
    return [str(problem) for problem in load(path)[1]]


def assert_reported(expected, found):
    for message in expected:
        assert any(line.startswith(message) for line in found), (message, found)


def test_the_fixture_exercises_load_with_their_tests():
    """A course author's exercise file is read with its starter, solution and both kinds of test."""
    specs, problems = load(FIXTURE_COURSES / "code-practice")
    assert problems == []
    exercise = specs[0].exercises["sum-numbers"]
    assert exercise.language == "javascript" and exercise.time_limit_ms == 2000 and exercise.minutes == 10
    assert [t["name"] for t in exercise.tests] == ["adds three numbers", "adds negative numbers"]
    assert [t["name"] for t in exercise.hidden_tests] == ["an empty array adds up to 0", "adds a long list"]
    assert exercise.starter.startswith("export function sum(numbers) {\n")
    assert exercise.competences == ["jsreact:fundamentals.arrays-objects@2"]


def test_every_field_problem_is_reported_at_once_with_its_line(course_copy):
    """An author sees every mistake in an exercise file at once, each with its line."""
    write(course_copy / "exercises" / "sum-numbers.yaml", """
        language: python
        environment: browser
        minutes: soon
        time_limit_ms: 60000
        competences: [jsreact:fundamentals.arrays-objects@7]
        colour: blue
        starter: ""
        tests:
          - name: adds
            code: |
              expect(sum([1])).toBe(1);
          - name: adds
            code: |
              expect(sum([2])).toBe(2);
          - code: "expect(1).toBe(1);"
        hidden_tests: []
        """)
    found = messages(course_copy.parent)
    assert_reported([
        f"{FILE}:1: title: is required",
        f"{FILE}:1: language: must be one of javascript, react, html, not 'python'",
        f"{FILE}:2: environment: must be one of dom, not 'browser'",
        f"{FILE}:3: minutes: must be a number",
        f"{FILE}:4: time_limit_ms: must be at most 10000",
        f"{FILE}:5: competences[0]: jsreact levels are 1, 2, 3, 4, not '7'",
        f"{FILE}:6: colour: unknown field",
        f"{FILE}:1: instructions: is required",
        f"{FILE}:7: starter: must be non-empty code",
        f"{FILE}:1: solution: is required",
        f"{FILE}:12: tests[1].name: test name 'adds' is used twice (also in tests[0])",
        f"{FILE}:15: tests[2].name: is required",
        f"{FILE}:16: hidden_tests: is required: a list of at least one test",
    ], found)


def test_competences_are_required_and_test_names_unique_across_visible_and_hidden(course_copy):
    """An exercise evidences at least one competence; a hidden test may not reuse a visible test's name."""
    path = course_copy / "exercises" / "shout.yaml"
    text = path.read_text().replace("competences: [jsreact:fundamentals.functions@2]\n", "")
    text = text.replace("  - name: logs what it was given", "  - name: shouts hello")
    path.write_text(text)
    found = messages(course_copy)
    file = "code-practice/exercises/shout.yaml"
    assert_reported([f"{file}:1: competences: is required", f"{file}:20: hidden_tests[0].name: test name "
                     "'shouts hello' is used twice (also in tests[0])"], found)


def test_time_limits_have_a_floor_and_must_be_whole(course_copy):
    """A time limit too short to start the code, or not in whole milliseconds, is refused."""
    path = course_copy / "exercises" / "shout.yaml"
    path.write_text("time_limit_ms: 50\n" + path.read_text())
    assert_reported(["code-practice/exercises/shout.yaml:1: time_limit_ms: must be at least 100"], messages(course_copy))
    path.write_text(path.read_text().replace("time_limit_ms: 50", "time_limit_ms: 1500.5"))
    assert_reported(["code-practice/exercises/shout.yaml:1: time_limit_ms: must be a whole number"], messages(course_copy))


def test_a_missing_exercise_file_and_a_bad_item_are_named(course_copy):
    """course.yaml naming an exercise without its file, or an item of two kinds, is reported."""
    (course_copy / "exercises" / "shout.yaml").unlink()
    text = (course_copy / "course.yaml").read_text()
    (course_copy / "course.yaml").write_text(text.replace("      - lesson: functions-intro\n",
                                                          "      - {lesson: functions-intro, exercise: shout}\n"))
    found = messages(course_copy)
    assert_reported(["code-practice/course.yaml:14: modules[0].items[0]: must name exactly one of lesson:, quiz:, exercise:, task: or h5p:",
                     "code-practice/course.yaml:16: modules[0].items[2].exercise: exercises/shout.yaml does not exist"],
                    found)


def test_yaml_errors_in_an_exercise_name_the_line(course_copy):
    """A broken YAML exercise file is reported with the line of the break."""
    write(course_copy / "exercises" / "shout.yaml", """
        title: Shout
        tests:
          - name: [unclosed
        """)
    found = messages(course_copy)
    assert any(m.startswith("code-practice/exercises/shout.yaml:") and "not valid YAML" in m for m in found), found


def graded(path):
    return [str(problem) for problem in content.validate(path)[1]]


def test_validation_grades_the_solution_against_every_test(ctx, course_copy):
    """A solution that fails a test is named with the exercise file, the test's line and the failure."""
    path = course_copy / "exercises" / "sum-numbers.yaml"
    path.write_text(path.read_text().replace("return numbers.reduce((a, b) => a + b, 0);",
                                             "return numbers.length ? numbers.reduce((a, b) => a + b) : undefined;"))
    found = graded(course_copy.parent)
    assert found == [f"{FILE}:28: hidden_tests[0]: the solution fails test 'an empty array adds up to 0': "
                     "expected undefined to be 0"]


def test_validation_reports_a_solution_that_does_not_run(ctx, course_copy):
    """A solution with a syntax error is reported with its line in the solution."""
    path = course_copy / "exercises" / "sum-numbers.yaml"
    path.write_text(path.read_text().replace("return numbers.reduce((a, b) => a + b, 0);", "return numbers.reduce(;"))
    found = graded(course_copy.parent)
    assert len(found) == 1 and found[0].startswith(f"{FILE}:16: solution: does not run (syntax error at line 2: ")


def test_validation_refuses_a_starter_that_already_passes(ctx, course_copy):
    """Starter code that passes every hidden test leaves nothing to do, and is reported."""
    path = course_copy / "exercises" / "sum-numbers.yaml"
    text = path.read_text().replace("    // your code here\n", "    return numbers.reduce((a, b) => a + b, 0);\n")
    path.write_text(text)
    found = graded(course_copy.parent)
    assert found == [f"{FILE}:12: starter: passes every hidden test; it must fail at least one, or there is nothing to do"]


def test_import_refuses_an_exercise_whose_solution_fails_and_changes_nothing(ctx, course_copy):
    """An import with a wrong solution stores no course at all."""
    from lms.catalog.models import Course

    path = course_copy / "exercises" / "shout.yaml"
    path.write_text(path.read_text().replace("    console.log(text);\n", ""))
    with pytest.raises(content.ImportRefused) as refused:
        content.import_courses(course_copy.parent)
    assert [str(p) for p in refused.value.problems] == [
        "code-practice/exercises/shout.yaml:20: hidden_tests[0]: the solution fails test 'logs what it was given': "
        'expected [] to contain "quiet"']
    db.session.rollback()
    assert db.session.query(Course).count() == 0


def test_a_test_without_code_or_not_a_mapping_and_an_empty_file_are_named(course_copy):
    """Each malformed test entry, and an empty exercise file, get their own message."""
    write(course_copy / "exercises" / "sum-numbers.yaml", (FIXTURE_COURSES / "code-practice" / "exercises"
                                                            / "sum-numbers.yaml").read_text()
          .replace("tests:\n  - name: adds three numbers", "tests:\n  - just a string\n  - name: no code here\n"
                   "  - name: adds three numbers"))
    (course_copy / "exercises" / "shout.yaml").write_text("")
    found = messages(course_copy)
    assert_reported([f"{FILE}:21: tests[0]: must be a mapping of fields",
                     f"{FILE}:22: tests[1].code: is required",
                     "code-practice/exercises/shout.yaml: is empty"], found)
