"""The shipped course "HTML un CSS" (issue 16): first in the JavaScript and React track, its
stated hours the sum of its items' minutes, an assessed item in every module, at least eight
exercises graded on the server as HTML pages, a trainer-reviewed task, and its HTML/CSS
items never tagged as Programming."""

from __future__ import annotations

import re

import pytest

from lms.catalog import services as catalog
from lms.content import loader
from lms.content import services as content
from lms.content.services import COURSES_DIR
from lms.exercises import runner

QUIZ_MINUTES = 15  # quizzes have no minutes: field; the course.yaml states 15 minutes each


@pytest.fixture(scope="module")
def shipped():
    specs, problems = loader.load(COURSES_DIR)
    assert problems == []
    return {spec.slug: spec for spec in specs}


@pytest.fixture(scope="module")
def course(shipped):
    return shipped["html-css"]


def test_the_course_is_in_latvian_for_adults_in_the_js_react_track(course):
    assert (course.title, course.language, course.audiences, course.track, course.status) == (
        "HTML un CSS", "lv", ["adult"], "js-react", "published")


def test_it_comes_first_in_the_track_in_the_catalogue(ctx, shipped):
    """The catalogue lists beginner courses first, then intermediate, then advanced, each by
    title: HTML un CSS, a beginner course, is listed before the others of its track."""
    content.import_specs(list(shipped.values()))
    listed = catalog.list_courses(catalog.CourseFilter(track="js-react"))
    assert listed[0].slug == "html-css"
    assert listed[0].level == "beginner"
    assert {c.slug for c in listed} >= {"html-css", "js-fundamentals", "js-web", "react-basics"}


def test_the_stated_hours_are_the_sum_of_the_items_minutes(course):
    lessons = sum(lesson.minutes for lesson in course.lessons.values())
    exercises = sum(exercise.minutes for exercise in course.exercises.values())
    tasks = sum(task.minutes for task in course.tasks.values())
    quizzes = QUIZ_MINUTES * len(course.quizzes)
    total = lessons + exercises + quizzes + tasks
    assert round(total / 60) == course.estimated_hours
    assert 25 <= course.estimated_hours <= 30
    stated = (COURSES_DIR / "html-css" / "course.yaml").read_text(encoding="utf-8")
    assert f"= {total} min" in stated


def test_every_module_has_an_assessed_item(course):
    for module in course.modules:
        kinds = {ref.kind for ref in module.items}
        assert kinds & {"quiz", "exercise", "task"}, module.slug


def test_at_least_eight_exercises_are_html_pages_graded_with_the_page_helpers(course):
    pages = [e for e in course.exercises.values() if e.language == "html"]
    assert len(pages) >= 8
    codes = " ".join(t["code"] for e in pages for t in e.tests + e.hidden_tests)
    # structure and attributes, accessible names, and CSS read from the style sheet
    assert "querySelector" in codes and "accessibleName(" in codes and "getByLabelText(" in codes
    assert "css().value(" in codes and "{ media:" in codes


def test_a_task_is_reviewed_with_a_rubric_and_takes_a_link_or_files(course):
    task = course.tasks["responsive-page"]
    assert task.hand_in["link"] and task.hand_in["files"]
    assert len(task.rubric) >= 5 and task.pass_mark


def test_html_and_css_items_are_not_tagged_as_programming(course):
    refs = list(course.competences)
    for group in (course.lessons, course.quizzes, course.exercises, course.tasks):
        for item in group.values():
            refs += item.competences
    assert not [ref for ref in refs if ref.startswith("digcomp:3.4")]
    assert all(ref.startswith(("jsreact:html-css.", "digcomp:3.1")) for ref in refs)


def test_the_html_css_competences_at_the_role_level_rest_on_assessed_items_only(course):
    """Level 3 of every html-css competence is evidenced by exercises or the task; lessons
    only name level 1 (reading alone never gives more)."""
    for lesson in course.lessons.values():
        assert all(ref.endswith("@1") for ref in lesson.competences), lesson.slug
    assessed = [ref for group in (course.exercises, course.tasks) for item in group.values()
                for ref in item.competences]
    for code in ("semantic-html", "forms", "accessibility", "box-model", "layout", "responsive"):
        assert f"jsreact:html-css.{code}@3" in assessed, code


def test_every_hidden_test_of_each_exercise_is_described_in_its_instructions(course):
    """A learner can pass from the instructions alone: every selector a CSS test reads is
    named in the instructions, in its table or a CSS example (tests check the rules as
    written, so the rule must be said)."""
    for exercise in course.exercises.values():
        for test in exercise.tests + exercise.hidden_tests:
            for selector in re.findall(r"css\(\)\.(?:value|has)\('([^']+)'", test["code"]):
                assert selector in exercise.instructions, (exercise.slug, selector)


def test_a_starter_page_gets_messages_that_say_what_to_change(course):
    """The first example test of the card exercise fails on the starter with a message that
    names the missing rule, in Latvian."""
    exercise = course.exercises["card-box-model"]
    result = runner.run_tests(exercise.starter, exercise.tests, language="html", locale="lv")
    assert result["tests"][0] == {
        "name": "visiem elementiem border-box", "passed": False, "logs": [],
        "message": 'jūsu stilu lapā nav kārtulas ar selektoru "*" (ārpus @media)'}
