"""How long importing every shipped course takes, against reading and checking the same
files without touching the database (the baseline, in the same run).

    .venv/bin/python -m bench.import_courses [--rounds 5] [--record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from bench.record import record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-")
    from lms import create_app
    from lms.content import services as content
    from lms.content.loader import load
    from lms.extensions import db

    app = create_app()
    with app.app_context():
        db.create_all()
        specs, problems = load(content.COURSES_DIR)
        assert not problems, problems
        items = sum(len(module.items) for spec in specs for module in spec.modules)
        validate, first, again = [], [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            load(content.COURSES_DIR)
            validate.append(time.perf_counter() - started)
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            content.import_courses(content.COURSES_DIR)
            db.session.commit()
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            content.import_courses(content.COURSES_DIR)
            db.session.commit()
            again.append(time.perf_counter() - started)
    base = statistics.median(validate)
    rows = [("read and check the files (baseline)", base), ("first import into an empty database", statistics.median(first)),
            ("re-import (everything exists)", statistics.median(again))]
    table = ["| step | median time | vs baseline |", "| --- | ---: | ---: |"]
    table += [f"| {name} | {seconds * 1000:.0f} ms | {seconds / base:.1f}× |" for name, seconds in rows]
    setup = (f"{len(specs)} shipped courses, {items} items, SQLite, median of {args.rounds} rounds. "
             "Target: importing all shipped courses under 2 s.")
    print("\n".join(table))
    print(setup)
    print(f"first import {statistics.median(first):.2f} s: {'met' if statistics.median(first) < 2 else 'NOT met'}")
    if args.record:
        record("import", f"## Importing the shipped courses (`bench/import_courses.py`)\n\n{setup}\n\n" + "\n".join(table))


if __name__ == "__main__":
    main()
