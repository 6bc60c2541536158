"""The programme's figures, each counted from the records it stands for. Figures about
fewer than ``MIN_GROUP`` people are suppressed, so no pupil can be singled out."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from lms.accounts.models import User, UserRole
from lms.catalog.models import Course
from lms.competence.models import Competence, Framework, LearnerCompetence
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.xapi import services as xapi
from lms.xapi.models import Statement

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
    end = end or datetime.now(zone).date()
    start = start or end - timedelta(days=365)
    return (_utc(datetime.combine(start, time.min), zone),
            _utc(datetime.combine(end + timedelta(days=1), time.min), zone))


class epoch_seconds(FunctionElement):
    """Whole seconds since 1970 of a naive UTC timestamp column."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    return f"CAST(floor(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def _offsets(since: datetime, until: datetime, zone: ZoneInfo) -> list[tuple[datetime, int]]:
    """The zone's UTC offset (seconds) over ``[since, until)``: ``[(from, offset), ...]``,
    the first entry from ``since``, one more at each change (summer time)."""
    def offset(moment: datetime) -> int:
        return int(moment.replace(tzinfo=timezone.utc).astimezone(zone).utcoffset().total_seconds())

    periods = [(since, offset(since))]
    moment = since
    while moment < until:
        step = min(moment + timedelta(days=1), until)
        if offset(step) != periods[-1][1]:
            low, high = moment, step  # the change is in (low, high]: find its minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == periods[-1][1] else (low, middle)
            periods.append((high.replace(second=0, microsecond=0), offset(high)))
        moment = step
    return periods


def local_week_index(column, since: datetime, until: datetime, zone: ZoneInfo) -> tuple[ColumnElement, date]:
    """An SQL expression numbering the ISO week (Monday to Sunday in ``zone``) that each
    ``column`` time in ``[since, until)`` falls in, and the Monday of week 0. Portable:
    whole seconds plus the zone's offset, so SQLite (no time zones) and PostgreSQL agree."""
    periods = _offsets(since, until, zone)
    offset = sa.case(*[(column < start, value) for (start, _), (_, value) in zip(periods[1:], periods)],
                     else_=periods[-1][1]) if len(periods) > 1 else sa.literal(periods[0][1])
    first_day = since.replace(tzinfo=timezone.utc).astimezone(zone).date()
    monday = first_day - timedelta(days=first_day.weekday())
    origin = calendar.timegm(monday.timetuple())
    return (epoch_seconds(column) + offset - origin) // (7 * 86400), monday


def _within(column, since: datetime, until: datetime) -> ColumnElement:
    return sa.and_(column >= since, column < until)


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _learner_statements(since: datetime, until: datetime):
    """The conditions for the platform's accounts' statements (not voided) in the range."""
    return (Statement.actor_key.startswith(xapi.account_key(""), autoescape=True), Statement.voided.is_(False),
            Statement.timestamp >= since, Statement.timestamp < until)


def active_per_week(start: date | None = None, end: date | None = None) -> list[tuple[str, int]]:
    """How many different learners made a statement in each ISO week of the page's time
    zone, ``[("2026-W05", 12), ...]`` oldest first, weeks with nobody left out: one
    grouped query."""
    since, until = _range(start, end)
    index, monday = local_week_index(Statement.timestamp, since, until, page_zone())
    rows = db.session.execute(sa.select(index, sa.func.count(sa.distinct(Statement.actor_key)))
                              .where(*_learner_statements(since, until)).group_by(index).order_by(index))
    return [(iso_week(monday + timedelta(weeks=number)), count) for number, count in rows]


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
    pupils_active = pupil_keys & set(db.session.scalars(
        sa.select(Statement.actor_key).where(*_learner_statements(since, until)).distinct()))

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

    providers: Counter = Counter()
    for authority in db.session.scalars(sa.select(Statement.data["authority"]).where(
            _within(Statement.timestamp, since, until))):
        name = (authority or {}).get("account", {}).get("name", "") if isinstance(authority, dict) else ""
        if name.startswith("credential/"):
            providers[(authority.get("name") or name, name.removeprefix("credential/"))] += 1
    tables.append(Table(_l("External statements by provider"), [_l("Provider"), _l("Statements")],
                        [[name, Figure(name, count, people=False, link=("statements", {"provider": key}))]
                         for (name, key), count in providers.most_common()]))
    return tables


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
    authority_key = f"account:{xapi.account_key('').removeprefix('account:').rstrip('|')}|credential/{credential_key}"
    from lms.xapi.models import StatementAgent

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
