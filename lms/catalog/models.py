from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.extensions import db
from lms.xapi.models import Json

LEVELS = ("beginner", "intermediate", "advanced")
STATUSES = ("draft", "published")
ITEM_KINDS = ("lesson", "quiz", "exercise", "task", "h5p")
LESSON_COMPLETION = ("mark_done", "on_open")
SHOW_ANSWERS = ("after_passed_or_last_attempt", "after_each_attempt", "after_passed", "never")


class Course(db.Model):
    """A course imported from ``courses/<slug>/``; the slug is its identity."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    audiences: Mapped[list] = mapped_column(Json)
    track: Mapped[str] = mapped_column(sa.String(64), index=True)
    level: Mapped[str] = mapped_column(sa.String(16))
    estimated_hours: Mapped[float]
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    competences: Mapped[list] = mapped_column(Json, default=list)
    lesson_completion: Mapped[str] = mapped_column(sa.String(16), default="mark_done")
    # {language: {"title", "summary"}}: the course in other languages than ``language``
    translations: Mapped[dict | None] = mapped_column(Json)
    archived: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan")
    items: Mapped[list[Item]] = relationship(
        back_populates="course", order_by="Item.position", cascade="all, delete-orphan",
        overlaps="module,items")

    @property
    def languages(self) -> list[str]:
        """The languages the course can be read in, its own first."""
        return [self.language, *sorted(self.translations or {})]

    @property
    def is_published(self) -> bool:
        return self.status == "published" and not self.archived

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class Module(db.Model):
    __tablename__ = "course_module"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int]
    optional: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)
    translations: Mapped[dict | None] = mapped_column(Json)  # {language: {"title", "summary"}}

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list[Item]] = relationship(back_populates="module", order_by="Item.position",
                                             overlaps="items")


class Item(db.Model):
    """A lesson, a quiz, a code exercise or a reviewed task. Lesson HTML (and a quiz's
    intro, an exercise's or a task's instructions) is rendered and sanitised at import; a
    quiz keeps its questions (with answers, never sent to the browser) as data; an exercise
    keeps its starter code, solution and tests (the hidden ones never sent to the browser)
    as data; a task keeps what is handed in and its rubric as data."""

    __tablename__ = "course_item"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "slug"),
        sa.CheckConstraint("kind IN ('lesson', 'quiz', 'exercise', 'task', 'h5p')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("course_module.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int]  # across the whole course, so "next" is position + 1
    optional: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int | None]
    competences: Mapped[list] = mapped_column(Json, default=list)
    html: Mapped[str | None] = mapped_column(sa.Text)        # lessons; quiz intro
    pass_mark: Mapped[int | None]                             # quizzes, tasks (of the rubric): percent
    max_attempts: Mapped[int | None]                          # quizzes; None: unlimited
    questions: Mapped[list | None] = mapped_column(Json)      # quizzes
    # quizzes: when correct answers and feedback are shown (one of SHOW_ANSWERS), whether
    # options are shuffled per attempt (a question may override it), and how many
    # questions each attempt draws (None: all)
    show_answers: Mapped[str | None] = mapped_column(sa.String(32))
    shuffle_options: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    draw: Mapped[int | None]
    # exercises: language, environment, time_limit_ms, starter, solution, tests, hidden_tests
    exercise: Mapped[dict | None] = mapped_column(Json)
    # tasks: {"hand_in": {"text", "link", "files": {"types", "max_files", "max_size_mb"} | None},
    # "rubric": [{"id", "name", "description", "levels": [{"name", "description", "points"}]}]}
    task: Mapped[dict | None] = mapped_column(Json)
    # H5P activities: {"completion": opened | completed | score, "assessed", "licence",
    # "authors", "main_library"}; the content is in h5p_content, the pass mark above
    h5p: Mapped[dict | None] = mapped_column(Json)
    # {language: {"title", "html", "questions", "task"}}: what a learner reads, in another
    # language; the questions keep their ids and options, the task its hand-in and points
    translations: Mapped[dict | None] = mapped_column(Json)

    course: Mapped[Course] = relationship(back_populates="items", overlaps="items")
    module: Mapped[Module] = relationship(back_populates="items", overlaps="items")

    @property
    def rubric_points(self) -> float:
        """A task's most points: the best level of every criterion."""
        return sum(max(level["points"] for level in criterion["levels"])
                   for criterion in (self.task or {}).get("rubric", []))

    @property
    def total_points(self) -> float:
        return sum(q.get("points", 1) for q in self.questions or [])

    def __repr__(self) -> str:
        return f"<Item {self.kind} {self.slug}>"
