"""Code exercises as the learner's records see them: drafts, runs, graded submissions,
progress, statements through the one door, and competence evidence."""

import pytest
import sqlalchemy as sa

from lms.catalog import services as catalog
from lms.competence import services as competence
from lms.content import services as content
from lms.exercises import services
from lms.exercises.models import ExerciseDraft, ExerciseSubmission
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import ItemProgress
from lms.xapi import services as xapi
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from tests.conftest import FIXTURE_COURSES

WRONG_SUM = "export function sum(numbers) {\n  return numbers[0] + numbers[1];\n}\n"  # ignores the rest
RIGHT_SUM = "export function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
RIGHT_SHOUT = "export function shout(text) {\n  console.log(text);\n  return text.toUpperCase() + '!';\n}\n"


@pytest.fixture
def course(ctx, courses):
    return catalog.get_course("code-practice")


@pytest.fixture
def enrollment(course, make_user):
    enrollment = learning.enrol(make_user("ann"), course)
    db.session.commit()
    return enrollment


def item(course, slug):
    return catalog.find_item(course, slug)


def statements(verb=None):
    rows = db.session.scalars(sa.select(Statement).order_by(Statement.seq))
    return [row.data for row in rows if verb is None or row.verb_id.endswith("/" + verb)]


def test_the_page_opens_with_the_starter_code_then_the_learners_latest(course, enrollment):
    """A learner who comes back finds their own code in the editor, not the starter."""
    exercise = item(course, "sum-numbers")
    assert services.current_code(enrollment, exercise) == exercise.exercise["starter"]
    services.run(enrollment, exercise, WRONG_SUM)
    db.session.commit()
    assert services.current_code(enrollment, exercise) == WRONG_SUM


def test_a_run_checks_only_the_visible_tests_and_records_nothing(course, enrollment):
    """Running shows the example tests' results; no submission, no statement, no progress."""
    exercise = item(course, "sum-numbers")
    before = len(statements())
    outcome = services.run(enrollment, exercise, WRONG_SUM)
    assert outcome.kind == "run" and outcome.status == "ok"
    assert [(t.name, t.passed, t.hidden) for t in outcome.tests] == [
        ("adds three numbers", False, False), ("adds negative numbers", True, False)]
    assert "expected 3 to be 6" in outcome.tests[0].message
    assert len(statements()) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseSubmission)) == 0
    row = learning.progress_by_item(enrollment).get(exercise.id)
    assert row is None or (row.attempts == 0 and row.completed_at is None)


def test_submissions_are_kept_and_the_best_counts(course, enrollment):
    """A failed submission, then a pass, then a worse one: three kept, best 100 %, done once."""
    exercise = item(course, "sum-numbers")
    first = services.submit(enrollment, exercise, WRONG_SUM)
    assert (first.passed_count, first.total, first.all_passed) == (1, 4, False)
    assert [t.hidden for t in first.tests] == [False, False, True, True]
    second = services.submit(enrollment, exercise, RIGHT_SUM)
    assert second.all_passed and second.submission.number == 2
    third = services.submit(enrollment, exercise, "export const sum = () => 0;")
    db.session.commit()
    assert third.submission.score == pytest.approx(0.25)
    kept = services.submissions(enrollment, exercise)
    assert [(s.number, s.score, s.passed) for s in kept] == [(1, 0.25, False), (2, 1.0, True), (3, 0.25, False)]
    assert kept[0].code == WRONG_SUM and kept[0].results[2]["name"] == "an empty array adds up to 0"
    row = learning.progress_by_item(enrollment)[exercise.id]
    assert (row.attempts, row.best_score, row.last_score) == (3, 1.0, 0.25)
    assert row.completed_at is not None
    assert enrollment.progress == 33  # one of three required items
    assert len(statements("progressed")) == 1


