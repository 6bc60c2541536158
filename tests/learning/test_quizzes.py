"""Quiz settings: when correct answers are shown, options shuffled per attempt, and
questions drawn from a pool, so that a failed attempt cannot be copied into the next."""

import json
import random
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from lms.catalog import services as catalog
from lms.extensions import db
from lms.learning import services
from lms.learning.models import QuizAttempt
from lms.xapi import documents
from lms.xapi.models import Statement
from tests.conftest import ALL_CORRECT, quiz_answers

POOL = {"capital", "even-numbers", "sky", "week", "opposite", "after-two"}
XAPI = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def quiz(ctx, pool_course):
    return catalog.find_item(catalog.get_course("quiz-practice"), "pool-check")


@pytest.fixture
def enrollment(quiz, make_user):
    return services.enrol(make_user("ann"), quiz.course)


def form(data):
    return MultiDict(data).to_dict(flat=False)


def ids(paper):
    return [entry.question["id"] for entry in paper]


def option_ids(entry):
    return [option["id"] for _, option in entry.options]


def submit(enrollment, attempt, correct):
    return services.submit_attempt(enrollment, attempt, form(quiz_answers(services.attempt_paper(attempt), correct)))


# Pools and shuffling -------------------------------------------------------------------------

def test_an_attempt_draws_its_questions_from_the_pool_and_a_second_attempt_is_not_a_copy(quiz, enrollment):
    """Each attempt asks 3 of the 6 questions; the second asks the 3 the first did not."""
    first = services.start_attempt(enrollment, quiz, rng=random.Random(1))
    first_ids = ids(services.attempt_paper(first))
    submit(enrollment, first, correct=False)
    second = services.start_attempt(enrollment, quiz, rng=random.Random(1))
    second_ids = ids(services.attempt_paper(second))
    assert len(first_ids) == len(second_ids) == 3
    assert set(first_ids) | set(second_ids) == POOL
    assert set(first_ids).isdisjoint(second_ids)
    # Drawn questions keep the order of the course file.
    file_order = [q["id"] for q in quiz.questions]
    assert first_ids == sorted(first_ids, key=file_order.index)


def test_the_draw_is_repeatable_with_a_seed_and_differs_between_seeds(quiz, make_user):
    """The randomness is the caller's: the same seed draws the same paper, and over a
    few seeds the draw and the option order change."""
    papers = []
    for number, seed in enumerate((3, 3, 4, 5, 6)):
        enrollment = services.enrol(make_user(f"learner-{number}"), quiz.course)
        paper = services.attempt_paper(services.start_attempt(enrollment, quiz, rng=random.Random(seed)))
        papers.append([(entry.question["id"], option_ids(entry)) for entry in paper])
    assert papers[0] == papers[1]
    assert len({json.dumps(paper) for paper in papers}) > 2


def test_shuffled_options_keep_their_order_within_an_attempt_and_change_in_the_next(quiz, enrollment):
    """A reload shows the same order; the next attempt shows another; the question that
    turns shuffling off keeps the file's order."""
    quiz.draw = None  # every question on every paper, to compare like with like
    first = services.start_attempt(enrollment, quiz, rng=random.Random(11))
    db.session.commit()
    paper = services.attempt_paper(first)
    again = services.attempt_paper(db.session.get(QuizAttempt, first.id))
    assert [(e.question["id"], e.options) for e in paper] == [(e.question["id"], e.options) for e in again]
    submit(enrollment, first, correct=False)
    second = services.attempt_paper(services.start_attempt(enrollment, quiz, rng=random.Random(11)))
    orders = {e.question["id"]: option_ids(e) for e in paper}
    for entry in second:
        file_order = [o["id"] for o in entry.question.get("options", [])]
        if entry.question["id"] == "after-two":
            assert option_ids(entry) == orders["after-two"] == file_order
        elif file_order:
            assert option_ids(entry) != orders[entry.question["id"]]
            assert sorted(option_ids(entry)) == sorted(file_order)


def test_shuffled_options_are_sent_as_codes_that_say_nothing_about_the_option(quiz, enrollment):
    """The form value of a shuffled option is a code made for this attempt, not the
    option's id (which follows the course file's order)."""
    quiz.draw = None
    paper = services.attempt_paper(services.start_attempt(enrollment, quiz, rng=random.Random(2)))
    for entry in paper:
        for value, option in entry.options:
            if entry.question["id"] == "after-two":
                assert value == option["id"]
            else:
                assert re.fullmatch(r"[0-9a-f]{10}", value) and value != option["id"]


