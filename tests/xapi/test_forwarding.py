"""Forwarding to a real external LRS: Ralph, started on a free loopback port."""

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.core.clock import utcnow
from lms.extensions import db
from lms.xapi import forwarding, services
from lms.xapi.models import OutboxEntry
from tests.xapi.ralph_env import ralph_python

RALPH_USER, RALPH_PASSWORD = "platform", "forwarding secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Ralph:
    """A Ralph LRS process that the test can stop and start again on the same port."""

    def __init__(self, folder: Path, python: Path) -> None:
        self.folder, self.python, self.port, self.process = folder, python, free_port(), None
        (folder / "data").mkdir(parents=True)
        self.env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_APP_DIR": str(folder / "app"),
                    "RALPH_AUTH_FILE": str(folder / "auth.json")}
        subprocess.run([str(python), "-m", "ralph", "auth", "-u", RALPH_USER, "-p", RALPH_PASSWORD,
                        "-s", "all", "-M", "mailto:platform@example.org", "-w"],
                       env=self.env, check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.python), str(Path(__file__).with_name("ralph_server.py")), str(self.port),
             str(self.folder / "data")],
            env=self.env, cwd=self.folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode()[-2000:]
                self.process.stderr.close()
                raise RuntimeError("Ralph exited: " + error)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("Ralph did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process.stderr.close()
            self.process = None

    def statement_ids(self) -> list[str]:
        """Every statement id in Ralph's store, duplicates included, by reading its file."""
        ids = []
        for path in (self.folder / "data").glob("*"):
            for line in path.read_text().splitlines():
                if line.strip():
                    ids.append(json.loads(line)["id"])
        return ids


@pytest.fixture
def ralph(tmp_path):
    """Ralph from its own virtualenv (tests/xapi/ralph_env.py), never the test environment."""
    server = Ralph(tmp_path / "ralph", ralph_python())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def forwarding_app(make_app, ralph):
    return make_app(LMS_XAPI_FORWARD_URL=ralph.url, LMS_XAPI_FORWARD_USERNAME=RALPH_USER,
                    LMS_XAPI_FORWARD_PASSWORD=RALPH_PASSWORD)


def produce(app, count: int, tag: str) -> list[str]:
    with app.app_context():
        rows = services.record([{
            "actor": {"mbox": "mailto:visitor@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": f"https://vr-lab.example/{tag}/{n}"},
        } for n in range(count)])
        db.session.commit()
        return [str(row.statement_id) for row in rows]


def drain(app, batch_size=10, rounds=50):
    with app.app_context():
        for _ in range(rounds):
            report = forwarding.forward_once(batch_size=batch_size)
            if not report.delivered and not report.retried:
                break


def due_now(app):
    """Skip the back-off wait (the test's clock, not the logic, is what changes)."""
    with app.app_context():
        db.session.execute(sa.update(OutboxEntry).values(next_attempt_at=utcnow()))
        db.session.commit()


def test_every_statement_arrives_exactly_once_across_an_outage(forwarding_app, ralph):
    sent = produce(forwarding_app, 25, "before")
    drain(forwarding_app)
    assert sorted(ralph.statement_ids()) == sorted(sent)

    ralph.stop()
    sent += produce(forwarding_app, 30, "during")
    drain(forwarding_app)  # nobody answers: everything waits, nothing is lost
    with forwarding_app.app_context():
        state = forwarding.queue_state()
        assert state["pending"] == 30 and state["dead"] == 0
        assert all(entry.attempts >= 1 for entry in state["retrying"])

    ralph.start()
    sent += produce(forwarding_app, 15, "after")
    due_now(forwarding_app)
    drain(forwarding_app)
    received = ralph.statement_ids()
    assert len(received) == len(set(received)) == 70
    assert sorted(received) == sorted(sent)
    with forwarding_app.app_context():
        assert forwarding.queue_state()["pending"] == 0


def test_a_statement_already_at_the_lrs_counts_as_delivered(forwarding_app, ralph):
    sent = produce(forwarding_app, 3, "dup")
    drain(forwarding_app)
    with forwarding_app.app_context():
        db.session.execute(sa.update(OutboxEntry).values(state="pending", next_attempt_at=utcnow()))
        db.session.commit()
    drain(forwarding_app)  # a resend after a crash between sending and marking
    assert sorted(ralph.statement_ids()) == sorted(sent)
    with forwarding_app.app_context():
        state = forwarding.queue_state()
        assert state["delivered"] == 3, (state, [e.last_error for e in state["retrying"] + state["dead_entries"]])


def test_the_forward_command_runs_once_for_cron(forwarding_app, ralph):
    produce(forwarding_app, 4, "cron")
    result = forwarding_app.test_cli_runner().invoke(args=["xapi", "forward", "--once"])
    assert result.exit_code == 0, result.output
    assert "delivered 4" in result.output
    assert len(ralph.statement_ids()) == 4


def test_without_forwarding_nothing_is_queued(app):
    produce(app, 2, "plain")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEntry)) == 0


