"""The production backend: gradings wait in Redis and separate ``flask exercises grader``
processes serve them, at a lower CPU priority than the web. These tests start real grader
processes against a real Redis (``LMS_TEST_REDIS_URL``; they skip without it, and fail
instead with ``LMS_REQUIRE_REDIS=1``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from rq import Queue, Worker

from lms.config import REPO_ROOT
from lms.content import services as content
from lms.exercises.models import ExerciseSubmission, GradingJob
from lms.extensions import db
from tests import factories
from tests.conftest import FIXTURE_COURSES
from tests.exercises.conftest import ENDLESS, JSON, PAGE, RIGHT_SUM, WRONG_SUM, graded, status, wait_for


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LMS_REQUIRE_REDIS") == "1":
            pytest.fail("LMS_REQUIRE_REDIS=1 but LMS_TEST_REDIS_URL is not set")
        pytest.skip("set LMS_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test the Redis grading queue")
    return url


def learner_of(app):
    """A learner enrolled in code-practice, signed in on a client of ``app``."""
    with app.app_context():
        content.import_courses(FIXTURE_COURSES)
        factories.make_user("ann")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"login": "ann", "password": factories.PASSWORD}).status_code == 302
    assert client.post("/courses/code-practice/enrol").status_code == 302
    return client


@pytest.fixture
def queued(make_app, redis_url):
    """An app whose gradings go to a queue of their own in the test Redis (removed after)."""
    name = f"test-grading-{uuid.uuid4()}"
    app = make_app(LMS_GRADING_QUEUE_URL=redis_url, LMS_GRADING_QUEUE_NAME=name)
    yield app
    store = redis.Redis.from_url(redis_url)
    queue = Queue(name, connection=store)
    for worker in Worker.all(queue=queue):  # graders killed by a test stay registered
        worker.register_death()
        store.delete(worker.key)
    jobs = {*queue.job_ids, *queue.started_job_registry.get_job_ids(), *queue.failed_job_registry.get_job_ids()}
    keys = {*store.scan_iter(f"*{name}*"), *(key for job in jobs for key in store.scan_iter(f"rq:*{job}*"))}
    if keys:
        store.delete(*keys)
    store.srem("rq:queues", queue.key)
    store.close()


@pytest.fixture
def graders(queued, database_url, tmp_path):
    """``start()`` runs ``flask exercises grader`` as its own process, with only the
    settings a grader machine would have; every grader still running is stopped after."""
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
        env.update(PYTHONPATH=str(REPO_ROOT), LMS_INSTANCE_PATH=str(tmp_path / "grader"),
                   LMS_DATABASE_URL=database_url, LMS_SECRET_KEY="grader-secret",
                   LMS_GRADING_QUEUE_URL=queued.config["LMS_GRADING_QUEUE_URL"],
                   LMS_GRADING_QUEUE_NAME=queued.config["LMS_GRADING_QUEUE_NAME"])
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "exercises", "grader",
                                    "--log-level", "WARNING"], cwd=REPO_ROOT, env=env)
        started.append(process)
        # Ready when it listens on the queue (after its V8 worker has started).
        store = redis.Redis.from_url(queued.config["LMS_GRADING_QUEUE_URL"])
        queue = Queue(queued.config["LMS_GRADING_QUEUE_NAME"], connection=store)
        deadline = time.monotonic() + 60
        while all(worker.pid != process.pid for worker in Worker.all(queue=queue)) and process.poll() is None:
            assert time.monotonic() < deadline, "the grader did not start listening within 60 s"
            time.sleep(0.1)
        store.close()
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def niceness(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of proc(5), counted after the command name


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_a_grader_process_grades_what_the_web_queued_in_redis(queued, graders):
    """Runs and submits wait in Redis until a grader process takes them (the web process
    grades nothing itself); the grader and its V8 worker run at a lower CPU priority; the
    learner sees the results as with the embedded default, and a submission counts."""
    client = learner_of(queued)
    run = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON)
    assert run.status_code == 202
    store = redis.Redis.from_url(queued.config["LMS_GRADING_QUEUE_URL"])
    assert Queue(queued.config["LMS_GRADING_QUEUE_NAME"], connection=store).count == 1
    time.sleep(1)
    assert status(client, run.get_json()["status_url"])["state"] == "queued"  # nobody in the web process grades it

    grader = graders()
    body = graded(client, run)
    assert body["state"] == "done" and (body["passed"], body["total"]) == (1, 2)
    assert "expected 3 to be 6" in body["html"]
    workers = children(grader.pid)
    assert workers and all(niceness(pid) >= 10 for pid in [grader.pid, *workers])
    assert all(os.sched_getscheduler(pid) == os.SCHED_IDLE for pid in [grader.pid, *workers])

    submitted = graded(client, client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}, headers=JSON))
    assert submitted["all_passed"] is True and submitted["progress"] == 33 and submitted["done"] is True
    with queued.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseSubmission)) == 1
    assert Queue(queued.config["LMS_GRADING_QUEUE_NAME"], connection=store).count == 0
    store.close()
    grader.send_signal(signal.SIGTERM)  # a warm shutdown: the grader ends when idle
    assert grader.wait(timeout=20) == 0


def test_a_grader_killed_mid_grading_does_not_block_the_learner(queued, graders):
    """A grader process killed while it runs a learner's code: after LMS_GRADING_TIMEOUT the
    learner reads that it could not be graded, nothing was counted, and the next grader
    serves their next run."""
    queued.config["LMS_GRADING_TIMEOUT"] = 8
    client = learner_of(queued)
    grader = graders()
    submit = client.post(f"{PAGE}/submit", data={"code": ENDLESS}, headers=JSON)
    url = submit.get_json()["status_url"]
    deadline = time.monotonic() + 60
    while status(client, url)["state"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.25)
    assert status(client, url)["state"] == "running"
    grader.kill()
    grader.wait()
    assert client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON).status_code == 409  # still in flight
    body = wait_for(client, url, timeout_s=30)
    assert body["state"] == "failed" and "could not be graded in time" in body["error"]
    with queued.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseSubmission)) == 0
    run = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON)
    graders()
    assert graded(client, run)["state"] == "done"


def test_an_unreachable_queue_is_told_and_does_not_block_the_learner(make_app):
    """With Redis down, run and submit answer 503 with a message, every time (the failed
    grading does not count as one in flight)."""
    app = make_app(LMS_GRADING_QUEUE_URL="redis://127.0.0.1:9/0")  # nothing listens on port 9
    client = learner_of(app)
    for action in ("run", "submit"):
        response = client.post(f"{PAGE}/{action}", data={"code": WRONG_SUM}, headers=JSON)
        assert response.status_code == 503
        assert response.get_json()["error"] == ("The grader cannot be reached right now. Nothing was counted; "
                                                "please try again in a minute.")
    page = client.post(f"{PAGE}/run", data={"code": WRONG_SUM})
    assert page.status_code == 503 and "The grader cannot be reached right now." in page.get_data(as_text=True)
    with app.app_context():
        assert set(db.session.scalars(sa.select(GradingJob.state))) == {"failed"}


def test_the_grader_command_needs_a_queue(app):
    """Started without LMS_GRADING_QUEUE_URL, the grader says why it has nothing to serve."""
    result = app.test_cli_runner().invoke(args=["exercises", "grader"])
    assert result.exit_code != 0
    assert "LMS_GRADING_QUEUE_URL is not set" in result.output
