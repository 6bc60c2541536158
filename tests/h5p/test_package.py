"""An .h5p package is checked as strictly as H5P checks one; each refusal names the file
and the rule."""

from __future__ import annotations

import json

import pytest

from lms.h5p import package
from tests.h5p import builders


def refusal(data: bytes, **limits) -> list[str]:
    with pytest.raises(package.PackageRefused) as refused:
        package.read(data, **limits)
    return [str(problem) for problem in refused.value.problems]


def test_a_package_made_outside_the_project_is_read():
    """The GreetingCard content type from H5P's own CLI, packed with a manifest and content."""
    read = package.read(builders.greeting_card())
    assert read.title == "Sveiciens"
    assert read.licence == "CC BY-SA"
    assert str(read.main_library) == "H5P.GreetingCard 1.0"
    assert [str(library) for library in read.libraries.values()] == ["H5P.GreetingCard 1.0"]
    library = read.libraries["H5P.GreetingCard-1.0"]
    assert library.version == "1.0.0" and library.runnable
    assert {"library.json", "greetingcard.js", "greetingcard.css", "icon.svg"} <= set(library.files)
    assert read.content_json == {"greeting": "<p>Sveika, pasaule!</p>"}


def test_a_php_file_is_refused():
    files = builders.entries() | {"content/evil.php": b"<?php system($_GET['c']);"}
    assert refusal(builders.zip_of(files)) == ["content/evil.php: file type .php is not allowed"]


def test_javascript_is_allowed_in_a_library_but_not_in_the_content():
    files = builders.entries() | {"content/run.js": b"alert(1)"}
    assert refusal(builders.zip_of(files)) == ["content/run.js: file type .js is not allowed"]


def test_a_path_leaving_the_package_is_refused():
    files = builders.entries() | {"content/../../etc/cron.d/evil.txt": b"x"}
    assert refusal(builders.zip_of(files)) == [
        "content/../../etc/cron.d/evil.txt: the path leads outside the package (..)"]


@pytest.mark.parametrize("name, rule", [
    ("/etc/passwd.txt", "the path is absolute; every path must be inside the package"),
    ("content\\..\\evil.txt", "the path uses backslashes; a package uses forward slashes"),
])
def test_absolute_paths_and_backslashes_are_refused(name, rule):
    assert refusal(builders.zip_of(builders.entries() | {name: b"x"})) == [f"{name}: {rule}"]


def test_a_symbolic_link_is_refused():
    files = builders.entries() | {"content/secret.txt": b"/srv/instance/secret_key"}
    assert refusal(builders.zip_of(files, **{"content/secret.txt": "symlink"})) == [
        "content/secret.txt: is a symbolic link; a package may hold only files and folders"]


def test_a_nested_archive_is_refused_by_name():
    inner = builders.zip_of({"a.txt": b"x"})
    assert refusal(builders.zip_of(builders.entries() | {"content/more.h5p": inner})) == [
        "content/more.h5p: is an archive inside the package; nested archives are not allowed"]


def test_a_nested_archive_is_refused_by_its_content_whatever_its_name():
    inner = builders.zip_of({"a.txt": b"x"})
    assert refusal(builders.zip_of(builders.entries() | {"content/picture.png": inner})) == [
        "content/picture.png: is an archive inside the package; nested archives are not allowed"]


def lying_zip(files: dict[str, bytes], name: str, declared: int) -> bytes:
    """A zip whose entry ``name`` declares ``declared`` bytes but decompresses to more."""
    data = bytearray(builders.zip_of(files))
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(encoded)] == encoded:
                data[at + offset:at + offset + 4] = declared.to_bytes(4, "little")
            start = at + 4
    return bytes(data)


def test_a_zip_bomb_is_refused_while_streaming():
    """The entry declares 100 bytes and inflates to 5 MiB: reading stops at what it declared."""
    files = builders.entries() | {"content/bomb.txt": b"#" * (5 * 1024 * 1024)}
    problems = refusal(lying_zip(files, "content/bomb.txt", declared=100))
    assert problems in (
        ["content/bomb.txt: decompresses to more bytes than the package declares for it (a zip bomb)"],
        ["content/bomb.txt: is damaged or declares a wrong size"])


def test_a_package_declaring_more_than_the_limit_is_refused_before_reading():
    files = builders.entries() | {"content/big.txt": b"#" * 50_000}
    assert refusal(builders.zip_of(files), max_bytes=40_000)[0].startswith(
        "package: would unpack to ")


def test_too_many_files_are_refused():
    files = builders.entries() | {f"content/n{n}.txt": b"x" for n in range(10)}
    assert refusal(builders.zip_of(files), max_files=10) == [
        f"package: has {len(files)} files; an H5P package may have at most 10"]


def test_a_wrong_licence_field_is_refused():
    problems = refusal(builders.greeting_card(license="MIT"))
    assert len(problems) == 1
    assert problems[0].startswith('h5p.json: license: "MIT" is not one of H5P\'s licence codes (U, CC BY, ')


@pytest.mark.parametrize("field", ["title", "mainLibrary", "language", "embedTypes", "preloadedDependencies"])
def test_a_manifest_without_a_required_field_is_refused(field):
    problems = refusal(builders.greeting_card(**{field: None}))
    assert any(problem.startswith(f"h5p.json: {field}: ") for problem in problems), problems


@pytest.mark.parametrize("field", ["machineName", "majorVersion", "minorVersion", "patchVersion", "runnable"])
def test_a_library_manifest_without_a_required_field_is_refused(field):
    files = builders.entries()
    manifest = json.loads(files["H5P.GreetingCard-1.0/library.json"])
    del manifest[field]
    files["H5P.GreetingCard-1.0/library.json"] = json.dumps(manifest).encode()
    problems = refusal(builders.zip_of(files))
    assert problems[0].startswith(f"H5P.GreetingCard-1.0/library.json: {field}: is required"), problems


def test_a_preloaded_script_missing_from_its_library_is_refused():
    files = builders.entries()
    del files["H5P.GreetingCard-1.0/greetingcard.js"]
    assert refusal(builders.zip_of(files)) == [
        "H5P.GreetingCard-1.0/library.json: preloadedJs[0]: greetingcard.js is not in the library folder"]


def test_a_library_in_a_folder_not_named_after_it_is_refused():
    files = {name.replace("H5P.GreetingCard-1.0/", "H5P.GreetingCard-2.0/"): data
             for name, data in builders.entries().items()}
    assert refusal(builders.zip_of(files)) == [
        "H5P.GreetingCard-2.0/library.json: machineName: the library's folder must be named "
        "H5P.GreetingCard-1.0"]


def test_an_svg_with_a_script_is_refused():
    evil = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert refusal(builders.zip_of(builders.entries() | {"content/images/a.svg": evil})) == [
        "content/images/a.svg: the SVG image is not safe: it is an SVG with a <script> element; "
        "scripts and embedded documents are not allowed"]


def test_a_package_without_content_is_refused():
    files = builders.entries()
    del files["content/content.json"]
    assert refusal(builders.zip_of(files)) == ["content/content.json: is missing; every H5P package has one"]


def test_every_problem_is_listed_at_once():
    files = builders.entries(license="MIT") | {"content/evil.php": b"x"}
    assert refusal(builders.zip_of(files)) == ["content/evil.php: file type .php is not allowed"]
    files = builders.entries(license="MIT", title=None)
    assert len(refusal(builders.zip_of(files))) == 2


def test_something_that_is_not_a_zip_is_refused():
    assert refusal(b"<?php echo 1;") == ["package: is not an H5P file (it is not a zip archive)"]
