"""Grading learners' code in a supervised pool of worker processes.

The web process never runs learner code itself. ``grade`` hands each job to one of a pool
of grader workers (``python -I lms/exercises/worker.py``, a fresh interpreter started with
``subprocess``: nothing of the threaded web process is forked and kept running), which runs it in a fresh V8 context through
``lms.exercises.runner.run_tests``. The supervisor here

- starts the workers lazily (at most ``LMS_GRADER_WORKERS``), one job per worker at a time,
  and is safe to call from many threads (gunicorn gthread);
- caps each worker's memory: ``RLIMIT_DATA`` set by the worker itself (``RLIMIT_AS``
  breaks V8's start-up, see ``worker.py``) and a watchdog on its resident memory while a
  job runs (``LMS_GRADER_MEMORY_MB`` above what the worker used when it was ready);
- kills a worker that overruns the time limit by a margin (a backstop behind V8's own
  timeout: status ``timeout``), or that dies (V8 aborts the whole process on some
  allocations: status ``memory`` when it says it ran out of memory, else ``crashed``),
  starts a replacement at once and goes on serving the next job;
- refuses code over ``LMS_EXERCISE_MAX_CODE_BYTES`` before anything runs (``too_large``).

Hidden tests (``hidden_from``: the tests from that index on) say only whether they passed:
the runner drops their messages, console output and lines inside the worker, and this
module drops them again from whatever comes back. The worker sends the visible tests'
results before the first hidden test runs, so a worker that is lost during the hidden tests
(killed at the time limit or for its memory, or dead) fails that hidden test and the later
ones, and the grading's status stays "ok": the learner cannot tell a hidden test that timed
out, ran out of memory or crashed the grader from one that failed.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.config import REPO_ROOT
from lms.exercises import worker as worker_module
from lms.exercises.worker import memory_kb

log = logging.getLogger("lms.exercises.sandbox")
LANGUAGES = ("javascript", "react", "html")
ENVIRONMENTS = (None, "dom")
STATUSES = ("ok", "syntax_error", "error", "timeout", "memory", "crashed", "too_large")
RUNNER_STATUSES = ("ok", "syntax_error", "error", "timeout", "memory")
LOCALES = ("en", "lv")
# Why every test failed when the code could not be tested, in the learner's language (the
# ``locale`` given to ``grade``; rendered with Flask-Babel, English outside an app).
NOT_RUN = {
    "syntax_error": _l("Not run: the code has a syntax error."),
    "error": _l("Not run: the code threw an error while it loaded."),
    "timeout": _l("Not run: the code ran longer than the time limit."),
    "memory": _l("Not run: the code used more memory than allowed."),
    "crashed": _l("Not run: the grader ran out of resources while running the code."),
    "too_large": _l("Not run: the code is larger than allowed."),
}
BACKSTOP_MARGIN_MS = 1500     # beyond the time limit before the supervisor kills a worker
START_TIMEOUT_S = 60          # importing the runner and warming V8 up, on a busy machine
MAX_ANSWER_BYTES = 16 << 20   # an answer larger than this is a memory bomb through the logs
MAX_JOBS_PER_WORKER = 500     # a worker is replaced after this many jobs, so nothing accumulates
MAX_LOG_LINES = 500
MAX_TEXT = 2000
WATCH_INTERVAL_S = 0.05
OUT_OF_MEMORY_SIGNS = ("out of memory", "allocation failed", "invalid size error", "memoryerror", "cannot allocate")


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    passed: bool
    message: str
    logs: list[str]
    hidden: bool = False  # then message and logs are empty, whatever happened


@dataclass(frozen=True)
class GradeResult:
    status: str
    tests: list[TestResult]
    logs: list[str]
    error: str
    line: int | None
    column: int | None
    duration_ms: float

    @property
    def passed_count(self) -> int:
        return sum(1 for test in self.tests if test.passed)

    @property
    def total(self) -> int:
        return len(self.tests)

    @property
    def score(self) -> float:
        return self.passed_count / self.total if self.tests else 0.0

    @property
    def all_passed(self) -> bool:
        return self.status == "ok" and bool(self.tests) and self.passed_count == self.total


class _Lost(Exception):
    """The worker is gone or had to be killed; ``status`` and ``error`` say why."""

    def __init__(self, status: str, error: str):
        super().__init__(error)
        self.status, self.error = status, error


class _NotStarted(Exception):
    """The worker was gone before it read the job: another worker can take it."""


def _text(value, limit: int = MAX_TEXT) -> str:
    """A string safe to show and store: no NUL, no lone surrogates, bounded length."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "…"