def test_grading_is_by_option_identity_not_position(quiz, enrollment):
    """The right options, wherever they were shown, score full marks; the xAPI response
    names the options by their ids."""
    quiz.draw = None
    attempt = services.start_attempt(enrollment, quiz, rng=random.Random(8))
    assert submit(enrollment, attempt, correct=True).counted
    assert attempt.passed and attempt.score == 1.0 and attempt.max_points == 7
    assert attempt.answers["even-numbers"] == ["o1", "o2"] and attempt.answers["capital"] == "o1"
    responses = [s.data["result"]["response"] for s in db.session.scalars(sa.select(Statement))
                 if s.verb_id.endswith("answered") and s.activity_id.endswith("/even-numbers")]
    assert responses == ["o1[,]o2"]


def test_the_score_is_scaled_on_the_drawn_questions_only(quiz, enrollment):
    """Three drawn questions, one of them worth 2 points: the score counts only those."""
    attempt = services.start_attempt(enrollment, quiz, rng=random.Random(3))
    paper = services.attempt_paper(attempt)
    assert "sky" in ids(paper)
    answers = quiz_answers(paper, correct=True)
    wrong = quiz_answers(paper, correct=False)
    first = paper[0].question
    answers[f"q-{first['id']}"] = wrong[f"q-{first['id']}"]
    services.submit_attempt(enrollment, attempt, form(answers))
    drawn_points = sum(entry.question.get("points", 1) for entry in paper)
    assert attempt.max_points == drawn_points
    assert attempt.points == drawn_points - first.get("points", 1)
    assert attempt.score == pytest.approx(attempt.points / drawn_points)
    assert [r["id"] for r in attempt.results] == ids(paper)
    answered = [s.activity_id.rsplit("/", 1)[-1] for s in db.session.scalars(sa.select(Statement))
                if s.verb_id.endswith("answered")]
    assert answered == ids(paper)


@pytest.mark.parametrize("forge,problem", [
    ("not-drawn", "not part of this attempt"),
    ("file-option-id", "choose from the options shown"),
    ("unknown-question", "not in this quiz"),
])
def test_a_forged_form_is_refused_and_changes_nothing(quiz, enrollment, forge, problem):
    """Answers to a pool question that was not drawn, an option id instead of the code
    offered, or a question the quiz does not have: refused, nothing graded or recorded."""
    attempt = services.start_attempt(enrollment, quiz, rng=random.Random(1))
    db.session.commit()
    paper = services.attempt_paper(attempt)
    answers = quiz_answers(paper, correct=True)
    shuffled = next(e for e in paper if e.options and e.question["id"] != "after-two")
    if forge == "not-drawn":
        qid = sorted(POOL - set(ids(paper)))[0]
        answers[f"q-{qid}"] = "anything"
    elif forge == "file-option-id":
        qid = shuffled.question["id"]
        answers[f"q-{qid}"] = [o["id"] for _, o in shuffled.options if o["correct"]][:1]
    else:
        qid = "no-such-question"
        answers[f"q-{qid}"] = "x"
    with pytest.raises(services.AnswerError) as error:
        services.submit_attempt(enrollment, attempt, form(answers))
    assert problem in str(error.value.problems[qid])
    db.session.rollback()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.submitted_at is None and attempt.results is None
    assert [s.verb_id.rsplit("/", 1)[-1] for s in db.session.scalars(sa.select(Statement))] == ["registered"]


def test_an_open_attempt_gets_a_fresh_paper_when_the_quiz_changed_under_it(quiz, enrollment):
    """A re-import that removes a drawn question does not leave the learner a paper with
    a question that cannot be graded."""
    attempt = services.start_attempt(enrollment, quiz, rng=random.Random(1))
    gone = ids(services.attempt_paper(attempt))[0]
    quiz.questions = [q for q in quiz.questions if q["id"] != gone]
    paper = services.attempt_paper(attempt, rng=random.Random(1))
    assert gone not in ids(paper) and len(paper) == 3
    assert [entry["id"] for entry in attempt.paper] == ids(paper)


