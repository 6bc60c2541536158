"""Other users' page latency while hostile learners keep endless loops in the graders: p95
of /healthz and of a lesson page (another signed-in learner, who records an `experienced`
statement per view) on an idle server, then with 8 hostile learners each keeping an
endless-loop submission in flight and one more learner firing 6 submits at once (the first
is queued, the other five refused), as a ratio in one run.

The setup is the README's production one, on this machine: PostgreSQL, gunicorn (gthread),
Redis for the grading queue and the rate-limit counters, and `flask exercises grader`
processes at a lower CPU priority. With ``--before REV`` the same load is also run against
that git revision exported to a temporary folder (grading inside the web request, as before
grading jobs), for contrast.

    .venv/bin/python -m bench.hostile_grading [--seconds 10] [--graders 2] [--before REV] [--record]

PostgreSQL: LMS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/lms_bench_hostile,
recreated; ``--before`` uses the same name with ``_before``). Redis: LMS_BENCH_REDIS_URL
(default redis://127.0.0.1:6379/3, flushed).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.pages import free_port
from bench.record import record

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password"
COURSE = "js-fundamentals"
LESSON = f"/courses/{COURSE}/learn/values-and-types"
EXERCISE = f"/courses/{COURSE}/learn/price-with-vat"
ENDLESS = "export function priceWithVat(price) {\n  while (true) {}\n}\n"
RIGHT = "export function priceWithVat(price) {\n  return Math.round(price * 1.21 * 100) / 100;\n}\n"
# Busy for about half a second of CPU per call, then wrong: within the time limit, so the
# grader's V8 worker is kept (an endless loop's is replaced after its time-out).
BUSY = ("export function priceWithVat(price) {\n  let x = 0;\n  for (let i = 0; i < 2e8; i++) { x += i % 7; }\n"
        "  return x;\n}\n")
HOSTILE, EAGER_TRIES = 8, 6
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

USERS_SCRIPT = """
import sys
from lms import create_app
from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.extensions import db
from lms.learning import services as learning

app = create_app()
with app.app_context():
    course = catalog.get_course(sys.argv[1])
    for name in sys.argv[2:]:
        user = accounts.create_user(username=name, password=%r, display_name=name, audience="adult",
                                    email=name + "@example.org")
        learning.enrol(user, course)
    db.session.commit()
