"""The programme's figures, each counted from the records it stands for. Figures about
fewer than ``MIN_GROUP`` people are suppressed, so no pupil can be singled out."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql  # noqa: F401  (sa.dialects.postgresql.insert)
import sqlalchemy.dialects.sqlite  # noqa: F401  (sa.dialects.sqlite.insert)
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from lms.accounts.models import User
from lms.admin.models import ActiveDay
from lms.catalog.models import Course
from lms.competence.models import Competence, Framework, LearnerCompetence
from lms.core.i18n import lazy_localized
from lms.core.errors import Refused
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
        if self.suppressed:
            return f"<{MIN_GROUP}"
        return str(self.value)

    @property
    def suppressed(self) -> bool:
        return self.people and suppressed(self.value)


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
                voided_before = db.session.scalar(sa.select(sa.func.count()).where(
                    Statement.ref_target == row.ref_target, Statement.verb_id == xapi.VOIDED, Statement.seq < row.seq))
                if (target is not None and target.voided and not voided_before
                        and target.actor_key.startswith(prefix)):
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
                              .where(*_days_between(first, last))
                              .group_by(ActiveDay.week).order_by(ActiveDay.week))
    return [(iso_week(week), count) for week, count in rows]


def _days_between(first: date, last: date) -> tuple:
    """Conditions for the active days from ``first`` to ``last``; the weeks they fall in
    let the (week, learner, day) index answer alone."""
    return (ActiveDay.week >= first - timedelta(days=first.weekday()), ActiveDay.week <= last,
            ActiveDay.day >= first, ActiveDay.day <= last)


class uuid_text(FunctionElement):
    """A UUID column as the text ``str(uuid)`` gives (how actor keys spell public ids)."""

    type = sa.String()
    inherit_cache = True


@compiles(uuid_text, "postgresql")
def _uuid_text_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(uuid_text, "sqlite")
def _uuid_text_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)  # stored as 32 hex digits
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return " || '-' || ".join(f"substr({column}, {start}, {length})" for start, length in parts)


def active_count(audience: str, start: date | None = None, end: date | None = None) -> int:
    """How many accounts of an audience were active in the range: one query, a look-up of
    each account's active days by its actor key."""
    first, last = _local_days(start, end)
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.audience == audience, sa.exists().where(
            ActiveDay.actor_key == sa.literal(_learner_prefix()) + uuid_text(User.public_id),
            ActiveDay.day >= first, ActiveDay.day <= last)))


def learners_per_area() -> list[tuple[tuple[str, str, str, str], int]]:
    """((framework slug, framework title, area code, area title), learners with a level in
    one of the area's competences) for every area someone has reached, in framework order,
    titles in the page's language: one query, a count per area read from the (competence,
    learner) index."""
    areas: dict[tuple, list[int]] = defaultdict(list)
    titles: dict[tuple, tuple] = {}
    for competence in db.session.scalars(sa.select(Competence).join(Framework).order_by(
            Framework.title, Competence.area_title, Competence.position).options(sa.orm.contains_eager(Competence.framework))):
        key = (competence.framework.slug, competence.area_code)
        areas[key].append(competence.id)
        titles.setdefault(key, (lazy_localized(competence.framework), lazy_localized(competence, "area_title")))
    if not areas:
        return []
    keys = list(areas)
    counts = dict(db.session.execute(sa.union_all(*[
        sa.select(sa.literal(number).label("area"), sa.func.count(sa.distinct(LearnerCompetence.actor_key)))
        .where(LearnerCompetence.competence_id.in_(areas[key])) for number, key in enumerate(keys)])).all())
    return [((slug, titles[(slug, code)][0], code, titles[(slug, code)][1]), counts[number])
            for number, (slug, code) in enumerate(keys) if counts.get(number)]


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
                        [[week, Figure(week, count, link=("week", {"week": week}))]
                         for week, count in active_per_week(start, end)]))
    pupils_active = active_count("pupil", start, end)

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
                        [[month, Figure(month, e, link=("month", {"month": month})),
                          Figure(month, c, link=("month", {"month": month, "completed": "1"}))]
                         for month, (e, c) in sorted(months.items())]))

    retrained = db.session.scalar(sa.select(sa.func.count(sa.distinct(Enrollment.user_id))).join(Course).join(
        User, User.id == Enrollment.user_id).where(Course.track.in_(RETRAINING_TRACKS), User.audience == "adult",
                                                   _within(Enrollment.completed_at, since, until)))
    tables.append(Table(_l("Programme outcomes"), [_l("Figure"), _l("People")], [
        [_l("Adults who completed a retraining course"), Figure("retrained", retrained, link=("retrained", {}))],
        [_l("Pupils engaged in after-school activities"), Figure("pupils", pupils_active, link=("pupils", {}))],
    ]))

    areas = Table(_l("Learners with a level in each competence area"), [_l("Framework"), _l("Area"), _l("People")])
    for (slug, framework_title, code, area), count in learners_per_area():
        areas.rows.append([framework_title, area, Figure(area, count, link=("area", {"framework": slug, "area": code}))])
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
    statements in the range, most first: one grouped query on the authority index rows
    of the credentials issued."""
    credentials = dict(db.session.execute(sa.select(Credential.key, Credential.name)).all())
    if not credentials:
        return []
    keys = {_credential_key(key): key for key in credentials}
    rows = db.session.execute(
        sa.select(StatementAgent.agent_key, sa.func.count()).join(Statement, Statement.seq == StatementAgent.seq)
        .where(StatementAgent.agent_key.in_(keys), StatementAgent.direct.is_(False),
               _within(Statement.timestamp, since, until))
        .group_by(StatementAgent.agent_key)).all()
    found = [(credentials[keys[agent_key]], keys[agent_key], count) for agent_key, count in rows]
    return sorted(found, key=lambda row: (-row[2], row[0]))


# Records behind the figures ---------------------------------------------------------------

class RecordsError(Refused):
    """A drill-down that cannot be shown: ``status`` 404 (no such figure), 400 (a bad
    parameter) or 403 (a figure about fewer than MIN_GROUP people)."""

    def __init__(self, message, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Learner:
    """Someone a figure counts: a platform account, or an external app's agent."""

    actor_key: str
    user: User | None
    statements: int = 0
    levels: list = field(default_factory=list)  # [(LearnerCompetence, [Evidence])]