def test_a_refused_statement_goes_to_dead_letters_with_the_answer(make_app, tmp_path):
    """The external LRS here is a second instance of this platform, sent a version header
    it refuses (400): each statement ends in dead letters with the answer, none is
    retried forever; an admin can queue them again."""
    import threading

    from werkzeug.serving import make_server

    from lms.xapi import credentials

    target = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with target.app_context():
        credential, secret = credentials.issue("Forwarder", ["all"])
        db.session.commit()
        key = credential.key
    port = free_port()
    server = make_server("127.0.0.1", port, target, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        source = make_app(LMS_XAPI_FORWARD_URL=f"http://127.0.0.1:{port}/xapi", LMS_XAPI_FORWARD_USERNAME=key,
                          LMS_XAPI_FORWARD_PASSWORD=secret, LMS_XAPI_FORWARD_VERSION="0.95")
        produce(source, 2, "refused")
        drain(source)
        with source.app_context():
            state = forwarding.queue_state()
            assert state["dead"] == 2 and state["pending"] == 0, (state, [e.last_error for e in state["retrying"]])
            assert all(entry.last_error.startswith("400") and "0.95" in entry.last_error
                       for entry in state["dead_entries"])
            assert forwarding.retry_dead() == 2
            db.session.commit()
            assert forwarding.queue_state()["pending"] == 2
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.mark.postgres
def test_two_workers_never_take_the_same_rows(make_app):
    """While one worker holds a batch (FOR UPDATE), another skips those rows."""
    app = make_app(LMS_XAPI_FORWARD_URL=f"http://127.0.0.1:{free_port()}/xapi")  # nobody listens
    produce(app, 10, "shared")
    with app.app_context():
        first_worker = db.engine.connect()
        transaction = first_worker.begin()
        held = first_worker.execute(sa.text(
            "SELECT id FROM xapi_outbox ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED")).scalars().all()
        try:
            forwarding.forward_once(batch_size=100)  # the second worker
            attempts = dict(db.session.execute(sa.select(OutboxEntry.id, OutboxEntry.attempts)).all())
        finally:
            transaction.rollback()
            first_worker.close()
    assert len(held) == 4
    assert all(attempts[row_id] == 0 for row_id in held)
    assert sum(1 for row_id, count in attempts.items() if row_id not in held and count == 1) == 6


def test_ralph_and_its_old_pins_stay_out_of_the_test_environment():
    """Ralph pins old click and python-jose; the tests run it from its own virtualenv, so the
    project's extras never bring it (and its pins) into the environment the tests run in."""
    import tomllib

    from lms.config import REPO_ROOT

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    assert not [r for r in requirements if r.lower().startswith(("ralph", "python-jose"))]
    assert ralph_python().parent.parent == REPO_ROOT / ".cache" / "ralph-5.1.0"
