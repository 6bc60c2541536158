"""``flask h5p add`` fills the library store from .h5p files, refusing bad ones."""

from __future__ import annotations

from lms.h5p import services as h5p
from tests.h5p import builders


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
    assert "content/evil.php: faila tips .php nav atļauts" in result.output  # the platform's default language
    with app.app_context():
        assert h5p.libraries() == []
