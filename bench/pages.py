"""Requests per second and p95 latency of the catalogue, a lesson page and the dashboard
of a learner with 5 enrolments, served by gunicorn, each as a ratio to a bare Flask
endpoint on the same server in the same run.

    .venv/bin/python -m bench.pages [--seconds 8] [--concurrency 8] [--record]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.record import record

ROOT = Path(__file__).resolve().parent.parent
USERNAME, PASSWORD = "bench-learner", "bench password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(instance: Path) -> list[str]:
    """A fresh SQLite database with the shipped courses and a learner in 5 of them."""
    os.environ["LMS_INSTANCE_PATH"] = str(instance)
    from lms import create_app
    from lms.accounts import services as accounts
    from lms.catalog import services as catalog
    from lms.content import services as content
    from lms.extensions import db
    from lms.learning import services as learning

    app = create_app()
    with app.app_context():
        db.create_all()
        content.import_courses(content.COURSES_DIR)
        extra = Path(tempfile.mkdtemp()) / "extra"
        # Pad to at least five published courses with the same shape as a real one.
        shipped = catalog.list_courses(catalog.CourseFilter())
        for number in range(max(0, 5 - len(shipped))):
            folder = extra / f"bench-course-{number}"
            (folder / "lessons").mkdir(parents=True)
            items = "".join(f"      - lesson: lesson-{i}\n" for i in range(6))
            for i in range(6):
                (folder / "lessons" / f"lesson-{i}.md").write_text(
                    f"---\ntitle: Lesson {i}\n---\n" + ("Some text with `code`. " * 120) + "\n")
            (folder / "course.yaml").write_text(
                f"title: Bench course {number}\nsummary: Padding.\nlanguage: en\naudiences: [adult]\n"
                f"track: bench\nlevel: beginner\nestimated_hours: 2\nstatus: published\n"
                f"modules:\n  - slug: m\n    title: M\n    items:\n{items}")
        if extra.exists():
            content.import_courses(extra)
        user = accounts.create_user(username=USERNAME, password=PASSWORD, display_name="Bench",
                                    audience="adult", email="bench@example.org")
        courses = catalog.list_courses(catalog.CourseFilter())[:5]
        for course in courses:
            enrollment = learning.enrol(user, course)
            first = catalog.live_items(course)[0]
            learning.open_item(enrollment, first)
        db.session.commit()
        lesson = catalog.live_items(courses[0])[0]
        return [courses[0].slug, lesson.slug]


def login(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = body.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"csrf_token": token, "login": USERNAME, "password": PASSWORD})
    connection.request("POST", "/login", body=form, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";", 1)[0]


def hammer(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[float, float, int]:
    """(requests per second, p95 latency in ms, requests made) over ``seconds``."""
    latencies: list[float] = []
    errors: list[int] = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "en"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(response.status)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{path}: {len(errors)} responses were not 200 (first: {errors[0]})")
    p95 = statistics.quantiles(latencies, n=20)[18] * 1000
    return len(latencies) / elapsed, p95, len(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--record", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    course_slug, lesson_slug = prepare(instance)
    port = free_port()
    env = {**os.environ, "LMS_INSTANCE_PATH": str(instance), "LMS_LOGIN_RATE_LIMIT": "1000 per minute"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "bench.bench_app:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = login(port)
        pages = [
            ("bare Flask endpoint (baseline)", "/bench/bare"),
            ("for reference: account page (session user, one small form, no writes)", "/account"),
            ("catalogue", "/courses"),
            ("lesson page", f"/courses/{course_slug}/learn/{lesson_slug}"),
            ("dashboard, 5 enrolments", "/my"),
        ]
        for _, path in pages:  # warm every worker
            hammer(port, path, cookie, 1, args.concurrency)
        rows = []
        baseline = None
        for name, path in pages:
            rps, p95, count = hammer(port, path, cookie, args.seconds, args.concurrency)
            baseline = baseline or rps
            rows.append((name, path, rps, p95, rps / baseline, count))
    finally:
        server.terminate()
        server.wait(timeout=10)

    table = ["| page | requests/s | p95 latency | throughput vs bare | requests |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name, path, rps, p95, ratio, count in rows:
        table.append(f"| {name} (`{path}`) | {rps:.0f} | {p95:.1f} ms | {ratio:.2f} | {count} |")
    setup = (f"gunicorn gthread, {args.workers} workers × {args.threads} threads, SQLite; "
             f"{args.concurrency} concurrent clients on the same machine for {args.seconds:g} s per page. "
             "The lesson page records an `experienced` statement on every view (a write per request). "
             "Target: lesson page at least 0.30 of the bare endpoint's throughput.")
    output = "\n".join(table)
    print(output)
    print(setup)
    lesson_ratio = rows[3][4]
    print(f"lesson page / bare = {lesson_ratio:.2f} (target 0.30): {'met' if lesson_ratio >= 0.30 else 'NOT met'}")
    if args.record:
        record("pages", f"## Pages (`bench/pages.py`)\n\n{setup}\n\n{output}")


if __name__ == "__main__":
    main()
