"""A grader worker process: runs learners' code in V8, one job at a time, for the
supervisor in ``lms.exercises.sandbox``.

    python -I lms/exercises/worker.py --memory-mb 512     (how the supervisor starts it)
    python -m lms.exercises.worker --memory-mb 512

Run as a file in isolated mode it loads ``runner.py`` beside it without importing the
``lms`` package (Flask and the rest): a worker starts in about half a second, and holds
nothing of the web application.

The protocol is JSON lines over the process's standard input and output. The worker
first answers ``{"ready": true, "pid": ..., "rss_kb": ..., "data_kb": ...}`` once V8 is
warm and its memory cap is set; then each job line
``{"id", "source", "tests", "language", "environment", "time_limit_ms", "locale", "hidden_from"}``
gets one answer line ``{"id", "started": true}`` as soon as it is read (so the supervisor knows
a worker that dies afterwards died running it); when the job has hidden tests, one line
``{"id", "visible": {"logs", "tests"}}`` with the visible tests' results just before the first
hidden test runs (so a worker lost in the hidden tests still leaves those); and then one
answer line ``{"id", "result": <runner.run_tests dict>}`` (or ``{"id", "failure": "..."}``
when the grader itself raised). End of input ends the worker.

The memory cap is ``RLIMIT_DATA``, not ``RLIMIT_AS``: V8 reserves about 1.4 TB of address
space at start-up (its pointer-compression cage, sandbox and Oilpan cage), so
``RLIMIT_AS`` makes V8 abort before it runs anything (measured: 512 MB and 8 GB fail in
partition_address_space, 64 GB in "Oilpan: CagedHeap reservation"; V8 starts only from
about 1 TB, which caps nothing). ``RLIMIT_DATA`` counts only
private writable memory (about 560 MB right after V8 starts, mostly reservations), so the
worker measures that after warming up and allows ``--memory-mb`` on top of it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().with_name("runner.py")

WARM_UP = [
    ("javascript", "export const two = 1 + 1;", [{"name": "warm-up", "code": "expect(two).toBe(2);"}]),
    ("react", "export default function Hello() { return <p>hi</p>; }",
     [{"name": "warm-up", "code": "expect(render(<solution.default />).text).toBe('hi');"}]),
    ("html", "<style>p { color: red; }</style><p>hi</p>",
     [{"name": "warm-up", "code": "expect(css().value('p', 'color')).toBe('red');"}]),
]


def memory_kb(field: str, pid: int | str = "self") -> int:
    """A ``VmRSS``/``VmData`` figure of a process from ``/proc``, in KiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cap_memory(extra_mb: int) -> None:
    """Let the process grow by ``extra_mb`` of private writable memory, no more; and never
    dump core when V8 aborts (a core of a process with 1.4 TB of reservations is slow to
    write and can fill a disk)."""
    limit = (memory_kb("VmData") + extra_mb * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def load_runner():
    """``runner.run_tests``, from the file next to this one."""
    spec = importlib.util.spec_from_file_location("lms_exercises_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.run_tests


def warm_up(run_tests) -> None:
    """Load V8 and the bundles once, so the cap is measured after them."""
    for language, source, tests in WARM_UP:
        try:
            run_tests(source, tests, language, None, 5000)
        except Exception:  # a language the runner does not support yet fails its jobs later
            pass


def serve(run_tests, requests, answers) -> None:
    for line in requests:
        try:
            job = json.loads(line)
            job_id = job["id"]
        except (ValueError, KeyError, TypeError):
            continue
        answers.write(json.dumps({"id": job_id, "started": True}).encode() + b"\n")
        answers.flush()

        def visible(partial, job_id=job_id) -> None:
            answers.write(json.dumps({"id": job_id, "visible": partial}).encode() + b"\n")
            answers.flush()

        try:
            result = run_tests(job["source"], job["tests"], job["language"], job.get("environment"),
                               job["time_limit_ms"], locale=job.get("locale", "en"),
                               hidden_from=job.get("hidden_from"), on_visible=visible)
            answer = {"id": job_id, "result": result}
        except MemoryError:
            answer = {"id": job_id, "memory": True}
        except Exception as error:  # the grader failed, not the learner's code
            answer = {"id": job_id, "failure": f"{type(error).__name__}: {error}"[:500]}
        try:
            data = json.dumps(answer).encode()
        except (TypeError, ValueError) as error:
            data = json.dumps({"id": job_id, "failure": f"unserialisable result: {error}"[:500]}).encode()
        answers.write(data + b"\n")
        answers.flush()


def main(argv: list[str] | None = None, run_tests=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)
    # The protocol gets a private copy of stdout; anything else that writes to fd 1 (V8's
    # diagnostics, a stray print) lands in stderr instead of corrupting an answer.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if run_tests is None:
        run_tests = load_runner()
    warm_up(run_tests)
    cap_memory(args.memory_mb)
    hello = {"ready": True, "pid": os.getpid(), "rss_kb": memory_kb("VmRSS"), "data_kb": memory_kb("VmData")}
    answers.write(json.dumps(hello).encode() + b"\n")
    answers.flush()
    serve(run_tests, sys.stdin.buffer, answers)
    answers.flush()
    # Skip interpreter teardown: V8 can hang in its exit handlers after a failed allocation.
    os._exit(0)


if __name__ == "__main__":
    main()
