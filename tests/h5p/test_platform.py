"""The platform's own content types (LMS.Sort, LMS.Blanks, LMS.Choice) and the shipped
activities built on them: the committed .h5p files are what their sources build, they pass
the package checks, and the store takes the platform's libraries approved, never a
package's copy of them, while an admin can still withdraw them."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from lms.catalog import services as catalog
from lms.content import services as content
from lms.extensions import db
from lms.h5p import package, platform
from lms.h5p import services as h5p
from tests.h5p import builders

SHIPPED = {
    "digital-explorers/h5p/drosas-paroles.h5p": "LMS.Sort 1.0",
    "digital-explorers/h5p/privatums-tiessaiste.h5p": "LMS.Blanks 1.0",
    "digital-essentials-for-work/h5p/vai-ta-ir-pikskeresana.h5p": "LMS.Choice 1.0",
}


def test_every_committed_activity_is_exactly_what_its_sources_build():
    """Nobody can edit a shipped .h5p by hand: it must be rebuilt from courses/_h5p."""
    built = {target.relative_to(content.COURSES_DIR).as_posix(): platform.build(source)
             for source, target in platform.sources(content.COURSES_DIR)}
    assert set(built) == set(SHIPPED)
    for path, data in built.items():
        assert (content.COURSES_DIR / path).read_bytes() == data, \
            f"{path} differs from its sources: run python -m lms.h5p.platform"


def test_a_rebuild_gives_the_same_bytes_and_writes_nothing_new(tmp_path):
    copy = tmp_path / "courses"
    shutil.copytree(content.COURSES_DIR / "_h5p", copy / "_h5p")
    assert len(platform.rebuild(copy)) == 3
    assert platform.rebuild(copy) == []


@pytest.mark.parametrize("path, main", SHIPPED.items())
def test_each_shipped_activity_passes_the_package_checks_in_latvian(path, main):
    read = package.read((content.COURSES_DIR / path).read_bytes())
    assert str(read.main_library) == main and read.manifest["language"] == "lv"
    library = read.libraries[main.replace(" ", "-")]
    assert library.manifest["license"] == "MIT" and "LICENSE.txt" in library.files
    assert read.content_json["l10n"]["checkAnswer"] == "Pārbaudīt"


def test_the_choice_questions_keep_their_ids_across_rebuilds():
    source = content.COURSES_DIR / "_h5p" / "digital-essentials-for-work" / "vai-ta-ir-pikskeresana"
    first = json.loads(platform.package_files(source, "a/b")["content/content.json"])
    again = json.loads(platform.package_files(source, "a/b")["content/content.json"])
    ids = [question["subContentId"] for question in first["questions"]]
    assert ids == [question["subContentId"] for question in again["questions"]] and len(set(ids)) == 4


def test_the_content_types_load_nothing_from_anywhere():
    """No address but xAPI's vocabulary, no request, no code made from text."""
    for folder in platform.library_folders().values():
        for name, data in platform.library_files(folder).items():
            if name == "LICENSE.txt":
                continue
            text = re.sub(r"https?://adlnet\.gov/expapi/[\w/.]+", "", data.decode())
            for needle in ("http://", "https://", "//cdn", "fetch(", "XMLHttpRequest", "import(", "eval(", "@import"):
                assert needle not in text, f"{folder.name}/{name}: {needle}"


def shipped_course(tmp_path):
    """The pupils' course as shipped, with the fixtures' frameworks."""
    root = tmp_path / "courses"
    shutil.copytree(content.COURSES_DIR / "digital-explorers", root / "digital-explorers")
    shutil.copytree(content.COURSES_DIR / "_frameworks", root / "_frameworks")
    return root


def test_importing_a_shipped_course_puts_its_content_types_in_the_store_approved_as_the_platform_s(ctx, tmp_path):
    content.import_courses(shipped_course(tmp_path))
    stored = {str(library): library for library in h5p.libraries()}
    assert set(stored) == {"LMS.Sort 1.0", "LMS.Blanks 1.0"}
    assert all(library.approved and library.approved_by is None and h5p.is_platform(library)
               for library in stored.values())
    item = catalog.find_item(catalog.get_course("digital-explorers"), "drosas-paroles")
    assert item.kind == "h5p" and item.h5p["completion"] == "score" and item.pass_mark == 75
    assert item.h5p["assessed"] is False


def test_an_admin_s_withdrawal_stands_when_the_course_is_imported_again(ctx, tmp_path, admin):
    root = shipped_course(tmp_path)
    content.import_courses(root)
    h5p.revoke(h5p.find("LMS.Sort", 1, 0))
    problems = [str(problem) for problem in content.validate(root)[1]]
    assert problems == ["digital-explorers/h5p/drosas-paroles.h5p: LMS.Sort 1.0 is not approved; an admin can add "
                        "and approve it under Admin → H5P libraries"]
    h5p.approve(h5p.find("LMS.Sort", 1, 0), admin)
    assert content.validate(root)[1] == []


def test_a_package_cannot_replace_a_platform_content_type(ctx, admin):
    """A package bringing its own "LMS.Sort" (a newer patch, other code) leaves the store's alone."""
    folder = platform.library_folders()[("LMS.Sort", 1, 0)]
    manifest = json.loads((folder / "library.json").read_text(encoding="utf-8")) | {"patchVersion": 9}
    files = builders.entries(mainLibrary="LMS.Sort", preloadedDependencies=[
        {"machineName": "LMS.Sort", "majorVersion": 1, "minorVersion": 0}])
    files = {path: data for path, data in files.items() if not path.startswith("H5P.GreetingCard")}
    files |= {"LMS.Sort-1.0/library.json": json.dumps(manifest).encode(),
              "LMS.Sort-1.0/sort.js": b"document.title = 'taken over';", "LMS.Sort-1.0/sort.css": b""}
    outcome = h5p.store(package.read(builders.zip_of(files)))
    library, what = outcome[0]
    assert what == h5p.REUSED and library.patch == 0 and library.approved
    assert next(f.data for f in library.files if f.path == "sort.js") == (folder / "sort.js").read_bytes()


def test_a_newer_platform_patch_replaces_the_stored_files(ctx, monkeypatch, tmp_path):
    h5p.install_platform("LMS.Sort", 1, 0)
    newer = tmp_path / "LMS.Sort-1.0"
    shutil.copytree(platform.library_folders()[("LMS.Sort", 1, 0)], newer)
    manifest = json.loads((newer / "library.json").read_text(encoding="utf-8")) | {"patchVersion": 1}
    (newer / "library.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(platform, "LIBRARIES_DIR", tmp_path)
    library = h5p.install_platform("LMS.Sort", 1, 0)
    db.session.refresh(library)
    assert library.version == "1.0.1" and library.approved


def test_the_admin_page_says_a_platform_library_is_part_of_the_platform(app, client, admin, login):
    with app.app_context():
        h5p.install_platform("LMS.Choice", 1, 0)
        db.session.commit()
    login(admin)
    page = client.get("/admin/h5p/libraries").get_data(as_text=True)
    assert "Multiple choice (platform)" in page and "Approved: part of the platform" in page
    page = client.get("/admin/h5p/libraries", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Apstiprināta: platformas daļa" in page
