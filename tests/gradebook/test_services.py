"""The gradebook's grid, who may see a learner's work, and comments on it."""

import pytest

from lms.audit import services as audit
from lms.extensions import db
from lms.gradebook import access, services, work
from lms.gradebook.models import Feedback
from lms.learning import services as learning
from lms.notifications.models import Notification
from lms.tasks import services as tasks
from lms.teaching import services as teaching
from tests.gradebook.conftest import add_pupil, count_queries, submit_code


def columns(book):
    return [column.item.title for column in book.columns]


def test_the_class_gradebook_has_every_assigned_quiz_exercise_and_task_and_no_lesson(book):
    """Whole courses give their graded items; a single assigned quiz comes too."""
    grid = services.for_class(book.school_class)
    titles = columns(grid)
    assert "Sum of the numbers" in titles and "Functions in a minute" not in titles  # the lesson is not a column
    assert book.quiz.title in titles and book.people.reflection.title in titles
    assert all(column.item.kind in ("quiz", "exercise", "task") for column in grid.columns)
    assert [row.learner.display_name for row in grid.rows] == ["Anna"]


def test_cells_say_state_best_score_attempts_and_last_activity(book):
    people = book.people
    tasks.save(people.enrollment(people.pupil), people.reflection, text="Done.", hand_in=True)
    enrollment = learning.active_enrollment(people.pupil, book.code_course)
    submit_code(enrollment, book.exercise, score=0.5)
    submit_code(enrollment, book.exercise, score=0.75)
    grid = services.for_class(book.school_class)
    cells = {cell.item.id: cell for cell in grid.rows[0].cells}
    reflection = cells[people.reflection.id]
    assert reflection.state == services.NEEDS_REVIEW and reflection.attempts == 1 and reflection.last_at
    code = cells[book.exercise.id]
    assert (code.state, code.attempts, code.best_score) == (services.TRIED, 2, 0.75)
    assert cells[book.quiz.id].state == services.NOT_STARTED
    needs = next(c for c in grid.columns if c.item.id == people.reflection.id)
    assert needs.needs_review == 1


def test_filters_keep_the_learners_with_such_a_cell_and_sorting_orders_them(book):
    people = book.people
    add_pupil(book, "Zane", "zane")
    add_pupil(book, "Bruno", "bruno")
    tasks.save(people.enrollment(people.pupil), people.reflection, text="Done.", hand_in=True)
    db.session.commit()
    grid = services.for_class(book.school_class, filter_="needs_review")
    assert [row.learner.display_name for row in grid.rows] == ["Anna"] and grid.learners == 3
    assert any(cell.matches for cell in grid.rows[0].cells)
    everyone = services.for_class(book.school_class, sort="name")
    assert [row.learner.display_name for row in everyone.rows] == ["Anna", "Bruno", "Zane"]
    assert services.for_class(book.school_class, filter_="nonsense").filter is None


def test_late_work_is_marked_when_the_due_date_has_passed(book):
    from datetime import datetime, timedelta
    assignment = next(a for a in book.school_class.item_assignments if a.item_id == book.quiz.id)
    assignment.due_at = datetime.utcnow() - timedelta(days=1)
    db.session.commit()
    grid = services.for_class(book.school_class, filter_="late")
    cell = next(c for c in grid.rows[0].cells if c.item.id == book.quiz.id)
    assert cell.late and cell.matches and cell.due_at is not None


def test_the_gradebook_takes_the_same_queries_for_one_pupil_as_for_many(app, book):
    """A fixed number of queries however many pupils and items."""
    def queries():
        db.session.expire_all()
        school_class = teaching.class_for_teacher(book.class_id, book.people.teacher)
        with count_queries(app) as seen:
            grid = services.for_class(school_class)
            [cell.state for row in grid.rows for cell in row.cells]
        return len(seen)

    tasks.save(book.people.enrollment(book.people.pupil), book.people.reflection, text="x", hand_in=True)
    submit_code(learning.active_enrollment(book.people.pupil, book.code_course), book.exercise)
    db.session.commit()
    one = queries()
    for n in range(6):
        pupil = add_pupil(book, f"Pupil {n}", f"pupil-{n}")
        tasks.save(learning.active_enrollment(pupil, book.people.course), book.people.reflection, text="x",
                   hand_in=True)
        submit_code(learning.active_enrollment(pupil, book.code_course), book.exercise)
    db.session.commit()
    assert queries() == one


def test_who_may_see_a_pupil_s_work(book):
    people = book.people
    enrollment = people.enrollment(people.pupil)
    assert access.role_for(people.teacher, enrollment, people.reflection) == "class-teacher"
    assert access.role_for(people.other_teacher, enrollment, people.reflection) is None
    assert access.role_for(people.reviewer, enrollment, people.reflection) is None  # the pupil is in a class
    assert access.role_for(people.reviewer, people.enrollment(people.adult), people.reflection) == "course-reviewer"
    assert access.role_for(people.adult, enrollment, people.reflection) is None
    from tests import factories
    admin = factories.make_user("boss", roles=("learner", "admin"))
    assert access.role_for(admin, enrollment, people.reflection) == "admin"


