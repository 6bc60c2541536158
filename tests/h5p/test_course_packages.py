"""Course ``.zip`` packages carry H5P activities: ``<slug>/h5p/<item>.h5p`` is the one archive
a package may hold, checked by the H5P validator with its own limits; every other archive
inside a package is still refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.content import packages
from lms.extensions import db
from lms.h5p import package
from lms.h5p import services as h5p
from tests.content.test_packages import zip_of
from tests.h5p import builders
from tests.h5p.test_course_items import course_folder

COURSE_YAML = b"title: x\n"


def refusal(data):
    with pytest.raises(packages.PackageRefused) as refused:
        packages.read_zip(data)
    return [str(problem) for problem in refused.value.problems]


def test_an_h5p_activity_in_the_h5p_folder_is_carried(ctx):
    card = builders.greeting_card()
    slug, files = packages.read_zip(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/sveiciens.h5p": card}))
    assert slug == "c" and files["h5p/sveiciens.h5p"] == card


def test_an_h5p_activity_is_checked_by_the_h5p_validator_naming_the_file_and_rule(ctx):
    bad = builders.zip_of(builders.entries() | {"content/evil.php": b"<?php"})
    assert refusal(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/sveiciens.h5p": bad})) == [
        "c/h5p/sveiciens.h5p: content/evil.php: file type .php is not allowed"]
    plain = zip_of({"a.txt": b"x"})
    assert refusal(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/plain.h5p": plain})) == [
        "c/h5p/plain.h5p: a.txt: only h5p.json, content/ and library folders may be at the top of a package"]


@pytest.mark.parametrize("name", ["c/images/more.h5p", "c/h5p/sub/sveiciens.h5p", "c/sveiciens.h5p",
                                  "c/lessons/sveiciens.h5p", "c/h5p/sveiciens.zip"])
def test_an_archive_anywhere_else_is_still_refused(ctx, name):
    assert refusal(zip_of({"c/course.yaml": COURSE_YAML, name: builders.greeting_card()})) == [
        f"{name}: is an archive inside the package; unpack it and add its files instead"]


def test_a_zip_renamed_to_look_like_something_else_is_refused_by_its_first_bytes(ctx):
    assert refusal(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/notes.md": builders.greeting_card()})) == [
        "c/h5p/notes.md: is an archive inside the package; unpack it and add its files instead"]


def test_the_h5p_size_limit_applies_before_the_activity_is_read(app, ctx):
    card = builders.greeting_card()
    app.config["LMS_H5P_MAX_BYTES"] = 1000
    assert refusal(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/sveiciens.h5p": card})) == [
        f"c/h5p/sveiciens.h5p: is {len(card):,} bytes; a course file may have at most 1,000 bytes"]


def test_the_h5p_file_count_limit_applies(app, ctx):
    app.config["LMS_H5P_MAX_FILES"] = 2
    problems = refusal(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/sveiciens.h5p": builders.greeting_card()}))
    assert len(problems) == 1 and problems[0].startswith("c/h5p/sveiciens.h5p: package: has ")
    assert "an H5P package may have at most 2" in problems[0]


def test_an_h5p_activity_counts_toward_the_package_s_total(ctx, monkeypatch):
    card = builders.greeting_card()
    monkeypatch.setattr(packages, "MAX_PACKAGE_BYTES", len(card) + 5)
    assert refusal(zip_of({"c/course.yaml": COURSE_YAML, "c/h5p/sveiciens.h5p": card})) == [
        f"package: would unpack to {len(card) + len(COURSE_YAML):,} bytes; a package may unpack to at most "
        f"{len(card) + 5:,} bytes"]


def _approve(app, admin_name="admin"):
    with app.app_context():
        from tests import factories
        admin = factories.make_user(admin_name, roles=("learner", "admin"))
        library = h5p.store(package.read(builders.greeting_card()))[0][0]
        h5p.approve(library, admin)
        db.session.commit()


def _snapshot(app, slug):
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        item = catalog.find_item(course, "sveiciens")
        kept = h5p.content_of(item)
        return {"items": [(i.slug, i.kind, i.title, i.competences, i.pass_mark, i.optional, i.h5p, i.module.slug)
                          for i in course.items],
                "manifest": kept.manifest, "content": kept.package}


def test_a_course_with_an_h5p_activity_exports_validates_and_imports_into_a_fresh_database(
        app, runner, tmp_path):
    """``flask courses export`` → ``validate`` accepts the .zip → ``import`` gives the same course."""
    from tests.conftest import drop_everything
    _approve(app)
    root = course_folder(tmp_path, extra="completion: score\npass_mark: 70\nassessed: true\n")
    assert runner.invoke(args=["courses", "import", str(root)]).exit_code == 0
    before = _snapshot(app, "drosiba")
    target = tmp_path / "drosiba.zip"
    result = runner.invoke(args=["courses", "export", str(root / "drosiba"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["courses", "validate", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        drop_everything(db.engine)
        db.create_all()
    _approve(app)
    result = runner.invoke(args=["courses", "import", str(target)])
    assert result.exit_code == 0, result.output
    assert _snapshot(app, "drosiba") == before
