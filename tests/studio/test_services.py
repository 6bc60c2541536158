"""The studio's services: revisions, the optimistic lock, review and publishing that keeps
learners' progress, packages in and out, history."""

import pytest
import sqlalchemy as sa

from lms.accounts.services import find_by_login
from lms.catalog import services as catalog
from lms.catalog.models import Item
from lms.content import packages
from lms.extensions import db
from lms.learning import services as learning
from lms.studio import files as studio_files
from lms.studio import services as studio
from lms.studio.models import DRAFT, PUBLISHED, SUBMITTED
from tests.conftest import FIXTURE_COURSES

QUIZ = studio_files.dump({"title": "Sums check", "pass_mark": 50, "questions": [
    {"id": "what-sums", "type": "true_false", "prompt": "SUM adds numbers.", "answer": True}]}).encode()


def lesson(title, body):
    return studio_files.lesson_text({"title": title}, f"# {title}\n\n{body}\n").encode()


@pytest.fixture
def course(ctx, new_course):
    return studio.get(new_course)


def test_a_new_course_is_a_valid_package_with_a_first_revision_by_its_author(course):
    assert course.state == DRAFT and course.head == 1
    first = studio.revision(course)
    assert first.author.username == "ms-berzina" and first.created_at is not None
    outline = studio.outline(course)
    assert outline.settings["title"] == "Spreadsheets at work"
    assert [(m["title"], [i["title"] for i in m["items"]]) for m in outline.modules] == [
        ("First module", ["Introduction"])]
    assert studio.check(course.slug, studio.files_of(course)) == []


def test_every_save_is_a_revision_with_its_author_and_time(course, co_author):
    studio.add_co_author(course, find_by_login("mr-ozols"))
    studio.save_item(course, find_by_login("mr-ozols"), 1, "introduction", lesson("Introduction", "Cells and rows."))
    assert course.head == 2
    assert [(r.number, r.author.username) for r in studio.revisions(course)] == [(2, "mr-ozols"), (1, "ms-berzina")]
    assert b"Cells and rows." in studio.item_file(course, "introduction")[2]


def test_a_second_stale_save_of_the_same_item_is_refused_and_saves_nothing(course, co_author):
    studio.save_item(course, find_by_login("ms-berzina"), 1, "introduction", lesson("Introduction", "Mine."))
    with pytest.raises(studio.StaleSave) as stale:
        studio.save_item(course, find_by_login("mr-ozols"), 1, "introduction", lesson("Introduction", "Theirs."))
    assert "Ilze Bērziņa saved a newer version of this" in stale.value.message
    assert (stale.value.base, stale.value.head) == (1, 2)
    assert course.head == 2 and b"Mine." in studio.item_file(course, "introduction")[2]


def test_a_save_from_an_older_revision_of_another_item_is_kept(course):
    author = find_by_login("ms-berzina")
    studio.add_item(course, author, 1, "module-1", "quiz", "Sums check", QUIZ)
    studio.save_item(course, author, 2, "sums-check", QUIZ.replace(b"pass_mark: 50", b"pass_mark: 60"))
    studio.save_item(course, author, 2, "introduction", lesson("Introduction", "Other item, older base."))
    assert course.head == 4
    assert b"pass_mark: 60" in studio.item_file(course, "sums-check")[2]


def test_invalid_content_is_refused_with_the_validators_message_and_nothing_is_saved(course):
    broken = QUIZ.replace(b"answer: true", b"answer: maybe")
    with pytest.raises(studio.StudioRefused) as refused:
        studio.add_item(course, find_by_login("ms-berzina"), 1, "module-1", "quiz", "Sums check", broken)
    assert [str(p) for p in refused.value.problems] == [
        "spreadsheets-at-work/quizzes/sums-check.yaml:7: questions[0].answer: is required: true or false"]
    assert course.head == 1


