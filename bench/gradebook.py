"""Server time of a class's gradebook (30 pupils by 40 assigned items), its CSV export,
and the review queue of a teacher with 10 classes, with the store grown by learners
outside those classes who did work on the same items; and the ratio of each to the
teacher's class list (a light page) measured in the same run.

    .venv/bin/python -m bench.gradebook [--learners 10000] [--rounds 20]
                                        [--only sqlite|postgresql] [--record]

How the store is filled: the courses are the shipped ones, imported through the real
importer; the teacher, their 10 classes and the assignments go through the services
(digital-pedagogy and js-fundamentals as whole courses, 12 items of js-web on their own:
40 quizzes, exercises and tasks). Pupils, their enrolments and their work (quiz attempts,
code submissions, task hand-ins, some waiting for review, and item progress) are bulk
inserts, as are the ``--learners`` learners outside classes, each with work on 10 items.
xAPI statements are not generated: the gradebook and the queue read none (they read the
work tables), so the statement count does not change what they do.
PostgreSQL: LMS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/lms_bench_gradebook,
dropped and created again).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.competence import PASSWORD, make_app, signed_in, timed
from bench.lrs_ingest import reset_database
from bench.record import record

TARGET_MS = 150.0
CLASSES, PUPILS = 10, 30


def prepare() -> dict:
    """Courses, the teacher and their classes through the services."""
    from lms.accounts import services as accounts
    from lms.catalog import services as catalog
    from lms.catalog.models import Item
    from lms.core.clock import utcnow
    from lms.content import services as content
    from lms.extensions import db
    from lms.gradebook.services import GRADED_KINDS
    from lms.teaching import services as teaching

    content.import_courses(content.COURSES_DIR)
    teacher = accounts.create_user(username="bench-teacher", password=PASSWORD, display_name="Bench Teacher",
                                   audience="teacher", email="teacher@bench.example")
    accounts.set_roles(teacher, ["learner", "teacher"])
    courses = [catalog.get_course(slug) for slug in ("digital-pedagogy", "js-fundamentals")]
    react = catalog.get_course("js-web")
    singles = list(db.session.scalars(sa.select(Item).where(Item.course_id == react.id, Item.kind.in_(GRADED_KINDS))
                                      .order_by(Item.position)))[:12]
    class_ids = []
    for n in range(CLASSES):
        school_class = teaching.create_class(teacher, f"Class {n + 1}")
        for course in courses:
            teaching.assign_course(school_class, course, due_at=utcnow() - timedelta(days=3))
        for item in singles:
            teaching.assign_item(school_class, item)
        class_ids.append(school_class.id)
    db.session.commit()
    items = list(db.session.scalars(sa.select(Item).where(
        Item.course_id.in_([c.id for c in courses]), Item.kind.in_(GRADED_KINDS), Item.archived.is_(False)))) + singles
    return {"teacher": teacher.id, "username": teacher.username, "classes": class_ids,
            "items": [(i.id, i.course_id, i.kind) for i in items], "courses": [c.id for c in courses] + [react.id]}


def _work_rows(rng, enrollment_id: int, item, now, rows: dict) -> None:
    """One learner's work on one item, as the services would have stored it."""
    item_id, _course_id, kind = item
    when = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
    if rng.random() < 0.25:
        return  # not started
    score = rng.choice((0.4, 0.6, 0.8, 1.0))
    done = score >= 0.8
    rows["progress"].append({"enrollment_id": enrollment_id, "item_id": item_id, "opened_at": when,
                             "completed_at": when if done and kind != "task" else None,
                             "best_score": score, "last_score": score, "attempts": 1})
    if kind == "quiz":
        rows["attempts"].append({"enrollment_id": enrollment_id, "item_id": item_id, "number": 1, "started_at": when,
                                 "submitted_at": when, "answers": {}, "results": [], "points": score * 10,
                                 "max_points": 10, "score": score, "passed": done, "paper": []})
    elif kind == "exercise":
        for number in range(1, rng.randint(1, 3) + 1):
            rows["submissions"].append({
                "enrollment_id": enrollment_id, "item_id": item_id, "number": number, "submitted_at": when,
                "code": "export function f() {\n  return 1;\n}\n", "status": "ok",
                "results": [{"name": "works", "hidden": False, "passed": done, "message": "", "logs": []}],
                "logs": [], "error": "", "passed_count": int(done), "total": 1, "score": score, "passed": done,
                "duration_ms": 3.0})
    else:
        rows["hand_ins"].append({"enrollment_id": enrollment_id, "item_id": item_id, "number": 1, "text": "My work",
                                 "text_html": "<p>My work</p>", "link": "", "submitted_at": when,
                                 "status": "waiting" if rng.random() < 0.5 else "replaced"})


