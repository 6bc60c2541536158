"""How long migration 0014 (the platform identity) takes on a large store, on SQLite and
PostgreSQL.

    .venv/bin/python -m bench.identity_migration [--learners 10000] [--statements 1000000]
                                                 [--moved 20] [--only sqlite|postgresql] [--record]

The store is made by the migrations up to the newest, then filled as ``bench/competence.py``
fills it (the people measured and six template learners through the real services, then
copies of the templates written in bulk: accounts, enrolments, statements with their
index rows, evidence, levels, active days), all under ``http://127.0.0.1:5000``. Then,
each time from revision 0011 (the identity table dropped) to the newest:

1. a site that never moved: ``LMS_BASE_URL`` is still the address of every record. The
   migration reads every statement's authority once to find the platform's bases, and
   has nothing to move.
2. a site that moved: ``--moved`` more learners go through courses and send external
   statements (through the real services) under another address, as they would have
   before the identity existed; ``LMS_BASE_URL`` is that address. The migration keeps the
   base of most statements, looks for the other base in every statement and every table
   it moves, and moves the newcomers' records.
3. the worst case, timed apart: the migration's ``move()`` rewrites every record of the
   store to another base, in one transaction (no real upgrade does: it moves the base
   of fewer statements).

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


def add_moved_learners(app, count: int) -> None:
    """``count`` learners whose records were written under NEW, as before the identity:
    the stored identity is set to NEW while they learn."""
    from lms.accounts import services as accounts
    from lms.catalog import services as catalog
    from lms.core import identity
    from lms.extensions import db
    from lms.xapi.models import Credential

    from bench.competence import PASSWORD, external_statements, journey

    with app.app_context():
        db.session.execute(sa.text("UPDATE platform_identity SET iri = :new"), {"new": NEW})
        identity.forget()
        course = catalog.get_course("digital-essentials-for-work")
        credential = db.session.scalar(sa.select(Credential))
        for number in range(count):
            user = accounts.create_user(username=f"moved-{number}", password=PASSWORD, display_name=f"Moved {number}",
                                        audience="adult", email=f"moved-{number}@example.org", roles=("learner",))
            journey(user, course, visits=2)
            external_statements(user, credential)
        db.session.commit()
        identity.forget()


def upgraded(url: str, address: str) -> tuple[float, str]:
    """From 0011 to the newest with ``LMS_BASE_URL`` = ``address``: (seconds, identity)."""
    from flask_migrate import downgrade, upgrade

    from lms.extensions import db

    app = make_app(url)
    app.config["LMS_BASE_URL"] = address
    with app.app_context():
        downgrade(revision="0011_xapi_actors")
        started = time.perf_counter()
        upgrade()
        seconds = time.perf_counter() - started
        kept = db.session.scalar(sa.text("SELECT iri FROM platform_identity"))
        db.session.remove()
        db.engine.dispose()
    return seconds, kept


def run(database: str, url: str, learners: int, statements: int, moved: int) -> dict:
    from flask_migrate import upgrade

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

    never_moved, kept = upgraded(url, OLD)
    assert kept == OLD, kept
    print(f"{database}: upgrade of a site that never moved in {never_moved:.1f} s")

    add_moved_learners(app, moved)
    with app.app_context():
        engine = db.engine
        newcomers = under(engine, NEW)
        sizes = counts(engine)
        db.session.remove()
    moved_site, kept = upgraded(url, NEW)
    assert kept == OLD and under(engine, NEW) == 0, kept
    print(f"{database}: upgrade of a site that moved in {moved_site:.1f} s ({newcomers:,} statements moved)")

    before = under(engine, OLD)
    started = time.perf_counter()
    with engine.begin() as connection:
        steps = migration().move(connection, OLD, NEW)
    move_seconds = time.perf_counter() - started
    assert under(engine, NEW) == before and under(engine, OLD) == 0
    print(f"{database}: moved all {before:,} statements of learners, and everything else, in {move_seconds:.1f} s: "
          + ", ".join(f"{step} {took:.1f} s" for step, took in steps.items()))
    engine.dispose()
    return {"sizes": sizes, "people": total_people, "never moved": never_moved, "moved": moved_site,
            "newcomers": newcomers, "move": move_seconds, "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--moved", type=int, default=20)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:///{Path(tempfile.mkdtemp(prefix='lms-bench-')) / 'bench.sqlite3'}",
            "postgresql": os.environ.get("LMS_BENCH_DATABASE_URL",
                                         "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench")}
    results = {name: run(name, url, args.learners, args.statements, args.moved)
               for name, url in urls.items() if args.only in (None, name)}

    lines = ["| database | statements | index rows (agent + activity) | evidence rows | upgrade, site never moved "
             "| upgrade, site moved (statements moved) | worst case: move every record | of which statements "
             "and index rows |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, result in results.items():
        sizes, steps = result["sizes"], result["steps"]
        statement_step = steps["statements and their index rows"]
        lines.append(f"| {name} | {sizes['xapi_statement']:,} | "
                     f"{sizes['xapi_statement_agent'] + sizes['xapi_statement_activity']:,} | "
                     f"{sizes['competence_evidence']:,} | {result['never moved']:.1f} s | "
                     f"{result['moved']:.1f} s ({result['newcomers']:,}) | {result['move']:.1f} s | "
                     f"{statement_step:.1f} s ({sizes['xapi_statement'] / statement_step:,.0f} statements/s) |")
    details = "; ".join(f"{name}: " + ", ".join(f"{step} {took:.1f} s" for step, took in r["steps"].items())
                        for name, r in results.items())
    setup = ("The store: the people measured and six template learners through the real services, then copies "
             f"of the templates to {args.learners:,} learners (see `bench/competence.py`), all under `{OLD}`. "
             "Each upgrade runs from revision 0011. Never moved: `LMS_BASE_URL` is that address; the migration "
             "reads every statement's authority once and moves nothing. Moved: "
             f"{args.moved} more learners took a course and sent VR-lab statements under `{NEW}` (as before the "
             "identity existed) and `LMS_BASE_URL` is that address; the migration keeps the base of most "
             "statements, searches every statement and table for the other one, and moves the newcomers' "
             "records. Worst case: the migration's `move()` rewrites the whole store to another base in one "
             f"transaction, in ranges of {migration().BATCH:,} statements. Steps of the worst case: {details}.")
    table = "\n".join(lines)
    print(table)
    print(setup)
    if args.record:
        record("identity-migration", f"## Moving a store to the platform identity (`bench/identity_migration.py`)"
                                     f"\n\n{setup}\n\n{table}")


if __name__ == "__main__":
    main()
