"""Catalogue queries: what a visitor may browse and open."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.catalog.models import LEVELS, Course, Item, Module
from lms.extensions import db
from lms.xapi import vocabulary


@dataclass(frozen=True)
class CourseFilter:
    query: str = ""
    audience: str | None = None
    track: str | None = None
    level: str | None = None
    language: str | None = None


def list_courses(filters: CourseFilter, *, include_drafts: bool = False) -> list[Course]:
    """Courses matching the filters; drafts only for those who may see them (admins)."""
    # Where to start first: beginner courses, then intermediate, then advanced, each by title
    # (a track's first course is its beginner one).
    level_order = sa.case({"beginner": 0, "intermediate": 1, "advanced": 2}, value=Course.level, else_=3)
    statement = sa.select(Course).where(Course.archived.is_(False)).order_by(level_order, Course.title)
    if not include_drafts:
        statement = statement.where(Course.status == "published")
    if filters.track:
        statement = statement.where(Course.track == filters.track)
    if filters.level in LEVELS:
        statement = statement.where(Course.level == filters.level)
    courses = list(db.session.scalars(statement))
    # Audiences, languages and translated titles are short JSON values; filtering them here
    # works the same on SQLite and PostgreSQL.
    if filters.audience:
        courses = [course for course in courses if filters.audience in course.audiences]
    if filters.language:
        courses = [course for course in courses if filters.language in course.languages]
    if filters.query:
        text = filters.query.strip().lower()
        courses = [course for course in courses if any(text in (value or "").lower() for value in _texts(course))]
    return courses


def _texts(course: Course) -> list[str]:
    """The course's title and summary in each of its languages, for the search."""
    texts = [course.title, course.summary]
    for block in (course.translations or {}).values():
        texts += [block.get("title"), block.get("summary")]
    return texts


def tracks(*, include_drafts: bool = False) -> list[str]:
    statement = sa.select(Course.track).where(Course.archived.is_(False)).distinct().order_by(Course.track)
    if not include_drafts:
        statement = statement.where(Course.status == "published")
    return list(db.session.scalars(statement))


def get_course(slug: str, *, include_drafts: bool = False) -> Course | None:
    course = db.session.scalar(
        sa.select(Course).where(Course.slug == slug, Course.archived.is_(False))
        .options(selectinload(Course.modules), selectinload(Course.items)))
    if course is None or (course.status != "published" and not include_drafts):
        return None
    return course


def live_modules(course: Course) -> list[Module]:
    return [module for module in course.modules if not module.archived]


def live_items(course: Course) -> list[Item]:
    """The course's items in order, without archived ones."""
    modules = {module.id: module for module in live_modules(course)}
    return [item for item in course.items if not item.archived and item.module_id in modules]


def required_items(course: Course) -> list[Item]:
    """What completing the course needs: items not optional, in modules not optional."""
    optional_modules = {module.id for module in course.modules if module.optional}
    return [item for item in live_items(course) if not item.optional and item.module_id not in optional_modules]


def find_item(course: Course, slug: str) -> Item | None:
    return next((item for item in live_items(course) if item.slug == slug), None)


ITEM_ACTIVITY_KINDS = ("lesson", "quiz", "exercise", "task")


def items_for_activities(activity_ids) -> dict[str, Item]:
    """The live items behind the platform's own activity ids (lessons, quizzes, exercises,
    tasks), in one query: what a page names and links instead of an activity id."""
    wanted = {}
    for activity_id in activity_ids:
        parsed = vocabulary.parse_activity_id(activity_id)
        if parsed and parsed[0] in ITEM_ACTIVITY_KINDS and len(parsed[1]) == 2:
            wanted[activity_id] = parsed[1]
    items = items_by_slugs(set(wanted.values()))
    return {activity_id: items[pair] for activity_id, pair in wanted.items() if pair in items}


def items_by_slugs(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Item]:
    """Live items of published courses by (course slug, item slug), in one query."""
    if not pairs:
        return {}
    rows = db.session.execute(
        sa.select(Course.slug, Item).join(Item, Item.course_id == Course.id).join(Module, Item.module_id == Module.id)
        .where(Course.slug.in_({c for c, _ in pairs}), Course.status == "published", Course.archived.is_(False),
               Item.archived.is_(False), Module.archived.is_(False))
        .options(selectinload(Item.course)))
    return {(slug, item.slug): item for slug, item in rows if (slug, item.slug) in pairs}
