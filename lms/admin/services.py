"""The programme's figures, each counted from the records it stands for. Figures about
fewer than ``MIN_GROUP`` people are suppressed, so no pupil can be singled out."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite
from sqlalchemy.sql.expression import ColumnElement

from lms.accounts.models import User, UserRole
from lms.admin.models import ActiveDay
from lms.catalog.models import Course
from lms.competence.models import Competence, Framework, LearnerCompetence
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.xapi import services as xapi
from lms.xapi.models import Credential, Statement, StatementAgent

MIN_GROUP = 5
AUDIENCE_NAMES = {"adult": _l("Adult learner"), "teacher": _l("Teacher"), "pupil": _l("Pupil")}
RETRAINING_TRACKS = ("js-react", "digital-essentials")


@dataclass
class Figure:
    """A labelled count; ``people`` counts are suppressed below MIN_GROUP."""

    label: str
    value: int
    people: bool = True
    link: tuple[str, dict] | None = None  # (kind of records, their filters)

    @property
    def shown(self) -> str:
        if self.people and 0 < self.value < MIN_GROUP:
            return f"<{MIN_GROUP}"
        return str(self.value)

    @property
    def suppressed(self) -> bool:
        return self.people and 0 < self.value < MIN_GROUP


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Figure | str]] = field(default_factory=list)


def page_zone() -> ZoneInfo:
    """The time zone the pages show dates in (``LMS_TIMEZONE``)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall-clock time as the naive UTC time the database stores."""
    return local.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def _local(stored: datetime, zone: ZoneInfo) -> datetime:
    return stored.replace(tzinfo=timezone.utc).astimezone(zone)


def _range(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """The stored (naive UTC) bounds ``[since, until)`` of the days ``start`` to ``end``
    in the page's time zone; by default the last 365 days up to today."""
    zone = page_zone()
    start, end = _local_days(start, end)
    return (_utc(datetime.combine(start, time.min), zone),
            _utc(datetime.combine(end + timedelta(days=1), time.min), zone))


# Active days ---------------------------------------------------------------------------------

def _learner_prefix() -> str:
    return xapi.account_key("")  # the platform's own accounts: "account:<base>|"


def on_statements(rows: list[Statement]) -> None:
    """The one door's listener: count each learner's statements per local day, and take
    a voided statement off its day (one upsert per day touched)."""
    prefix, zone = _learner_prefix(), page_zone()
    changes: Counter = Counter()
    for row in rows:
        if row.verb_id == xapi.VOIDED:
            if row.ref_target is not None:
                target = db.session.scalar(sa.select(Statement).where(Statement.statement_id == row.ref_target))
                if target is not None and target.voided and target.actor_key.startswith(prefix):
                    changes[(target.actor_key, _local(target.timestamp, zone).date())] -= 1
        elif row.actor_key.startswith(prefix) and len(row.actor_key) > len(prefix):
            changes[(row.actor_key, _local(row.timestamp, zone).date())] += 1
    changes = {key: count for key, count in changes.items() if count}
    if not changes:
        return
    table = ActiveDay.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (sa.dialects.postgresql.insert if dialect == "postgresql" else sa.dialects.sqlite.insert)(table)
    db.session.execute(insert.values([
        {"actor_key": actor, "day": day, "week": day - timedelta(days=day.weekday()), "statements": count}
        for (actor, day), count in changes.items()]).on_conflict_do_update(
        index_elements=["actor_key", "day"], set_={"statements": table.c.statements + insert.excluded.statements}))
    if any(count < 0 for count in changes.values()):
        db.session.execute(sa.delete(ActiveDay).where(ActiveDay.statements <= 0))


def _local_days(start: date | None, end: date | None) -> tuple[date, date]:
    """The page's date range as local days, inclusive; by default the last 365 days."""
    end = end or datetime.now(page_zone()).date()
    return start or end - timedelta(days=365), end