def test_a_submission_makes_attempted_then_passed_or_failed_with_the_code(course, enrollment, app):
    """Each submit records 'attempted', then 'failed' or 'passed' with score, success and the code."""
    exercise = item(course, "sum-numbers")
    services.submit(enrollment, exercise, WRONG_SUM)
    services.submit(enrollment, exercise, RIGHT_SUM)
    db.session.commit()
    base = vocabulary.platform_identity()
    activity = f"{base}/xapi/activities/exercise/code-practice/sum-numbers"
    attempted, failed, passed = statements("attempted"), statements("failed"), statements("passed")
    assert len(attempted) == 2 and len(failed) == 1 and len(passed) == 1
    for statement in attempted + failed + passed:
        assert statement["object"]["id"] == activity
        assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
        context = statement["context"]
        assert context["registration"] == str(enrollment.registration)
        assert context["contextActivities"]["parent"][0]["id"] == f"{base}/xapi/activities/module/code-practice/functions"
        assert [a["id"] for a in context["contextActivities"]["grouping"]] == [
            f"{base}/xapi/activities/course/code-practice", f"{base}/xapi/activities/track/javascript-react"]
        assert context["contextActivities"]["category"][0]["id"] == f"{base}/xapi/profile"
    assert failed[0]["result"]["score"]["scaled"] == 0.25 and failed[0]["result"]["success"] is False
    assert failed[0]["result"]["response"] == WRONG_SUM
    assert passed[0]["result"]["score"]["scaled"] == 1.0 and passed[0]["result"]["success"] is True
    assert passed[0]["result"]["response"] == RIGHT_SUM
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements()]
    assert verbs == ["registered", "attempted", "failed", "attempted", "passed", "progressed"]


def test_passing_every_exercise_completes_the_module_and_the_course(course, enrollment):
    """The lesson and both exercises done: module and course complete, with a certificate."""
    learning.mark_done(enrollment, item(course, "functions-intro"))
    services.submit(enrollment, item(course, "sum-numbers"), RIGHT_SUM)
    assert enrollment.completed_at is None and enrollment.progress == 66
    services.submit(enrollment, item(course, "shout"), RIGHT_SHOUT)
    db.session.commit()
    assert enrollment.progress == 100 and enrollment.completed_at is not None
    assert learning.certificate_for(enrollment) is not None
    completed = [s["object"]["id"].split("/activities/", 1)[1] for s in statements("completed")]
    assert "module/code-practice/functions" in completed and "course/code-practice" in completed


def test_a_passed_exercise_raises_the_learners_competence_level(course, enrollment):
    """Passing an exercise is evidence of its competence, exactly as passing a quiz is."""
    key = xapi.account_key(enrollment.user.public_id)

    def levels():
        return {f"{e.competence.framework.slug}:{e.competence.code}": e.level
                for p in competence.profile(key) for e in p.entries if e.level}

    services.submit(enrollment, item(course, "sum-numbers"), WRONG_SUM)
    db.session.commit()
    assert "jsreact:fundamentals.arrays-objects" not in levels()
    services.submit(enrollment, item(course, "sum-numbers"), RIGHT_SUM)
    db.session.commit()
    assert levels()["jsreact:fundamentals.arrays-objects"] == "2"


def test_a_syntax_error_is_kept_with_its_line_and_scores_nothing(course, enrollment):
    """Code that does not parse is a submission with score 0 and the line of the error."""
    exercise = item(course, "sum-numbers")
    outcome = services.submit(enrollment, exercise, "export function sum(numbers) {\n  return numbers.reduce(;\n}\n")
    db.session.commit()
    assert outcome.status == "syntax_error" and outcome.line == 2
    assert outcome.submission.score == 0 and not outcome.submission.passed
    assert "line 2" in outcome.message
    assert all(not t.passed for t in outcome.tests) and len(outcome.tests) == 4


def test_an_endless_loop_ends_at_the_time_limit_with_a_clear_message(course, enrollment):
    """A learner whose code never ends is told so, and the submission counts as failed."""
    outcome = services.submit(enrollment, item(course, "shout"), "export function shout() { while (true) {} }")
    assert outcome.status == "timeout" and not outcome.all_passed
    assert "time limit" in outcome.message


@pytest.mark.parametrize("code", [None, "", "   \n  "])
def test_missing_code_is_refused_and_nothing_is_saved(course, enrollment, code):
    """Submitting an empty editor says so and saves no draft, submission or statement."""
    before = len(statements())
    with pytest.raises(services.CodeError, match="no code"):
        services.submit(enrollment, item(course, "sum-numbers"), code)
    db.session.rollback()
    assert len(statements()) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseDraft)) == 0


def test_code_over_the_size_limit_is_refused_before_anything_runs(course, enrollment, app):
    """Code larger than the limit gets a message naming both sizes; nothing is saved."""
    app.config["LMS_EXERCISE_MAX_CODE_BYTES"] = 100
    code = "// " + "x" * 200 + "\nexport const sum = () => 0;"
    with pytest.raises(services.CodeError) as refused:
        services.run(enrollment, item(course, "sum-numbers"), code)
    assert "at most 100 bytes" in str(refused.value.message)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseDraft)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseSubmission)) == 0