def test_a_single_assigned_item_is_the_teacher_s_to_see_but_not_the_rest_of_its_course(book):
    people = book.people
    from lms.catalog import services as catalog
    first_steps = catalog.get_course("first-steps")
    enrollment = learning.active_enrollment(people.pupil, first_steps)
    assert access.role_for(people.teacher, enrollment, book.quiz) == "class-teacher"
    other = catalog.find_item(first_steps, "welcome")
    assert access.role_for(people.teacher, enrollment, other) is None


def test_a_line_comment_on_code_reaches_the_learner_with_a_notification(book):
    people = book.people
    enrollment = learning.active_enrollment(people.pupil, book.code_course)
    submission = submit_code(enrollment, book.exercise)
    made = work.comment(people.teacher, enrollment, book.exercise, target="submission", target_id=submission.id,
                        body="Subtract? **Add** here.", line="2")
    db.session.commit()
    assert made.line == 2 and made.line_text == "  return a - b;" and "<strong>Add</strong>" in made.body_html
    note = db.session.query(Notification).filter_by(user_id=people.pupil.id, kind="feedback").one()
    assert note.url.endswith("/courses/code-practice/learn/sum-numbers#feedback")
    page = work.for_item_page(enrollment, book.exercise)
    assert [row.body for row in page.feedback] == ["Subtract? **Add** here."]


@pytest.mark.parametrize("change, message", [
    ({"line": "9"}, "Choose a line from 1 to 4."),
    ({"line": "two"}, "Choose a line from 1 to 4."),
    ({"body": "   "}, "Write your comment."),
    ({"body": "x" * 10_001}, "at most 10000 are accepted"),
    ({"target": "hand_in"}, "Choose a piece of this learner's work"),
    ({"target": "bogus"}, "Choose a piece of this learner's work"),
])
def test_a_refused_comment_names_the_problem_and_saves_nothing(book, change, message):
    people = book.people
    enrollment = learning.active_enrollment(people.pupil, book.code_course)
    submission = submit_code(enrollment, book.exercise)
    db.session.commit()
    given = {"target": "submission", "target_id": submission.id, "body": "Fine", "line": None, **change}
    with pytest.raises(work.FeedbackError) as refused:
        work.comment(people.teacher, enrollment, book.exercise, **given)
    db.session.rollback()
    assert message in refused.value.message
    assert db.session.query(Feedback).count() == 0 and db.session.query(Notification).count() == 0


def test_a_comment_on_work_the_teacher_may_not_see_is_refused(book):
    people = book.people
    enrollment = learning.active_enrollment(people.pupil, book.code_course)
    submission = submit_code(enrollment, book.exercise)
    db.session.commit()
    with pytest.raises(work.FeedbackError, match="may not comment"):
        work.comment(people.other_teacher, enrollment, book.exercise, target="submission",
                     target_id=submission.id, body="Hi")
    db.session.rollback()
    assert db.session.query(Feedback).count() == 0


def test_a_comment_cannot_point_at_another_learner_s_submission(book):
    people = book.people
    mine = learning.active_enrollment(people.pupil, book.code_course)
    other = add_pupil(book, "Bruno", "bruno")
    theirs = submit_code(learning.active_enrollment(other, book.code_course), book.exercise)
    db.session.commit()
    with pytest.raises(work.FeedbackError):
        work.comment(people.teacher, mine, book.exercise, target="submission", target_id=theirs.id, body="Hi")


def test_the_learner_s_record_shows_views_comments_and_reviews(book):
    people = book.people
    enrollment = people.enrollment(people.pupil)
    hand_in = tasks.save(enrollment, people.reflection, text="Done.", hand_in=True)
    work.record_view(enrollment, people.reflection, people.teacher, "class-teacher")
    work.record_view(enrollment, people.reflection, people.teacher, "class-teacher")
    work.comment(people.teacher, enrollment, people.reflection, target="hand_in", target_id=hand_in.id, body="Nice")
    tasks.review(people.teacher, hand_in, levels={}, comment="Good", decision="accepted")
    db.session.commit()
    kinds = sorted(entry.kind for entry in work.record(people.pupil))
    assert kinds == ["commented", "reviewed", "viewed"]
    [view] = work.views_on(enrollment, people.reflection)
    assert (view.viewer, view.viewer_role, view.views) == (people.teacher, "class-teacher", 2)
    # The one access log holds the openings: the admin's search finds them too.
    found = audit.search(audit.LogFilter(subject=people.pupil.username, what="hand_in")).items
    assert len(found) == 2 and all(entry.item_id == people.reflection.id for entry in found)
    assert work.record(people.adult) == []


def test_a_review_notifies_the_learner_with_a_link_to_the_task(book):
    people = book.people
    hand_in = tasks.save(people.enrollment(people.pupil), people.reflection, text="Done.", hand_in=True)
    tasks.review(people.teacher, hand_in, levels={}, comment="Change the ending.", decision="another_try")
    db.session.commit()
    note = db.session.query(Notification).filter_by(user_id=people.pupil.id, kind="reviewed").one()
    assert note.url == "/courses/project-work/learn/reflection" and note.subject == people.reflection.title
