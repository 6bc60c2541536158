"""Competence references are checked against the framework files, not a copy in code."""

import os

import pytest

from lms.competence import references


def _framework(folder, slug, codes, levels):
    areas = "\n".join(f"      - code: \"{code}\"\n        title: C\n        title_lv: K" for code in codes)
    level_lines = "\n".join(f"  - code: \"{level}\"\n    title: L\n    title_lv: L" for level in levels)
    (folder / f"{slug}.yaml").write_text(
        f"slug: {slug}\ntitle: T\ntitle_lv: T\nlevels:\n{level_lines}\nareas:\n  - code: \"a\"\n"
        f"    title: A\n    title_lv: A\n    competences:\n{areas}\n", encoding="utf-8")


def test_a_shipped_frameworks_codes_and_levels_come_from_its_file():
    """A course may name DigComp 1.1 at level 2 and a React competence in the file, but not one missing from it."""
    assert str(references.parse("digcomp:1.1@2")) == "digcomp:1.1@2"
    assert references.parse("jsreact:fundamentals.values@3").code == "fundamentals.values"
    with pytest.raises(ValueError, match="has no competence"):
        references.parse("jsreact:no.such-thing@1")
    with pytest.raises(ValueError, match="levels are A1"):
        references.parse("digcompedu:1.1@7")


def test_a_framework_added_to_the_folder_is_known_and_an_edit_is_seen(tmp_path, monkeypatch):
    """Adding a framework file, or a competence to it, needs no change in code."""
    monkeypatch.setattr(references, "FRAMEWORKS_DIR", tmp_path)
    _framework(tmp_path, "citysafety", ["1.1"], ["basic", "expert"])
    (tmp_path / "roles.yaml").write_text("roles: []\n", encoding="utf-8")
    assert references.parse("citysafety:1.1@expert").level == "expert"
    with pytest.raises(ValueError, match="unknown framework 'digcomp'"):
        references.parse("digcomp:1.1@2")
    with pytest.raises(ValueError, match="has no competence '1.2'"):
        references.parse("citysafety:1.2@basic")
    _framework(tmp_path, "citysafety", ["1.1", "1.2"], ["basic", "expert", "master"])
    stat = (tmp_path / "citysafety.yaml").stat()
    os.utime(tmp_path / "citysafety.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert str(references.parse("citysafety:1.2@master")) == "citysafety:1.2@master"
