"""Statement building: TinCanPython (what lms/xapi/vocabulary.py used until this benchmark,
now an optional install for it) against a small plain-data builder (what it uses now) and Ralph's xAPI models (pydantic), for the statement the platform makes
most: a learner passed a quiz, with context (parent, grouping, category, registration,
language, platform, competence extension) and a scaled score.

Each builds the statement from the same values and ends with the dict the one door stores
(``lms.xapi.services.record`` turns a TinCan statement into one through its JSON). The
three results are checked equal before anything is timed. Ralph's models run in Ralph's own
virtualenv (``tests/xapi/ralph_env.py``), so this script imports only the standard library
at the top and runs itself there for that part.

    .venv/bin/python -m bench.statement_builders [--count 20000] [--record]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from datetime import datetime, timezone
from pathlib import Path

IDENTITY = "https://learn.example.lv"
TYPES = "http://adlnet.gov/expapi/activities/"
COMPETENCES = IDENTITY + "/xapi/extensions/competences"
PROFILE = IDENTITY + "/xapi/profile"


def values(n: int) -> dict:
    """The inputs of the n-th statement (fixed ids and time, so every builder makes the same one)."""
    return {"id": str(uuid.UUID(int=n, version=4)), "learner": str(uuid.UUID(int=10**6 + n, version=4)),
            "registration": str(uuid.UUID(int=10**7 + n, version=4)), "course": "js-fundamentals",
            "quiz": f"quiz-{n % 40}", "scaled": round((n % 100) / 100, 4),
            "timestamp": datetime(2026, 12, 4, 12, 0, n % 60, 123000, tzinfo=timezone.utc)}


def plain(v: dict) -> dict:
    """A plain-data builder: the statement as the dicts and lists it is stored as."""
    course = {"objectType": "Activity", "id": f"{IDENTITY}/xapi/activities/course/{v['course']}",
              "definition": {"type": TYPES + "course", "name": {"lv": "JavaScript pamati"}}}
    return {
        "id": v["id"],
        "actor": {"objectType": "Agent", "account": {"homePage": IDENTITY, "name": v["learner"]}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
        "object": {"objectType": "Activity",
                   "id": f"{IDENTITY}/xapi/activities/quiz/{v['course']}/{v['quiz']}",
                   "definition": {"type": TYPES + "assessment", "name": {"lv": "Noslēguma tests"}}},
        "result": {"score": {"scaled": v["scaled"]}, "success": True, "completion": True},
        "context": {"registration": v["registration"], "platform": "Digital Skills Platform", "language": "lv",
                    "contextActivities": {
                        "parent": [course], "grouping": [course],
                        "category": [{"objectType": "Activity", "id": PROFILE,
                                      "definition": {"type": TYPES + "profile"}}]},
                    "extensions": {COMPETENCES: [{"id": IDENTITY + "/xapi/competences/jsreact/basics.values",
                                                  "framework": "jsreact", "code": "basics.values", "level": "2"}]}},
        "timestamp": v["timestamp"].isoformat(),
        "version": "1.0.3",
    }


def tincan_builder():
    from tincan import (Activity, ActivityDefinition, Agent, AgentAccount, Context, ContextActivities,
                        LanguageMap, Result, Score, Statement, Verb)

    def build(v: dict) -> dict:
        def course():
            return Activity(id=f"{IDENTITY}/xapi/activities/course/{v['course']}",
                            definition=ActivityDefinition(type=TYPES + "course", name=LanguageMap({"lv": "JavaScript pamati"})))
        category = Activity(id=PROFILE, definition=ActivityDefinition(type=TYPES + "profile"))
        context = Context(context_activities=ContextActivities(category=[category], parent=[course()], grouping=[course()]),
                          platform="Digital Skills Platform", language="lv", registration=v["registration"])
        context.extensions = {COMPETENCES: [{"id": IDENTITY + "/xapi/competences/jsreact/basics.values",
                                             "framework": "jsreact", "code": "basics.values", "level": "2"}]}
        made = Statement(
            actor=Agent(account=AgentAccount(home_page=IDENTITY, name=v["learner"])),
            verb=Verb(id="http://adlnet.gov/expapi/verbs/passed", display=LanguageMap({"en-US": "passed"})),
            object=Activity(id=f"{IDENTITY}/xapi/activities/quiz/{v['course']}/{v['quiz']}",
                            definition=ActivityDefinition(type=TYPES + "assessment",
                                                          name=LanguageMap({"lv": "Noslēguma tests"}))),
            result=Result(score=Score(scaled=v["scaled"]), success=True, completion=True),
            context=context, timestamp=v["timestamp"])
        made.id = v["id"]
        return json.loads(made.to_json("1.0.3"))  # as lms.xapi.services._as_dict does
    return build


def ralph_builder():
    from ralph.models.xapi.base.statements import BaseXapiStatement

    def build(v: dict) -> dict:
        model = BaseXapiStatement.model_validate(plain(v))
        data = model.model_dump(mode="json", exclude_none=True)
        # Its scores are Decimals, dumped as strings ("0.07"), which xAPI refuses: back to numbers.
        score = data.get("result", {}).get("score", {})
        for key in score:
            score[key] = float(score[key])
        return data
    return build


def normalised(statement: dict) -> dict:
    """For the equality check only: the same instant written the same way, ids lower case."""
    out = json.loads(json.dumps(statement))
    out["timestamp"] = datetime.fromisoformat(out["timestamp"].replace("Z", "+00:00")).isoformat()
    return out


def measure(build, count: int) -> dict:
    inputs = [values(n) for n in range(count)]
    for v in inputs[:200]:
        build(v)  # warm up
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for v in inputs:
            build(v)
        runs.append((time.perf_counter() - started) / count * 1e6)
    tracemalloc.start()
    build(inputs[0])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"us": statistics.median(runs), "us_min": min(runs), "peak_kib": peak / 1024}


def import_ms(module: str, python: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    return float(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--record", action="store_true", help="write the figures into docs/benchmarks.md")
    parser.add_argument("--ralph-part", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ralph_part:  # inside Ralph's virtualenv
        build = ralph_builder()
        print(json.dumps({"sample": normalised(build(values(7))), **measure(build, args.count),
                          "import_ms": import_ms("ralph.models.xapi.base.statements", sys.executable)}))
        return

    from tests.xapi.ralph_env import ralph_python

    reference = normalised(plain(values(7)))
    try:
        import tincan  # noqa: F401  (no longer a dependency: `pip install tincan` to compare)
    except ImportError:
        sys.exit("TinCanPython is not installed: `.venv/bin/pip install 'tincan>=1.0,<2'` to compare with it")
    assert normalised(tincan_builder()(values(7))) == reference, "TinCanPython built another statement"
    ralph = json.loads(subprocess.run([str(ralph_python()), str(Path(__file__).resolve()), "--ralph-part",
                                       "--count", str(args.count)], capture_output=True, text=True, check=True).stdout)
    assert ralph.pop("sample") == reference, "Ralph's models built another statement"
    rows = [
        ("plain data (dicts)", {**measure(plain, args.count), "import_ms": 0.0}),
        ("TinCanPython 1.0 (to_json and back)", {**measure(tincan_builder(), args.count),
                                                   "import_ms": import_ms("tincan", sys.executable)}),
        ("Ralph 5.1.0 xAPI models (pydantic 2)", ralph),
    ]
    base = rows[0][1]["us"]
    lines = [f"Building one quiz `passed` statement with full context into the dict the one door stores, "
             f"{args.count} statements × 5 runs (median µs per statement; all three checked to build the same "
             "statement first).", "",
             "| builder | µs per statement (median) | best run | × plain | peak memory per build | import |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, figures in rows:
        lines.append(f"| {name} | {figures['us']:.1f} | {figures['us_min']:.1f} | {figures['us'] / base:.1f}× | "
                     f"{figures['peak_kib']:.1f} KiB | {figures['import_ms']:.0f} ms |")
    body = "\n".join(lines)
    print(body)
    if args.record:
        from bench.record import record

        record("statement-builders", "## Statement builders\n\n" + body)


if __name__ == "__main__":
    main()
