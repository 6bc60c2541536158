"""Server time of a learner's competence page, a class heat map of 30 pupils and the
programme dashboard, on a store with only the people measured (the baseline) and again
after filling it to 10,000 learners and 1,000,000 statements, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.competence [--learners 10000] [--statements 1000000]
                                         [--rounds 30] [--only sqlite|postgresql] [--record]

How the store is filled: the people measured (an adult, a teacher running a class of 30
pupils) and four more template learners go through the real services (enrol, open and
finish lessons, pass quizzes, an external app's statements posted with an LRS credential),
so ``lms.xapi.services.record`` and the competence listener write every row. The other
learners are copies of those templates: each copy's rows (account, roles, enrolments,
item progress, module completions, quiz attempts, certificates, statements with their
agent and activity index rows, evidence, the per-learner aggregate and the learner's
active days) are the template's
rows with a new account, new statement ids and registrations, and times spread over the
last year, written with bulk inserts (COPY on PostgreSQL). Server time is the time of a
request through the app's test client, in process (median and p95 of ``--rounds``).
PostgreSQL: LMS_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/lms_bench,
dropped and created again).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.lrs_ingest import reset_database
from bench.record import record

PASSWORD = "bench password"
VR_LAB = "https://vr-lab.example/activities/"
TARGETS = {"learner": ("≤ 1.5× empty", None), "heat map": ("< 100 ms", 100.0), "dashboard": ("< 500 ms", 500.0)}


def make_app(database_url: str):
    from lms import create_app

    instance = tempfile.mkdtemp(prefix="lms-bench-")
    os.environ["LMS_INSTANCE_PATH"] = instance
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "LMS_LOGIN_RATE_LIMIT": "10000 per minute",
                       "RATELIMIT_ENABLED": False})


# The people measured and the templates, through the real services ----------------------------

def correct_form(paper) -> dict[str, list[str]]:
    """Every answer right, for an attempt's paper (its drawn questions, options by the
    values the paper gave them)."""
    form = {}
    for entry in paper:
        question, kind = entry.question, entry.question["type"]
        if kind in ("single", "multiple"):
            form[f"q-{question['id']}"] = [value for value, option in entry.options if option["correct"]]
        elif kind == "true_false":
            form[f"q-{question['id']}"] = ["true" if question["answer"] else "false"]
        elif kind == "numeric":
            form[f"q-{question['id']}"] = [f"{question['answer']:g}"]
        else:
            form[f"q-{question['id']}"] = [question["accepted"][0]]
    return form


def journey(user, course, share: float = 1.0, visits: int = 1) -> None:
    """Enrol (unless a class did), then open and finish the first ``share`` of the
    course's items (lessons marked done, quizzes passed), as a learner clicking through;
    each lesson is opened ``visits`` times (each view is an ``experienced`` statement)."""
    from lms.catalog import services as catalog
    from lms.learning import services as learning

    enrollment = learning.enrollment_for(user, course) or learning.enrol(user, course)
    items = catalog.live_items(course)
    for item in items[:max(1, round(len(items) * share))]:
        for _ in range(visits if item.kind == "lesson" else 1):
            learning.open_item(enrollment, item)
        if item.kind == "lesson":
            if enrollment.course.lesson_completion != "on_open":
                learning.mark_done(enrollment, item)
        else:
            attempt = learning.start_attempt(enrollment, item)
            learning.submit_attempt(enrollment, attempt, correct_form(learning.attempt_paper(attempt)))


def external_statements(user, credential) -> None:
    """What a VR lab sends: the learner passed two of its (mapped) activities."""
    from lms.xapi import credentials, services as xapi, vocabulary

    actor = {"objectType": "Agent", "account": {"homePage": vocabulary.platform_identity(), "name": str(user.public_id)}}
    xapi.record([{"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                  "object": {"id": VR_LAB + name}, "result": {"score": {"scaled": 0.9}, "success": True}}
                 for name in ("privacy-escape-room", "solar-system")], authority=credentials.authority(credential))


def prepare(pupils: int = 30) -> dict:
    """The people measured and the template learners; returns who is who."""
    from lms.accounts import services as accounts
    from lms.catalog import services as catalog
    from lms.competence import services as competence
    from lms.content import services as content
    from lms.extensions import db
    from lms.teaching import services as teaching
    from lms.xapi import credentials

    content.import_courses(content.COURSES_DIR)
    competence.add_mapping(VR_LAB + "privacy-escape-room", "digcomp:4.2@4", 0.8)
    competence.add_mapping(VR_LAB + "solar-system", "digcomp:1.1@3")
    credential, _ = credentials.issue("VR lab, Ventspils", ["statements/write"])

    def user(name, audience, roles=("learner",)):
        return accounts.create_user(username=name, password=PASSWORD, display_name=name.title(), audience=audience,
                                    email=None if audience == "pupil" else f"{name}@example.org", roles=roles)

    essentials, explorers, pedagogy = (catalog.get_course(s) for s in
                                       ("digital-essentials-for-work", "digital-explorers", "digital-pedagogy"))
    admin = user("bench-admin", "adult", ("learner", "admin"))
    adult = user("bench-adult", "adult")
    journey(adult, essentials, visits=3)
    external_statements(adult, credential)
    adult_half = user("bench-adult-half", "adult")
    journey(adult_half, essentials, 0.5, visits=2)
    teacher = user("bench-teacher", "teacher", ("learner", "teacher"))
    journey(teacher, pedagogy, visits=3)
    school_class = teaching.create_class(teacher, "5.b pēcstundu pulciņš", "5. klase")
    teaching.assign_course(school_class, explorers)
    class_pupils = []
    for number in range(pupils):
        pupil = teaching.join(school_class, username=f"bench-pupil-{number}", display_name=f"Pupil {number}",
                              password=PASSWORD)
        journey(pupil, explorers, (1.0, 0.5, 0.25)[number % 3], visits=(4, 3, 2)[number % 3])
        if number % 3 == 0:
            external_statements(pupil, credential)
        class_pupils.append(pupil)
    db.session.commit()
    return {"admin": admin.id, "adult": adult.id, "teacher": teacher.id, "class": school_class.id,
            "templates": [adult.id, adult_half.id, teacher.id, class_pupils[0].id, class_pupils[1].id,
                          class_pupils[2].id]}


# Copies of the templates, with bulk inserts --------------------------------------------------

class Template:
    """Every row a template learner owns, read back as stored."""

    def __init__(self, connection, user_id: int, base_url: str) -> None:
        def rows(table, where):
            return [dict(row._mapping) for row in connection.execute(sa.select(table).where(where))]

        from lms.extensions import db

        t = db.metadata.tables
        self.user = rows(t["user_account"], t["user_account"].c.id == user_id)[0]
        self.public_id = str(uuid.UUID(str(self.user["public_id"])))
        self.actor_key = f"account:{base_url}|{self.public_id}"
        self.roles = rows(t["user_role"], t["user_role"].c.user_id == user_id)
        self.enrollments = rows(t["enrollment"], t["enrollment"].c.user_id == user_id)
        ids = [e["id"] for e in self.enrollments]
        self.item_progress = rows(t["item_progress"], t["item_progress"].c.enrollment_id.in_(ids))
        self.modules = rows(t["module_completion"], t["module_completion"].c.enrollment_id.in_(ids))
        self.attempts = rows(t["quiz_attempt"], t["quiz_attempt"].c.enrollment_id.in_(ids))
        self.certificates = rows(t["certificate"], t["certificate"].c.enrollment_id.in_(ids))
        self.statements = rows(t["xapi_statement"], t["xapi_statement"].c.actor_key == self.actor_key)
        seqs = [s["seq"] for s in self.statements]
        self.agents = rows(t["xapi_statement_agent"], t["xapi_statement_agent"].c.seq.in_(seqs))
        self.activities = rows(t["xapi_statement_activity"], t["xapi_statement_activity"].c.seq.in_(seqs))
        self.evidence = rows(t["competence_evidence"], t["competence_evidence"].c.actor_key == self.actor_key)
        self.levels = rows(t["learner_competence"], t["learner_competence"].c.actor_key == self.actor_key)
        registrations = {str(uuid.UUID(str(e["registration"]))): e["id"] for e in self.enrollments}
        self.documents = []
        for statement in self.statements:
            data = statement["data"] if isinstance(statement["data"], dict) else json.loads(statement["data"])
            data = {**data, "id": "@@ID@@", "timestamp": "@@TS@@", "stored": "@@ST@@"}
            text = json.dumps(data, ensure_ascii=False).replace(self.public_id, "@@ACTOR@@")
            registration = data.get("context", {}).get("registration")
            if registration:
                text = text.replace(registration, "@@REG@@")
            self.documents.append((text, registrations.get(registration)))
        times = [s["timestamp"] for s in self.statements] + [e["enrolled_at"] for e in self.enrollments]
        self.start, self.end = min(times), max(times)


def _json_text(value) -> str | None:
    return None if value is None else (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


class Writer:
    """Bulk inserts of plain rows: COPY on PostgreSQL, executemany on SQLite (through
    tables whose JSON columns take the text as it is)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        from lms.extensions import db

        self.tables = {}
        for name, table in db.metadata.tables.items():
            metadata = sa.MetaData()
            columns = [sa.Column(c.name, sa.Text if isinstance(c.type, sa.JSON) else c.type) for c in table.columns]
            self.tables[name] = sa.Table(name, metadata, *columns)

    def write(self, batches: dict[str, list[dict]]) -> None:
        with self.engine.begin() as connection:
            for name, rows in batches.items():
                if not rows:
                    continue
                if self.postgres:
                    columns = list(rows[0])
                    raw = connection.connection.driver_connection
                    with raw.cursor() as cursor:
                        with cursor.copy(f'COPY {name} ({", ".join(columns)}) FROM STDIN') as copy:
                            for row in rows:
                                copy.write_row([row[c] for c in columns])
                else:
                    connection.execute(self.tables[name].insert(), rows)

    def next_ids(self) -> dict[str, int]:
        keys = {"user_account": "id", "enrollment": "id", "item_progress": "id", "module_completion": "id",
                "quiz_attempt": "id", "certificate": "id", "xapi_statement": "seq", "competence_evidence": "id"}
        with self.engine.connect() as connection:
            return {name: (connection.scalar(sa.text(f"SELECT max({key}) FROM {name}")) or 0) + 1
                    for name, key in keys.items()}

    def finish(self) -> None:
        """Sequences past the copied ids (PostgreSQL), fresh planner statistics."""
        with self.engine.begin() as connection:
            if self.postgres:
                for name, key in (("user_account", "id"), ("enrollment", "id"), ("item_progress", "id"),
                                  ("module_completion", "id"), ("quiz_attempt", "id"), ("certificate", "id"),
                                  ("xapi_statement", "seq"), ("competence_evidence", "id")):
                    connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', '{key}'), "
                                               f"(SELECT max({key}) FROM {name}))"))
            else:
                connection.execute(sa.text("ANALYZE"))
        if self.postgres:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))