""" % PASSWORD


def reset_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class Session:
    """One signed-in browser: a cookie, a CSRF token, a kept-alive connection."""

    def __init__(self, port: int, username: str):
        self.port, self.username = port, username
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = ""
        body = self.call("GET", "/login")[1]
        form = {"csrf_token": TOKEN.search(body).group(1), "login": username, "password": PASSWORD}
        status, _ = self.call("POST", "/login", form)
        assert status == 302, (username, status)

    def call(self, method: str, path: str, form: dict | None = None, json: bool = False) -> tuple[int, str]:
        headers = {"Accept-Language": "en"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if json:
            headers["Accept"] = "application/json"
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return response.status, text

    def token(self) -> str:
        return TOKEN.search(self.call("GET", EXERCISE)[1]).group(1)


@dataclass
class Tally:
    """What the learners who grade saw while the hostile load was on."""

    accepted: int = 0
    refused: int = 0
    other: list[int] = field(default_factory=list)
    eager_rounds: list[tuple[int, int]] = field(default_factory=list)  # (accepted, refused) per burst of 6
    honest: dict[bool, list[float]] = field(default_factory=lambda: {False: [], True: []})  # load on: seconds
    lock: threading.Lock = field(default_factory=threading.Lock)


class Load:
    """The hostile learners, switched on and off between measurement slices; ``busy``
    counts those whose grading (or request) is still going."""

    def __init__(self) -> None:
        self.on = threading.Event()
        self.done = threading.Event()
        self.busy = 0
        self.lock = threading.Lock()
        self.tally = Tally()

    def going(self, delta: int) -> None:
        with self.lock:
            self.busy += delta

    def turn(self) -> bool:
        """Wait until the load is on (True), or the run is over (False)."""
        while not self.done.is_set():
            if self.on.wait(0.2):
                return True
        return False


def submit(session: Session, token: str, code: str, action: str = "submit") -> tuple[int, str]:
    return session.call("POST", f"{EXERCISE}/{action}", {"csrf_token": token, "code": code}, json=True)


def wait_graded(session: Session, answer: str) -> bool:
    """Ask a queued grading's status until it is finished, as often as the answer says (as
    exercise.js does)."""
    url = re.search(r'"status_url":\s*"([^"]+)"', answer).group(1)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status, body = session.call("GET", url, json=True)
        if status == 429:
            time.sleep(5)
            continue
        found = re.search(r'"poll_after_ms":\s*(\d+)', body)
        if status != 200 or found is None:
            return status == 200
        time.sleep(int(found.group(1)) / 1000)
    return False


def hostile(session: Session, load: Load, code: str) -> None:
    """A learner who keeps an endless loop in the graders while the load is on."""
    token = session.token()
    while load.turn():
        load.going(1)
        try:
            status, answer = submit(session, token, code)
            with load.tally.lock:
                if status in (200, 202):
                    load.tally.accepted += 1
                elif status == 409:
                    load.tally.refused += 1
                else:
                    load.tally.other.append(status)
            if status == 202:
                wait_graded(session, answer)
            elif status != 200:
                time.sleep(0.5)
        finally:
            load.going(-1)


def eager(sessions: list[Session], load: Load, code: str) -> None:
    """One learner (six tabs) firing six endless-loop submits at once, again when they are done."""
    tokens = [session.token() for session in sessions]
    while load.turn():
        load.going(1)
        try:
            answers: list[tuple[int, str]] = [(0, "")] * len(sessions)

            def fire(n: int, answers=answers) -> None:
                answers[n] = submit(sessions[n], tokens[n], code)

            threads = [threading.Thread(target=fire, args=(n,)) for n in range(len(sessions))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            codes = [status for status, _ in answers]
            with load.tally.lock:
                load.tally.eager_rounds.append((sum(c in (200, 202) for c in codes), codes.count(409)))
            queued = [(sessions[n], answer) for n, (status, answer) in enumerate(answers) if status == 202]
            for session, answer in queued:
                wait_graded(session, answer)
            if not queued and 200 not in codes:
                time.sleep(0.5)
        finally:
            load.going(-1)


def honest(session: Session, load: Load) -> None:
    """A learner running correct code every few seconds, load or not: how long results take."""
    token = session.token()
    while not load.done.is_set():
        loaded = load.on.is_set()
        began = time.monotonic()
        status, answer = submit(session, token, RIGHT, action="run")
        if status == 202:
            wait_graded(session, answer)
        if status in (200, 202):  # counted under the load if it was asked for under it
            with load.tally.lock:
                load.tally.honest[loaded].append(time.monotonic() - began)
        time.sleep(2)


def page_latencies(port: int, path: str, cookie: str, stop: float, pause: float, out: list[float],
                   errors: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.monotonic() < stop:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "en"})
        response = connection.getresponse()
        response.read()
        out.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        time.sleep(pause)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000


@dataclass
class Phase:
    healthz: list[float] = field(default_factory=list)
    lesson: list[float] = field(default_factory=list)
    in_flight: list[int] = field(default_factory=list)


def measure(port: int, reader: Session, seconds: float, clients: int, pause: float, phase: Phase,
            count_in_flight=None) -> None:
    """Page latencies for ``seconds``, added to ``phase``."""
    stop = time.monotonic() + seconds
    errors: list[int] = []
    pages = [threading.Thread(target=page_latencies, args=(port, path, reader.cookie, stop, pause, out, errors))
             for path, out in (("/healthz", phase.healthz), (LESSON, phase.lesson)) for _ in range(clients)]
    for thread in pages:
        thread.start()
    while time.monotonic() < stop:
        if count_in_flight is not None:
            phase.in_flight.append(count_in_flight())
        time.sleep(1)
    for thread in pages:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} page requests were not 200 (first: {errors[0]})")


class Platform:
    """The production setup from ``tree``: migrations, courses, accounts, gunicorn, graders."""

    def __init__(self, tree: Path, database_url: str, redis_url: str, args, graders: int):
        self.tree, self.args = tree, args
        instance = tempfile.mkdtemp(prefix="lms-bench-")
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
        self.env.update(PYTHONPATH=str(tree), LMS_INSTANCE_PATH=instance, LMS_DATABASE_URL=database_url,
                        LMS_SECRET_KEY="bench-secret", LMS_RATELIMIT_STORAGE_URL=redis_url,
                        LMS_GRADING_QUEUE_URL=redis_url, LMS_LOGIN_RATE_LIMIT="1000 per minute",
                        LMS_EXERCISE_RATE_LIMIT="1000 per minute", FLASK_APP="wsgi")
        reset_database(database_url)
        import redis

        store = redis.Redis.from_url(redis_url)
        store.flushdb()
        store.close()
        self.flask("lms", "init")
        self.flask("courses", "import")
        names = ["reader", "honest", "eager"] + [f"hostile-{n}" for n in range(HOSTILE)]
        subprocess.run([sys.executable, "-c", USERS_SCRIPT, COURSE, *names], cwd=tree, env=self.env, check=True)
        self.port = free_port()
        self.processes = [subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(args.workers),
             "--threads", str(args.threads), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "wsgi:app"], cwd=tree, env=self.env)]
        command = [sys.executable, "-m", "flask", "exercises", "grader", "--nice", str(args.nice),
                   "--log-level", "WARNING"] + ([] if args.idle else ["--no-idle"])
        self.graders = [subprocess.Popen(command, cwd=tree, env=self.env) for _ in range(graders)]
        self.processes += self.graders
        self.database_url = database_url
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self) -> None:
        for _ in range(300):
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            try:
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer /healthz within 30 s")
        time.sleep(3)  # the graders warm their V8 worker

    def flask(self, *command: str) -> None:
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=self.tree, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    def in_flight(self) -> int:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute("SELECT count(*) FROM grading_job WHERE state IN ('queued', 'running')"
                                      ).fetchone()[0]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(tree: Path, database_url: str, redis_url: str, args, graders: int, queued: bool
        ) -> tuple[Phase, Phase, Tally]:
    """Alternating slices, idle then under the hostile load, ``args.rounds`` times, so both
    see the same machine (other work on it comes and goes)."""
    platform = Platform(tree, database_url, redis_url, args, graders)
    load = Load()
    threads: list[threading.Thread] = []
    idle, busy = Phase(), Phase()
    try:
        reader = Session(platform.port, "reader")
        for path in ("/healthz", LESSON):  # warm every web worker
            for _ in range(20):
                reader.call("GET", path)
        sessions = [Session(platform.port, f"hostile-{n}") for n in range(HOSTILE)]
        eager_tabs = [Session(platform.port, "eager") for _ in range(EAGER_TRIES)]
        code = {"endless": ENDLESS, "busy": BUSY, "quick": RIGHT}[args.hostile_code]
        threads = [threading.Thread(target=hostile, args=(session, load, code)) for session in sessions]
        threads.append(threading.Thread(target=eager, args=(eager_tabs, load, code)))
        threads.append(threading.Thread(target=honest, args=(Session(platform.port, "honest"), load)))
        for thread in threads:
            thread.start()
        for round_ in range(1, args.rounds + 1):
            settle = time.monotonic() + 120
            while (load.busy or (queued and platform.in_flight())) and time.monotonic() < settle:
                time.sleep(0.5)  # the last slice's gradings are done: the server is idle again
            print(f"{tree}: round {round_}, idle", flush=True)
            measure(platform.port, reader, args.seconds, args.clients, args.pause, idle)
            if not args.control:
                load.on.set()
            time.sleep(args.warmup)  # every hostile learner has a grading in flight
            print(f"{tree}: round {round_}, hostile load", flush=True)
            measure(platform.port, reader, args.seconds, args.clients, args.pause, busy,
                    platform.in_flight if queued else None)
            load.on.clear()
    finally:
        load.on.clear()
        load.done.set()
        for thread in threads:
            thread.join(timeout=180)
        platform.stop()
    return idle, busy, load.tally


def export(revision: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="lms-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def rows(name: str, idle: Phase, busy: Phase) -> tuple[list[str], dict]:
    figures = {}
    lines = []
    for page, label in (("healthz", "`/healthz`"), ("lesson", "lesson page (another learner)")):
        a, b = p95(getattr(idle, page)), p95(getattr(busy, page))
        figures[page] = b / a
        lines.append(f"| {name} | {label} | {a:.1f} ms | {b:.1f} ms | {b / a:.2f}× | "
                     f"{len(getattr(idle, page))} / {len(getattr(busy, page))} |")
    return lines, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10, help="seconds of page measurements per slice")
    parser.add_argument("--rounds", type=int, default=3, help="idle and hostile slices, alternating")
    parser.add_argument("--warmup", type=float, default=3, help="seconds for the hostile load to fill the graders")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--graders", type=int, default=os.cpu_count() or 2, help="flask exercises grader processes")
    parser.add_argument("--nice", type=int, default=10, help="the graders' niceness")
    parser.add_argument("--no-idle", dest="idle", action="store_false",
                        help="graders at their niceness only, not under SCHED_IDLE (flask exercises grader --no-idle)")
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients per measured page")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds each page client waits between requests")
    parser.add_argument("--before", help="also run the same load against this git revision (grading in the request)")
    parser.add_argument("--control", action="store_true",
                        help="never switch the hostile load on: how far apart two idle slices are on this machine")
    parser.add_argument("--hostile-code", choices=("endless", "busy", "quick"), default="endless",
                        help="busy: half a second of CPU per test, no time-out; quick: correct code (what the "
                             "requests and writes alone cost)")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    database_url = os.environ.get("LMS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/lms_bench_hostile")
    redis_url = os.environ.get("LMS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    load_before = os.getloadavg()[0]

    results = [("grading jobs", *run(ROOT, database_url, redis_url, args, args.graders, queued=True))]
    if args.before:
        tree = export(args.before)
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.before], check=True,
                                capture_output=True, text=True).stdout.strip()
        label = f"`{commit}`" if args.before.startswith(commit) else f"`{args.before}` at {commit}"
        results.append((f"before ({label}, grading in the request)",
                        *run(tree, database_url + "_before", redis_url, args, 0, queued=False)))

    table = ["| setup | page | p95 idle | p95 with hostile load | ratio | requests (idle / hostile) |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    verdicts = []
    notes = []
    for name, idle, busy, tally in results:
        lines, figures = rows(name, idle, busy)
        table += lines
        worst = max(figures.values())
        verdicts.append(f"{name}: worst p95 ratio {worst:.2f}× (target ≤ 1.5×: {'met' if worst <= 1.5 else 'NOT met'})")
        bursts = tally.eager_rounds
        eager_text = (", ".join(f"{a} accepted / {r} refused" for a, r in bursts[:3]) + (" …" if len(bursts) > 3 else "")
                      if bursts else "none finished")
        flight = (f"; gradings queued or running during the hostile slices (sampled each second): median "
                  f"{statistics.median(busy.in_flight):.0f}, max {max(busy.in_flight)}" if busy.in_flight else "")
        honest_idle, honest_busy = (statistics.median(tally.honest[on]) if tally.honest[on] else float("nan")
                                    for on in (False, True))
        notes.append(f"{name}: hostile submits accepted {tally.accepted}, refused {tally.refused}"
                     f"{', other answers ' + str(sorted(set(tally.other))) if tally.other else ''}; "
                     f"the eager learner's bursts of {EAGER_TRIES}: {eager_text}{flight}; an honest learner's "
                     f"correct run took {honest_idle:.1f} s to its result idle and {honest_busy:.1f} s under the "
                     f"load (medians)")
    load = (f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
            f"on {os.cpu_count()} cores shared with other work")
    setup = (f"The README's production setup on one machine: PostgreSQL; gunicorn gthread, {args.workers} workers × "
             f"{args.threads} threads; {args.graders} `flask exercises grader` processes at nice {args.nice}"
             f"{' and under SCHED_IDLE' if args.idle else ' only (`--no-idle`)'} (one V8 "
             f"worker each) fed through Redis (RQ), which also holds the rate-limit counters. Pages: {args.clients} "
             f"clients on `/healthz` and {args.clients} on a lesson page of another signed-in learner (each view "
             f"records a statement), each waiting {args.pause * 1000:.0f} ms between requests; {args.rounds} rounds of "
             f"{args.seconds:g} s idle (once the last round's gradings are done), then {args.seconds:g} s with the "
             f"hostile load running ({args.warmup:g} s after it started): "
             f"{HOSTILE} learners each keeping an endless-loop submission (`while (true) {{}}`, time limit 2 s) in flight, "
             f"resubmitting as soon as the last is graded, and one more learner firing {EAGER_TRIES} submits at once "
             f"(again when done). Target: p95 with the load within 1.5× of idle.")
    if args.before:
        setup += (f" The contrast runs the same load against `{args.before}` exported from git, where the web "
                  f"request grades the code in its own process's V8 pool (no grader processes).")
    print("\n".join(table))
    print("\n".join(verdicts))
    print("\n".join(notes))
    print(load)
    if args.record:
        name, title = ("hostile-grading", "") if args.idle else ("hostile-grading-nice", " (graders niced only)")
        record(name, f"## Pages while hostile code is graded{title} (`bench/hostile_grading.py`)\n\n{setup}\n\n"
               + "\n".join(table) + "\n\n" + "\n".join(f"- {line}." for line in verdicts + notes)
               + f"\n- Machine: {load}.")


if __name__ == "__main__":
    main()