def test_an_attempt_from_before_papers_were_kept_still_shows_its_result(quiz, enrollment):
    """Submitted attempts without a paper show their questions from their results."""
    quiz.draw = None
    attempt = services.start_attempt(enrollment, quiz, rng=random.Random(1))
    submit(enrollment, attempt, correct=True)
    attempt.paper = None
    paper = services.attempt_paper(attempt)
    assert ids(paper) == [r["id"] for r in attempt.results]
    assert option_ids(paper[0]) == [o["id"] for o in paper[0].question["options"]]


# When the correct answers are shown -------------------------------------------------------

@pytest.mark.parametrize("rule,after_fail,after_second_fail,after_pass", [
    ("after_passed_or_last_attempt", False, False, True),
    ("after_each_attempt", True, True, True),
    ("after_passed", False, False, True),
    ("never", False, False, False),
])
def test_when_answers_are_shown_follows_the_quiz_setting(quiz, enrollment, rule, after_fail, after_second_fail,
                                                         after_pass):
    """Two failed attempts of three, then a passed one."""
    quiz.show_answers = rule
    seen = []
    for correct in (False, False, True):
        attempt = services.start_attempt(enrollment, quiz)
        submit(enrollment, attempt, correct)
        seen.append(services.answers_shown(quiz, services.attempts(enrollment, quiz)))
    assert seen == [after_fail, after_second_fail, after_pass]


@pytest.mark.parametrize("rule,shown", [
    ("after_passed_or_last_attempt", True), ("after_passed", False), ("never", False), ("after_each_attempt", True)])
def test_the_last_attempt_used_shows_the_answers_only_where_the_setting_says(quiz, enrollment, rule, shown):
    """Three failed attempts out of three."""
    quiz.show_answers = rule
    for _ in range(3):
        submit(enrollment, services.start_attempt(enrollment, quiz), correct=False)
    assert services.answers_shown(quiz, services.attempts(enrollment, quiz)) is shown


def test_the_default_is_after_passing_or_the_last_attempt(ctx, courses):
    """A quiz file that says nothing gets the default; with unlimited attempts only passing shows them."""
    basics = catalog.find_item(catalog.get_course("first-steps"), "basics-check")
    assert basics.show_answers == "after_passed_or_last_attempt"
    assert "pass or have used your last attempt" in str(services.answers_policy(basics))
    basics.max_attempts = None
    assert str(services.answers_policy(basics)) == "The correct answers are shown once you pass."


def test_no_answer_key_goes_into_the_statements_or_the_activities(quiz, enrollment):
    """Statements the learner can read, and the one definition per question every
    learner's statements share, carry the interaction type but no correct responses and
    no choices (whose ids follow the file's order)."""
    quiz.draw = None
    submit(enrollment, services.start_attempt(enrollment, quiz), correct=False)
    answered = [s.data for s in db.session.scalars(sa.select(Statement)) if s.verb_id.endswith("answered")]
    assert len(answered) == 6
    for statement in answered:
        definition = statement["object"]["definition"]
        assert "correctResponsesPattern" not in definition and "choices" not in definition
        assert definition["interactionType"] in ("choice", "true-false", "numeric", "fill-in")
        activity = documents.activity(statement["object"]["id"])
        assert "correctResponsesPattern" not in activity["definition"] and "choices" not in activity["definition"]


# Pages --------------------------------------------------------------------------------------

BASICS = "/courses/first-steps/learn/basics-check"
WRONG = {**ALL_CORRECT, "q-best-password": "o1", "q-good-habits": ["o3"], "q-device": "modem"}


def test_a_failed_attempt_shows_right_and_wrong_but_not_the_answers(client, enrolled):
    """After a failed first attempt of two: which questions were right and the score,
    but no correct option, no feedback, anywhere in the page's source."""
    client.post(f"{BASICS}/attempts")
    client.post(f"{BASICS}/attempts/1", data=WRONG)
    page = client.get(f"{BASICS}/attempts/1").get_data(as_text=True)
    assert "Not passed this time." in page and "40%" in page
    assert page.count('class="verdict"') == 5 and "Not correct" in page
    assert "123456" in page  # the learner's own answer
    for secret in ("correct horse battery staple", "Two-step verification", "router", "Correct answer:",
                   "This is the most common password of all.", "Length matters most."):
        assert secret not in page
    assert "The correct answers are shown once you pass or have used your last attempt." in page
    quiz_page = client.get(BASICS).get_data(as_text=True)
    assert "correct horse battery staple" not in quiz_page and "Attempt 1: 40%" in quiz_page


