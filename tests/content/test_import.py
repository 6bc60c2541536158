import shutil

import pytest
import sqlalchemy as sa

from lms.catalog.models import Course, Item, Module
from lms.content import services
from lms.content.loader import load
from lms.extensions import db
from lms.learning.models import ItemProgress
from tests.conftest import FIXTURE_COURSES


@pytest.fixture
def course_copy(tmp_path):
    target = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, target)
    return target


def counts():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (Course, Module, Item))


def test_import_creates_courses_modules_and_items(ctx):
    report = services.import_courses(FIXTURE_COURSES)
    assert report.created == ["code-practice", "first-steps", "hidden-draft"]
    assert counts() == (3, 4, 8)
    course = db.session.scalar(sa.select(Course).where(Course.slug == "first-steps"))
    assert [item.slug for item in course.items] == ["welcome", "safe-passwords", "basics-check", "more-reading"]
    quiz = course.items[2]
    assert quiz.kind == "quiz" and quiz.pass_mark == 60 and quiz.max_attempts == 2 and quiz.total_points == 5
    assert course.items[0].competences == ["digcomp:2.1@1"]


def test_quiz_settings_are_imported_and_cleared_when_an_item_stops_being_a_quiz(ctx, course_copy):
    """A quiz keeps its answer rule, shuffling and draw; a re-import with the defaults resets them."""
    quiz_file = course_copy / "first-steps" / "quizzes" / "basics-check.yaml"
    original = quiz_file.read_text()
    quiz_file.write_text(original.replace("pass_mark: 60\n", "pass_mark: 60\nshow_answers: never\nshuffle_options: true\ndraw: 3\n"))
    services.import_courses(course_copy)
    quiz = db.session.scalar(sa.select(Item).where(Item.slug == "basics-check"))
    assert (quiz.show_answers, quiz.shuffle_options, quiz.draw) == ("never", True, 3)
    quiz_file.write_text(original)
    services.import_courses(course_copy)
    assert (quiz.show_answers, quiz.shuffle_options, quiz.draw) == ("after_passed_or_last_attempt", False, None)
    lesson = db.session.scalar(sa.select(Item).where(Item.slug == "welcome"))
    assert (lesson.show_answers, lesson.shuffle_options, lesson.draw) == (None, False, None)


def test_lessons_are_rendered_once_and_sanitised(ctx):
    services.import_courses(FIXTURE_COURSES)
    html = db.session.scalar(sa.select(Item.html).where(Item.slug == "welcome"))
    assert "<script" not in html and "alert(" not in html
    assert 'class="highlight"' in html and '<table tabindex="0">' in html and 'class="admonition tip"' in html
    assert '<pre tabindex="0">' in html  # a wide code block or table scrolls, by keyboard too
    assert 'class="toc"' in html and 'id="what-you-will-learn"' in html
    assert "<h1" not in html  # the page shows the title; the file's own heading is dropped


def test_reimport_is_idempotent(ctx):
    services.import_courses(FIXTURE_COURSES)
    db.session.commit()
    before = counts()
    report = services.import_courses(FIXTURE_COURSES)
    assert report.updated == ["code-practice", "first-steps", "hidden-draft"] and report.created == []
    assert counts() == before


def test_reimport_updates_content_keeps_progress_and_archives_removed_items(ctx, course_copy, make_user):
    from lms.learning import services as learning

    services.import_courses(course_copy)
    user = make_user("ann")
    course = db.session.scalar(sa.select(Course).where(Course.slug == "first-steps"))
    enrollment = learning.enrol(user, course)
    welcome = course.items[0]
    learning.mark_done(enrollment, welcome)
    db.session.commit()

    lesson = course_copy / "first-steps" / "lessons" / "welcome.md"
    lesson.write_text(lesson.read_text().replace("stay safe", "stay very safe"))
    course_yaml = course_copy / "first-steps" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("      - lesson: safe-passwords\n", ""))
    report = services.import_courses(course_copy)
    db.session.commit()

    assert report.items_archived == 1
    db.session.expire_all()
    items = {item.slug: item for item in db.session.scalars(sa.select(Item))}
    assert "stay very safe" in items["welcome"].html
    assert items["safe-passwords"].archived and not items["welcome"].archived
    done = db.session.scalar(sa.select(ItemProgress).where(ItemProgress.item_id == items["welcome"].id))
    assert done is not None and done.completed_at is not None