def test_items_and_modules_move_up_and_down_and_across_modules(course):
    author = find_by_login("ms-berzina")
    studio.add_item(course, author, 1, "module-1", "quiz", "Sums check", QUIZ)
    studio.add_module(course, author, 2, "Charts")
    studio.move(course, author, 3, "sums-check", -1)
    assert [[i["slug"] for i in m["items"]] for m in studio.outline(course).modules] == [
        ["sums-check", "introduction"], ["charts"]]
    studio.move(course, author, 4, "introduction", +1)  # the last item moves into the next module
    assert [[i["slug"] for i in m["items"]] for m in studio.outline(course).modules] == [
        ["sums-check"], ["introduction", "charts"]]
    studio.move(course, author, 5, "charts", -1, module=True)
    assert [m["slug"] for m in studio.outline(course).modules] == ["charts", "module-1"]


def test_a_new_order_of_the_whole_outline_is_one_revision(course):
    """A drag and drop's order (items across modules, modules swapped) is saved at once."""
    author = find_by_login("ms-berzina")
    studio.add_item(course, author, 1, "module-1", "quiz", "Sums check", QUIZ)
    studio.add_module(course, author, 2, "Charts")
    studio.reorder(course, author, 3, [["charts", ["sums-check", "charts"]], ["module-1", ["introduction"]]])
    assert course.head == 4
    assert [(m["slug"], [i["slug"] for i in m["items"]]) for m in studio.outline(course).modules] == [
        ("charts", ["sums-check", "charts"]), ("module-1", ["introduction"])]


@pytest.mark.parametrize("order, message", [
    ([["module-1", ["introduction"]], ["charts", ["sums-check"]]], "every module and item of the course once"),
    ([["module-1", ["introduction", "sums-check", "charts", "elsewhere"]], ["charts", []]],
     "every module and item of the course once"),
    ([["module-1", ["introduction", "sums-check", "sums-check"]], ["charts", ["charts"]]],
     "every module and item of the course once"),
    ([["module-1", ["introduction", "sums-check", "charts"]], ["charts", []]], "Every module needs at least one item"),
    ([["module-1", ["introduction", "sums-check", "charts"]], ["module-1", ["charts"]]],
     "every module and item of the course once"),
    ({"module-1": ["introduction"]}, "could not be read"),
    ([["module-1", "introduction"]], "could not be read"),
])
def test_an_order_naming_foreign_missing_or_repeated_entries_is_refused_and_changes_nothing(course, order, message):
    author = find_by_login("ms-berzina")
    studio.add_item(course, author, 1, "module-1", "quiz", "Sums check", QUIZ)
    studio.add_module(course, author, 2, "Charts")
    with pytest.raises(studio.StudioRefused, match=message):
        studio.reorder(course, author, 3, order)
    assert course.head == 3
    assert [[i["slug"] for i in m["items"]] for m in studio.outline(course).modules] == [
        ["introduction", "sums-check"], ["charts"]]


def test_removing_a_modules_last_item_is_refused(course):
    with pytest.raises(studio.StudioRefused) as refused:
        studio.remove_item(course, find_by_login("ms-berzina"), 1, "introduction")
    assert "items: is required: a list of at least one" in str(refused.value.problems[0])


def test_publishing_keeps_progress_archives_removed_items_and_learners_keep_the_published_version(
        course, make_user, admin):
    author = find_by_login("ms-berzina")
    studio.add_item(course, author, 1, "module-1", "quiz", "Sums check", QUIZ)
    studio.add_item(course, author, 2, "module-1", "lesson", "Charts", lesson("Charts", "Bars and lines."))
    assert studio.changes_for_learners(course).added == ["Introduction", "Sums check", "Charts"]
    studio.submit(course, author)
    assert course.state == SUBMITTED
    studio.publish(course, find_by_login("admin"))
    db.session.commit()
    assert course.state == PUBLISHED and course.published_number == 3
    live = catalog.get_course(course.slug)
    learner = make_user("learner-one")
    enrollment = learning.enrol(learner, live)
    learning.mark_done(enrollment, catalog.find_item(live, "introduction"))
    db.session.commit()

    studio.save_item(course, author, 3, "introduction", lesson("Introduction", "Fixed a typo."))
    studio.remove_item(course, author, 4, "charts")
    studio.add_item(course, author, 5, "module-1", "lesson", "Pivot tables", lesson("Pivot tables", "Group rows."))
    assert course.state == DRAFT
    assert "Fixed a typo" not in catalog.find_item(live, "introduction").html  # learners keep the published one
    changes = studio.changes_for_learners(course)
    assert (changes.added, changes.removed, changes.changed, changes.enrolled) == (
        ["Pivot tables"], ["Charts"], ["Introduction"], 1)

    studio.publish(course, find_by_login("admin"))
    db.session.commit()
    db.session.expire_all()  # as the next request would see it
    assert "Fixed a typo" in catalog.find_item(live, "introduction").html
    assert [i.slug for i in catalog.live_items(live)] == ["introduction", "sums-check", "pivot-tables"]
    assert db.session.scalar(sa.select(Item.archived).where(Item.slug == "charts")) is True
    assert learning.progress_by_item(enrollment)[catalog.find_item(live, "introduction").id].completed_at is not None


