"""An H5P activity in a course folder (``h5p/<slug>.h5p`` and its entry in course.yaml):
checked by ``flask courses validate`` with the package's own checks, and imported with
its content when every library it needs is approved."""

from __future__ import annotations

import textwrap

import pytest

from lms.catalog import services as catalog
from lms.content import services as content
from lms.h5p import package
from lms.h5p import services as h5p
from tests.h5p import builders

COURSE = """\
title: Drošība tīklā
summary: Kurss ar H5P aktivitāti.
language: lv
audiences: [pupil]
track: digital-essentials
level: beginner
estimated_hours: 1
status: published
modules:
  - slug: pamati
    title: Pamati
    items:
      - h5p: sveiciens
        title: Sveiciens
        competences: [digcomp:4.2@1]
{extra}"""


def course_folder(tmp_path, package_bytes: bytes | None = None, extra: str = ""):
    root = tmp_path / "courses"
    folder = root / "drosiba"
    (folder / "h5p").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE.format(extra=textwrap.indent(extra, " " * 8)), encoding="utf-8")
    (folder / "h5p" / "sveiciens.h5p").write_bytes(package_bytes or builders.greeting_card())
    return root


@pytest.fixture
def approved(ctx, admin):
    library = h5p.store(package.read(builders.greeting_card()))[0][0]
    h5p.approve(library, admin)
    return library


def messages(problems):
    return [str(problem) for problem in problems]


def test_a_course_with_an_approved_h5p_activity_validates_and_imports(ctx, tmp_path, approved):
    root = course_folder(tmp_path, extra="completion: score\npass_mark: 80\n")
    assert messages(content.validate(root)[1]) == []
    content.import_courses(root)
    item = catalog.find_item(catalog.get_course("drosiba"), "sveiciens")
    assert item.kind == "h5p" and item.title == "Sveiciens" and item.pass_mark == 80
    assert item.h5p["completion"] == "score" and item.h5p["assessed"] is False
    assert item.h5p["licence"] == "CC BY-SA" and item.h5p["main_library"] == "H5P.GreetingCard 1.0"
    kept = h5p.content_of(item)
    assert kept.manifest["title"] == "Sveiciens"


def test_an_unapproved_library_is_refused_naming_it(ctx, tmp_path):
    problems = messages(content.validate(course_folder(tmp_path))[1])
    assert problems == ["drosiba/h5p/sveiciens.h5p: H5P.GreetingCard 1.0 is not approved; an admin can add "
                        "and approve it under Admin → H5P libraries"]


def test_a_package_with_a_php_file_is_refused_naming_the_file(ctx, tmp_path, approved):
    bad = builders.zip_of(builders.entries() | {"content/evil.php": b"<?php"})
    assert messages(content.validate(course_folder(tmp_path, bad))[1]) == [
        "drosiba/h5p/sveiciens.h5p: content/evil.php: file type .php is not allowed"]


def test_a_score_rule_needs_a_pass_mark(ctx, tmp_path, approved):
    problems = messages(content.validate(course_folder(tmp_path, extra="completion: score\n"))[1])
    assert len(problems) == 1 and "pass_mark: is required when completion is score" in problems[0]


def test_an_unknown_completion_rule_is_refused(ctx, tmp_path, approved):
    problems = messages(content.validate(course_folder(tmp_path, extra="completion: finished\n"))[1])
    assert len(problems) == 1 and "must be one of opened, completed, score" in problems[0]
