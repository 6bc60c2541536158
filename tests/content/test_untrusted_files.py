"""A course folder is an author's work: nothing in it may make validation read outside
the folder, expand without bound, or put hidden characters or outside images in a page."""

import os
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib

import pytest

from lms.config import REPO_ROOT
from lms.content import files
from lms.content.loader import load
from lms.core.yamlsafe import MAX_DEPTH
from tests.conftest import FIXTURE_COURSES


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the first-steps course to break in each test."""
    target = tmp_path / "courses" / "first-steps"
    shutil.copytree(FIXTURE_COURSES / "first-steps", target)
    return target


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def messages(path):
    return [str(problem) for problem in load(path)[1]]


def png(width=4, height=3):
    """A real (tiny, grey) PNG image."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def lesson(body):
    """A lesson's text: front matter (lines 1-3), a heading (line 4), then ``body`` from line 6."""
    return "---\ntitle: Welcome\n---\n# Welcome\n\n" + textwrap.dedent(body).lstrip()


# YAML -------------------------------------------------------------------------------------

def test_an_alias_in_a_course_file_is_refused_with_its_line(course_copy):
    """An author who reuses a value with an anchor and an alias is told to write it out."""
    text = (course_copy / "course.yaml").read_text()
    text = text.replace("title: The basics", "title: &name The basics").replace(
        "title: Extra reading", "title: *name")
    (course_copy / "course.yaml").write_text(text)
    found = messages(course_copy)
    assert any(m.startswith("first-steps/course.yaml:12: anchors (&name) are not allowed") for m in found), found


