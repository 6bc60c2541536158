"""The programme's figures, each counted from the records it stands for. Figures about
fewer than ``MIN_GROUP`` people are suppressed, so no pupil can be singled out."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

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


def _range(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    end = end or date.today()
    start = start or end - timedelta(days=365)
    return datetime.combine(start, time.min), datetime.combine(end, time.max)


def figures(start: date | None = None, end: date | None = None) -> list[Table]:
    since, until = _range(start, end)
    tables = []

    audiences = Counter(dict(db.session.execute(
        sa.select(User.audience, sa.func.count()).where(User.active.is_(True)).group_by(User.audience)).all()))
    tables.append(Table(_l("Learners by audience"), [_l("Audience"), _l("People")],
                        [[AUDIENCE_NAMES[audience], Figure(audience, audiences.get(audience, 0),
                                                           link=("users", {"audience": audience, "status": "active"}))]
                         for audience in ("adult", "teacher", "pupil")]))

    base = xapi.account_key("")  # the platform's own accounts: "account:<base>|"
    weeks: dict[str, set] = defaultdict(set)
    pupils_active: set[str] = set()
    pupil_keys = {xapi.account_key(pid) for pid in db.session.scalars(
        sa.select(User.public_id).where(User.audience == "pupil"))}
    for actor, moment in db.session.execute(sa.select(Statement.actor_key, Statement.timestamp).where(
            Statement.actor_key.startswith(base), Statement.timestamp.between(since, until))):
        year, week, _ = moment.isocalendar()
        weeks[f"{year}-W{week:02d}"].add(actor)
        if actor in pupil_keys:
            pupils_active.add(actor)
    tables.append(Table(_l("Active learners per week"), [_l("Week"), _l("People")],
                        [[week, Figure(week, len(actors))] for week, actors in sorted(weeks.items())]))

    enrolled = dict(db.session.execute(sa.select(Enrollment.course_id, sa.func.count()).where(
        Enrollment.enrolled_at.between(since, until)).group_by(Enrollment.course_id)).all())
    completed = dict(db.session.execute(sa.select(Enrollment.course_id, sa.func.count()).where(
        Enrollment.completed_at.between(since, until)).group_by(Enrollment.course_id)).all())
    per_course = Table(_l("Enrolments and completions per course"), [_l("Course"), _l("Enrolled"), _l("Completed")])
    for course in db.session.scalars(sa.select(Course).where(Course.archived.is_(False)).order_by(Course.title)):
        per_course.rows.append([course.title,
                                Figure("enrolled", enrolled.get(course.id, 0),
                                       link=("enrolments", {"course": course.slug})),
                                Figure("completed", completed.get(course.id, 0),
                                       link=("enrolments", {"course": course.slug, "completed": "1"}))])
    tables.append(per_course)

    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for enrolled_at, completed_at in db.session.execute(
            sa.select(Enrollment.enrolled_at, Enrollment.completed_at).where(sa.or_(
                Enrollment.enrolled_at.between(since, until), Enrollment.completed_at.between(since, until)))):
        if since <= enrolled_at <= until:
            months[enrolled_at.strftime("%Y-%m")][0] += 1
        if completed_at is not None and since <= completed_at <= until:
            months[completed_at.strftime("%Y-%m")][1] += 1
    tables.append(Table(_l("Enrolments and completions per month"), [_l("Month"), _l("Enrolled"), _l("Completed")],
                        [[month, Figure(month, e), Figure(month, c)] for month, (e, c) in sorted(months.items())]))

    retrained = db.session.scalar(sa.select(sa.func.count(sa.distinct(Enrollment.user_id))).join(Course).join(
        User, User.id == Enrollment.user_id).where(Course.track.in_(RETRAINING_TRACKS), User.audience == "adult",
                                                   Enrollment.completed_at.between(since, until)))
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
            Statement.timestamp.between(since, until))):
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
        Course.slug == course_slug, column.between(since, until)).order_by(column.desc())
        .options(sa.orm.selectinload(Enrollment.user), sa.orm.selectinload(Enrollment.course))))


def provider_statements(credential_key: str, start: date | None, end: date | None, limit: int = 200) -> list[Statement]:
    """The newest statements a provider's credential sent in the range."""
    since, until = _range(start, end)
    authority_key = f"account:{xapi.account_key('').removeprefix('account:').rstrip('|')}|credential/{credential_key}"
    from lms.xapi.models import StatementAgent

    return list(db.session.scalars(sa.select(Statement).where(
        Statement.seq.in_(sa.select(StatementAgent.seq).where(StatementAgent.agent_key == authority_key)),
        Statement.timestamp.between(since, until)).order_by(Statement.seq.desc()).limit(limit)))


def csv_rows(tables: list[Table]) -> list[list[str]]:
    """The figures as CSV rows, suppressed counts shown as in the page."""
    rows: list[list[str]] = []
    for table in tables:
        rows.append([str(table.title)])
        rows.append([str(column) for column in table.columns])
        rows += [[cell.shown if isinstance(cell, Figure) else str(cell) for cell in row] for row in table.rows]
        rows.append([])
    return rows