def _within(column, since: datetime, until: datetime) -> ColumnElement:
    return sa.and_(column >= since, column < until)


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def active_per_week(start: date | None = None, end: date | None = None) -> list[tuple[str, int]]:
    """How many different learners made a statement in each ISO week (Monday to Sunday in
    the page's time zone) of the range, ``[("2026-W05", 12), ...]`` oldest first, weeks
    with nobody left out: one grouped query on the learners' active days."""
    first, last = _local_days(start, end)
    rows = db.session.execute(sa.select(ActiveDay.week, sa.func.count(sa.distinct(ActiveDay.actor_key)))
                              .where(ActiveDay.day >= first, ActiveDay.day <= last)
                              .group_by(ActiveDay.week).order_by(ActiveDay.week))
    return [(iso_week(week), count) for week, count in rows]


def active_learners(start: date | None = None, end: date | None = None) -> set[str]:
    """The actor keys of the learners active in the range."""
    first, last = _local_days(start, end)
    return set(db.session.scalars(sa.select(ActiveDay.actor_key).where(
        ActiveDay.day >= first, ActiveDay.day <= last).distinct()))


def figures(start: date | None = None, end: date | None = None) -> list[Table]:
    since, until = _range(start, end)
    tables = []

    audiences = Counter(dict(db.session.execute(
        sa.select(User.audience, sa.func.count()).where(User.active.is_(True)).group_by(User.audience)).all()))
    tables.append(Table(_l("Learners by audience"), [_l("Audience"), _l("People")],
                        [[AUDIENCE_NAMES[audience], Figure(audience, audiences.get(audience, 0),
                                                           link=("users", {"audience": audience, "status": "active"}))]
                         for audience in ("adult", "teacher", "pupil")]))

    tables.append(Table(_l("Active learners per week"), [_l("Week"), _l("People")],
                        [[week, Figure(week, count)] for week, count in active_per_week(start, end)]))
    pupil_keys = {xapi.account_key(pid) for pid in db.session.scalars(
        sa.select(User.public_id).where(User.audience == "pupil"))}
    pupils_active = pupil_keys & active_learners(start, end)

    enrolled = dict(db.session.execute(sa.select(Enrollment.course_id, sa.func.count()).where(
        _within(Enrollment.enrolled_at, since, until)).group_by(Enrollment.course_id)).all())
    completed = dict(db.session.execute(sa.select(Enrollment.course_id, sa.func.count()).where(
        _within(Enrollment.completed_at, since, until)).group_by(Enrollment.course_id)).all())
    per_course = Table(_l("Enrolments and completions per course"), [_l("Course"), _l("Enrolled"), _l("Completed")])
    for course in db.session.scalars(sa.select(Course).where(Course.archived.is_(False)).order_by(Course.title)):
        per_course.rows.append([course.title,
                                Figure("enrolled", enrolled.get(course.id, 0),
                                       link=("enrolments", {"course": course.slug})),
                                Figure("completed", completed.get(course.id, 0),
                                       link=("enrolments", {"course": course.slug, "completed": "1"}))])
    tables.append(per_course)

    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    zone = page_zone()
    for enrolled_at, completed_at in db.session.execute(
            sa.select(Enrollment.enrolled_at, Enrollment.completed_at).where(sa.or_(
                _within(Enrollment.enrolled_at, since, until), _within(Enrollment.completed_at, since, until)))):
        if since <= enrolled_at < until:
            months[_local(enrolled_at, zone).strftime("%Y-%m")][0] += 1
        if completed_at is not None and since <= completed_at < until:
            months[_local(completed_at, zone).strftime("%Y-%m")][1] += 1
    tables.append(Table(_l("Enrolments and completions per month"), [_l("Month"), _l("Enrolled"), _l("Completed")],
                        [[month, Figure(month, e), Figure(month, c)] for month, (e, c) in sorted(months.items())]))

    retrained = db.session.scalar(sa.select(sa.func.count(sa.distinct(Enrollment.user_id))).join(Course).join(
        User, User.id == Enrollment.user_id).where(Course.track.in_(RETRAINING_TRACKS), User.audience == "adult",
                                                   _within(Enrollment.completed_at, since, until)))
    tables.append(Table(_l("Programme outcomes"), [_l("Figure"), _l("People")], [
        [_l("Adults who completed a retraining course"), Figure("retrained", retrained)],
        [_l("Pupils engaged in after-school activities"), Figure("pupils", len(pupils_active))],
    ]))

    areas = Table(_l("Learners with a level in each competence area"), [_l("Framework"), _l("Area"), _l("People")])
    for framework_title, area, count in db.session.execute(
            sa.select(Framework.title, Competence.area_title, sa.func.count(sa.distinct(LearnerCompetence.actor_key)))
            .join(Competence, Competence.framework_id == Framework.id)
            .join(LearnerCompetence, LearnerCompetence.competence_id == Competence.id)
            .group_by(Framework.title, Competence.area_title).order_by(Framework.title, Competence.area_title)):
        areas.rows.append([framework_title, area, Figure(area, count)])
    tables.append(areas)

    tables.append(Table(_l("External statements by provider"), [_l("Provider"), _l("Statements")],
                        [[name, Figure(name, count, people=False, link=("statements", {"provider": key}))]
                         for name, key, count in statements_by_provider(since, until)]))
    return tables