def test_reset_brings_back_the_starter_and_keeps_submissions(course, enrollment):
    """Resetting the editor never loses a graded submission."""
    exercise = item(course, "sum-numbers")
    services.submit(enrollment, exercise, WRONG_SUM)
    assert services.reset(enrollment, exercise) == exercise.exercise["starter"]
    db.session.commit()
    assert services.current_code(enrollment, exercise) == exercise.exercise["starter"]
    assert len(services.submissions(enrollment, exercise)) == 1


def test_reimporting_keeps_submissions_drafts_and_progress(course, enrollment):
    """Importing the course again (same slugs) keeps the learner's exercise work."""
    exercise = item(course, "sum-numbers")
    services.submit(enrollment, exercise, RIGHT_SUM)
    services.run(enrollment, item(course, "shout"), "export const shout = (t) => t;")
    db.session.commit()
    report = content.import_courses(FIXTURE_COURSES)
    db.session.commit()
    assert "code-practice" in report.updated and report.items_archived == 0
    again = catalog.find_item(catalog.get_course("code-practice"), "sum-numbers")
    assert again.id == exercise.id and again.kind == "exercise"
    assert len(services.submissions(enrollment, again)) == 1
    assert db.session.get(ItemProgress, learning.progress_by_item(enrollment)[again.id].id).completed_at
    assert services.current_code(enrollment, item(course, "shout")) == "export const shout = (t) => t;"


def test_import_stores_the_exercise_with_rendered_instructions(course):
    """Instructions are rendered once at import (sanitised Markdown); tests are kept as data."""
    exercise = item(course, "sum-numbers")
    assert exercise.kind == "exercise" and exercise.minutes == 10
    assert "<code>sum(numbers)</code>" in exercise.html and "<script" not in exercise.html
    assert exercise.exercise["time_limit_ms"] == 2000 and exercise.exercise["language"] == "javascript"
    assert len(exercise.exercise["hidden_tests"]) == 2
    assert exercise.competences == ["jsreact:fundamentals.arrays-objects@2"]


@pytest.mark.parametrize("status", ["syntax_error", "error", "timeout", "memory", "crashed", "too_large"])
def test_every_grader_outcome_has_a_message_in_latvian_and_english(app, status):
    """Learners read what went wrong with their code in their own language."""
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("en"):
            english = services.status_message(status, "Unexpected token ';'", 3)
        with force_locale("lv"):
            latvian = services.status_message(status, "Unexpected token ';'", 3)
    assert english and latvian and english != latvian


# Earlier submissions ---------------------------------------------------------------------------

def test_a_submission_is_found_only_for_its_own_learner_and_exercise(course, enrollment, make_user):
    """Another learner's submission, another exercise's, or a missing id is simply not there."""
    exercise = item(course, "sum-numbers")
    mine = services.submit(enrollment, exercise, WRONG_SUM).submission
    db.session.commit()
    other = learning.enrol(make_user("ben"), course)
    db.session.commit()
    assert services.get_submission(enrollment, exercise, mine.id) is mine
    assert services.get_submission(other, exercise, mine.id) is None
    assert services.get_submission(enrollment, item(course, "shout"), mine.id) is None
    assert services.get_submission(enrollment, exercise, mine.id + 1000) is None


def test_the_best_submission_is_the_first_with_the_highest_score(course, enrollment):
    """The marker goes to the submission that counts: the best score, reached first."""
    exercise = item(course, "sum-numbers")
    assert services.best_submission([]) is None
    services.submit(enrollment, exercise, WRONG_SUM)
    services.submit(enrollment, exercise, RIGHT_SUM)
    services.submit(enrollment, exercise, RIGHT_SUM)
    services.submit(enrollment, exercise, WRONG_SUM)
    db.session.commit()
    made = services.submissions(enrollment, exercise)
    assert [s.score for s in made] == [0.25, 1.0, 1.0, 0.25]
    assert services.best_submission(made).number == 2
    assert services.page(enrollment, exercise)["best_submission"].number == 2
    assert [services.submission_page(enrollment, exercise, s)["is_best"] for s in made] == [False, True, False, False]


