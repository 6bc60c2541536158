import shutil
import textwrap

import pytest

from lms.content.loader import load
from tests.conftest import FIXTURE_COURSES


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the first-steps course to break in each test."""
    target = tmp_path / "courses" / "first-steps"
    shutil.copytree(FIXTURE_COURSES / "first-steps", target)
    return target


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def messages(path):
    return [str(problem) for problem in load(path)[1]]


def test_the_fixture_courses_are_valid():
    specs, problems = load(FIXTURE_COURSES)
    assert problems == []
    assert [spec.slug for spec in specs] == ["code-practice", "first-steps", "hidden-draft"]


def test_every_problem_is_reported_at_once_with_file_line_and_field(course_copy):
    write(course_copy / "course.yaml", """
        title: Broken
        language: de
        audiences: [adult, robot]
        track: Digital Essentials
        level: expert
        estimated_hours: -1
        competences: [digcomp:9.9@2, digcompedu:1.1@Z9, nonsense]
        modules:
          - slug: basics
            title: The basics
            items:
              - lesson: welcome
              - lesson: missing-lesson
              - quiz: basics-check
              - quiz: welcome
          - slug: basics
            items: []
        """)
    found = messages(course_copy.parent)
    expected = [
        "first-steps/course.yaml:1: summary: is required",
        "first-steps/course.yaml:2: language: must be one of lv, en, not 'de'",
        "first-steps/course.yaml:3: audiences[1]: must be one of pupil, adult, teacher, not 'robot'",
        "first-steps/course.yaml:4: track: 'Digital Essentials' is not a slug",
        "first-steps/course.yaml:5: level: must be one of beginner, intermediate, advanced, not 'expert'",
        "first-steps/course.yaml:6: estimated_hours: must be more than 0",
        "first-steps/course.yaml:7: competences[0]: digcomp has no competence '9.9'",
        "first-steps/course.yaml:7: competences[1]: digcompedu levels are A1, A2, B1, B2, C1, C2, not 'Z9'",
        "first-steps/course.yaml:7: competences[2]: 'nonsense' is not framework:code@level",
        "first-steps/course.yaml:13: modules[0].items[1].lesson: lessons/missing-lesson.md does not exist",
        "first-steps/course.yaml:15: modules[0].items[3].quiz: item slug 'welcome' is used twice in this course",
        "first-steps/course.yaml:16: modules[1].slug: module slug 'basics' is used twice",
        "first-steps/course.yaml:16: modules[1].title: is required",
        "first-steps/course.yaml:17: modules[1].items: is required: a list of at least one lesson, quiz, exercise or task",
    ]
    for message in expected:
        assert any(line.startswith(message) for line in found), (message, found)


def test_yaml_syntax_errors_name_the_line(course_copy):
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 60
        questions:
          - id: q1
            prompt: [unclosed
        """)
    found = messages(course_copy)
    assert any(m.startswith("first-steps/quizzes/basics-check.yaml:") and "not valid YAML" in m for m in found), found


def test_quiz_rules_are_checked(course_copy):
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 160
        max_attempts: 0
        questions:
          - id: one
            type: single
            prompt: Pick
            options:
              - {text: A, correct: true}
              - {text: B, correct: true}
          - id: one
            type: multiple
            prompt: Pick some
            options:
              - {text: A}
              - {text: B}
          - id: num
            type: numeric
            prompt: How many?
            answer: eight
          - id: tf
            type: true_false
            prompt: Yes?
            answer: maybe
          - id: txt
            type: text
            prompt: Say
          - id: odd
            type: essay
            prompt: Write
        """)
    found = messages(course_copy)
    file = "first-steps/quizzes/basics-check.yaml"
    for message in [
        f"{file}:2: pass_mark: must be at most 100",
        f"{file}:3: max_attempts: must be at least 1",
        f"{file}:8: questions[0].options: a single-choice question needs exactly one correct option, not 2",
        f"{file}:14: questions[1].options: a multiple-choice question needs at least one correct option",
        f"{file}:11: questions[1].id: question id 'one' is used twice",
        f"{file}:20: questions[2].answer: must be a number",
        f"{file}:24: questions[3].answer: is required: true or false",
        f"{file}:25: questions[4].accepted: is required: a list of accepted answers",
        f"{file}:29: questions[5].type: must be one of single, multiple, true_false, numeric, text, not 'essay'",
    ]:
        assert any(line.startswith(message) for line in found), (message, found)


def test_quiz_settings_are_read(course_copy):
    """When answers show, shuffling (per quiz, and per question against it) and the draw."""
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 60
        show_answers: after_each_attempt
        shuffle_options: true
        draw: 2
        questions:
          - id: one
            type: single
            prompt: Pick
            shuffle_options: false
            options:
              - {text: A, correct: true}
              - {text: B}
          - id: two
            type: true_false
            prompt: Yes?
            answer: true
          - id: three
            type: numeric
            prompt: How many?
            answer: 3
        """)
    specs, problems = load(course_copy)
    assert problems == []
    quiz = specs[0].quizzes["basics-check"]
    assert (quiz.show_answers, quiz.shuffle_options, quiz.draw) == ("after_each_attempt", True, 2)
    assert quiz.questions[0]["shuffle_options"] is False and "shuffle_options" not in quiz.questions[1]


