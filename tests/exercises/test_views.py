"""The exercise page as a learner uses it: with JavaScript (fetch, JSON) and without
(plain form posts rendered on the server), and every kind of bad input."""

import pytest
import sqlalchemy as sa

from lms.exercises.models import ExerciseDraft, ExerciseSubmission
from lms.extensions import db
from lms.xapi.models import Statement

PAGE = "/courses/code-practice/learn/sum-numbers"
WRONG_SUM = "export function sum(numbers) {\n  return numbers[0] + numbers[1];\n}\n"
RIGHT_SUM = "export function sum(numbers) {\n  return numbers.reduce((a, b) => a + b, 0);\n}\n"
JSON = {"Accept": "application/json"}


@pytest.fixture
def learner(client, adult, login, courses):
    """The adult learner, signed in and enrolled in code-practice."""
    login(adult)
    assert client.post("/courses/code-practice/enrol").status_code == 302
    return adult


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_page_shows_instructions_starter_and_examples_but_never_hidden_tests(client, learner):
    """The learner sees what to write, the starter code in an editor field and the example
    tests; the hidden tests' code is not in the page."""
    page = client.get(PAGE).get_data(as_text=True)
    assert "<code>sum(numbers)</code>" in page
    assert '<textarea id="code" name="code"' in page and "// your code here" in page
    assert "expect(sum([1, 2, 3])).toBe(6);" in page
    assert "expect(sum([]))" not in page and "an empty array adds up to 0" not in page
    assert "2 hidden tests" in page
    assert "press Escape and then Tab" in page
    assert "vendor/codemirror/codemirror.js" in page
    assert 'rel="next"' in page and 'rel="prev"' in page and "<progress" in page


def test_without_javascript_run_renders_the_failing_tests_on_the_page(client, learner, app):
    """A plain form post of Run shows each example test's verdict and message, keeps the code."""
    response = client.post(f"{PAGE}/run", data={"code": WRONG_SUM})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 of 2 tests passed." in page
    assert "expected 3 to be 6" in page
    assert "numbers[0] + numbers[1]" in page  # the textarea holds the learner's code
    assert count(app, ExerciseSubmission) == 0
    assert "numbers[0] + numbers[1]" in client.get(PAGE).get_data(as_text=True)  # kept as the draft


def test_without_javascript_submit_shows_the_result_and_the_progress(client, learner, app):
    """A plain form post of Submit redirects to the page, which shows the pass and the progress."""
    response = client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM})
    assert response.status_code == 302 and response.headers["Location"].startswith(PAGE)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Every test passed. This exercise is done." in page
    assert "an empty array adds up to 0" in page  # hidden tests by name after submitting
    assert "expect(sum([]))" not in page           # never their code
    assert 'value="33"' in page
    assert "Submission 1: 100%" in page


def test_with_javascript_run_and_submit_answer_json_with_the_results(client, learner):
    """fetch() gets the results as HTML to show next to the code, and the new progress."""
    run = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON)
    assert run.status_code == 200 and run.is_json
    body = run.get_json()
    assert body["status"] == "ok" and (body["passed"], body["total"]) == (1, 2)
    assert "expected 3 to be 6" in body["html"] and body["progress"] == 0 and body["done"] is False
    submitted = client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}, headers=JSON).get_json()
    assert submitted["all_passed"] is True and submitted["progress"] == 33 and submitted["done"] is True
    assert "hidden test" in submitted["html"] and "expect(sum([]))" not in submitted["html"]


def test_a_syntax_error_comes_back_with_its_line(client, learner):
    """The editor can mark the line a syntax error names."""
    body = client.post(f"{PAGE}/run", data={"code": "export function sum(n) {\n  return n +;\n}"},
                       headers=JSON).get_json()
    assert body["status"] == "syntax_error" and body["line"] == 2
    assert "syntax error on line 2" in body["html"]


@pytest.mark.parametrize("action", ["run", "submit"])
@pytest.mark.parametrize("data", [{}, {"code": ""}, {"code": "  \n "}])
def test_missing_code_gets_a_message_and_changes_nothing(client, learner, app, action, data):
    """An empty editor is a 400 with a message, with or without JavaScript; nothing is saved."""
    before = count(app, Statement)
    page = client.post(f"{PAGE}/{action}", data=data)
    assert page.status_code == 400 and "There is no code to run" in page.get_data(as_text=True)
    body = client.post(f"{PAGE}/{action}", data=data, headers=JSON)
    assert body.status_code == 400 and "There is no code to run" in body.get_json()["error"]
    assert count(app, Statement) == before
    assert count(app, ExerciseDraft) == 0 and count(app, ExerciseSubmission) == 0