@dataclass
class Records:
    title: str
    people: int
    enrolments: list[Enrollment] | None = None
    learners: list[Learner] | None = None
    statements: list[Statement] | None = None


def suppressed(count: int) -> bool:
    return 0 < count < MIN_GROUP


def _people_only(records: Records) -> Records:
    if suppressed(records.people):
        raise RecordsError(_l("This figure counts fewer than %(count)d people, so the records behind it are not "
                              "shown: they could single someone out.", count=MIN_GROUP), 403)
    return records


def _enrolments(*conditions, order) -> list[Enrollment]:
    return list(db.session.scalars(sa.select(Enrollment).join(Course).join(User, User.id == Enrollment.user_id)
                                   .where(*conditions).order_by(order.desc())
                                   .options(sa.orm.selectinload(Enrollment.user), sa.orm.selectinload(Enrollment.course))))


def enrolment_records(course_slug: str, completed: bool, start: date | None, end: date | None) -> list[Enrollment]:
    """The enrolments a per-course figure counts."""
    since, until = _range(start, end)
    column = Enrollment.completed_at if completed else Enrollment.enrolled_at
    return _enrolments(Course.slug == course_slug, _within(column, since, until), order=column)


def month_records(month: str, completed: bool, start: date | None, end: date | None) -> list[Enrollment]:
    """The enrolments (or completions) of one local month, ``YYYY-MM``, within the range."""
    try:
        first = datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise RecordsError(_l("month: give it as YYYY-MM, such as 2026-03."), 400) from None
    zone = page_zone()
    following = (first + timedelta(days=32)).replace(day=1)
    since, until = _range(start, end)
    since, until = max(since, _utc(first, zone)), min(until, _utc(following, zone))
    column = Enrollment.completed_at if completed else Enrollment.enrolled_at
    return _enrolments(_within(column, since, until), order=column)


def _learners(counts: dict[str, int]) -> list[Learner]:
    """Learners by actor key, with their accounts where they are the platform's, in one query."""
    prefix = _learner_prefix()
    ids = {}
    for key in counts:
        try:
            ids[key] = uuid.UUID(key.removeprefix(prefix)) if key.startswith(prefix) else None
        except ValueError:
            ids[key] = None
    wanted = [public_id for public_id in ids.values() if public_id is not None]
    users = {user.public_id: user for user in db.session.scalars(
        sa.select(User).where(User.public_id.in_(wanted)))} if wanted else {}
    learners = [Learner(key, users.get(ids[key]), count) for key, count in counts.items()]
    return sorted(learners, key=lambda learner: learner.user.username if learner.user else learner.actor_key)


def week_records(week: str, start: date | None, end: date | None) -> list[Learner]:
    """The learners active in one ISO week (``YYYY-Www``) within the range, with how many
    statements they made in it."""
    try:
        year, number = week.split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        raise RecordsError(_l("week: give it as YYYY-Www, such as 2026-W05."), 400) from None
    first, last = _local_days(start, end)
    rows = db.session.execute(sa.select(ActiveDay.actor_key, sa.func.sum(ActiveDay.statements)).where(
        ActiveDay.week == monday, ActiveDay.day >= first, ActiveDay.day <= last).group_by(ActiveDay.actor_key))
    return _learners(dict(rows.all()))


