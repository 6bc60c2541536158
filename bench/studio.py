"""Server time of the studio's hot paths on a 20-module, 100-item course: saving a lesson,
the live preview, the course outline; and publishing a 100-item course to 1,000 enrolled
learners. Also, without a target in the issue: adding an image to a lesson, and a lesson
shown as learners will see it (read from the whole package).

    .venv/bin/python -m bench.studio [--rounds 20] [--record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import tempfile
import time
import zlib

from bench.record import record


def png(width: int, height: int) -> bytes:
    """A real (tiny, grey) PNG image."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-")
    from lms import create_app
    from lms.accounts import services as accounts
    from lms.catalog.models import Course
    from lms.competence import services as competence
    from lms.core import markdown
    from lms.extensions import db
    from lms.learning.models import Enrollment
    from lms.studio import files as studio_files
    from lms.studio import services as studio
    import sqlalchemy as sa

    app = create_app({"LMS_PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        db.create_all()
        competence.import_frameworks()
        author = accounts.create_user(username="author", password="a long password", audience="teacher",
                                      roles=("learner", "teacher"), email="a@example.org", display_name="Author")
        studio.grant_author(author)
        course = studio.create_course(author, {
            "title": "Big course", "summary": "Twenty modules.", "language": "en", "audiences": ["adult"],
            "track": "bench", "level": "beginner", "estimated_hours": 20, "competences": []})
        body = ("Some text with *emphasis* and `code`.\n\n```js\nconst a = 1;\n```\n\n| a | b |\n| - | - |\n| 1 | 2 |\n"
                * 10)
        package = studio.files_of(course)
        data = studio_files.outline(package["course.yaml"])
        data["modules"] = []
        changes = {"lessons/introduction.md": None}
        for m in range(20):
            items = []
            for i in range(5):
                slug = f"lesson-{m}-{i}"
                items.append({"kind": "lesson", "slug": slug})
                changes[f"lessons/{slug}.md"] = studio_files.lesson_text(
                    {"title": f"Lesson {m}.{i}"}, f"# Lesson {m}.{i}\n\n{body}").encode()
            data["modules"].append({"slug": f"module-{m}", "title": f"Module {m}", "items": items})
        changes["course.yaml"] = studio_files.course_yaml(data)
        studio.save(course, author, course.head, changes, "bench")
        db.session.commit()

        save, preview, outline, add_image, as_learner = [], [], [], [], []
        for round_ in range(args.rounds):
            text = studio_files.lesson_text({"title": "Lesson 3.2"}, f"# Lesson 3.2\n\nRound {round_}\n\n{body}").encode()
            started = time.perf_counter()
            studio.save_item(course, author, course.head, "lesson-3-2", text)
            db.session.commit()
            save.append(time.perf_counter() - started)
            started = time.perf_counter()
            markdown.render(body)
            preview.append(time.perf_counter() - started)
            started = time.perf_counter()
            studio.outline(course)
            outline.append(time.perf_counter() - started)
            started = time.perf_counter()
            studio.add_image(course, author, course.head, "lesson-4-1", f"chart-{round_}.png", png(40 + round_, 30),
                             "A chart")
            db.session.commit()
            add_image.append(time.perf_counter() - started)
            started = time.perf_counter()
            studio.learner_view(course, "lesson-4-1")
            as_learner.append(time.perf_counter() - started)

        studio.publish(course, author)
        db.session.commit()
        live = db.session.scalar(sa.select(Course).where(Course.slug == course.slug))
        from lms.accounts.models import User, UserRole

        users = [User(username=f"learner{n}", display_name=f"L {n}", audience="adult", password_hash="x",
                      email=None) for n in range(1000)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all([UserRole(user_id=u.id, role="learner") for u in users])
        db.session.add_all([Enrollment(user_id=u.id, course_id=live.id) for u in users])
        db.session.commit()
        studio.save_item(course, author, course.head, "lesson-0-0",
                         studio_files.lesson_text({"title": "Lesson 0.0"}, "# Lesson 0.0\n\nFixed.\n").encode())
        db.session.commit()
        started = time.perf_counter()
        changes_seen = studio.changes_for_learners(course)
        studio.publish(course, author)
        db.session.commit()
        publishing = time.perf_counter() - started

    rows = [("save a lesson (a new revision, checked)", statistics.median(save), 0.1),
            ("live preview of a lesson", statistics.median(preview), 0.1),
            ("outline of the 20-module course", statistics.median(outline), 0.1),
            (f"changes for {changes_seen.enrolled:,} learners, then publish 100 items", publishing, 5.0),
            ("add an image to a lesson (a new revision, checked)", statistics.median(add_image), None),
            ("a lesson as learners will see it (outline and that item read)", statistics.median(as_learner), None)]
    table = ["| step | median time | target | met |", "| --- | ---: | ---: | --- |"]
    table += [f"| {name} | {seconds * 1000:.0f} ms | {target * 1000:.0f} ms | {'yes' if seconds < target else 'NO'} |"
              if target else f"| {name} | {seconds * 1000:.0f} ms | none set | |" for name, seconds, target in rows]
    setup = (f"A studio course of 20 modules with 5 lessons each (100 items), SQLite, server time of the service "
             f"calls (no HTTP), median of {args.rounds} rounds; publishing once, with 1,000 learners enrolled.")
    print("\n".join(table))
    print(setup)
    if args.record:
        record("studio", f"## Course studio (`bench/studio.py`)\n\n{setup}\n\n" + "\n".join(table))


if __name__ == "__main__":
    main()