def _credential_key(key: str) -> str:
    """The agent key of a credential's statement authority (``lms.xapi.credentials.authority``)."""
    return xapi.account_key(f"credential/{key}")


def statements_by_provider(since: datetime, until: datetime) -> list[tuple[str, str, int]]:
    """(credential name, credential key, statements) for every external app that sent
    statements in the range, most first: one grouped query on the authority index rows."""
    prefix = _credential_key("")
    rows = db.session.execute(
        sa.select(StatementAgent.agent_key, sa.func.count()).join(Statement, Statement.seq == StatementAgent.seq)
        .where(StatementAgent.agent_key.startswith(prefix, autoescape=True), StatementAgent.direct.is_(False),
               _within(Statement.timestamp, since, until))
        .group_by(StatementAgent.agent_key)).all()
    keys = [key.removeprefix(prefix) for key, _ in rows]
    names = dict(db.session.execute(sa.select(Credential.key, Credential.name).where(
        Credential.key.in_(keys))).tuples().all()) if keys else {}
    found = [(names.get(key.removeprefix(prefix), key.removeprefix(prefix)), key.removeprefix(prefix), count)
             for key, count in rows]
    return sorted(found, key=lambda row: (-row[2], row[0]))


def enrolment_records(course_slug: str, completed: bool, start: date | None, end: date | None) -> list[Enrollment]:
    """The enrolments a per-course figure counts."""
    since, until = _range(start, end)
    column = Enrollment.completed_at if completed else Enrollment.enrolled_at
    return list(db.session.scalars(sa.select(Enrollment).join(Course).where(
        Course.slug == course_slug, _within(column, since, until)).order_by(column.desc())
        .options(sa.orm.selectinload(Enrollment.user), sa.orm.selectinload(Enrollment.course))))


def provider_statements(credential_key: str, start: date | None, end: date | None, limit: int = 200) -> list[Statement]:
    """The newest statements a provider's credential sent in the range."""
    since, until = _range(start, end)
    authority_key = _credential_key(credential_key)
    return list(db.session.scalars(sa.select(Statement).where(
        Statement.seq.in_(sa.select(StatementAgent.seq).where(StatementAgent.agent_key == authority_key)),
        _within(Statement.timestamp, since, until)).order_by(Statement.seq.desc()).limit(limit)))


def csv_rows(tables: list[Table]) -> list[list[str]]:
    """The figures as CSV rows, suppressed counts shown as in the page."""
    rows: list[list[str]] = []
    for table in tables:
        rows.append([str(table.title)])
        rows.append([str(column) for column in table.columns])
        rows += [[cell.shown if isinstance(cell, Figure) else str(cell) for cell in row] for row in table.rows]
        rows.append([])
    return rows