def iso(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clone(template: Template, number: int, ids: dict[str, int], now: datetime, rng: random.Random,
          batches: dict[str, list[dict]], base_url: str, zone: ZoneInfo) -> int:
    """One more learner like ``template``: its rows appended to ``batches``; returns the
    number of statements."""
    start = now - timedelta(days=rng.uniform(3, 395))
    span = timedelta(days=rng.uniform(1, 60))
    length = max((template.end - template.start).total_seconds(), 1.0)

    def at(moment):
        if moment is None:
            return None
        moved = start + span * ((moment - template.start).total_seconds() / length)
        return min(moved, now).replace(microsecond=moved.microsecond // 1000 * 1000)

    def new_id(table):
        value = ids[table]
        ids[table] += 1
        return value

    user_id = new_id("user_account")
    public_id = uuid.uuid4()
    actor_key = f"account:{base_url}|{public_id}"
    audience = template.user["audience"]
    username = f"{audience}-{number}"
    batches["user_account"].append({**template.user, "id": user_id, "public_id": public_id, "username": username,
                                    "email": None if audience == "pupil" else f"{username}@example.org",
                                    "display_name": f"{audience.title()} {number}",
                                    "created_at": at(template.user["created_at"]), "last_login_at": None})
    batches["user_role"] += [{**role, "user_id": user_id} for role in template.roles]
    enrollments, registrations = {}, {}
    for row in template.enrollments:
        enrollments[row["id"]] = new_id("enrollment")
        registrations[row["id"]] = uuid.uuid4()
        batches["enrollment"].append({**row, "id": enrollments[row["id"]], "user_id": user_id,
                                      "registration": registrations[row["id"]], "enrolled_at": at(row["enrolled_at"]),
                                      "left_at": at(row["left_at"]), "completed_at": at(row["completed_at"]),
                                      "last_activity_at": at(row["last_activity_at"])})
    for row in template.item_progress:
        batches["item_progress"].append({**row, "id": new_id("item_progress"),
                                         "enrollment_id": enrollments[row["enrollment_id"]],
                                         "opened_at": at(row["opened_at"]), "completed_at": at(row["completed_at"])})
    for row in template.modules:
        batches["module_completion"].append({**row, "id": new_id("module_completion"),
                                             "enrollment_id": enrollments[row["enrollment_id"]],
                                             "completed_at": at(row["completed_at"])})
    for row in template.attempts:
        batches["quiz_attempt"].append({**row, "id": new_id("quiz_attempt"),
                                        "enrollment_id": enrollments[row["enrollment_id"]],
                                        "started_at": at(row["started_at"]), "submitted_at": at(row["submitted_at"]),
                                        "paper": _json_text(row["paper"]), "answers": _json_text(row["answers"]),
                                        "results": _json_text(row["results"])})
    for row in template.certificates:
        batches["certificate"].append({**row, "id": new_id("certificate"), "code": uuid.uuid4().hex[:16].upper(),
                                       "enrollment_id": enrollments[row["enrollment_id"]],
                                       "issued_at": at(row["issued_at"])})
    seqs = {}
    for row, (text, enrollment_id) in zip(template.statements, template.documents):
        seq = seqs[row["seq"]] = new_id("xapi_statement")
        statement_id, moment = uuid.uuid4(), at(row["timestamp"])
        registration = registrations.get(enrollment_id)
        data = (text.replace("@@ID@@", str(statement_id)).replace("@@TS@@", iso(moment))
                .replace("@@ST@@", iso(moment)).replace("@@ACTOR@@", str(public_id)))
        if registration is not None:
            data = data.replace("@@REG@@", str(registration))
        batches["xapi_statement"].append({**row, "seq": seq, "statement_id": statement_id, "actor_key": actor_key,
                                          "registration": registration, "timestamp": moment, "stored": moment,
                                          "data": data})
    days = Counter(moment.replace(tzinfo=timezone.utc).astimezone(zone).date()
                   for moment in (row["timestamp"] for row in batches["xapi_statement"][-len(template.statements):]))
    batches["learner_active_day"] += [{"actor_key": actor_key, "day": day, "week": day - timedelta(days=day.weekday()),
                                       "statements": count} for day, count in days.items()]
    batches["xapi_statement_agent"] += [{**row, "seq": seqs[row["seq"]],
                                         "agent_key": actor_key if row["agent_key"] == template.actor_key
                                         else row["agent_key"]} for row in template.agents]
    batches["xapi_statement_activity"] += [{**row, "seq": seqs[row["seq"]]} for row in template.activities]
    batches["competence_evidence"] += [{**row, "id": new_id("competence_evidence"), "actor_key": actor_key,
                                        "statement_seq": seqs[row["statement_seq"]], "at": at(row["at"])}
                                       for row in template.evidence]
    batches["learner_competence"] += [{**row, "actor_key": actor_key, "updated_at": at(row["updated_at"])}
                                      for row in template.levels]
    return len(template.statements)


def fill(app, people: dict, learners: int, statements: int, seed: int = 6) -> tuple[int, int, float]:
    """Copies of the templates up to ``learners`` people and about ``statements``
    statements; returns (learners, statements, seconds)."""
    from lms.extensions import db

    started = time.perf_counter()
    rng = random.Random(seed)
    with app.app_context():
        from lms.xapi import vocabulary

        base_url = vocabulary.platform_identity()
        engine = db.engine
        with engine.connect() as connection:
            templates = [Template(connection, user_id, base_url) for user_id in people["templates"]]
            have_people = connection.scalar(sa.text("SELECT count(*) FROM user_account"))
            have_statements = connection.scalar(sa.text("SELECT count(*) FROM xapi_statement"))
        writer = Writer(engine)
        ids = writer.next_ids()
        to_make = learners - have_people
        wanted = statements - have_statements
        # Choose templates so that the copies add up to the statements wanted: adults,
        # pupils and teachers in the proportions of the programme, more of the longer ones
        # where more statements per learner are needed.
        sizes = [len(t.statements) for t in templates]
        per_learner = wanted / to_make
        weights = [1.0] * len(templates)
        for _ in range(200):
            mean = sum(w * s for w, s in zip(weights, sizes)) / sum(weights)
            if abs(mean - per_learner) < 0.05:
                break
            weights = [w * (s / mean) ** (0.5 if per_learner > mean else -0.5) for w, s in zip(weights, sizes)]
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
        made, count = 0, 0
        batches = {name: [] for name in writer.tables}
        while made < to_make:
            remaining = wanted - count
            # Steer towards the total: when the learners still to make need longer (or
            # shorter) histories than the templates give on average, draw from those.
            need = remaining / (to_make - made)
            pool = [(t, w) for t, w, s in zip(templates, weights, sizes)
                    if (need > mean * 1.01 and s > mean) or (need < mean * 0.99 and s < mean)
                    or mean * 0.99 <= need <= mean * 1.01] or list(zip(templates, weights))
            template = rng.choices([t for t, _ in pool], [w for _, w in pool])[0]
            if to_make - made == 1:  # the last one: the template closest to what is left
                template = min(templates, key=lambda t: abs(len(t.statements) - remaining))
            count += clone(template, made, ids, now, rng, batches, base_url, zone)
            made += 1
            if len(batches["xapi_statement"]) >= 50_000:
                writer.write(batches)
                batches = {name: [] for name in writer.tables}
                print(f"  {made:,} learners, {count:,} statements, {time.perf_counter() - started:.0f} s", flush=True)
        writer.write(batches)
        writer.finish()
        with engine.connect() as connection:
            total_people = connection.scalar(sa.text("SELECT count(*) FROM user_account"))
            total_statements = connection.scalar(sa.text("SELECT count(*) FROM xapi_statement"))
    return total_people, total_statements, time.perf_counter() - started


# Measuring -----------------------------------------------------------------------------------

def signed_in(app, username: str):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"csrf_token": token, "login": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def timed(client, path: str, rounds: int) -> tuple[float, float]:
    """(median, p95) milliseconds of GET ``path`` through the test client, after a warm-up."""
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def measure(app, people: dict, rounds: int) -> dict[str, tuple[float, float]]:
    from lms.extensions import db

    with app.app_context():
        from lms.accounts.models import User

        names = {key: db.session.get(User, people[key]).username for key in ("admin", "adult", "teacher")}
    return {
        "learner": timed(signed_in(app, names["adult"]), "/my/competences", rounds),
        "heat map": timed(signed_in(app, names["teacher"]), f"/classes/{people['class']}", rounds),
        "dashboard": timed(signed_in(app, names["admin"]), "/admin/programme", rounds),
    }


def run(database: str, url: str, learners: int, statements: int, rounds: int) -> dict:
    if database == "postgresql":
        reset_database(url)
    app = make_app(url)
    from lms.extensions import db

    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        people = prepare()
        prepared = time.perf_counter() - started
    print(f"{database}: people measured and templates through the services in {prepared:.0f} s")
    empty = measure(app, people, rounds)
    print(f"{database}: empty store measured; filling")
    total_people, total_statements, seconds = fill(app, people, learners, statements)
    print(f"{database}: filled to {total_people:,} learners, {total_statements:,} statements in {seconds:.0f} s")
    full = measure(app, people, rounds)
    return {"empty": empty, "full": full, "people": total_people, "statements": total_statements,
            "fill": seconds, "prepare": prepared}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:///{Path(tempfile.mkdtemp(prefix='lms-bench-')) / 'bench.sqlite3'}",
            "postgresql": os.environ.get("LMS_BENCH_DATABASE_URL",
                                         "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench")}
    results = {name: run(name, url, args.learners, args.statements, args.rounds)
               for name, url in urls.items() if args.only in (None, name)}

    labels = {"learner": "learner's competence page (`/my/competences`)",
              "heat map": "class page with its heat map, 30 pupils (`/classes/<id>`)",
              "dashboard": "programme dashboard, last 365 days (`/admin/programme`)"}
    lines = ["| page | database | empty store: median (p95) | full store: median (p95) | full / empty | target | met |",
             "| --- | --- | ---: | ---: | ---: | --- | --- |"]
    verdicts = []
    for page in labels:
        for name, result in results.items():
            (e50, e95), (f50, f95) = result["empty"][page], result["full"][page]
            ratio = f50 / e50
            target, limit = TARGETS[page]
            met = ratio <= 1.5 if limit is None else f50 < limit
            verdicts.append(met)
            lines.append(f"| {labels[page]} | {name} | {e50:.1f} ms ({e95:.1f}) | {f50:.1f} ms ({f95:.1f}) | "
                         f"{ratio:.2f}× | {target} | {'yes' if met else 'no'} |")
    fills = "; ".join(f"{name}: {r['people']:,} learners and {r['statements']:,} statements, filled in "
                      f"{r['fill']:.0f} s (the people measured and the templates through the services: "
                      f"{r['prepare']:.0f} s)" for name, r in results.items())
    setup = (f"Server time in process (the app's test client), median and p95 of {args.rounds} requests after a "
             f"warm-up, first on a store holding only the people measured (an adult who finished a course and "
             f"sent two VR-lab statements, a teacher, a class of 30 pupils), then on the full store. {fills}. "
             "The full store holds copies of six template learners (see the module docstring).")
    table = "\n".join(lines)
    print(table)
    print(setup)
    print("all targets met" if all(verdicts) else "NOT all targets met")
    if args.record:
        record("competence", f"## Competences at 1M statements (`bench/competence.py`)\n\n{setup}\n\n{table}")


if __name__ == "__main__":
    main()