def fill(people: dict, learners: int, seed: int = 7) -> tuple[int, dict[str, int]]:
    """Pupils of the 10 classes with work on every item, and ``learners`` learners outside
    classes with work on 10 items each, by bulk inserts."""
    from lms.accounts.models import User
    from lms.core.clock import utcnow
    from lms.exercises.models import ExerciseSubmission
    from lms.extensions import db
    from lms.learning.models import Enrollment, ItemProgress, QuizAttempt
    from lms.tasks.models import HandIn
    from lms.teaching.models import ClassMember

    rng = random.Random(seed)
    now = utcnow()
    password_hash = db.session.get(User, people["teacher"]).password_hash
    totals = {"learners": 0, "quiz attempts": 0, "code submissions": 0, "hand-ins": 0, "item progress": 0}

    def insert_people(names: list[tuple[str, str]], audience: str) -> list[int]:
        rows = [{"public_id": uuid.uuid4(), "username": username, "display_name": name, "audience": audience,
                 "password_hash": password_hash, "active": True, "created_at": now, "email": None}
                for username, name in names]
        db.session.execute(sa.insert(User), rows)
        return list(db.session.scalars(sa.select(User.id).where(User.username.in_([u for u, _ in names]))))

    def enrol(user_ids: list[int]) -> dict[tuple[int, int], int]:
        db.session.execute(sa.insert(Enrollment), [
            {"user_id": u, "course_id": c, "registration": uuid.uuid4(), "active": True, "enrolled_at": now,
             "last_activity_at": now, "progress": 0} for u in user_ids for c in people["courses"]])
        return {(e.user_id, e.course_id): e.id for e in db.session.execute(
            sa.select(Enrollment.id, Enrollment.user_id, Enrollment.course_id).where(Enrollment.user_id.in_(user_ids)))}

    def write(rows: dict) -> None:
        for model, key, label in ((ItemProgress, "progress", "item progress"), (QuizAttempt, "attempts", "quiz attempts"),
                                  (ExerciseSubmission, "submissions", "code submissions"),
                                  (HandIn, "hand_ins", "hand-ins")):
            if rows[key]:
                db.session.execute(sa.insert(model), rows[key])
                totals[label] += len(rows[key])
            rows[key] = []

    rows = {"progress": [], "attempts": [], "submissions": [], "hand_ins": []}
    for n, class_id in enumerate(people["classes"]):
        ids = insert_people([(f"c{n}-pupil-{p}", f"Pupil {p:02d} of class {n + 1}") for p in range(PUPILS)], "pupil")
        db.session.execute(sa.insert(ClassMember), [{"class_id": class_id, "user_id": u, "joined_at": now} for u in ids])
        enrollments = enrol(ids)
        for user_id in ids:
            for item in people["items"]:
                _work_rows(rng, enrollments[(user_id, item[1])], item, now, rows)
        write(rows)
        totals["learners"] += len(ids)
    batch = 500
    for start in range(0, learners, batch):
        count = min(batch, learners - start)
        ids = insert_people([(f"learner-{start + k}", f"Learner {start + k}") for k in range(count)], "adult")
        enrollments = enrol(ids)
        for user_id in ids:
            for item in rng.sample(people["items"], 10):
                _work_rows(rng, enrollments[(user_id, item[1])], item, now, rows)
        write(rows)
        db.session.commit()
        totals["learners"] += count
    db.session.commit()
    return totals["learners"], totals


def count_queries(app, client, path: str) -> int:
    from lms.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def measure(app, people: dict, rounds: int) -> dict:
    client = signed_in(app, people["username"])
    first = people["classes"][0]
    pages = {"class list (baseline)": "/classes", "gradebook 30×40": f"/classes/{first}/gradebook",
             "gradebook CSV": f"/classes/{first}/gradebook.csv", "review queue, 10 classes": "/reviews"}
    result = {name: timed(client, path, rounds) for name, path in pages.items()}
    queries = {name: count_queries(app, client, path) for name, path in pages.items()}
    return {"times": result, "queries": queries}


def run(database: str, url: str, learners: int, rounds: int) -> dict:
    if database == "postgresql":
        reset_database(url)
    app = make_app(url)
    from lms.extensions import db

    with app.app_context():
        db.create_all()
        people = prepare()
        started = time.perf_counter()
        total, totals = fill(people, learners)
        seconds = time.perf_counter() - started
        db.session.commit()
        # The planners' statistics after a bulk load, as autovacuum (PostgreSQL) or a
        # maintenance ANALYZE (SQLite) has them in production: without them PostgreSQL
        # guessed 11 waiting hand-ins where there were 9,000.
        if database == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        waiting = db.session.scalar(sa.text("SELECT count(*) FROM task_hand_in WHERE status = 'waiting'"))
    print(f"{database}: {total:,} learners, {totals}, filled in {seconds:.0f} s; {waiting:,} hand-ins waiting")
    return {**measure(app, people, rounds), "learners": total, "totals": totals, "fill": seconds}


def report(results: dict) -> str:
    lines = ["| database | page | median ms | p95 ms | × baseline | queries | target |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for database, result in results.items():
        base = result["times"]["class list (baseline)"][0]
        for name, (median, p95) in result["times"].items():
            target = "" if "baseline" in name else (f"< {TARGET_MS:g} ms: " + ("met" if median < TARGET_MS else "MISSED"))
            lines.append(f"| {database} | {name} | {median:.1f} | {p95:.1f} | {median / base:.2f} | "
                         f"{result['queries'][name]} | {target} |")
    scale = "; ".join(f"{db_}: {r['learners']:,} learners, " + ", ".join(f"{v:,} {k}" for k, v in r["totals"].items()
                                                                          if k != "learners")
                      for db_, r in results.items())
    return "\n".join(lines) + f"\n\nStore: {scale}; no xAPI statements generated (these pages read none)."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000, help="learners outside the classes")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:///{Path(tempfile.mkdtemp(prefix='lms-bench-')) / 'bench.sqlite3'}",
            "postgresql": os.environ.get("LMS_BENCH_DATABASE_URL",
                                         "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench_gradebook")}
    results = {name: run(name, url, args.learners, args.rounds) for name, url in urls.items()
               if args.only in (None, name)}
    text = report(results)
    print(text)
    if args.record:
        record("gradebook", "## Gradebook and review queue (`bench/gradebook.py`)\n\n" + text)


if __name__ == "__main__":
    main()
