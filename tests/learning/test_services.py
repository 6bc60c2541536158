import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from lms.catalog import services as catalog
from lms.extensions import db
from lms.learning import services
from lms.learning.models import Certificate, QuizAttempt
from lms.xapi.models import Statement
from tests.conftest import ALL_CORRECT


@pytest.fixture
def course(ctx, courses):
    return catalog.get_course("first-steps")


@pytest.fixture
def learner(ctx, make_user):
    return make_user("ann")


def item(course, slug):
    return catalog.find_item(course, slug)


def form(data):
    return MultiDict(data).to_dict(flat=False)


def verbs():
    return [s.verb_id.rsplit("/", 1)[-1] for s in db.session.scalars(sa.select(Statement).order_by(Statement.seq))]


def test_enrolling_twice_keeps_one_enrolment_and_one_statement(course, learner):
    first = services.enrol(learner, course)
    second = services.enrol(learner, course)
    assert first is second
    assert verbs() == ["registered"]


def test_leaving_and_coming_back_keeps_progress_and_registration(course, learner):
    enrollment = services.enrol(learner, course)
    services.mark_done(enrollment, item(course, "welcome"))
    registration = enrollment.registration
    services.leave(enrollment)
    assert services.active_enrollment(learner, course) is None
    again = services.enrol(learner, course)
    assert again.registration == registration and again.progress == 33


def test_a_draft_course_cannot_be_entered(ctx, courses, learner):
    draft = catalog.get_course("hidden-draft", include_drafts=True)
    with pytest.raises(services.LearningError):
        services.enrol(learner, draft)


def test_marking_done_twice_records_once(course, learner):
    enrollment = services.enrol(learner, course)
    assert services.mark_done(enrollment, item(course, "welcome")) is True
    assert services.mark_done(enrollment, item(course, "welcome")) is False
    assert verbs() == ["registered", "completed", "progressed"]


def test_progress_counts_only_required_items(course, learner):
    enrollment = services.enrol(learner, course)
    services.mark_done(enrollment, item(course, "more-reading"))  # optional module
    assert enrollment.progress == 0
    services.mark_done(enrollment, item(course, "welcome"))
    assert enrollment.progress == 33


def test_on_open_completion(course, learner):
    course.lesson_completion = "on_open"
    enrollment = services.enrol(learner, course)
    services.open_item(enrollment, item(course, "welcome"))
    assert verbs() == ["registered", "experienced", "completed", "progressed"]
    assert services.progress_by_item(enrollment)[item(course, "welcome").id].completed_at is not None


@pytest.mark.parametrize("answers,problem", [
    ({**ALL_CORRECT, "q-bits": "eight"}, ("bits", "Question 4: enter a number")),
    ({k: v for k, v in ALL_CORRECT.items() if k != "q-device"}, ("device", "Question 5 has no answer.")),
    ({**ALL_CORRECT, "q-nonexistent": "x"}, ("nonexistent", "not in this quiz")),
    ({**ALL_CORRECT, "q-best-password": "o9"}, ("best-password", "choose from the options shown")),
    ({**ALL_CORRECT, "q-best-password": ["o1", "o2"]}, ("best-password", "takes one answer")),
    ({**ALL_CORRECT, "q-share-password": "perhaps"}, ("share-password", "choose true or false")),
])
def test_bad_answers_are_named_and_nothing_is_graded(course, learner, answers, problem):
    enrollment = services.enrol(learner, course)
    attempt = services.start_attempt(enrollment, item(course, "basics-check"))
    db.session.commit()
    with pytest.raises(services.AnswerError) as error:
        services.submit_attempt(enrollment, attempt, form(answers))
    qid, text = problem
    assert text in str(error.value.problems[qid])
    db.session.rollback()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.submitted_at is None and verbs() == ["registered"]


