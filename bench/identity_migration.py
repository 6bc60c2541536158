"""How long migration 0014 (the platform identity) takes on a large store, on SQLite and
PostgreSQL.

    .venv/bin/python -m bench.identity_migration [--learners 10000] [--statements 1000000]
                                                 [--only sqlite|postgresql] [--record]

The store is made by the migrations up to the newest, then filled as ``bench/competence.py``
fills it (the people measured and six template learners through the real services, then
copies of the templates written in bulk: accounts, enrolments, statements with their
index rows, evidence, levels, active days), all under ``http://127.0.0.1:5000``. Then:

1. upgrade: back to revision 0011 (the identity table dropped), then ``flask db upgrade``
   with ``LMS_BASE_URL`` set to another address, as a site that moved does it. Every
   step of the migration runs: the pass over the statements that finds which bases are
   the platform's, then the move of the other base's records, which here finds nothing
   to move but still reads every table it would rewrite. A site whose statements were
   nearly all written under one address pays this.
2. move everything: the migration's ``move()`` rewrites every record of the store from
   one base to another, in one transaction: the worst case, a store whose records are
   all under the base that is not kept (the move of a real store is the share of this
   that the minority base holds).

PostgreSQL: LMS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/lms_bench,
dropped and created again).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.competence import fill, make_app, prepare
from bench.lrs_ingest import reset_database
from bench.record import record

ROOT = Path(__file__).resolve().parent.parent
OLD, NEW = "http://127.0.0.1:5000", "https://learn.example.lv"
COUNTED = ("xapi_statement", "xapi_statement_agent", "xapi_statement_activity", "competence_evidence",
           "learner_competence", "learner_active_day", "xapi_actor")


def migration():
    spec = importlib.util.spec_from_file_location(
        "platform_identity_migration", ROOT / "migrations" / "versions" / "0014_platform_identity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.scalar(sa.text(f"SELECT count(*) FROM {name}")) for name in COUNTED}


def under(engine, base: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT count(*) FROM xapi_statement WHERE substr(actor_key, 1, :n) = :p"),
                                 {"n": len(f"account:{base}|"), "p": f"account:{base}|"})


def run(database: str, url: str, learners: int, statements: int) -> dict:
    from flask_migrate import downgrade, upgrade

    from lms.extensions import db

    if database == "postgresql":
        reset_database(url)
    app = make_app(url)
    app.config["LMS_BASE_URL"] = OLD
    with app.app_context():
        upgrade()
        people = prepare()
    total_people, total_statements, seconds = fill(app, people, learners, statements)
    print(f"{database}: filled to {total_people:,} learners, {total_statements:,} statements in {seconds:.0f} s")
    with app.app_context():
        engine = db.engine
        sizes = counts(engine)
        db.session.remove()
        downgrade(revision="0011_xapi_actors")
    moved_site = make_app(url)
    moved_site.config["LMS_BASE_URL"] = NEW
    with moved_site.app_context():
        started = time.perf_counter()
        upgrade()
        upgrade_seconds = time.perf_counter() - started
        kept = db.session.scalar(sa.text("SELECT iri FROM platform_identity"))
        db.session.remove()
        assert kept == OLD, kept
        print(f"{database}: upgrade in {upgrade_seconds:.1f} s (identity {kept})")
        before = under(db.engine, OLD)
        started = time.perf_counter()
        with db.engine.begin() as connection:
            steps = migration().move(connection, OLD, NEW)
        move_seconds = time.perf_counter() - started
        assert under(db.engine, NEW) == before and under(db.engine, OLD) == 0
        print(f"{database}: moved {before:,} statements of learners, and everything else, in {move_seconds:.1f} s: "
              + ", ".join(f"{step} {took:.1f} s" for step, took in steps.items()))
        db.engine.dispose()
    return {"sizes": sizes, "people": total_people, "upgrade": upgrade_seconds, "move": move_seconds,
            "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:///{Path(tempfile.mkdtemp(prefix='lms-bench-')) / 'bench.sqlite3'}",
            "postgresql": os.environ.get("LMS_BENCH_DATABASE_URL",
                                         "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench")}
    results = {name: run(name, url, args.learners, args.statements)
               for name, url in urls.items() if args.only in (None, name)}

    lines = ["| database | statements | index rows (agent + activity) | evidence rows | upgrade (nothing to move) "
             "| move every record | of which statements and index rows | statements moved per second |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, result in results.items():
        sizes, steps = result["sizes"], result["steps"]
        statement_step = steps["statements and their index rows"]
        lines.append(f"| {name} | {sizes['xapi_statement']:,} | "
                     f"{sizes['xapi_statement_agent'] + sizes['xapi_statement_activity']:,} | "
                     f"{sizes['competence_evidence']:,} | {result['upgrade']:.1f} s | {result['move']:.1f} s | "
                     f"{statement_step:.1f} s | {sizes['xapi_statement'] / statement_step:,.0f} |")
    details = "; ".join(f"{name}: " + ", ".join(f"{step} {took:.1f} s" for step, took in r["steps"].items())
                        for name, r in results.items())
    setup = ("The store: the people measured and six template learners through the real services, then copies "
             f"of the templates to {args.learners:,} learners (see `bench/competence.py`), all under `{OLD}`. "
             "Upgrade: from revision 0011 with `LMS_BASE_URL` set to another address; it finds the store's base "
             "(one pass over the statements), keeps it, and looks for records under the other address in every "
             "table it would move (none here). Move every record: the migration's `move()` rewrites the whole "
             f"store to another base in one transaction, in ranges of {migration().BATCH:,} statements: the worst "
             f"case. Steps of the move: {details}.")
    table = "\n".join(lines)
    print(table)
    print(setup)
    if args.record:
        record("identity-migration", f"## Moving a store to the platform identity (`bench/identity_migration.py`)"
                                     f"\n\n{setup}\n\n{table}")


if __name__ == "__main__":
    main()