def test_quiz_settings_default_to_answers_after_passing_or_the_last_attempt(course_copy):
    quiz = load(course_copy)[0][0].quizzes["basics-check"]
    assert (quiz.show_answers, quiz.shuffle_options, quiz.draw) == ("after_passed_or_last_attempt", False, None)


def test_quiz_settings_are_checked(course_copy):
    """A draw larger than the pool, an unknown answer rule, and shuffling where there is
    nothing to shuffle are named with file and line."""
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 60
        show_answers: sometimes
        shuffle_options: "yes"
        draw: 3
        questions:
          - id: one
            type: single
            prompt: Pick
            shuffle_options: maybe
            options:
              - {text: A, correct: true}
              - {text: B}
          - id: two
            type: true_false
            prompt: Yes?
            shuffle_options: true
            answer: true
        """)
    found = messages(course_copy)
    file = "first-steps/quizzes/basics-check.yaml"
    for message in [
        f"{file}:3: show_answers: must be one of after_passed_or_last_attempt, after_each_attempt, after_passed, never, not 'sometimes'",
        f"{file}:4: shuffle_options: must be true or false",
        f"{file}:5: draw: draws 3 questions per attempt, but the quiz has only 2",
        f"{file}:10: questions[0].shuffle_options: must be true or false",
        f"{file}:17: questions[1].shuffle_options: only single and multiple choice questions have options to shuffle",
    ]:
        assert any(line.startswith(message) for line in found), (message, found)
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 60
        draw: 0
        questions:
          - {id: two, type: true_false, prompt: "Yes?", answer: true}
        """)
    assert f"{file}:3: draw: must be at least 1" in messages(course_copy)


def test_lesson_front_matter_is_checked(course_copy):
    write(course_copy / "lessons" / "welcome.md", """
        ---
        minutes: soon
        competences: [digcomp:1.1@9]
        colour: blue
        ---
        Text.
        """)
    (course_copy / "lessons" / "safe-passwords.md").write_text("No front matter here.\n")
    found = messages(course_copy)
    file = "first-steps/lessons/welcome.md"
    for message in [f"{file}:2: minutes: must be a number",
                    f"{file}:3: competences[0]: digcomp levels are", f"{file}:4: colour: unknown field",
                    "first-steps/lessons/safe-passwords.md:1: must start with front matter"]:
        assert any(line.startswith(message) for line in found), (message, found)
    assert any(line.startswith(f"{file}") and "title: is required" in line for line in found)


def test_a_missing_folder_or_course_file_is_named(tmp_path):
    assert messages(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: does not exist"]
    (tmp_path / "empty-course").mkdir()
    assert messages(tmp_path) == ["empty-course: has no course.yaml"]


def test_non_utf8_files_are_named(course_copy):
    (course_copy / "lessons" / "welcome.md").write_bytes(b"---\ntitle: \xff\n---\nx\n")
    assert any("is not UTF-8 text" in m for m in messages(course_copy))


def test_a_lesson_may_let_taking_part_count_and_a_bad_value_names_file_and_line(course_copy):
    write(course_copy / "lessons" / "safe-passwords.md", """
        ---
        title: Safe passwords
        competences: [digcomp:4.2@2]
        participation_counts: true
        ---
        Text.
        """)
    (spec,), problems = load(course_copy)
    assert problems == [] and spec.lessons["safe-passwords"].participation_counts is True
    assert spec.lessons["welcome"].participation_counts is False
    write(course_copy / "lessons" / "safe-passwords.md", """
        ---
        title: Safe passwords
        competences: [digcomp:4.2@2]
        participation_counts: sometimes
        ---
        Text.
        """)
    write(course_copy / "lessons" / "welcome.md", """
        ---
        title: Welcome
        participation_counts: true
        ---
        Text.
        """)
    assert messages(course_copy) == [
        "first-steps/lessons/welcome.md:3: participation_counts: the lesson names no competences for taking part to count towards",
        "first-steps/lessons/safe-passwords.md:4: participation_counts: must be true or false"]


def test_problems_are_english_for_the_command_line_and_latvian_on_a_latvian_page(app, course_copy):
    """`flask courses validate` prints English; a Latvian page shows the same problem in Latvian."""
    write(course_copy / "lessons" / "welcome.md", """
        ---
        title: Welcome
        minutes: soon
        competences: [digcomp:1.1@9]
        ---
        Text.
        """)
    file = "first-steps/lessons/welcome.md"
    with app.test_request_context(headers={"Accept-Language": "lv"}):
        problems = load(course_copy)[1]
        assert f"{file}:3: minutes: must be a number" in [str(problem) for problem in problems]
        shown = [problem.shown() for problem in problems]
        assert f"{file}:3: minutes: jābūt skaitlim" in shown
        assert any(line.startswith(f"{file}:4: competences[0]: ietvara digcomp līmeņi ir ") for line in shown), shown
    result = app.test_cli_runner().invoke(args=["courses", "validate", str(course_copy.parent)])
    assert result.exit_code != 0 and "minutes: must be a number" in result.output
    (course_copy / "course.yaml").write_text((course_copy / "course.yaml").read_text() + "extra: &one 1\n")
    with app.test_request_context(headers={"Accept-Language": "lv"}):
        shown = [problem.shown() for problem in load(course_copy)[1]]
        assert any("enkuri (&one) nav atļauti" in line for line in shown), shown
