"""Statements per second posted to an LRS (one at a time and in batches of 100, by 1 and 4
clients) and the latency of filtered reads (agent, verb, activity, since; limit 100),
for this platform (gunicorn, PostgreSQL) and Ralph 5.1.0 (file-system backend) on the
same machine in the same run.

    .venv/bin/python -m bench.lrs_ingest [--stored 50000] [--seconds 5] [--record]
    .venv/bin/python -m bench.lrs_ingest --flatness [--sizes 10000,1000000] [--record]

``--flatness`` measures this platform alone as its store grows (10 thousand, then 1
million statements): the store is filled through ``lms.xapi.services.record`` itself, in
batches of 1,000 in one process (so the rows, index rows and activity definitions are
exactly what a POST stores, only without HTTP), then ingestion and reads are measured over
HTTP as above. The store grows as a programme's would, by more learners: each filled
learner has 100 statements over 100 of 200 activities.

Ralph's 5.1.0 file-system backend refuses a second write to its one file unless it
appends; it is started (from the virtualenv tests/xapi/ralph_env.py builds) through tests/xapi/ralph_server.py, which sets APPEND as its write
mode. PostgreSQL: LMS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/lms_bench,
recreated).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from pathlib import Path

from bench.record import record

ROOT = Path(__file__).resolve().parent.parent
VERBS = [f"http://adlnet.gov/expapi/verbs/{v}" for v in ("experienced", "completed", "answered", "passed")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def make_statement(n: int, learner: str | None = None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{learner or f'learner{n % 500}'}@example.org"},
        "verb": {"id": VERBS[n % len(VERBS)], "display": {"en-US": "did"}},
        "object": {"objectType": "Activity", "id": f"https://vr-lab.example/activities/{n % 200}",
                   "definition": {"name": {"en-US": f"Activity {n % 200}"}}},
        "timestamp": datetime.now(timezone.utc).isoformat(),
    }


class Client:
    def __init__(self, port: int, prefix: str, auth: str) -> None:
        self.port, self.prefix = port, prefix
        self.headers = {"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3",
                        "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            try:
                self.connection.request(method, self.prefix + path, body=data, headers=self.headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError


def post_rate(make_client, batch: int, clients: int, seconds: float) -> tuple[float, float, float]:
    """(statements per second, p50 ms, p95 ms) of POST requests for ``seconds``."""
    latencies, counts, errors = [], [0] * clients, []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def work(index):
        client = make_client()
        mine, n = [], index * 10_000_000
        while time.monotonic() < stop:
            body = [make_statement(n + i) for i in range(batch)] if batch > 1 else make_statement(n)
            n += batch
            started = time.perf_counter()
            status, answer = client.call("POST", "/statements", body)
            mine.append(time.perf_counter() - started)
            if status != 200:
                errors.append((status, answer[:200]))
                return
            counts[index] += batch
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"POST failed: {errors[0]}")
    elapsed = time.perf_counter() - began
    return sum(counts) / elapsed, statistics.median(latencies) * 1000, statistics.quantiles(latencies, n=20)[18] * 1000


def fill(make_client, total: int) -> None:
    """Top the store up to about ``total`` statements with batches of 500."""
    client = make_client()
    status, body = client.call("GET", "/statements?limit=1")
    for start in range(0, total, 500):
        status, answer = client.call("POST", "/statements", [make_statement(start + i) for i in range(500)])
        if status != 200:
            raise SystemExit(f"filling failed: {status} {answer[:200]}")


def read_latency(make_client, rounds: int) -> tuple[float, float]:
    client = make_client()
    since = datetime(2020, 1, 1, tzinfo=timezone.utc).isoformat()
    latencies = []
    for n in range(rounds):
        query = urllib.parse.urlencode({
            "agent": json.dumps({"mbox": f"mailto:learner{n % 500}@example.org"}),
            "verb": VERBS[n % len(VERBS)], "activity": f"https://vr-lab.example/activities/{(n * 7) % 200}",
            "since": since, "limit": 100})
        started = time.perf_counter()
        status, answer = client.call("GET", f"/statements?{query}")
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"GET failed: {status} {answer[:200]}")
    return statistics.median(latencies) * 1000, statistics.quantiles(latencies, n=20)[18] * 1000


# gunicorn: 4 workers on 2 cores (each request waits on its commit's fsync), gthread so
# that a client keeps its connection (sync workers close it after every request).
WORKERS = 4
GUNICORN = ["--workers", str(WORKERS), "--worker-class", "gthread", "--threads", "1"]


def start_platform(database_url: str, instance: str | None = None) -> tuple[subprocess.Popen, int, str]:
    instance = instance or tempfile.mkdtemp(prefix="lms-bench-")
    env = {**os.environ, "LMS_INSTANCE_PATH": instance, "LMS_DATABASE_URL": database_url, "FLASK_APP": "wsgi"}
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["lms", "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    issued = subprocess.run(flask + ["xapi", "issue-credential", "bench", "--scope", "all"], env=env, cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    key = issued.split("key:")[1].split()[0]
    secret = issued.split("secret:")[1].split()[0]
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}",
                                "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT)
    wait_for(port, "/xapi/about")
    return process, port, base64.b64encode(f"{key}:{secret}".encode()).decode()


def start_ralph() -> tuple[subprocess.Popen, int, str]:
    folder = Path(tempfile.mkdtemp(prefix="ralph-bench-"))
    (folder / "data").mkdir()
    env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_APP_DIR": str(folder / "app"),
           "RALPH_AUTH_FILE": str(folder / "auth.json")}
    # Ralph's own virtualenv, the one the forwarding tests build (its pins stay out of ours).
    from tests.xapi.ralph_env import ralph_python

    python = str(ralph_python())
    subprocess.run([python, "-m", "ralph", "auth", "-u", "bench", "-p", "bench", "-s", "all",
                    "-M", "mailto:bench@example.org", "-w"], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([python, str(ROOT / "tests" / "xapi" / "ralph_server.py"), str(port),
                                str(folder / "data")], env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, "/__heartbeat__")
    return process, port, base64.b64encode(b"bench:bench").decode()


def reset_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def filled_statement(n: int) -> dict:
    """The n-th statement of the flatness fill: learner n // 100, 100 statements each."""
    return make_statement(n, learner=f"visitor{n // 100}")