def _lines(value) -> list[str]:
    lines = [_text(line) for line in value] if isinstance(value, list) else []
    if len(lines) > MAX_LOG_LINES:
        lines = lines[:MAX_LOG_LINES] + [f"… {len(lines) - MAX_LOG_LINES} more lines"]
    return lines


def _position(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _failed(tests: list[dict], status: str, error, started: float,
            logs: list[str] | None = None, line: int | None = None, column: int | None = None,
            locale: str = "en", hidden_from: int | None = None) -> GradeResult:
    hidden_from = len(tests) if hidden_from is None else hidden_from
    with force_locale(locale):
        reason, error = str(NOT_RUN[status]), _text(str(error))
    return GradeResult(status, [TestResult(_text(test["name"]), False, "" if index >= hidden_from else reason, [],
                                           index >= hidden_from)
                                for index, test in enumerate(tests)],
                       logs or [], error, line, column, (time.perf_counter() - started) * 1000)


def _test_results(results, tests: list[dict], hidden_from: int) -> list[TestResult] | None:
    """The runner's per-test dicts as ``TestResult``s, one per test asked for and in order
    (else None); of a hidden test only its name and whether it passed are kept."""
    if (not isinstance(results, list) or len(results) != len(tests)
            or any(not isinstance(r, dict) or r.get("name") != t["name"] for r, t in zip(results, tests))):
        return None
    shown = []
    for index, (test, result) in enumerate(zip(tests, results)):
        passed = result.get("passed") is True
        if index >= hidden_from:
            shown.append(TestResult(_text(test["name"]), passed, "", [], True))
        else:
            shown.append(TestResult(_text(test["name"]), passed,
                                    "" if passed else (_text(result.get("message")) or "failed"),
                                    _lines(result.get("logs"))))
    return shown


def _from_runner(raw, tests: list[dict], started: float, locale: str = "en",
                 hidden_from: int | None = None) -> GradeResult:
    """Check the runner's dict and turn it into a ``GradeResult``: one result per test
    asked for, in order, or a failure of the grader (``crashed``) if it does not fit."""
    hidden_from = len(tests) if hidden_from is None else hidden_from
    if not isinstance(raw, dict) or raw.get("status") not in RUNNER_STATUSES:
        return _failed(tests, "crashed", _l("The grader returned no usable result."), started, locale=locale,
                       hidden_from=hidden_from)
    status = raw["status"]
    logs, error = _lines(raw.get("logs")), _text(raw.get("error"))
    line, column = _position(raw.get("line")), _position(raw.get("column"))
    if status != "ok":
        return _failed(tests, status, error, started, logs, line, column, locale=locale, hidden_from=hidden_from)
    results = _test_results(raw.get("tests"), tests, hidden_from)
    if results is None:
        return _failed(tests, "crashed", _l("The grader's results do not match the tests asked for."), started,
                       locale=locale, hidden_from=hidden_from)
    return GradeResult(status, results, logs, "", None, None, (time.perf_counter() - started) * 1000)


def _cut_short(visible, tests: list[dict], hidden_from: int, started: float, locale: str) -> GradeResult:
    """The grading of a worker lost (or failed) while it ran the hidden tests: the visible
    results it sent before them, and every hidden test failed, with status "ok", so nothing
    tells whether a hidden test failed, timed out, ran out of memory or broke the grader."""
    shown = _test_results(visible.get("tests") if isinstance(visible, dict) else None, tests[:hidden_from],
                          hidden_from)
    if shown is None:
        return _failed(tests, "crashed", _l("The grader's results do not match the tests asked for."), started,
                       locale=locale, hidden_from=hidden_from)
    shown += [TestResult(_text(test["name"]), False, "", [], True) for test in tests[hidden_from:]]
    return GradeResult("ok", shown, _lines(visible.get("logs")), "", None, None,
                       (time.perf_counter() - started) * 1000)


def _worker_environment() -> dict[str, str]:
    """The worker sees none of the web process's settings or secrets."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONPATH": str(REPO_ROOT),
            "PYTHONDONTWRITEBYTECODE": "1"}


class _Worker:
    """One grader process and the supervisor's end of its pipes."""

    def __init__(self, command: list[str], memory_mb: int):
        self.memory_mb = memory_mb
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [*command, "--memory-mb", str(memory_mb)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, env=_worker_environment(), cwd=REPO_ROOT)
        self.pid = self.process.pid
        self.jobs = 0
        self.visible = None  # the visible tests' results of the job running now, once sent
        self.ready_rss_kb = self.peak_rss_kb = 0
        self._buffer = bytearray()
        try:
            hello = json.loads(self._read_line(time.monotonic() + START_TIMEOUT_S, watch=False))
            if not hello.get("ready"):
                raise _Lost("crashed", _l("The grader worker did not start."))
        except (_Lost, ValueError, AttributeError) as problem:
            self.stop()
            log.error("a grader worker did not start: %s", self.stderr_text()[-2000:] or problem)
            self.stderr.close()
            raise _Lost("crashed", _l("The grader could not start; this is not a fault of the code.")) from None
        self.ready_rss_kb = hello.get("rss_kb", 0)
        self.rss_limit_kb = self.ready_rss_kb + memory_mb * 1024

    def run(self, job: dict, timeout_s: float) -> dict:
        """Send one job and wait for its answer (or raise ``_Lost``). The visible tests'
        results, sent before the hidden tests run, are kept in ``visible``."""
        self.jobs += 1
        self.visible = None
        self.peak_rss_kb = 0
        self.stderr.seek(0)
        self.stderr.truncate()
        deadline = time.monotonic() + timeout_s
        try:
            self.process.stdin.write(json.dumps(job).encode() + b"\n")
            self.process.stdin.flush()
            started = json.loads(self._read_line(deadline, watch=True))
        except (BrokenPipeError, OSError, _Lost):
            self.stop()
            raise _NotStarted() from None
        answer = json.loads(self._read_line(deadline, watch=True))
        if answer.get("id") == job["id"] and "visible" in answer:
            self.visible = answer["visible"]
            answer = json.loads(self._read_line(deadline, watch=True))
        if started.get("id") != job["id"] or answer.get("id") != job["id"]:
            self.stop()
            raise _Lost("crashed", _l("The grader worker answered another job."))
        return answer

    def _read_line(self, deadline: float, watch: bool) -> bytes:
        out = self.process.stdout.fileno()
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                return line
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise _Lost("timeout", _l("The code ran longer than the time limit."))
            ready, _, _ = select.select([out], [], [], min(left, WATCH_INTERVAL_S))
            if ready:
                chunk = os.read(out, 1 << 16)
                if not chunk:
                    raise self._death()
                self._buffer += chunk
                if len(self._buffer) > MAX_ANSWER_BYTES:
                    self.stop()
                    raise _Lost("memory", _l("The code wrote more output than allowed."))
            elif watch:
                rss = self.rss_kb()
                self.peak_rss_kb = max(self.peak_rss_kb, rss)
                if rss > self.rss_limit_kb:
                    self.stop()
                    raise _Lost("memory", _l("The code used more than %(mb)s MB of memory.", mb=self.memory_mb))

    def rss_kb(self) -> int:
        return memory_kb("VmRSS", self.pid)

    def _death(self) -> _Lost:
        """The worker exited by itself: find out whether it ran out of memory."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            code = self.process.returncode
        said = self.stderr_text()
        log.warning("grader worker %s exited with status %s: %s", self.pid, code, said[:2000])
        # V8 says "Fatal process out of memory" (or "Fatal JavaScript invalid size error")
        # first and then prints a long stack trace; SIGKILL is the kernel's OOM killer; a
        # worker that dies holding over half its allowance most likely hit the data limit
        # somewhere V8 could not report it.
        grown = self.peak_rss_kb - self.ready_rss_kb > self.memory_mb * 512
        if code == -signal.SIGKILL or grown or any(sign in said.lower() for sign in OUT_OF_MEMORY_SIGNS):
            return _Lost("memory", _l("The code used more memory than allowed; the grader was restarted."))
        return _Lost("crashed", _l("The grader stopped while running the code; it was restarted."))

    def stderr_text(self, size: int = 256 << 10) -> str:
        """What the worker wrote to stderr since its job started (the first ``size`` bytes)."""
        try:
            self.stderr.seek(0)
            return self.stderr.read(size).decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def stop(self, grace_s: float = 0.0) -> None:
        """End the process (closing its input first lets an idle one exit by itself)."""
        if self.process.poll() is None and grace_s:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=grace_s)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def close(self, grace_s: float = 0.0) -> None:
        self.stop(grace_s)
        self.stderr.close()


class Pool:
    """Up to ``workers`` grader processes, started when first needed."""

    def __init__(self, workers: int = 2, memory_mb: int = 512, max_code_bytes: int = 65536,
                 command: list[str] | None = None):
        self.size, self.memory_mb, self.max_code_bytes = workers, memory_mb, max_code_bytes
        self.command = command or [sys.executable, "-I", worker_module.__file__]
        self.pid = os.getpid()
        self.closed = False
        self._changed = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._next_id = 0

    @classmethod
    def from_settings(cls, settings) -> Pool:
        return cls(settings["LMS_GRADER_WORKERS"], settings["LMS_GRADER_MEMORY_MB"],
                   settings["LMS_EXERCISE_MAX_CODE_BYTES"])

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def pids(self) -> list[int]:
        """The worker processes alive now (idle or busy)."""
        with self._changed:
            return sorted(w.pid for w in [*self._idle, *self._busy] if w.process.poll() is None)

    def grade(self, source: str, tests: list[dict], *, language: str = "javascript",
              environment: str | None = None, time_limit_ms: int = 2000, locale: str = "en",
              hidden_from: int | None = None) -> GradeResult:
        """Grade ``source`` against ``tests`` in a worker; see the module docstring. ``locale``
        ("en" or "lv") is the language of every message to the learner; ``tests[hidden_from:]``
        are hidden tests (none by default), run after the others and reported by name and
        passed/failed only."""
        started = time.perf_counter()
        if language not in LANGUAGES or environment not in ENVIRONMENTS:
            raise ValueError(f"cannot grade language {language!r} in environment {environment!r}")
        if locale not in LOCALES:
            raise ValueError(f"cannot grade in locale {locale!r}: expected one of {', '.join(LOCALES)}")
        tests = [{"name": test["name"], "code": test["code"]} for test in tests]
        hidden_from = len(tests) if hidden_from is None else hidden_from
        if not isinstance(hidden_from, int) or isinstance(hidden_from, bool) or not 0 <= hidden_from <= len(tests):
            raise ValueError(f"hidden_from must be a test index from 0 to {len(tests)}")
        size = len(source.encode("utf-8", "surrogatepass"))
        if size > self.max_code_bytes:
            return _failed(tests, "too_large", _l("The code is %(size)s bytes; at most %(limit)s bytes are accepted.",
                                                  size=size, limit=self.max_code_bytes), started, locale=locale,
                           hidden_from=hidden_from)
        with self._changed:
            self._next_id += 1
            job = {"id": self._next_id, "source": source, "tests": tests, "language": language,
                   "environment": environment, "time_limit_ms": time_limit_ms, "locale": locale,
                   "hidden_from": hidden_from}
        # Every worker of the pool may have died while idle (all killed at once): each one
        # found dead is dropped, so after at most `size` of them the job meets a fresh worker.
        attempts = self.size + 1
        for attempt in range(1, attempts + 1):
            try:
                worker = self._acquire()
            except _Lost as lost:
                return _failed(tests, lost.status, lost.error, started, locale=locale, hidden_from=hidden_from)
            try:
                return self._run(worker, job, tests, started)
            except _NotStarted:
                if attempt == attempts:
                    return _failed(tests, "crashed", _l("The grader could not start running the code."), started,
                                   locale=locale, hidden_from=hidden_from)
        raise AssertionError("unreachable")

    def _run(self, worker: _Worker, job: dict, tests: list[dict], started: float) -> GradeResult:
        healthy = False
        locale, hidden_from = job["locale"], job["hidden_from"]

        def failed(status: str, error) -> GradeResult:
            if worker.visible is not None:  # it happened in a hidden test: say nothing of it
                return _cut_short(worker.visible, tests, hidden_from, started, locale)
            return _failed(tests, status, error, started, locale=locale, hidden_from=hidden_from)

        try:
            answer = worker.run(job, (job["time_limit_ms"] + BACKSTOP_MARGIN_MS) / 1000)
            if "result" in answer:
                result = _from_runner(answer["result"], tests, started, locale, hidden_from)
                recycle = isinstance(answer["result"], dict) and answer["result"].get("recycle") is True
            elif answer.get("memory"):
                result, recycle = failed("memory", _l("The code used more memory than allowed.")), True
            else:
                # A bug of the grader, not the learner's: the details are for the operators.
                log.error("grader worker %s failed: %s", worker.pid, answer.get("failure", ""))
                result, recycle = failed("crashed", _l("The grader failed; this is not a fault of the code.")), True
            # A worker whose V8 hit a limit is replaced rather than trusted with the next learner.
            healthy = (not recycle and result.status not in ("timeout", "memory", "crashed")
                       and worker.jobs < MAX_JOBS_PER_WORKER)
            return result
        except _Lost as lost:
            return failed(lost.status, lost.error)
        except (ValueError, AttributeError):
            return failed("crashed", _l("The grader worker sent an unreadable answer."))
        finally:
            self._release(worker, healthy)

    def _acquire(self) -> _Worker:
        dead: list[_Worker] = []
        try:
            return self._take_or_start(dead)
        finally:
            for worker in dead:
                worker.close()

    def _take_or_start(self, dead: list[_Worker]) -> _Worker:
        with self._changed:
            while True:
                if self.closed:
                    raise _Lost("crashed", _l("The grader is shutting down."))
                while self._idle:
                    worker = self._idle.pop()
                    if worker.process.poll() is None:
                        self._busy.add(worker)
                        return worker
                    dead.append(worker)  # died while idle: not this learner's fault
                if len(self._busy) + self._starting < self.size:
                    self._starting += 1
                    break
                self._changed.wait()
        worker = None
        try:
            worker = _Worker(self.command, self.memory_mb)
        finally:
            with self._changed:
                self._starting -= 1
                if worker is not None:
                    self._busy.add(worker)
                self._changed.notify_all()
        return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._changed:
            self._busy.discard(worker)
            keep = healthy and not self.closed and worker.process.poll() is None
            if keep:
                self._idle.append(worker)
            else:
                replace = not self.closed and len(self._busy) + len(self._idle) + self._starting < self.size
                if replace:
                    self._starting += 1
            self._changed.notify_all()
        if not keep:
            worker.close()
            if replace:
                threading.Thread(target=self._start_replacement, name="grader-restart", daemon=True).start()

    def _start_replacement(self) -> None:
        """A worker died or was killed: have its successor ready before the next job."""
        worker = None
        try:
            worker = _Worker(self.command, self.memory_mb)
        except _Lost:
            pass
        finally:
            with self._changed:
                self._starting -= 1
                if worker is not None and not self.closed:
                    self._idle.append(worker)
                    worker = None
                self._changed.notify_all()
            if worker is not None:
                worker.close()

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop every worker: idle ones at once, busy ones when their job is done (or at
        ``timeout_s``, when they are killed)."""
        with self._changed:
            self.closed = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for worker in idle:
            worker.close(grace_s=1.0)
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while (self._busy or self._starting) and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            left = list(self._busy)
        for worker in left:
            worker.stop()


_default: Pool | None = None
_default_lock = threading.Lock()


def _settings():
    """The Flask app's settings when there is an app, else defaults and ``LMS_*`` variables."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config
    from lms import config

    return {**config.defaults(config.instance_path(os.environ)), **config.from_environment(os.environ)}


def pool() -> Pool:
    """The process's pool, made at first use from the settings of the app in context."""
    global _default
    with _default_lock:
        if _default is None or _default.closed or _default.pid != os.getpid():
            _default = Pool.from_settings(_settings())
        return _default


# When set (a ``time.monotonic()`` moment), ``grade`` returns no earlier than it: see ``answer_no_earlier_than``.
_answer_not_before: contextvars.ContextVar[float | None] = contextvars.ContextVar("answer_not_before", default=None)


@contextlib.contextmanager
def answer_no_earlier_than(moment: float):
    """Every ``grade`` inside returns no earlier than ``moment`` (``time.monotonic()``), so
    how long a grading took cannot be read from when its result appears. A submission's
    grader (``lms.exercises.jobs``) sets it: its hidden tests' inputs must not show in the
    time the learner's code spent on them. Nothing is written before ``grade`` returns."""
    token = _answer_not_before.set(moment)
    try:
        yield
    finally:
        _answer_not_before.reset(token)


def grade(source: str, tests: list[dict], *, language: str = "javascript", environment: str | None = None,
          time_limit_ms: int = 2000, locale: str = "en", hidden_from: int | None = None) -> GradeResult:
    """Grade a learner's code in the process's pool of grader workers, with messages in
    ``locale``; ``tests[hidden_from:]`` are hidden (see ``Pool.grade``). Under
    ``answer_no_earlier_than`` the answer waits until that moment."""
    result = pool().grade(source, tests, language=language, environment=environment, time_limit_ms=time_limit_ms,
                          locale=locale, hidden_from=hidden_from)
    moment = _answer_not_before.get()
    if moment is not None:
        time.sleep(max(0.0, moment - time.monotonic()))  # the worker is already free for the next grading
    return result


def shutdown() -> None:
    """Stop the process's pool (a new one starts at the next ``grade``)."""
    global _default
    with _default_lock:
        current, _default = _default, None
    if current is not None and current.pid == os.getpid():
        current.close()


atexit.register(shutdown)