def test_a_merge_key_is_refused_too(course_copy):
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 60
        questions:
          - &q {id: one, type: true_false, prompt: Yes?, answer: true}
          - <<: *q
            id: two
        """)
    found = messages(course_copy)
    assert any(m.startswith("first-steps/quizzes/basics-check.yaml:4: anchors (&q) are not allowed")
               for m in found), found


BILLION_LAUGHS = "\n".join(
    ["title: Laughs", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    + ["summary: *a9"]) + "\n"


def test_a_billion_laughs_course_file_is_refused_at_once(course_copy):
    """A 1 KB course.yaml that stands for 9^10 strings is refused in a moment, not expanded."""
    (course_copy / "course.yaml").write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 1024
    script = (f"from lms.content.loader import load\n"
              f"for problem in load({str(course_copy)!r})[1]: print(problem)\n")
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, cwd=REPO_ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("validating a billion-laughs course.yaml did not finish in 30 seconds")
    assert done.returncode == 0, done.stderr
    assert "first-steps/course.yaml:2: anchors (&a0) are not allowed" in done.stdout


def test_deeply_nested_yaml_is_a_problem_not_a_crash(course_copy):
    (course_copy / "course.yaml").write_text("title: " + "[" * 5000 + "]" * 5000 + "\n")
    found = messages(course_copy)
    assert any(m.startswith("first-steps/course.yaml:1: nested more than") for m in found), found
    (course_copy / "course.yaml").write_text("title: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n")
    assert not any("nested more than" in m for m in messages(course_copy))


def test_a_framework_file_with_aliases_is_refused(app, tmp_path):
    """Competence frameworks are read from course packages too, with the same YAML rules."""
    from lms.competence import services as competence

    folder = tmp_path / "_frameworks"
    shutil.copytree(FIXTURE_COURSES / "_frameworks", folder)
    (folder / "jsreact.yaml").write_text(BILLION_LAUGHS.replace("title: Laughs", "slug: jsreact"))
    with app.app_context(), pytest.raises(competence.FrameworkError, match="anchors"):
        competence.import_frameworks(folder)


# Symbolic links and sizes ------------------------------------------------------------------

@pytest.fixture
def secret(tmp_path):
    """A file outside every course folder, like instance/secret_key."""
    path = tmp_path / "secret_key"
    path.write_text("---\ntitle: Secret\n---\nTOP-SECRET-VALUE\n")
    return path


def test_a_lesson_that_links_outside_the_course_is_refused(course_copy, secret):
    """A lesson that is a symbolic link to a server file is refused, and its text goes nowhere."""
    lesson = course_copy / "lessons" / "welcome.md"
    lesson.unlink()
    lesson.symlink_to(secret)
    specs, problems = load(course_copy)
    found = [str(p) for p in problems]
    assert any(m.startswith("first-steps/course.yaml:15: modules[0].items[0].lesson: lessons/welcome.md is a "
                            "symbolic link (or is in a linked folder) that leads outside the course folder")
               for m in found), found
    assert "TOP-SECRET-VALUE" not in repr(specs)


def test_a_linked_folder_that_leads_outside_is_refused(course_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(course_copy / "quizzes", elsewhere)
    (course_copy / "quizzes").symlink_to(elsewhere, target_is_directory=True)
    found = messages(course_copy)
    assert any(m.startswith("first-steps/course.yaml:17: modules[0].items[2].quiz: quizzes/basics-check.yaml "
                            "is a symbolic link") for m in found), found


def test_a_course_yaml_or_course_folder_linked_from_outside_is_refused(course_copy, tmp_path, secret):
    outside = tmp_path / "other-course"
    shutil.copytree(course_copy, outside)
    (course_copy.parent / "linked-course").symlink_to(outside, target_is_directory=True)
    (course_copy / "course.yaml").unlink()
    (course_copy / "course.yaml").symlink_to(secret)
    found = messages(course_copy.parent)
    assert "first-steps/course.yaml: is a symbolic link (or is in a linked folder) that leads outside the course " \
           "folder" in found, found
    assert f"linked-course: is a symbolic link that leads outside {course_copy.parent}" in found, found


def test_a_link_that_stays_inside_the_course_is_accepted(course_copy):
    """A lesson linked to another file of the same course reads like the file itself."""
    shared = course_copy / "shared" / "welcome.md"
    shared.parent.mkdir()
    shutil.move(course_copy / "lessons" / "welcome.md", shared)
    (course_copy / "lessons" / "welcome.md").symlink_to(shared)
    assert messages(course_copy) == []


def test_a_link_loop_is_a_problem_not_a_crash(course_copy):
    lesson = course_copy / "lessons" / "welcome.md"
    lesson.unlink()
    lesson.symlink_to(course_copy / "lessons" / "loop.md")
    (course_copy / "lessons" / "loop.md").symlink_to(lesson)
    found = messages(course_copy)
    assert any("lessons/welcome.md is a symbolic link that cannot be followed" in m for m in found), found


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(course_copy):
    lesson = course_copy / "lessons" / "welcome.md"
    lesson.write_text("---\ntitle: Huge\n---\n" + "word " * (files.MAX_TEXT_BYTES // 5 + 1))
    found = messages(course_copy)
    size = lesson.stat().st_size
    assert (f"first-steps/course.yaml:15: modules[0].items[0].lesson: lessons/welcome.md is {size:,} bytes; "
            f"a course file may have at most {files.MAX_TEXT_BYTES:,} bytes (512 KiB)") in found, found


# Images ------------------------------------------------------------------------------------

def test_a_lesson_with_a_real_image_in_the_course_folder_is_valid(course_copy):
    (course_copy / "images").mkdir()
    (course_copy / "images" / "router.png").write_bytes(png())
    (course_copy / "lessons" / "welcome.md").write_text(lesson("""
        ![A router](../images/router.png)

        <img src="../images/router.png" alt="The same router">
        """))
    assert messages(course_copy) == []


def test_every_bad_image_in_a_lesson_is_named_with_its_line(course_copy, secret):
    (course_copy / "images").mkdir()
    (course_copy / "images" / "notes.png").write_text("not an image at all")
    (course_copy / "images" / "photo.jpg").write_bytes(png())
    (course_copy / "images" / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    (course_copy / "images" / "big.png").write_bytes(png(9000, 10))
    (course_copy / "images" / "leak.png").symlink_to(secret)
    (course_copy / "lessons" / "welcome.md").write_text(lesson("""
        ![Tracker](https://tracker.example/pixel.png)
        ![Missing](../images/missing.png)
        ![Text](../images/notes.png)

        <p><img src="../images/photo.jpg" alt="A photo"></p>

        ![Logo][logo]
        ![Big](../images/big.png)
        ![Leak](../images/leak.png)
        ![Up](../../../secret_key.png)
        ![Root](/static/favicon.svg)

        ```html
        <img src="in-a-code-block.png" alt="an example, not an image">
        ```

        [logo]: ../images/logo.svg
        """))
    found = messages(course_copy)
    file = "first-steps/lessons/welcome.md"
    for message in [
        f"{file}:6: image 'https://tracker.example/pixel.png' is not in the course: pages load nothing from other "
        "addresses",
        f"{file}:7: image '../images/missing.png' does not exist",
        f"{file}:8: image '../images/notes.png' is not a PNG, JPEG, GIF, WebP or SVG image",
        f"{file}:10: image '../images/photo.jpg' is a PNG image but its name says JPEG",
        f"{file}:22: image '../images/logo.svg' is an SVG with a <script> element",
        f"{file}:13: image '../images/big.png' is 9000×10 pixels; each side must be 1 to 8000",
        f"{file}:14: image '../images/leak.png' is a symbolic link (or is in a linked folder) that leads outside",
        f"{file}:15: image '../../../secret_key.png' is outside the course folder",
        f"{file}:16: image '/static/favicon.svg': give a path relative to this file",
    ]:
        assert any(line.startswith(message) for line in found), (message, found)
    assert not any("in-a-code-block" in line for line in found), found


@pytest.mark.parametrize("svg, refused", [
    ("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "event handler (onload)"),
    ("<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>"
     "<image x:href='https://tracker.example/p.png'/></svg>", "refers to 'https://tracker.example/p.png'"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill: url(https://x.example/a)'/></svg>",
     "refers to another address"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><foreignObject><p>hi</p></foreignObject></svg>", "<foreignObject>"),
    ("<!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>", "DOCTYPE"),
])
def test_an_svg_with_scripts_or_outside_references_is_refused(course_copy, svg, refused):
    (course_copy / "images").mkdir()
    (course_copy / "images" / "logo.svg").write_text(svg)
    (course_copy / "lessons" / "welcome.md").write_text(lesson("![Logo](../images/logo.svg)\n"))
    found = messages(course_copy)
    assert any("image '../images/logo.svg' is an SVG" in line and refused in line for line in found), found


def test_a_self_contained_svg_is_a_good_image(course_copy):
    (course_copy / "images").mkdir()
    (course_copy / "images" / "logo.svg").write_text(
        "<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'>"
        "<defs><linearGradient id='g'/></defs><rect width='10' height='10' fill='url(#g)'/></svg>")
    (course_copy / "lessons" / "welcome.md").write_text(lesson("![Logo](../images/logo.svg)\n"))
    assert messages(course_copy) == []


def test_an_image_over_the_size_limit_is_refused(course_copy):
    (course_copy / "images").mkdir()
    image = course_copy / "images" / "huge.png"
    image.write_bytes(png() + b"\0" * files.MAX_IMAGE_BYTES)
    (course_copy / "lessons" / "welcome.md").write_text(lesson("![Huge](../images/huge.png)\n"))
    found = messages(course_copy)
    assert any(m.startswith(f"first-steps/lessons/welcome.md:6: image '../images/huge.png' is "
                            f"{image.stat().st_size:,} bytes; a course file may have at most "
                            f"{files.MAX_IMAGE_BYTES:,} bytes (1 MiB)") for m in found), found


def test_images_in_quiz_and_exercise_markdown_are_checked_too(course_copy):
    write(course_copy / "quizzes" / "basics-check.yaml", """
        title: Basics check
        pass_mark: 60
        intro: "![Outside](http://example.org/a.png)"
        questions:
          - id: one
            type: single
            prompt: |
              Which is a router?
              ![A router](../images/router.png)
            options:
              - {text: "![A](../images/nothing.gif)", correct: true}
              - {text: B}
        """)
    found = messages(course_copy)
    file = "first-steps/quizzes/basics-check.yaml"
    for message in [f"{file}:3: image 'http://example.org/a.png' is not in the course",
                    f"{file}:9: image '../images/router.png' does not exist",
                    f"{file}:11: image '../images/nothing.gif' does not exist"]:
        assert any(line.startswith(message) for line in found), (message, found)


# Names -------------------------------------------------------------------------------------

def test_titles_and_names_with_hidden_characters_are_refused(course_copy):
    """A course title that reverses itself or a test name with a zero-width space is refused."""
    text = (course_copy / "course.yaml").read_text()
    (course_copy / "course.yaml").write_text(
        text.replace("title: First steps online", "title: \"First steps \\u202Eenilno\"")
            .replace("title: The basics", "title: \"The\\u200Bbasics\""))
    write(course_copy / "lessons" / "welcome.md", """
        ---
        title: "Wel\\u2066come"
        ---
        Text with an emoji family 👩‍👩‍👧 is fine in a lesson's body.
        """)
    found = messages(course_copy)
    for message in [
        "first-steps/course.yaml:1: title: contains an invisible or text-direction character "
        "(U+202E RIGHT-TO-LEFT OVERRIDE): remove it",
        "first-steps/course.yaml:12: modules[0].title: contains an invisible or text-direction character "
        "(U+200B ZERO WIDTH SPACE)",
        "first-steps/lessons/welcome.md:2: title: contains an invisible or text-direction character "
        "(U+2066 LEFT-TO-RIGHT ISOLATE)",
    ]:
        assert any(line.startswith(message) for line in found), (message, found)
    assert len(found) == 3, found


def test_validate_prints_the_problems_with_file_and_line(runner, course_copy):
    """``flask courses validate`` lists these problems like every other and exits with an error."""
    text = (course_copy / "course.yaml").read_text()
    (course_copy / "course.yaml").write_text(text.replace("title: The basics", "title: &name The basics"))
    result = runner.invoke(args=["courses", "validate", str(course_copy)])
    assert result.exit_code == 1
    assert "first-steps/course.yaml:12: anchors (&name) are not allowed" in result.output
