"""The JavaScript and React track adds up to a retraining programme (issue 16): at least 150
stated hours, every course with an assessed item in each module."""

from __future__ import annotations

import pytest

from lms.content import loader
from lms.content.services import COURSES_DIR

ASSESSED = {"quiz", "exercise", "task"}


@pytest.fixture(scope="module")
def track():
    specs, problems = loader.load(COURSES_DIR)
    assert problems == []
    return [spec for spec in specs if spec.track == "js-react"]


def test_the_track_states_at_least_150_hours(track):
    assert sum(course.estimated_hours for course in track) >= 150


def test_the_track_has_the_courses_a_junior_front_end_developer_needs(track):
    assert {course.slug for course in track} >= {
        "html-css", "js-fundamentals", "js-web", "react-basics", "react-further", "dev-tools", "capstone",
        "job-search"}


def test_every_module_of_the_track_has_an_assessed_item(track):
    for course in track:
        for module in course.modules:
            kinds = {item.kind for item in module.items}
            assert kinds & ASSESSED, f"{course.slug}/{module.slug} has nothing assessed"
