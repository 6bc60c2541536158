"""``flask h5p add`` fills the library store from .h5p files, refusing bad ones."""

from __future__ import annotations

from lms.h5p import services as h5p
from tests.h5p import builders
from tests.h5p.test_course_items import course_folder


def test_an_operator_adds_and_approves_a_package_s_libraries(app, runner, admin, tmp_path):
    file = tmp_path / "sveiciens.h5p"
    file.write_bytes(builders.greeting_card())
    result = runner.invoke(args=["h5p", "add", str(file), "--approve-by", "admin"])
    assert result.exit_code == 0, result.output
    assert "H5P.GreetingCard 1.0 1.0.0: added, approved" in result.output
    with app.app_context():
        [library] = h5p.libraries()
        assert library.approved
    assert "H5P.GreetingCard 1.0 1.0.0: approved" in runner.invoke(args=["h5p", "list"]).output


def test_a_bad_package_adds_nothing(app, runner, tmp_path):
    file = tmp_path / "evil.h5p"
    file.write_bytes(builders.zip_of(builders.entries() | {"content/evil.php": b"<?php"}))
    result = runner.invoke(args=["h5p", "add", str(file)])
    assert result.exit_code == 1
    assert "content/evil.php: file type .php is not allowed" in result.output  # English, whatever the default
    assert "faila tips" not in result.output
    with app.app_context():
        assert h5p.libraries() == []


def test_courses_validate_prints_the_h5p_validator_s_messages_in_english(app, runner, tmp_path):
    """The operator reads the package's problems in English, whatever language pages use."""
    bad = builders.zip_of(builders.entries(license="MIT") | {"content/evil.php": b"<?php"})
    result = runner.invoke(args=["courses", "validate", str(course_folder(tmp_path, bad))])
    assert result.exit_code == 1
    assert "drosiba/h5p/sveiciens.h5p: content/evil.php: file type .php is not allowed" in result.output
    assert "nav atļauts" not in result.output


def test_courses_validate_before_the_database_is_set_up_says_so_without_a_traceback(make_app, tmp_path):
    """An author validating a course on a fresh checkout, before ``flask lms init``: the
    package is still checked, and the library store it cannot ask is named as the reason."""
    runner = make_app(schema=False).test_cli_runner()
    result = runner.invoke(args=["courses", "validate", str(course_folder(tmp_path))])
    assert result.exit_code == 1, result.output
    assert "drosiba/h5p/sveiciens.h5p" in result.output
    assert "the platform's database is not set up yet (run flask lms init first)" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
