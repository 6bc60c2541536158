"""Course packages as .zip files: a course exported and imported again is the same course,
and a package built to hurt the server is refused, naming what is wrong."""

import io
import stat
import zipfile

import pytest
import sqlalchemy as sa

from lms.catalog.models import Course
from lms.content import packages, services
from lms.extensions import db
from tests.conftest import FIXTURE_COURSES
from tests.tasks.conftest import TASK_COURSES

FOLDERS = [FIXTURE_COURSES / "first-steps", FIXTURE_COURSES / "code-practice", TASK_COURSES / "project-work"]


def snapshot(slug):
    """Everything a learner or the records could notice about a course, by slugs."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    fields = ("title", "summary", "language", "audiences", "track", "level", "estimated_hours", "status",
              "competences", "lesson_completion")
    return {
        "course": {name: getattr(course, name) for name in fields},
        "modules": [(m.slug, m.title, m.summary, m.position, m.optional) for m in course.modules],
        "items": [(i.slug, i.kind, i.title, i.position, i.optional, i.minutes, i.competences, i.html, i.pass_mark,
                   i.max_attempts, i.questions, i.show_answers, i.shuffle_options, i.draw, i.exercise, i.task,
                   i.module.slug) for i in course.items],
    }


def zip_of(entries, **kinds):
    """A zip with ``entries`` {name: bytes}; ``kinds`` {name: "symlink"} marks special entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            mode = stat.S_IFLNK | 0o777 if kinds.get(name) == "symlink" else stat.S_IFREG | 0o644
            info.external_attr = mode << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def good_package():
    return dict(packages.read_zip(services.export_course(FIXTURE_COURSES / "first-steps")[1])[1])


def refusal(data, name=None):
    with pytest.raises(packages.PackageRefused) as refused:
        packages.read_zip(data, name)
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: folder.name)
def test_a_course_exported_and_imported_into_a_fresh_database_is_the_same_course(ctx, folder):
    """Items, slugs, competences, quizzes, exercises and tasks come back exactly as they were."""
    services.import_courses(folder.parent)
    before = snapshot(folder.name)
    slug, data = services.export_course(folder)
    assert slug == folder.name
    db.session.rollback()
    db.drop_all()
    db.create_all()
    services.import_courses(folder.parent)  # the same frameworks, then the package over it
    db.session.execute(sa.delete(Course))
    db.session.flush()
    services.import_package(*services.read_package(data))
    assert snapshot(folder.name) == before


def test_exporting_the_same_course_twice_gives_the_same_bytes(ctx):
    assert services.export_course(FIXTURE_COURSES / "first-steps") == services.export_course(
        FIXTURE_COURSES / "first-steps")


def test_an_exported_package_unpacked_passes_flask_courses_validate(app, runner, tmp_path):
    slug, data = services.export_course(FIXTURE_COURSES / "code-practice")
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    result = runner.invoke(args=["courses", "validate", str(tmp_path / slug)])
    assert result.exit_code == 0, result.output
    assert "1 course(s)" in result.output and "no problems" in result.output


