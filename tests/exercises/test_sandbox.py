"""The grader pool: real worker processes running real V8, supervised from the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from lms.config import ConfigError, from_environment
from lms.exercises import sandbox
from lms.exercises.sandbox import GradeResult, Pool

SUM = "export function sum(numbers) { return numbers.reduce((a, b) => a + b, 0); }"
TESTS = [{"name": "adds three numbers", "code": "expect(sum([1, 2, 3])).toBe(6);"},
         {"name": "an empty array adds up to 0", "code": "expect(sum([])).toBe(0);"}]
LOOP_IN_A_TEST = [{"name": "never ends", "code": "while (true) {}"}]


@pytest.fixture(scope="module")
def pool():
    """Two grader workers shared by this file's tests, stopped at the end."""
    with Pool(workers=2, memory_mb=256, max_code_bytes=4096) as shared:
        yield shared


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return condition()


def test_correct_code_passes_and_wrong_code_fails_with_the_reason(pool):
    """A learner's right answer passes every test; a wrong one shows what was expected."""
    right = pool.grade(SUM, TESTS)
    assert right.status == "ok" and right.all_passed and right.score == 1.0
    wrong = pool.grade("export function sum(numbers) { return 5; }", TESTS)
    assert wrong.status == "ok" and not wrong.all_passed
    assert [t.passed for t in wrong.tests] == [False, False]
    assert "6" in wrong.tests[0].message and "5" in wrong.tests[0].message
    assert isinstance(wrong, GradeResult) and wrong.duration_ms > 0


def test_results_come_back_one_per_test_in_the_order_asked(pool):
    """The learner sees each test's result next to its own name, in the course's order."""
    tests = [{"name": f"test {i}", "code": f"expect(value % 2).toBe({i % 2});"} for i in range(7)]
    result = pool.grade("export const value = 4;", tests)
    assert [t.name for t in result.tests] == [f"test {i}" for i in range(7)]
    assert [t.passed for t in result.tests] == [i % 2 == 0 for i in range(7)]
    assert result.passed_count == 4 and result.total == 7


def test_a_syntax_error_fails_every_test_and_names_the_line(pool):
    """Code that does not parse is reported with its line, and no test passes."""
    result = pool.grade("export function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0)\n\n", TESTS)
    assert result.status == "syntax_error" and result.error
    assert result.line is not None and result.line >= 1
    assert [t.passed for t in result.tests] == [False, False]
    assert all("syntax" in t.message for t in result.tests)


def test_code_over_the_size_limit_is_refused_before_any_worker_runs():
    """Code larger than the set size gets a clear refusal, and nothing is started for it."""
    with Pool(workers=1, memory_mb=256, max_code_bytes=100) as small:
        result = small.grade("// " + "x" * 200 + "\n" + SUM, TESTS)
        assert result.status == "too_large" and "100 bytes" in result.error
        assert [t.passed for t in result.tests] == [False, False]
        assert small.pids() == []
        # Multi-byte characters count as bytes, not characters.
        assert small.grade("//" + "ā" * 60, TESTS).status == "too_large"


def test_workers_start_at_the_first_grading_and_never_exceed_the_pool_size():
    """No grader process runs until someone submits; then at most the configured number."""
    with Pool(workers=1, memory_mb=256) as one:
        assert one.pids() == []
        results = []
        threads = [threading.Thread(target=lambda: results.append(one.grade(SUM, TESTS))) for _ in range(3)]
        for thread in threads:
            thread.start()
        seen = set()
        while any(thread.is_alive() for thread in threads):
            seen.update(one.pids())
            time.sleep(0.01)
        assert len(seen | set(one.pids())) == 1
        assert [r.all_passed for r in results] == [True, True, True]