def test_a_course_with_a_failing_exercise_cannot_be_submitted(course):
    exercise = studio_files.dump({
        "title": "Sum", "language": "javascript", "competences": ["jsreact:fundamentals.functions@1"],
        "instructions": "Write `sum(a, b)`.", "starter": "export function sum(a, b) {}\n",
        "solution": "export function sum(a, b) { return a - b; }\n",
        "tests": [{"name": "adds", "code": "expect(sum(1, 2)).toBe(3);"}],
        "hidden_tests": [{"name": "adds more", "code": "expect(sum(2, 2)).toBe(4);"}]}).encode()
    studio.add_item(course, find_by_login("ms-berzina"), 1, "module-1", "exercise", "Sum", exercise)
    with pytest.raises(studio.StudioRefused) as refused:
        studio.submit(course, find_by_login("ms-berzina"))
    assert any("the solution fails test 'adds'" in str(p) for p in refused.value.problems)
    assert course.state == DRAFT


def test_a_shipped_course_is_copied_with_a_new_slug_and_the_author_as_owner(ctx, author):
    course = studio.copy_shipped(find_by_login("ms-berzina"), "digital-explorers")
    assert course.slug == "digital-explorers-copy" and course.owner.username == "ms-berzina"
    assert course.copied_from == "digital-explorers" and course.title.endswith("(copy)")
    assert studio.check(course.slug, studio.files_of(course)) == []


def test_a_package_imported_into_the_studio_exports_as_the_same_files(ctx, author):
    data = packages.to_zip("first-steps", packages.folder_files(FIXTURE_COURSES / "first-steps"))
    course = studio.import_zip(find_by_login("ms-berzina"), data)
    assert course.slug == "first-steps" and course.owner.username == "ms-berzina"
    assert packages.read_zip(studio.export("first-steps")[1]) == packages.read_zip(data)


def test_a_package_for_a_course_someone_else_writes_is_refused(ctx, new_course, co_author):
    data = studio.export(new_course)[1]
    with pytest.raises(studio.StudioRefused) as refused:
        studio.import_zip(find_by_login("mr-ozols"), data)
    assert "you do not write it" in refused.value.message


def test_a_package_for_a_course_managed_as_files_is_refused(ctx, author, courses):
    data = packages.to_zip("first-steps", packages.folder_files(FIXTURE_COURSES / "first-steps"))
    with pytest.raises(studio.StudioRefused) as refused:
        studio.import_zip(find_by_login("ms-berzina"), data)
    assert "managed as files" in refused.value.message


def test_the_history_shows_a_readable_diff_and_restores_an_old_revision_as_a_new_draft(course):
    author = find_by_login("ms-berzina")
    studio.save_item(course, author, 1, "introduction", lesson("Introduction", "A typo hre."))
    studio.save_item(course, author, 2, "introduction", lesson("Introduction", "A typo here."))
    [changed] = studio.diff(course, 2, 3)
    assert changed.path == "lessons/introduction.md" and changed.status == "changed"
    assert ("-", "A typo hre.") in changed.lines and ("+", "A typo here.") in changed.lines
    studio.restore(course, author, 2)
    assert course.head == 4 and b"A typo hre." in studio.item_file(course, "introduction")[2]
    assert studio.revision(course).note == "Restored revision 2"


def test_only_teachers_can_be_made_authors(ctx, adult):
    with pytest.raises(studio.StudioRefused):
        studio.grant_author(find_by_login("adult"))
    assert not studio.may_use_studio(find_by_login("adult"))