def pupil_records(start: date | None, end: date | None) -> list[Learner]:
    """The pupils active in the range."""
    first, last = _local_days(start, end)
    rows = dict(db.session.execute(sa.select(ActiveDay.actor_key, sa.func.sum(ActiveDay.statements)).where(
        ActiveDay.day >= first, ActiveDay.day <= last).group_by(ActiveDay.actor_key)).all())
    return [learner for learner in _learners(rows) if learner.user is not None and learner.user.audience == "pupil"]


def retrained_records(start: date | None, end: date | None) -> list[Enrollment]:
    """The retraining-track courses adults completed in the range."""
    since, until = _range(start, end)
    return _enrolments(Course.track.in_(RETRAINING_TRACKS), User.audience == "adult",
                       _within(Enrollment.completed_at, since, until), order=Enrollment.completed_at)


def area_records(framework_slug: str, area_code: str) -> list[Learner]:
    """The learners with a level in one framework area, each level with its evidence."""
    from lms.competence.models import Evidence

    levels = list(db.session.scalars(
        sa.select(LearnerCompetence).join(Competence).join(Framework)
        .where(Framework.slug == framework_slug, Competence.area_code == area_code)
        .order_by(Competence.position).options(sa.orm.selectinload(LearnerCompetence.competence))))
    if not levels and db.session.scalar(sa.select(Competence.id).join(Framework).where(
            Framework.slug == framework_slug, Competence.area_code == area_code).limit(1)) is None:
        raise RecordsError(_l("No framework has this area."), 404)
    evidence = defaultdict(list)
    if levels:
        for row in db.session.scalars(sa.select(Evidence).where(
                Evidence.actor_key.in_({level.actor_key for level in levels}),
                Evidence.competence_id.in_({level.competence_id for level in levels}),
                Evidence.withdrawn.is_(False)).order_by(Evidence.at.desc())):
            evidence[(row.actor_key, row.competence_id)].append(row)
    learners = {learner.actor_key: learner for learner in _learners({level.actor_key: 0 for level in levels})}
    for level in levels:
        learners[level.actor_key].levels.append((level, evidence[(level.actor_key, level.competence_id)]))
    return list(learners.values())


def figure_records(figure: str, args, start: date | None = None, end: date | None = None) -> Records:
    """The records behind one figure of the page (``figure`` and ``args`` as its link
    gives them); ``RecordsError`` for an unknown figure, a bad parameter, or a figure
    about fewer than MIN_GROUP people (its records are not shown either)."""
    completed = args.get("completed") == "1"
    if figure == "enrolments" and args.get("course"):
        rows = enrolment_records(args["course"], completed, start, end)
        title = _l("Completions of a course") if completed else _l("Enrolments in a course")
        return _people_only(Records(title, len(rows), enrolments=rows))
    if figure == "month" and args.get("month"):
        rows = month_records(args["month"], completed, start, end)
        title = (_l("Completions in %(month)s", month=args["month"]) if completed
                 else _l("Enrolments in %(month)s", month=args["month"]))
        return _people_only(Records(title, len(rows), enrolments=rows))
    if figure == "week" and args.get("week"):
        learners = week_records(args["week"], start, end)
        return _people_only(Records(_l("Learners active in %(week)s", week=args["week"]), len(learners),
                                    learners=learners))
    if figure == "pupils":
        learners = pupil_records(start, end)
        return _people_only(Records(_l("Pupils engaged in after-school activities"), len(learners), learners=learners))
    if figure == "retrained":
        rows = retrained_records(start, end)
        return _people_only(Records(_l("Adults who completed a retraining course"),
                                    len({row.user_id for row in rows}), enrolments=rows))
    if figure == "area" and args.get("framework") and args.get("area"):
        learners = area_records(args["framework"], args["area"])
        return _people_only(Records(_l("Learners with a level in a competence area"), len(learners),
                                    learners=learners))
    if figure == "statements" and args.get("provider"):
        rows = provider_statements(args["provider"], start, end)
        return Records(_l("Statements an external app sent"), 0, statements=rows)
    raise RecordsError(_l("No figure of the programme page has these records."), 404)


def provider_statements(credential_key: str, start: date | None, end: date | None, limit: int = 200) -> list[Statement]:
    """The newest statements a provider's credential sent in the range."""
    since, until = _range(start, end)
    authority_key = _credential_key(credential_key)
    return list(db.session.scalars(sa.select(Statement).where(
        xapi.naming_agent(authority_key, related=True),
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
