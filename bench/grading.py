"""Grading latency and throughput through the real grader pool (worker processes, V8, the
frozen harness): a plain-JavaScript exercise and a React exercise (JSX + render + mount +
asserts), against an empty program graded the same way (the floor) in the same run, and
gradings per second with 1 and 2 worker processes (the scaling ratio), and the same
gradings through ``runner.run_tests`` in this process (what the worker process adds).

    .venv/bin/python -m bench.grading [--rounds 200] [--seconds 8] [--record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from bench.record import record

EMPTY = ("export {};", [{"name": "nothing", "code": ""}], "javascript")
PLAIN = (
    """export function sum(numbers) {
  if (!Array.isArray(numbers)) throw new TypeError('numbers only');
  return numbers.reduce((total, n) => total + n, 0);
}
export const average = (numbers) => (numbers.length ? sum(numbers) / numbers.length : 0);
export function stats(numbers) {
  return { count: numbers.length, sum: sum(numbers), average: average(numbers) };
}
""",
    [
        {"name": "adds three numbers", "code": "expect(sum([1, 2, 3])).toBe(6);"},
        {"name": "an empty array adds up to 0", "code": "expect(sum([])).toBe(0);"},
        {"name": "averages", "code": "expect(average([1, 2])).toBeCloseTo(1.5);"},
        {"name": "stats", "code": "expect(stats([2, 4])).toEqual({ count: 2, sum: 6, average: 3 });"},
        {"name": "refuses a string", "code": "expect(() => sum('x')).toThrow('numbers only');"},
        {"name": "async", "code": "await expect(Promise.resolve(sum([1]))).resolves.toBe(1);"},
    ],
    "javascript",
)
REACT = (
    """import { useState } from 'react';

export function Greeting({ name }) {
  return <h1 className="greeting">Hello, {name}!</h1>;
}

export default function Counter({ start = 0 }) {
  const [count, setCount] = useState(start);
  return (
    <div>
      <p>Clicked {count} times</p>
      <button onClick={() => setCount(count + 1)}>Add one</button>
    </div>
  );
}
""",
    [
        {"name": "greets", "code": "expect(render(<Greeting name=\"Anna\" />).text).toBe('Hello, Anna!');"},
        {"name": "renders markup", "code": "expect(render(<Greeting name=\"A\" />).html).toContain('class=\"greeting\"');"},
        {"name": "starts at zero", "code": (
            "const Counter = solution.default;\nexpect(mount(<Counter />).text()).toContain('Clicked 0 times');")},
        {"name": "counts clicks", "code": (
            "const Counter = solution.default;\nconst app = mount(<Counter start={2} />);\n"
            "app.find('button').click();\napp.find('button').click();\n"
            "expect(app.getByText('Clicked 4 times')).toBeDefined();")},
    ],
    "react",
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latencies(pool, case, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds per grading through the pool, and through ``runner.run_tests`` called in
    this process (what the worker process adds), alternating so both see the same load."""
    from lms.exercises.runner import run_tests

    source, tests, language = case
    for _ in range(5):  # warm: V8's JIT, the transformer context, the bundles
        assert pool.grade(source, tests, language=language).all_passed
        run_tests(source, tests, language, None, 2000)
    through_pool, direct = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        result = pool.grade(source, tests, language=language)
        through_pool.append((time.perf_counter() - started) * 1000)
        assert result.all_passed, result
        started = time.perf_counter()
        raw = run_tests(source, tests, language, None, 2000)
        direct.append((time.perf_counter() - started) * 1000)
        assert raw["status"] == "ok" and all(t["passed"] for t in raw["tests"]), raw
    return through_pool, direct


def throughput(pool, case, clients: int, seconds: float) -> float:
    source, tests, language = case
    for _ in range(clients):
        pool.grade(source, tests, language=language)
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        while time.perf_counter() < stop:
            assert pool.grade(source, tests, language=language).all_passed
            done[n] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    from lms.exercises.sandbox import Pool

    load_before = os.getloadavg()[0]

    cases = [("empty program (floor)", EMPTY), ("plain JavaScript, 6 tests", PLAIN),
             ("React: JSX + render + mount + click, 4 tests", REACT)]
    rows = []
    with Pool(workers=1) as one:
        floor = None
        for name, case in cases:
            times, direct = latencies(one, case, args.rounds)
            median, p95 = statistics.median(times), percentile(times, 0.95)
            floor = floor or median
            direct = statistics.median(direct)
            rows.append((name, median, p95, 1000 / statistics.mean(times), median / floor, median - direct))
            print(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms, in-process median {direct:.1f} ms", flush=True)
        with Pool(workers=2) as two:
            # Alternating short slices, so both pool sizes see the same load on the machine.
            single, double = {}, {}
            for name, case in cases[1:]:
                slices = [(throughput(one, case, 1, args.seconds / 4), throughput(two, case, 2, args.seconds / 4))
                          for _ in range(4)]
                single[name] = statistics.mean(a for a, _ in slices)
                double[name] = statistics.mean(b for _, b in slices)

    table = ["| grading | median | p95 | gradings/s, 1 worker | median vs floor | worker process adds (median) |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    table += [f"| {name} | {median:.1f} ms | {p95:.1f} ms | {rate:.0f} | {ratio:.1f}× | {extra:.1f} ms |"
              for name, median, p95, rate, ratio, extra in rows]
    scaling = ["| grading | 1 worker, 1 client: gradings/s | 2 workers, 2 clients: gradings/s | ratio |",
               "| --- | ---: | ---: | ---: |"]
    scaling += [f"| {name} | {single[name]:.0f} | {double[name]:.0f} | {double[name] / single[name]:.2f}× |"
                for name in single]
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores"
    plain_p95, react_p95 = rows[1][2], rows[2][2]
    verdict = (f"plain JS p95 {plain_p95:.1f} ms (target < 50 ms: {'met' if plain_p95 < 50 else 'NOT met'}); "
               f"React p95 {react_p95:.1f} ms (target < 100 ms: {'met' if react_p95 < 100 else 'NOT met'}); "
               f"2 workers / 1 worker: {min(double[n] / single[n] for n in single):.2f}× or better")
    setup = (f"Through `sandbox.Pool`: each grading goes over a pipe to a grader worker process and runs "
             f"in a fresh V8 context with the frozen harness. Latency: {args.rounds} gradings one after another "
             f"on one worker (one core). Scaling: {args.seconds:.0f} s of back-to-back gradings per pool size, one "
             f"client thread per worker, in four alternating slices. \"Worker process adds\": the median minus that of `runner.run_tests` called in the "
             f"benchmark's own process, alternating with the pooled gradings (pipes, JSON, the supervisor). Targets: plain JS p95 < 50 ms, "
             f"React p95 < 100 ms, gradings/s growing with workers. Machine: {load}; "
             f"with other work on both cores, p95 and the scaling ratio measure that work, not the grader.")
    print("\n".join(table))
    print("\n".join(scaling))
    print(verdict)
    print(load)
    if args.record:
        record("grading", f"## Grading code exercises (`bench/grading.py`)\n\n{setup}\n\n" + "\n".join(table)
               + "\n\n" + "\n".join(scaling) + f"\n\n{verdict[0].upper() + verdict[1:]}.")


if __name__ == "__main__":
    main()