def test_grading_each_question_type(course, learner):
    quiz = item(course, "basics-check")
    questions = {q["id"]: q for q in quiz.questions}
    assert services.grade_question(questions["good-habits"], ["o1", "o2"])[0]
    assert not services.grade_question(questions["good-habits"], ["o1"])[0]
    assert not services.grade_question(questions["good-habits"], ["o1", "o2", "o3"])[0]
    assert services.grade_question(questions["share-password"], False)[0]
    assert services.grade_question(questions["bits"], 8.0)[0]
    assert not services.grade_question(questions["bits"], 8.5)[0]
    assert services.grade_question(questions["device"], "  A   ROUTER ")[0]
    correct, feedback, response = services.grade_question(questions["best-password"], "o1")
    assert not correct and response == "o1"
    assert feedback == ["This is the most common password of all.", "Length matters most."]


def test_a_decimal_comma_is_understood(course, learner):
    quiz = item(course, "basics-check")
    paper = services.attempt_paper(services.start_attempt(services.enrol(learner, course), quiz))
    answers = services.parse_answers(quiz, paper, form({**ALL_CORRECT, "q-bits": "8,0"}))
    assert answers["bits"] == 8.0


def test_a_reload_or_double_click_starts_one_attempt(course, learner):
    enrollment = services.enrol(learner, course)
    quiz = item(course, "basics-check")
    assert services.start_attempt(enrollment, quiz) is services.start_attempt(enrollment, quiz)
    assert len(services.attempts(enrollment, quiz)) == 1


def test_a_double_submit_counts_once(course, learner):
    enrollment = services.enrol(learner, course)
    quiz = item(course, "basics-check")
    attempt = services.start_attempt(enrollment, quiz)
    assert services.submit_attempt(enrollment, attempt, form(ALL_CORRECT)).counted
    assert not services.submit_attempt(enrollment, attempt, form(ALL_CORRECT)).counted
    assert services.progress_by_item(enrollment)[quiz.id].attempts == 1
    assert verbs().count("passed") == 1


def test_the_attempt_limit_is_enforced_and_best_and_last_scores_kept(course, learner):
    enrollment = services.enrol(learner, course)
    quiz = item(course, "basics-check")
    wrong = {**ALL_CORRECT, "q-bits": "7", "q-device": "modem", "q-share-password": "true"}
    first = services.start_attempt(enrollment, quiz)
    services.submit_attempt(enrollment, first, form(wrong))
    second = services.start_attempt(enrollment, quiz)
    services.submit_attempt(enrollment, second, form({**wrong, "q-bits": "8"}))
    row = services.progress_by_item(enrollment)[quiz.id]
    assert (row.last_score, row.best_score, row.attempts) == (0.6, 0.6, 2)
    assert first.score == 0.4 and not first.passed and second.passed
    with pytest.raises(services.AttemptLimitReached) as error:
        services.start_attempt(enrollment, quiz)
    assert "all 2 attempts" in str(error.value)


def test_completing_every_required_item_completes_the_course_with_a_certificate(course, learner):
    enrollment = services.enrol(learner, course)
    services.mark_done(enrollment, item(course, "welcome"))
    services.mark_done(enrollment, item(course, "safe-passwords"))
    attempt = services.start_attempt(enrollment, item(course, "basics-check"))
    services.submit_attempt(enrollment, attempt, form(ALL_CORRECT))
    assert enrollment.completed_at is not None and enrollment.progress == 100
    certificate = db.session.scalar(sa.select(Certificate))
    assert certificate.code and certificate.show_name is False
    assert services.certificate_by_code(certificate.code.lower()) is certificate
    assert verbs()[-3:] == ["progressed", "completed", "completed"]


def test_a_pupils_name_is_never_shown_on_a_certificate(ctx, courses, make_user):
    pupil = make_user("kid", audience="pupil")
    course = catalog.get_course("first-steps")
    enrollment = services.enrol(pupil, course)
    for slug in ("welcome", "safe-passwords"):
        services.mark_done(enrollment, item(course, slug))
    services.submit_attempt(enrollment, services.start_attempt(enrollment, item(course, "basics-check")), form(ALL_CORRECT))
    with pytest.raises(services.LearningError):
        services.set_certificate_name_visible(services.certificate_for(enrollment), True)


def test_continue_leads_to_the_next_undone_item(course, learner):
    enrollment = services.enrol(learner, course)
    assert services.continue_item(enrollment).slug == "welcome"
    services.open_item(enrollment, item(course, "welcome"))
    services.mark_done(enrollment, item(course, "welcome"))
    assert services.continue_item(enrollment).slug == "safe-passwords"
