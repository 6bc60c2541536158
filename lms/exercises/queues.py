"""Who grades the jobs of ``lms.exercises.jobs``, and where: two backends, one interface.

- ``InProcess`` (the embedded default, nothing set): background threads of the web
  process take jobs from an in-memory queue and grade them in this process's sandbox
  pool. One server, no Redis; a job lost with its process is given up by the timeout.
- ``RedisQueue`` (``LMS_GRADING_QUEUE_URL=redis://...``): jobs wait in Redis (RQ) and
  ``flask exercises grader`` processes serve them, on any machine that reaches the
  database and Redis, each at a lower CPU priority than the web servers.

A job carries only its id: the grader reads everything else from the database. Other
domains' background work rides the same queue and graders (``dispatch(app, job_id,
perform)``): ``perform`` is a module-level function taking the job's id, called in an app
context (a privacy export is built this way).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from typing import Callable, Protocol

import redis
from flask import Flask, current_app
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer

from lms.exercises import jobs
from lms.extensions import db

log = logging.getLogger("lms.exercises.queues")


class Unavailable(RuntimeError):
    """The queue could not take the job (Redis is down or unreachable)."""


Perform = Callable[[int], object]


class Backend(Protocol):
    def enqueue(self, app: Flask, job_id: int, perform: Perform | None = None) -> None:
        """Hand a committed job to a grader; raises ``Unavailable`` if it cannot."""


def grade(app: Flask, job_id: int, perform: Perform | None = None):
    """Grade one job (or do ``perform``'s job) in an app context (and database session) of its own."""
    with app.app_context():
        return (perform or jobs.perform)(job_id)


class InProcess:
    """Grader threads in this process. Each job's code runs in a worker of the process's
    sandbox pool; a thread waits there for a free worker. Twice as many threads as pool
    workers, because a submission's thread sleeps until its reveal time with its worker
    already released."""

    def __init__(self, threads: int) -> None:
        self.size = threads
        self.pid = os.getpid()
        self._jobs: queue.Queue[tuple[Flask, int, Perform | None]] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def enqueue(self, app: Flask, job_id: int, perform: Perform | None = None) -> None:
        with self._lock:
            while len(self._threads) < self.size:
                thread = threading.Thread(target=self._serve, name=f"grader-{len(self._threads) + 1}", daemon=True)
                thread.start()
                self._threads.append(thread)
        self._jobs.put((app, job_id, perform))

    def _serve(self) -> None:
        while True:
            app, job_id, perform = self._jobs.get()
            try:
                grade(app, job_id, perform)
            except Exception:  # the next job must still be served
                log.exception("grading job %s could not be graded", job_id)
            finally:
                self._jobs.task_done()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until every queued job is graded (tests, shutting down); False at the timeout."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._jobs.join(), done.set()), daemon=True).start()
        return done.wait(timeout_s)


class RedisQueue:
    """Jobs wait in an RQ queue in Redis; ``serve`` is a grader process's work loop."""

    def __init__(self, url: str, name: str, timeout_s: int) -> None:
        self.connection = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self.queue = Queue(name, connection=self.connection, serializer=JSONSerializer)
        self.timeout_s = timeout_s

    def enqueue(self, app: Flask, job_id: int, perform: Perform | None = None) -> None:
        try:
            if perform is not None:  # another domain's job: the grader process has the app in context
                self.queue.enqueue(perform, job_id, job_timeout=max(self.timeout_s, 600), result_ttl=0,
                                   failure_ttl=24 * 3600, description=f"{perform.__module__} job {job_id}")
                return
            # Kept in Redis no longer than the database keeps the job worth grading.
            self.queue.enqueue(perform_queued, job_id, job_timeout=self.timeout_s, ttl=self.timeout_s,
                               result_ttl=0, failure_ttl=24 * 3600, description=f"grading job {job_id}")
        except redis.RedisError as error:
            raise Unavailable(str(error)) from error

    def serve(self, burst: bool = False, logging_level: str = "INFO") -> None:
        """Grade queued jobs one at a time, in this process (RQ's SimpleWorker: no fork
        per job, so the sandbox's warm V8 worker is kept from one job to the next)."""
        worker = SimpleWorker([self.queue], connection=self.connection, serializer=JSONSerializer)
        worker.work(burst=burst, logging_level=logging_level)


def perform_queued(job_id: int) -> str | None:
    """What RQ calls in a grader process (``flask exercises grader`` has the app in context)."""
    return grade(current_app._get_current_object(), job_id)


_in_process: InProcess | None = None
_queues: dict[tuple, RedisQueue] = {}
_lock = threading.Lock()


def in_process(app: Flask) -> InProcess:
    """The process's grader threads (new ones after a fork)."""
    global _in_process
    with _lock:
        if _in_process is None or _in_process.pid != os.getpid():
            _in_process = InProcess(2 * app.config["LMS_GRADER_WORKERS"])
        return _in_process


def wait_idle(timeout_s: float) -> bool:
    """Wait until this process's grader threads have graded every job queued to them."""
    current = _in_process
    return current is None or current.pid != os.getpid() or current.wait_idle(timeout_s)


def backend(app: Flask) -> Backend:
    """The Redis queue when ``LMS_GRADING_QUEUE_URL`` is set, else this process's threads."""
    url = app.config["LMS_GRADING_QUEUE_URL"]
    if not url:
        return in_process(app)
    key = (os.getpid(), url, app.config["LMS_GRADING_QUEUE_NAME"], app.config["LMS_GRADING_TIMEOUT"])
    with _lock:
        if key not in _queues:
            _queues[key] = RedisQueue(url, app.config["LMS_GRADING_QUEUE_NAME"], app.config["LMS_GRADING_TIMEOUT"])
        return _queues[key]


def dispatch_grading(app: Flask, job) -> bool:
    """Hand a committed grading job to the graders. When the queue cannot be reached the job
    is given up (counting nothing, committed) and False is returned, so the page can say so."""
    try:
        dispatch(app, job.id)
    except Unavailable as problem:
        app.logger.error("grading queue unavailable: %s", problem)
        jobs.give_up(job, jobs.UNREACHABLE)
        db.session.commit()
        return False
    return True


def dispatch(app: Flask, job_id: int, perform: Perform | None = None) -> None:
    """Hand a committed job to the app's backend (a grading job, or ``perform``'s); raises
    ``Unavailable`` if it cannot."""
    backend(app).enqueue(app, job_id, perform)