def test_code_over_the_size_limit_is_refused_with_a_message(client, learner, app):
    """Code over LMS_EXERCISE_MAX_CODE_BYTES is refused with both sizes named; nothing is saved."""
    limit = app.config["LMS_EXERCISE_MAX_CODE_BYTES"]
    code = "// " + "x" * limit + "\n" + RIGHT_SUM
    response = client.post(f"{PAGE}/submit", data={"code": code})
    assert response.status_code == 400
    assert f"at most {limit} bytes" in response.get_data(as_text=True).replace("\u00a0", "").replace(",", "")
    assert count(app, ExerciseSubmission) == 0 and count(app, ExerciseDraft) == 0


def test_an_exercise_outside_the_learners_courses_is_refused(client, adult, login, courses):
    """Not enrolled: 403 for the page and its forms; no such exercise: 404; not an exercise: 400."""
    login(adult)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/run", data={"code": RIGHT_SUM}).status_code == 403
    assert client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}).status_code == 403
    client.post("/courses/code-practice/enrol")
    assert client.post("/courses/code-practice/learn/no-such/run", data={"code": RIGHT_SUM}).status_code == 404
    assert client.post("/courses/code-practice/learn/functions-intro/run", data={"code": RIGHT_SUM}).status_code == 400


def test_a_second_submit_is_a_second_submission_and_the_best_still_counts(client, learner, app):
    """Submitting again after passing keeps both submissions; the exercise stays done."""
    client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM})
    client.post(f"{PAGE}/submit", data={"code": WRONG_SUM})
    page = client.get(PAGE).get_data(as_text=True)
    assert "Submission 2: 25%" in page and "Submission 1: 100%" in page
    assert "Best score: 100%" in page and 'value="33"' in page
    with app.app_context():
        completed = db.session.scalar(sa.select(sa.func.count()).select_from(Statement)
                                      .where(Statement.verb_id.like("%/progressed")))
    assert completed == 1  # progress was recorded once, at the first pass


def test_reset_asks_first_then_brings_back_the_starter(client, learner):
    """Without JavaScript, Reset opens a question; confirming puts the starter code back."""
    client.post(f"{PAGE}/run", data={"code": WRONG_SUM})
    question = client.get(f"{PAGE}/reset").get_data(as_text=True)
    assert "Put the starter code back in the editor?" in question
    assert "numbers[0] + numbers[1]" in client.get(PAGE).get_data(as_text=True)
    assert client.post(f"{PAGE}/reset").status_code == 302
    assert "// your code here" in client.get(PAGE).get_data(as_text=True)
    assert client.post(f"{PAGE}/reset", headers=JSON).get_json()["code"].startswith("export function sum")


def test_runs_and_submits_are_rate_limited_per_learner(client, learner, app):
    """Past the limit a learner gets a 429 with a message, as JSON for fetch."""
    app.config["LMS_EXERCISE_RATE_LIMIT"] = "2 per minute"
    answers = [client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON) for _ in range(2)]
    answers.append(client.post(f"{PAGE}/submit", data={"code": WRONG_SUM}, headers=JSON))
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many attempts" in answers[2].get_json()["error"]


def test_the_page_and_its_results_are_in_latvian(client, learner):
    """A Latvian learner reads the exercise page and the grader's messages in Latvian."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    page = client.post(f"{PAGE}/run", data={"code": "export function sum(n) { while (true) {} }"}).get_data(as_text=True)
    assert "Jūsu kods darbojās ilgāk par laika ierobežojumu" in page
    assert "Palaist parauga testus" in page and "Izturēti 0 no 2 testiem." in page


def test_a_latvian_learners_failing_run_shows_the_latvian_message(client, learner):
    """A Latvian learner whose code fails a test reads why in Latvian, not in English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    page = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}).get_data(as_text=True)
    assert "gaidīja 6, bet saņēma 3" in page
    assert "expected 3 to be 6" not in page