def test_a_submission_page_shows_highlighted_code_and_the_stored_results(course, enrollment):
    """The code is escaped and highlighted; the results are the ones stored, hidden ones by name."""
    exercise = item(course, "sum-numbers")
    code = WRONG_SUM + "// </pre><script>alert(1)</script>\n"
    submission = services.submit(enrollment, exercise, code).submission
    services.save_draft(enrollment, exercise, RIGHT_SUM)
    db.session.commit()
    shown = services.submission_page(enrollment, exercise, submission)
    assert shown["code_html"].startswith('<div class="highlight"><pre tabindex="0">')
    assert '<span class="k">export</span>' in shown["code_html"]
    assert "<script>" not in shown["code_html"] and "&lt;script&gt;" in shown["code_html"]
    assert [(t.name, t.hidden, t.passed) for t in shown["outcome"].tests] == [
        ("adds three numbers", False, False), ("adds negative numbers", False, True),
        ("an empty array adds up to 0", True, False), ("adds a long list", True, False)]
    assert shown["outcome"].submission is submission and shown["draft_differs"] is True


def test_copying_a_submission_sets_the_draft_and_nothing_else(course, enrollment):
    """The editor gets the old code back; submissions, progress and statements stay as they were."""
    exercise = item(course, "sum-numbers")
    first = services.submit(enrollment, exercise, WRONG_SUM).submission
    services.submit(enrollment, exercise, RIGHT_SUM)
    db.session.commit()
    before = len(statements())
    services.copy_to_draft(enrollment, exercise, first)
    db.session.commit()
    assert services.current_code(enrollment, exercise) == WRONG_SUM
    assert len(services.submissions(enrollment, exercise)) == 2 and len(statements()) == before
    assert learning.progress_by_item(enrollment)[exercise.id].best_score == 1.0
    with pytest.raises(ValueError):
        services.copy_to_draft(enrollment, item(course, "shout"), first)
    assert services.current_code(enrollment, item(course, "shout")) == item(course, "shout").exercise["starter"]


SNOOPING_SUM = ("export function sum(numbers) {\n  console.log(JSON.stringify(numbers));\n"
                "  return 'got ' + JSON.stringify(numbers);\n}\n")


def test_a_submission_keeps_of_a_hidden_test_only_its_name_and_verdict(course, enrollment):
    """What code printed or was told in a hidden test (its inputs) is neither shown nor stored;
    the example tests keep their messages and console output."""
    exercise = item(course, "sum-numbers")
    outcome = services.submit(enrollment, exercise, SNOOPING_SUM)
    db.session.commit()
    stored = services.submissions(enrollment, exercise)[0]
    assert stored.results == [
        {"name": "adds three numbers", "hidden": False, "passed": False,
         "message": 'expected "got [1,2,3]" to be 6', "logs": ["[1,2,3]"]},
        {"name": "adds negative numbers", "hidden": False, "passed": False,
         "message": 'expected "got [-1,-2]" to be -3', "logs": ["[-1,-2]"]},
        {"name": "an empty array adds up to 0", "hidden": True, "passed": False},
        {"name": "adds a long list", "hidden": True, "passed": False}]
    assert [(t.hidden, t.message, t.logs) for t in outcome.tests[2:]] == [(True, "", []), (True, "", [])]
    assert "10,20" not in str([stored.results, stored.logs, stored.error])


def test_an_older_submission_with_hidden_details_shows_them_no_more(course, enrollment):
    """A row stored before hidden tests were kept by name only is shown by name only too."""
    exercise = item(course, "sum-numbers")
    submission = services.submit(enrollment, exercise, SNOOPING_SUM).submission
    submission.results = [*submission.results[:2],
                          {"name": "an empty array adds up to 0", "hidden": True, "passed": False,
                           "message": 'expected "got []" to be 0', "logs": ["[]"]},
                          {"name": "adds a long list", "hidden": True, "passed": False,
                           "message": 'expected "got [10,20,30,40]" to be 100', "logs": ["[10,20,30,40]"]}]
    db.session.commit()
    shown = services.submission_page(enrollment, exercise, submission)["outcome"]
    assert [(t.name, t.hidden, t.message, t.logs) for t in shown.tests[2:]] == [
        ("an empty array adds up to 0", True, "", []), ("adds a long list", True, "", [])]
    assert shown.tests[0].message == 'expected "got [1,2,3]" to be 6'