def test_parallel_gradings_each_get_their_own_result(pool):
    """Learners grading at the same moment never see each other's results."""
    results: dict[int, sandbox.GradeResult] = {}

    def grade(n: int) -> None:
        results[n] = pool.grade(f"export const n = {n};", [{"name": "n", "code": f"expect(n).toBe({n});"}])

    threads = [threading.Thread(target=grade, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {n: r.all_passed for n, r in results.items()} == {n: True for n in range(6)}
    assert len(pool.pids()) <= 2


def test_a_worker_killed_mid_grading_is_reported_and_replaced(pool):
    """If a grader process dies under a learner's code, they see a resource error and the
    next learner is graded normally by a fresh process."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(pool.grade("export const x = 1;", LOOP_IN_A_TEST,
                                                                       time_limit_ms=8000)))
    before = set(pool.pids())
    thread.start()
    assert wait_until(lambda: any(w.pid for w in pool._busy))
    victim = next(iter(pool._busy)).pid
    time.sleep(0.2)  # it has the job and is running it
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=10)
    assert outcome[0].status in ("crashed", "memory")
    assert [t.passed for t in outcome[0].tests] == [False]
    assert not alive(victim)
    assert pool.grade(SUM, TESTS).all_passed
    assert wait_until(lambda: len(pool.pids()) == 2)
    assert victim not in pool.pids() and set(pool.pids()) != before


def test_a_worker_that_died_while_idle_does_not_fail_the_next_learner(pool):
    """A grader process that vanished between gradings is replaced without anyone noticing."""
    pool.grade(SUM, TESTS)
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: all(not alive(pid) for pid in pool.pids()))
    assert pool.grade(SUM, TESTS).all_passed


def test_a_hung_worker_is_killed_at_the_backstop_and_reported_as_a_timeout(pool):
    """Even if V8's own timeout never fires (the process is frozen), the learner gets a
    timeout a little after the time limit and the grader goes on."""
    outcome = []
    busy_for_a_while = [{"name": "counts", "code": "let x = 0; for (let i = 0; i < 1e9; i++) x += i;"}]
    thread = threading.Thread(target=lambda: outcome.append(pool.grade(SUM, busy_for_a_while, time_limit_ms=2000)))
    thread.start()
    assert wait_until(lambda: pool._busy)
    frozen = next(iter(pool._busy)).pid
    time.sleep(0.2)  # it has the job and is running it
    os.kill(frozen, signal.SIGSTOP)
    started = time.monotonic()
    thread.join(timeout=20)
    waited = time.monotonic() - started
    assert outcome and outcome[0].status == "timeout"
    assert waited < (2000 + sandbox.BACKSTOP_MARGIN_MS) / 1000 + 2
    assert wait_until(lambda: not alive(frozen), timeout=5)
    assert pool.grade(SUM, TESTS).all_passed


def test_a_worker_over_its_memory_allowance_is_stopped_and_replaced():
    """Memory a learner's code takes beyond the worker's allowance (64 MB here, far below
    V8's own heap limit) ends the grading with a memory error: the supervisor's watchdog on
    resident memory or V8 dying at the worker's data limit, whichever comes first. The next
    learner is graded normally."""
    by_the_supervisor = ("more than 64 MB", "the grader was restarted")
    with Pool(workers=1, memory_mb=64) as small:
        assert small.grade(SUM, TESTS).all_passed
        first = small.pids()
        for bomb in ("const keep = []; for (let i = 0; ; i++) keep.push('x'.repeat(1e5) + i);",
                     "const a = []; for (;;) a.push([a.length, {}]);"):
            result = small.grade(bomb, TESTS, time_limit_ms=5000)
            assert result.status == "memory" and any(s in result.error for s in by_the_supervisor), result.error
            assert [t.passed for t in result.tests] == [False, False]
        assert small.grade(SUM, TESTS).all_passed
        assert small.pids() != first


def test_workers_do_not_inherit_the_web_process_secrets(monkeypatch):
    """Settings such as the secret key or database password never reach a grader process."""
    monkeypatch.setenv("LMS_SECRET_KEY", "do-not-leak-7f3a")
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql://lms:do-not-leak-7f3a@db/lms")
    with Pool(workers=1, memory_mb=256) as one:
        assert one.grade(SUM, TESTS).all_passed
        with open(f"/proc/{one.pids()[0]}/environ", "rb") as environ:
            seen = environ.read()
    assert b"do-not-leak" not in seen and b"LMS_" not in seen


def test_closing_the_pool_stops_every_worker_process():
    """When the web process shuts down, no grader process is left behind."""
    one = Pool(workers=2, memory_mb=256)
    threads = [threading.Thread(target=one.grade, args=(SUM, TESTS)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pids = one.pids()
    assert pids
    one.close()
    assert all(not alive(pid) for pid in pids)
    assert one.grade(SUM, TESTS).status == "crashed"  # a closed pool runs nothing


def test_workers_exit_when_the_web_process_is_killed():
    """A web process killed outright (no clean shutdown) leaves no grader processes behind:
    each worker sees its input close and exits."""
    script = ("import sys, time\nfrom lms.exercises.sandbox import Pool\n"
              "pool = Pool(workers=2, memory_mb=256)\n"
              f"import threading\nthreads = [threading.Thread(target=pool.grade, args=({SUM!r}, {TESTS!r})) for _ in range(2)]\n"
              "[t.start() for t in threads]; [t.join() for t in threads]\n"
              "print(*pool.pids(), flush=True)\ntime.sleep(60)\n")
    web = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(pid) for pid in web.stdout.readline().split()]
        assert pids and all(alive(pid) for pid in pids)
    finally:
        web.kill()
        web.wait()
        web.stdout.close()
    assert wait_until(lambda: not any(alive(pid) for pid in pids), timeout=10)


def test_the_default_pool_follows_the_app_settings(make_app):
    """An operator's worker count, memory and size limit are what the grader uses."""
    sandbox.shutdown()
    app = make_app(LMS_GRADER_WORKERS=1, LMS_GRADER_MEMORY_MB=300, LMS_EXERCISE_MAX_CODE_BYTES=50)
    try:
        with app.app_context():
            current = sandbox.pool()
            assert (current.size, current.memory_mb, current.max_code_bytes) == (1, 300, 50)
            assert sandbox.grade("x" * 51, TESTS).status == "too_large"
            assert sandbox.pool() is current
    finally:
        sandbox.shutdown()
    assert current.closed


def test_bad_grader_settings_are_refused_with_the_variable_named():
    """A wrong value stops start-up with a message naming the setting."""
    with pytest.raises(ConfigError, match="LMS_GRADER_WORKERS"):
        from_environment({"LMS_GRADER_WORKERS": "0"})
    with pytest.raises(ConfigError, match="LMS_GRADER_MEMORY_MB"):
        from_environment({"LMS_GRADER_MEMORY_MB": "lots"})
    assert from_environment({"LMS_EXERCISE_MAX_CODE_BYTES": "1000"}) == {"LMS_EXERCISE_MAX_CODE_BYTES": 1000}


# ---- hidden tests ----

SECRET = "maize-91b2"
SNOOPING_SUM = ("export function sum(numbers) {\n  console.log('got', JSON.stringify(numbers));\n"
                "  if (numbers.includes(91)) throw new Error('got ' + JSON.stringify(numbers));\n  return -1;\n}\n")
WITH_HIDDEN = [{"name": "example", "code": "expect(sum([1, 2])).toBe(3);"},
               {"name": "hidden one", "code": f"expect(sum([91, 2])).toBe(93); // {SECRET}"},
               {"name": "hidden two", "code": "expect(sum([7, 7])).toBe(14);"}]


def said(result: GradeResult) -> str:
    return "\n".join([result.error, *result.logs] + [x for t in result.tests for x in (t.name, t.message, *t.logs)])


def test_hidden_tests_come_back_by_name_and_verdict_only(pool):
    """The supervisor's result of a hidden test has its name and verdict, no message or logs."""
    result = pool.grade(SNOOPING_SUM, WITH_HIDDEN, hidden_from=1)
    assert result.status == "ok"
    assert [(t.name, t.passed, t.message, t.logs, t.hidden) for t in result.tests] == [
        ("example", False, "expected -1 to be 3", ["got [1,2]"], False),
        ("hidden one", False, "", [], True), ("hidden two", False, "", [], True)]
    assert "91" not in said(result) and "7,7" not in said(result)


def hidden_loop(pool, stop, *, time_limit_ms=8000, memory=False):
    """Grade an example that passes and two hidden tests, the first of which never ends (or
    fills memory); ``stop(pid)`` is done to the worker while it runs that hidden test."""
    trap = "const keep = []; for (let i = 0; ; i++) keep.push('x'.repeat(1e5) + i);" if memory else "for (;;) {}"
    source = f"export function sum(numbers) {{\n  if (numbers[0] === 91) {{ {trap} }}\n  return numbers.reduce((a, b) => a + b, 0);\n}}\n"
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(
        pool.grade(source, WITH_HIDDEN, time_limit_ms=time_limit_ms, hidden_from=1)))
    thread.start()
    if stop is not None:
        assert wait_until(lambda: pool._busy)
        worker = next(iter(pool._busy))
        assert wait_until(lambda: worker.visible is not None)  # the example is done: in the hidden test now
        time.sleep(0.2)
        stop(worker.pid)
    thread.join(timeout=30)
    return outcome[0]


def assert_only_the_hidden_tests_failed(result: GradeResult) -> None:
    assert (result.status, result.error, result.line) == ("ok", "", None)
    assert [(t.name, t.passed, t.message, t.logs) for t in result.tests] == [
        ("example", True, "", []), ("hidden one", False, "", []), ("hidden two", False, "", [])]


def test_a_worker_killed_in_a_hidden_test_fails_that_test_and_says_nothing_else(pool):
    """A grader process that dies while a hidden test runs does not make the grading
    "crashed" (which would tell the learner what their code met there): the example keeps its
    result and the hidden tests fail. The worker is replaced."""
    result = hidden_loop(pool, lambda pid: os.kill(pid, signal.SIGKILL))
    assert_only_the_hidden_tests_failed(result)
    assert pool.grade(SUM, TESTS).all_passed


def test_a_hung_worker_in_a_hidden_test_is_not_reported_as_a_timeout(pool):
    """The supervisor's backstop kills a frozen worker; in a hidden test that is just a failure."""
    result = hidden_loop(pool, lambda pid: os.kill(pid, signal.SIGSTOP), time_limit_ms=1500)
    assert_only_the_hidden_tests_failed(result)


def test_a_timeout_or_memory_bomb_in_a_hidden_test_is_not_the_gradings_status():
    """V8's timeout, the worker's memory allowance (64 MB here: the supervisor's watchdog or
    V8 dying at the data limit): in a hidden test, a failed test, not a status. The worker
    that hit the limit is replaced all the same."""
    with Pool(workers=1, memory_mb=64) as small:
        assert small.grade(SUM, TESTS).all_passed
        for memory in (False, True):
            before = small.pids()
            assert_only_the_hidden_tests_failed(hidden_loop(small, None, time_limit_ms=5000 if memory else 800,
                                                            memory=memory))
            assert small.grade(SUM, TESTS).all_passed
            assert small.pids() != before