def test_the_answers_are_shown_once_the_last_attempt_is_used(client, enrolled):
    """Two failed attempts of two: both results now show the correct answers and feedback."""
    for number in (1, 2):
        client.post(f"{BASICS}/attempts")
        client.post(f"{BASICS}/attempts/{number}", data=WRONG)
    page = client.get(f"{BASICS}/attempts/1").get_data(as_text=True)
    assert "Correct answer:" in page and "correct horse battery staple" in page
    assert "This is the most common password of all." in page and "Length matters most." in page
    assert "A password manager; Two-step verification" in page and "router" in page


def test_the_answers_are_shown_after_passing(client, enrolled):
    """A failed attempt, then a passed one: the failed attempt's answers are shown now."""
    client.post(f"{BASICS}/attempts")
    client.post(f"{BASICS}/attempts/1", data=WRONG)
    client.post(f"{BASICS}/attempts")
    client.post(f"{BASICS}/attempts/2", data=ALL_CORRECT)
    page = client.get(f"{BASICS}/attempts/1").get_data(as_text=True)
    assert "Correct answer:" in page and "correct horse battery staple" in page


def test_the_learners_record_has_no_answer_key(client, enrolled):
    """The record download and the learner's own statements through the LRS."""
    client.post(f"{BASICS}/attempts")
    client.post(f"{BASICS}/attempts/1", data=WRONG)
    record = client.get("/my/record.json").get_data(as_text=True)
    lrs = client.get("/xapi/statements", headers=XAPI)
    assert lrs.status_code == 200
    for body in (record, lrs.get_data(as_text=True)):
        assert '"answered"' in body or "verbs/answered" in body
        assert "correctResponsesPattern" not in body and '"choices"' not in body


POOL_QUIZ = "/courses/quiz-practice/learn/pool-check"


@pytest.fixture
def pool_learner(client, adult, login, pool_course):
    login(adult)
    assert client.post("/courses/quiz-practice/enrol").status_code == 302
    return adult


def kept_paper(app, number=1):
    with app.app_context():
        attempt = db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.number == number))
        return services.attempt_paper(attempt)


def test_the_attempt_page_shows_the_kept_paper_on_every_reload(app, client, pool_learner):
    """Only the drawn questions are on the page, in the kept order, with option codes
    rather than ids; a reload shows exactly the same."""
    client.post(f"{POOL_QUIZ}/attempts")
    first = client.get(f"{POOL_QUIZ}/attempts/1").get_data(as_text=True)
    second = client.get(f"{POOL_QUIZ}/attempts/1").get_data(as_text=True)
    values = re.findall(r'name="q-([a-z0-9-]+)"[^>]*value="([^"]*)"', first)
    assert values == re.findall(r'name="q-([a-z0-9-]+)"[^>]*value="([^"]*)"', second)
    paper = kept_paper(app)
    expected = []
    for entry in paper:
        kind = entry.question["type"]
        values_of = ([value for value, _ in entry.options] if entry.options else
                     ["true", "false"] if kind == "true_false" else [""])
        expected += [(entry.question["id"], value) for value in values_of]
    assert values == expected
    for qid in POOL - set(ids(paper)):
        assert f"q-{qid}" not in first


def test_a_forged_answer_to_a_question_not_drawn_is_refused_with_a_message(app, client, pool_learner):
    """The page says what is wrong and nothing is submitted; the right answers then pass once."""
    client.post(f"{POOL_QUIZ}/attempts")
    paper = kept_paper(app)
    answers = quiz_answers(paper)
    other = sorted(POOL - set(ids(paper)))[0]
    response = client.post(f"{POOL_QUIZ}/attempts/1", data={**answers, f"q-{other}": "x"})
    assert response.status_code == 400
    assert "This answer is for a question that is not part of this attempt." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(QuizAttempt)).submitted_at is None
    done = client.post(f"{POOL_QUIZ}/attempts/1", data=answers, follow_redirects=True)
    assert "You passed." in done.get_data(as_text=True)
    again = client.post(f"{POOL_QUIZ}/attempts/1", data=answers)  # a double submit counts nothing
    assert again.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_the_quiz_page_says_how_many_questions_are_drawn_and_when_answers_show(client, pool_learner):
    """Before starting, the learner reads how many questions an attempt asks and when answers appear."""
    page = client.get(POOL_QUIZ).get_data(as_text=True)
    assert "3 questions per attempt, drawn from 6" in page
    assert "The correct answers are shown once you pass or have used your last attempt." in page