def bulk_fill(app, key: str, start: int, end: int, batch: int = 1000) -> float:
    """Statements start..end through the one door, a commit per batch; statements/s."""
    from lms.extensions import db
    from lms.xapi import credentials, services
    from lms.xapi.models import Credential

    import sqlalchemy as sa

    began = time.perf_counter()
    with app.app_context():
        authority = credentials.authority(db.session.scalar(sa.select(Credential).where(Credential.key == key)))
        for first in range(start, end, batch):
            services.record([filled_statement(n) for n in range(first, min(first + batch, end))],
                            authority=authority)
            db.session.commit()
    return (end - start) / (time.perf_counter() - began)


def filled_read_latency(make_client, stored: int, rounds: int, agent_only: bool) -> tuple[float, float]:
    client = make_client()
    since = datetime(2020, 1, 1, tzinfo=timezone.utc).isoformat()
    latencies = []
    step = max(1, stored // rounds)
    for r in range(rounds):
        n = (r * step + 37) % stored
        query = {"agent": json.dumps({"mbox": f"mailto:visitor{n // 100}@example.org"}), "limit": 100}
        if not agent_only:
            query.update(verb=VERBS[n % len(VERBS)], activity=f"https://vr-lab.example/activities/{n % 200}",
                         since=since)
        started = time.perf_counter()
        status, answer = client.call("GET", f"/statements?{urllib.parse.urlencode(query)}")
        latencies.append(time.perf_counter() - started)
        if status != 200 or not json.loads(answer)["statements"]:
            raise SystemExit(f"GET failed or found nothing: {status} {answer[:200]}")
    return statistics.median(latencies) * 1000, statistics.quantiles(latencies, n=20)[18] * 1000


def _rate(figures: tuple) -> str:
    """A POST measurement's table cell: statements per second (p95 ms)."""
    return f"{figures[0]:,.0f} ({figures[2]:.0f})"


def _latency(figures: tuple) -> str:
    """A read measurement's table cell: p50 (p95, or max) ms."""
    return f"{figures[0]:.1f} ({figures[1]:.1f})"


def actor_list_latency(app, rounds: int = 7) -> tuple[float, float]:
    """The admin's list of external actors (first page, with counts), timed in process: p50, max ms."""
    from lms.xapi import services

    latencies = []
    with app.test_request_context():
        for _ in range(rounds):
            started = time.perf_counter()
            actors, total = services.external_actors()
            latencies.append(time.perf_counter() - started)
            if not actors:
                raise SystemExit("the actor list is empty")
    return statistics.median(latencies) * 1000, max(latencies) * 1000


def flatness(database_url: str, sizes: list[int], seconds: float, reads: int) -> tuple[str, str]:
    import psycopg

    reset_database(database_url)
    instance = tempfile.mkdtemp(prefix="lms-bench-")
    process, port, auth = start_platform(database_url, instance)
    os.environ.update(LMS_INSTANCE_PATH=instance, LMS_DATABASE_URL=database_url)
    from lms import create_app

    app = create_app()
    key = base64.b64decode(auth).decode().split(":")[0]
    plain_url = database_url.replace("postgresql+psycopg://", "postgresql://")
    rows, filled = {}, 0
    try:
        make_client = lambda: Client(port, "/xapi", auth)  # noqa: E731
        for size in sizes:
            rate = bulk_fill(app, key, filled, size)
            filled = size
            with psycopg.connect(plain_url, autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
                # The bulk load's dirty pages written out now, not by a checkpoint that
                # would land in the middle of the measurements (it cost single POSTs a third).
                connection.execute("CHECKPOINT")
                total = connection.execute("SELECT count(*) FROM xapi_statement").fetchone()[0]
            print(f"filled to {total:,} statements ({rate:,.0f}/s through record())", flush=True)
            rows[size] = {
                "single": post_rate(make_client, 1, 1, seconds),
                "batch": post_rate(make_client, 100, 1, seconds),
                "read": filled_read_latency(make_client, filled, reads, agent_only=False),
                "agent": filled_read_latency(make_client, filled, reads, agent_only=True),
                "actors": actor_list_latency(app),
                "total": total,
            }
    finally:
        process.terminate()
        process.wait(timeout=20)
    small, large = rows[sizes[0]], rows[sizes[-1]]
    lines = [f"| measurement | at {small['total']:,} stored | at {large['total']:,} stored | ratio | target |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name, label in (("single", "POST single statements, 1 client: statements/s (p95 ms)"),
                        ("batch", "POST batches of 100, 1 client: statements/s (p95 ms)")):
        a, b = small[name], large[name]
        lines.append(f"| {label} | {_rate(a)} | {_rate(b)} | {a[0] / b[0]:.2f}× slower | ≤ 1.5× |")
    for name, label in (("read", "filtered read (agent, verb, activity, since; limit 100): p50 (p95) ms"),
                        ("agent", "one learner's latest 100 (agent; limit 100): p50 (p95) ms")):
        a, b = small[name], large[name]
        lines.append(f"| {label} | {_latency(a)} | {_latency(b)} | {b[0] / a[0]:.2f}× slower | ≤ 1.5× |")
    a, b = small["actors"], large["actors"]
    lines.append(f"| admin's list of external actors, first page, in process: p50 (max) ms | {_latency(a)} | "
                 f"{_latency(b)} | {b[0] / a[0]:.2f}× slower | |")
    setup = (f"This platform alone (gunicorn, {WORKERS} gthread workers × 1 thread, PostgreSQL), {seconds:g} s per POST measurement, "
             f"{reads} reads each. The store was filled through `services.record()` in batches of 1,000 "
             "(the same rows a POST stores, without HTTP), then `VACUUM ANALYZE` and `CHECKPOINT`; every filled learner has "
             "100 statements, so the store grows by learners.")
    return "\n".join(lines), setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--stored", type=int, default=50_000, help="store size for the read test")
    parser.add_argument("--reads", type=int, default=60)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--flatness", action="store_true", help="this platform alone, as the store grows")
    parser.add_argument("--sizes", default="10000,1000000")
    args = parser.parse_args()
    database_url = os.environ.get("LMS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/lms_bench")
    if args.flatness:
        table, setup = flatness(database_url, [int(n) for n in args.sizes.split(",")], args.seconds, args.reads)
        print(table)
        print(setup)
        if args.record:
            record("lrs-flatness", f"## LRS as the store grows (`bench/lrs_ingest.py --flatness`)\n\n{setup}\n\n{table}")
        return
    reset_database(database_url)

    results = {}
    for name, start, prefix in (("this platform", lambda: start_platform(database_url), "/xapi"),
                                ("Ralph 5.1.0", start_ralph, "/xAPI")):
        process, port, auth = start()
        try:
            make_client = lambda port=port, prefix=prefix, auth=auth: Client(port, prefix, auth)  # noqa: E731
            figures = {}
            for batch, clients in ((1, 1), (1, 4), (100, 1), (100, 4)):
                figures[(batch, clients)] = post_rate(make_client, batch, clients, args.seconds)
            fill(make_client, args.stored)
            figures["read"] = read_latency(make_client, args.reads)
            results[name] = figures
        finally:
            process.terminate()
            process.wait(timeout=20)

    ours, ralph = results["this platform"], results["Ralph 5.1.0"]
    lines = ["| measurement | this platform | Ralph 5.1.0 | ratio | target |", "| --- | ---: | ---: | ---: | ---: |"]
    targets = {(1, 1): 10, (1, 4): 10, (100, 1): 3, (100, 4): 3}
    for batch, clients in ((1, 1), (1, 4), (100, 1), (100, 4)):
        a, b = ours[(batch, clients)], ralph[(batch, clients)]
        label = f"POST {'single statements' if batch == 1 else 'batches of 100'}, {clients} client(s): statements/s (p95 ms)"
        lines.append(f"| {label} | {_rate(a)} | {_rate(b)} | {a[0] / b[0]:.1f}× | ≥ {targets[(batch, clients)]}× |")
    a, b = ours["read"], ralph["read"]
    lines.append(f"| filtered read, limit 100, at ~{args.stored:,} stored: p50 (p95) ms | {_latency(a)} | "
                 f"{_latency(b)} | {b[0] / a[0]:.1f}× faster | ≥ 20× |")
    setup = (f"Both on this machine, one after the other in one run; {args.seconds:g} s per POST measurement. "
             f"This platform: gunicorn, {WORKERS} gthread workers × 1 thread, PostgreSQL. Ralph: `ralph-malph[cli,lrs]` 5.1.0, "
             "uvicorn, file-system backend with APPEND writes (its default CREATE refuses a second write). "
             "Reads filter by agent, verb, activity and since at once.")
    table = "\n".join(lines)
    print(table)
    print(setup)
    if args.record:
        record("lrs", f"## LRS ingestion and reads (`bench/lrs_ingest.py`)\n\n{setup}\n\n{table}")


if __name__ == "__main__":
    main()