def test_a_broken_course_changes_nothing(ctx, course_copy):
    services.import_courses(course_copy)
    db.session.commit()
    before = counts()
    (course_copy / "first-steps" / "course.yaml").write_text(
        (course_copy / "first-steps" / "course.yaml").read_text().replace("title: First steps online", "title: Renamed"))
    (course_copy / "hidden-draft" / "course.yaml").write_text("title: [broken\n")
    with pytest.raises(services.ImportRefused) as refused:
        services.import_courses(course_copy)
    assert any("hidden-draft/course.yaml" in str(p) for p in refused.value.problems)
    db.session.rollback()
    assert counts() == before
    assert db.session.scalar(sa.select(Course.title).where(Course.slug == "first-steps")) == "First steps online"


def test_cli_validate_and_import(app, runner, course_copy):
    ok = runner.invoke(args=["courses", "validate", str(course_copy)])
    assert ok.exit_code == 0 and "3 course(s), 8 item(s): no problems." in ok.output
    imported = runner.invoke(args=["courses", "import", str(course_copy)])
    assert imported.exit_code == 0 and "3 new" in imported.output
    (course_copy / "first-steps" / "course.yaml").write_text("title: only a title\n")
    bad = runner.invoke(args=["courses", "validate", str(course_copy)])
    assert bad.exit_code == 1
    assert "first-steps/course.yaml:1: summary: is required" in bad.output
    assert "nothing was changed" in bad.output


def test_cli_validate_names_a_bad_participation_counts_value_with_file_and_line(app, runner, tmp_path):
    folder = tmp_path / "first-steps"
    shutil.copytree(FIXTURE_COURSES / "first-steps", folder)
    lesson = folder / "lessons" / "safe-passwords.md"
    lesson.write_text(lesson.read_text().replace("competences: [digcomp:4.2@2]\n",
                                                 "competences: [digcomp:4.2@2]\nparticipation_counts: often\n"))
    bad = runner.invoke(args=["courses", "validate", str(folder)])
    assert bad.exit_code == 1
    assert "first-steps/lessons/safe-passwords.md:5: participation_counts: must be true or false" in bad.output
    lesson.write_text(lesson.read_text().replace("participation_counts: often", "participation_counts: true"))
    ok = runner.invoke(args=["courses", "validate", str(folder)])
    assert ok.exit_code == 0, ok.output


def test_the_shipped_courses_are_valid_and_substantial():
    """Every shipped course: no problems, at least four modules each closed by a quiz,
    and lessons of at least 300 words."""
    specs, problems = load(services.COURSES_DIR)
    assert [str(p) for p in problems] == []
    assert len(specs) >= 3
    for spec in specs:
        assert len(spec.modules) >= 4, spec.slug
        for module in spec.modules:
            assert module.items[-1].kind == "quiz", (spec.slug, module.slug)
        for lesson in spec.lessons.values():
            assert len(lesson.body.split()) >= 300, (spec.slug, lesson.slug, len(lesson.body.split()))


def test_the_final_quiz_of_every_shipped_course_draws_from_a_pool_or_shuffles_its_options():
    """So that a second attempt at a course's last check is not a copy of the first."""
    specs, problems = load(services.COURSES_DIR)
    assert problems == []
    for spec in specs:
        final = spec.quizzes[spec.modules[-1].items[-1].slug]
        pooled = final.draw is not None and final.draw < len(final.questions)
        assert pooled or final.shuffle_options, (spec.slug, final.slug)
        assert final.show_answers == "after_passed_or_last_attempt", (spec.slug, final.slug)


def test_every_competence_the_shipped_courses_name_exists_in_the_shipped_frameworks(ctx):
    report = services.import_courses(services.COURSES_DIR)
    assert report.unknown_competences == []