def test_the_command_line_exports_and_imports_a_package(app, runner, tmp_path):
    target = tmp_path / "first.zip"
    result = runner.invoke(args=["courses", "export", str(FIXTURE_COURSES / "first-steps"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["courses", "validate", str(target)]).exit_code == 0
    result = runner.invoke(args=["courses", "import", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Course.title).where(Course.slug == "first-steps")) == "First steps online"


def test_a_package_with_a_broken_file_gets_the_validators_messages_and_changes_nothing(app, runner, tmp_path):
    package = good_package()
    package["quizzes/basics-check.yaml"] = package["quizzes/basics-check.yaml"].replace(b"pass_mark: 60", b"pass_mark: 160")
    target = tmp_path / "broken.zip"
    target.write_bytes(packages.to_zip("first-steps", package))
    result = runner.invoke(args=["courses", "import", str(target)])
    assert result.exit_code == 1
    assert "first-steps/quizzes/basics-check.yaml:2: pass_mark: must be at most 100" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_a_yaml_bomb_in_a_package_is_refused_before_it_expands(ctx):
    package = good_package()
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" * 1
    package["course.yaml"] = (bomb + package["course.yaml"].decode()).encode()
    spec, problems = services.validate_package("first-steps", package)
    assert spec is None
    assert [str(p) for p in problems] == [
        "first-steps/course.yaml:1: anchors (&a) are not allowed: write the value out where it is used"]


# The attacker's packages ------------------------------------------------------------------

def test_paths_leaving_the_package_are_refused():
    assert refusal(zip_of({"c/course.yaml": b"x", "c/../../etc/cron.d/evil": b"x"})) == [
        "c/../../etc/cron.d/evil: has a path that leads outside the package (..)"]


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/Windows/evil.txt"])
def test_absolute_paths_are_refused(name):
    assert refusal(zip_of({"c/course.yaml": b"x", name: b"x"})) == [
        f"{name}: has an absolute path; every path must be inside the package"]


def test_backslash_paths_are_refused():
    assert refusal(zip_of({"c/course.yaml": b"x", "c\\..\\evil": b"x"})) == [
        "c\\..\\evil: uses backslashes in its path; a package uses forward slashes"]


def test_symbolic_links_are_refused():
    data = zip_of({"c/course.yaml": b"x", "c/lessons/secret.md": b"/srv/instance/secret_key"},
                  **{"c/lessons/secret.md": "symlink"})
    assert refusal(data) == ["c/lessons/secret.md: is a symbolic link; a package may hold only files and folders"]


def test_nested_archives_are_refused_by_name_and_by_content():
    inner = zip_of({"a.txt": b"x"})
    assert refusal(zip_of({"c/course.yaml": b"x", "c/images/more.zip": inner})) == [
        "c/images/more.zip: is an archive inside the package; unpack it and add its files instead"]
    assert refusal(zip_of({"c/course.yaml": b"x", "c/lessons/intro.md": inner})) == [
        "c/lessons/intro.md: is an archive inside the package; unpack it and add its files instead"]


def test_too_many_files_are_refused(monkeypatch):
    monkeypatch.setattr(packages, "MAX_ENTRIES", 5)
    entries = {f"c/lessons/l{n}.md": b"x" for n in range(6)}
    assert refusal(zip_of(entries)) == ["package: has 6 entries; a package may have at most 5"]


def test_a_file_declared_larger_than_the_limit_is_refused_before_it_is_read():
    big = b"x" * (600 * 1024)
    assert refusal(zip_of({"c/course.yaml": b"x", "c/lessons/big.md": big})) == [
        "c/lessons/big.md: is 614,400 bytes; a course file may have at most 524,288 bytes"]


def test_a_package_declaring_more_than_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(packages, "MAX_PACKAGE_BYTES", 1000)
    entries = {f"c/lessons/l{n}.md": b"x" * 300 for n in range(4)}
    assert refusal(zip_of(entries)) == [
        "package: would unpack to 1,200 bytes; a package may unpack to at most 1,000 bytes"]


def lying_zip(actual: bytes, declared: int) -> bytes:
    """A zip whose one lesson declares ``declared`` bytes but decompresses to ``actual``."""
    data = bytearray(zip_of({"c/course.yaml": b"title: x\n", "c/lessons/bomb.md": actual}))
    # Patch the uncompressed size in the local header and the central directory of the lesson.
    name = b"c/lessons/bomb.md"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while True:
            at = data.find(signature, start)
            if at < 0:
                break
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + offset:at + offset + 4] = declared.to_bytes(4, "little")
            start = at + 4
    return bytes(data)


def test_a_file_that_decompresses_to_more_than_it_declares_is_refused_while_streaming():
    """A zip bomb lies about its sizes: reading stops at the declared size, never past the limit."""
    problems = refusal(lying_zip(b"#" * (5 * 1024 * 1024), declared=100))
    assert len(problems) == 1 and problems[0].startswith("c/lessons/bomb.md: ")
    assert "decompresses to more bytes than the package declares" in problems[0] or "cannot be unpacked" in problems[0]


def test_something_that_is_not_a_zip_is_refused():
    assert refusal(b"<html>not a zip</html>")[0].startswith("package: is not a zip file")


def test_a_package_without_one_course_folder_is_refused():
    assert refusal(zip_of({"a/course.yaml": b"x", "b/course.yaml": b"x"})) == [
        "package: must hold one course folder with a course.yaml in it"]
    assert refusal(zip_of({"course.yaml": b"x"})) == [
        "package: has course.yaml at its top level; put the course in a folder named after its slug"]
    assert packages.read_zip(zip_of({"course.yaml": b"x"}), "my-course")[0] == "my-course"


def test_an_encrypted_entry_is_refused():
    data = bytearray(zip_of({"c/course.yaml": b"x"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 0x1
    assert refusal(bytes(data)) == ["c/course.yaml: is encrypted; a package's files may not be"]
