"""The exercise page as a learner uses it: with JavaScript (fetch, JSON, then asking the
grading's address until its results are there) and without (plain form posts, the page
saying the code is being graded, then showing the results), and every kind of bad input."""

import html
import json
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.exercises import queues, services
from lms.exercises.models import ExerciseDraft, ExerciseSubmission, GradingJob
from lms.extensions import db
from lms.learning import services as learning
from lms.xapi.models import Statement
from tests.exercises.conftest import JSON, PAGE, RIGHT_SUM, WRONG_SUM, graded, wait_for


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def settle():
    """Without JavaScript the learner checks again later: let the graders finish first."""
    assert queues.wait_idle(60)


def stored_submission(app, username, code, slug="sum-numbers"):
    """A graded submission made through the service, for tests about the pages that list
    and open submissions rather than about submitting."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = catalog.get_course("code-practice")
        enrollment = learning.active_enrollment(accounts.find_by_login(username), course)
        submission = services.submit(enrollment, catalog.find_item(course, slug), code).submission
        db.session.commit()
        return submission.id


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


def test_without_javascript_run_says_it_is_being_graded_then_shows_the_failing_tests(client, learner, app):
    """A plain form post of Run comes back to the page at once, which says the code is being
    checked and offers a link to check again (no automatic refresh); then it shows each
    example test's verdict and message, with the learner's code in the editor."""
    response = client.post(f"{PAGE}/run", data={"code": WRONG_SUM})
    assert response.status_code == 302 and response.headers["Location"] == f"{PAGE}#results"
    waiting = client.get(PAGE).get_data(as_text=True)
    if "1 of 2 tests passed." not in waiting:  # a fast grader may already be done
        assert "Your code is being checked with the example tests." in waiting
        assert f'href="{PAGE}/gradings/1">Check again</a>' in waiting
        assert client.get(f"{PAGE}/gradings/1").headers["Location"] == f"{PAGE}#results"
        assert 'http-equiv="refresh"' not in waiting
    assert "numbers[0] + numbers[1]" in waiting  # the textarea holds the learner's code
    settle()
    page = client.get(PAGE).get_data(as_text=True)
    assert "1 of 2 tests passed." in page
    assert "expected 3 to be 6" in page
    assert "numbers[0] + numbers[1]" in page
    assert count(app, ExerciseSubmission) == 0


def test_without_javascript_submit_shows_the_result_and_the_progress(client, learner, app):
    """A plain form post of Submit redirects to the page, which shows the pass and the progress
    once the submission is graded."""
    response = client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM})
    assert response.status_code == 302 and response.headers["Location"].startswith(PAGE)
    waiting = client.get(PAGE).get_data(as_text=True)
    assert "Your submission is being graded." in waiting and "Check again" in waiting
    settle()
    page = client.get(PAGE).get_data(as_text=True)
    assert "Every test passed. This exercise is done." in page
    assert "an empty array adds up to 0" in page  # hidden tests by name after submitting
    assert "expect(sum([]))" not in page           # never their code
    assert 'value="33"' in page
    assert "Submission 1: 100%" in page


def test_with_javascript_run_and_submit_are_queued_and_their_results_come_as_json(client, learner):
    """fetch() gets 202 and the grading's address at once; asked there, the results come as
    HTML to show next to the code, with the new progress."""
    run = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON)
    assert run.status_code == 202 and run.get_json()["state"] == "queued"
    body = graded(client, run)
    assert body["state"] == "done" and body["status"] == "ok" and (body["passed"], body["total"]) == (1, 2)
    assert "expected 3 to be 6" in body["html"] and body["progress"] == 0 and body["done"] is False
    submitted = graded(client, client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}, headers=JSON))
    assert submitted["all_passed"] is True and submitted["progress"] == 33 and submitted["done"] is True
    assert "hidden test" in submitted["html"] and "expect(sum([]))" not in submitted["html"]


def test_a_syntax_error_comes_back_with_its_line(client, learner):
    """The editor can mark the line a syntax error names."""
    body = graded(client, client.post(f"{PAGE}/run", data={"code": "export function sum(n) {\n  return n +;\n}"},
                                      headers=JSON))
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
    assert count(app, ExerciseDraft) == 0 and count(app, ExerciseSubmission) == 0 and count(app, GradingJob) == 0


def test_code_over_the_size_limit_is_refused_with_a_message(client, learner, app):
    """Code over LMS_EXERCISE_MAX_CODE_BYTES is refused with both sizes named; nothing is saved."""
    limit = app.config["LMS_EXERCISE_MAX_CODE_BYTES"]
    code = "// " + "x" * limit + "\n" + RIGHT_SUM
    response = client.post(f"{PAGE}/submit", data={"code": code})
    assert response.status_code == 400
    assert f"at most {limit} bytes" in response.get_data(as_text=True).replace("\u00a0", "").replace(",", "")
    assert count(app, ExerciseSubmission) == 0 and count(app, ExerciseDraft) == 0 and count(app, GradingJob) == 0


def test_an_exercise_outside_the_learners_courses_is_refused(client, adult, login, courses):
    """Not enrolled: the page offers enrolment and its forms are 403; no such exercise: 404;
    not an exercise: 400."""
    login(adult)
    assert client.get(PAGE).headers["Location"] == "/courses/code-practice?item=sum-numbers"
    assert client.post(f"{PAGE}/run", data={"code": RIGHT_SUM}).status_code == 403
    assert client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}).status_code == 403
    client.post("/courses/code-practice/enrol")
    assert client.post("/courses/code-practice/learn/no-such/run", data={"code": RIGHT_SUM}).status_code == 404
    assert client.post("/courses/code-practice/learn/functions-intro/run", data={"code": RIGHT_SUM}).status_code == 400


def test_a_second_submit_is_a_second_submission_and_the_best_still_counts(client, learner, app):
    """Submitting again after passing keeps both submissions; the exercise stays done."""
    graded(client, client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}, headers=JSON))
    graded(client, client.post(f"{PAGE}/submit", data={"code": WRONG_SUM}, headers=JSON))
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
    settle()
    question = client.get(f"{PAGE}/reset").get_data(as_text=True)
    assert "Put the starter code back in the editor?" in question
    assert "numbers[0] + numbers[1]" in client.get(PAGE).get_data(as_text=True)
    assert client.post(f"{PAGE}/reset").status_code == 302
    assert "// your code here" in client.get(PAGE).get_data(as_text=True)
    assert client.post(f"{PAGE}/reset", headers=JSON).get_json()["code"].startswith("export function sum")


def test_runs_and_submits_are_rate_limited_per_learner(client, learner, app):
    """Past the limit a learner gets a 429 with a message, as JSON for fetch."""
    app.config["LMS_EXERCISE_RATE_LIMIT"] = "2 per minute"
    answers = []
    for _ in range(2):
        answers.append(client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON))
        graded(client, answers[-1])
    answers.append(client.post(f"{PAGE}/submit", data={"code": WRONG_SUM}, headers=JSON))
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert "Too many attempts" in answers[2].get_json()["error"]


def test_asking_about_a_grading_is_limited_above_what_the_page_needs(client, learner, app):
    """The page asks at most twice a second about one grading; past 60 asks a minute the
    learner gets a 429, which the page answers by asking more slowly."""
    url = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON).get_json()["status_url"]
    codes = [client.get(url, headers=JSON).status_code for _ in range(61)]
    assert codes == [200] * 60 + [429]
    assert "Too many attempts" in client.get(url, headers=JSON).get_json()["error"]


def test_the_page_and_its_results_are_in_latvian(client, learner):
    """A Latvian learner reads the exercise page and the grader's messages in Latvian."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    client.post(f"{PAGE}/run", data={"code": "export function sum(n) { while (true) {} }"})
    assert "Jūsu kods tiek pārbaudīts ar parauga testiem." in client.get(PAGE).get_data(as_text=True)
    settle()
    page = client.get(PAGE).get_data(as_text=True)
    assert "Jūsu kods darbojās ilgāk par laika ierobežojumu" in page
    assert "Palaist parauga testus" in page and "Izturēti 0 no 2 testiem." in page


# Earlier submissions ---------------------------------------------------------------------------

def submission_ids(app):
    """The stored submissions' ids, oldest first."""
    with app.app_context():
        return list(db.session.scalars(sa.select(ExerciseSubmission.id).order_by(ExerciseSubmission.id)))


def draft_code(app):
    with app.app_context():
        return db.session.scalar(sa.select(ExerciseDraft.code))


def test_each_submission_in_the_list_opens_its_code_and_results(client, learner, app):
    """From the list a learner opens an earlier failing submission: its time, score, code and
    failing tests, hidden tests by name only, and the passing one marked as the one that counts."""
    stored_submission(app, learner.username, WRONG_SUM)
    stored_submission(app, learner.username, RIGHT_SUM)
    failing, passing = submission_ids(app)
    listing = client.get(PAGE).get_data(as_text=True)
    assert f'href="{PAGE}/submissions/{failing}">Submission 1: 25%</a>' in listing
    assert f'href="{PAGE}/submissions/{passing}">Submission 2: 100%</a>' in listing
    assert listing.count("Best: this one counts") == 1
    assert listing.index("Best: this one counts") < listing.index("Submission 1: 25%")  # beside submission 2

    response = client.get(f"{PAGE}/submissions/{failing}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Submission 1" in page and "Score: 25%" in page and "not passed" in page and "Submitted " in page
    assert "1 of 4 tests passed." in page and "expected 3 to be 6" in page
    assert '<span class="nx">numbers</span><span class="p">[</span><span class="mf">0</span>' in page  # highlighted
    assert "<textarea" not in page                                                           # read-only
    assert "an empty array adds up to 0" in page and "hidden test" in page
    assert "expect(sum([]))" not in page and "expect(sum([10, 20, 30, 40]))" not in page    # never hidden code
    assert "Best: this one counts" not in page
    assert "This replaces the code that is in the editor now" in page

    best = client.get(f"{PAGE}/submissions/{passing}").get_data(as_text=True)
    assert "Best: this one counts" in best and "Every test passed." in best
    assert "The editor already has this code." in best  # the last submit left it as the draft


def test_copying_a_submission_replaces_the_draft_only_when_posted(client, learner, app):
    """Opening a submission leaves the editor alone; confirming the copy puts its code back."""
    stored_submission(app, learner.username, WRONG_SUM)
    client.post(f"{PAGE}/run", data={"code": RIGHT_SUM})
    settle()
    (failing,) = submission_ids(app)
    client.get(f"{PAGE}/submissions/{failing}")
    assert draft_code(app) == RIGHT_SUM
    assert client.get(f"{PAGE}/submissions/{failing}/copy").status_code == 405
    assert draft_code(app) == RIGHT_SUM
    response = client.post(f"{PAGE}/submissions/{failing}/copy")
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert draft_code(app) == WRONG_SUM
    page = client.get(PAGE).get_data(as_text=True)
    assert "The editor has the code of submission 1." in page
    assert "numbers[0] + numbers[1]" in page  # in the editor's textarea
    assert len(submission_ids(app)) == 1     # copying submits nothing


def test_another_learners_submission_is_not_found(client, learner, app, make_user, login):
    """A learner who guesses another learner's submission id gets 404, and cannot copy it."""
    stored_submission(app, learner.username, WRONG_SUM)
    (theirs,) = submission_ids(app)
    other = make_user("other-learner")
    client.post("/logout")
    login(other)
    client.post("/courses/code-practice/enrol")
    client.post(f"{PAGE}/run", data={"code": RIGHT_SUM})
    settle()
    assert client.get(f"{PAGE}/submissions/{theirs}").status_code == 404
    assert client.post(f"{PAGE}/submissions/{theirs}/copy").status_code == 404
    with app.app_context():
        drafts = dict(db.session.execute(sa.select(ExerciseDraft.enrollment_id, ExerciseDraft.code)).all())
    assert sorted(drafts.values()) == sorted([WRONG_SUM, RIGHT_SUM])  # neither draft changed


def test_a_wrong_exercise_a_missing_submission_or_no_enrolment_is_refused(client, learner, app):
    """A submission under another exercise's address or one that does not exist is 404;
    after leaving the course, the learner's own submissions answer 403 like its other pages."""
    stored_submission(app, learner.username, WRONG_SUM)
    (mine,) = submission_ids(app)
    other_exercise = "/courses/code-practice/learn/shout"
    assert client.get(f"{other_exercise}/submissions/{mine}").status_code == 404
    assert client.post(f"{other_exercise}/submissions/{mine}/copy").status_code == 404
    assert client.get(f"{PAGE}/submissions/{mine + 1000}").status_code == 404
    assert client.post(f"{PAGE}/submissions/{mine + 1000}/copy").status_code == 404
    assert client.get(f"/courses/code-practice/learn/functions-intro/submissions/{mine}").status_code == 400
    client.post("/courses/code-practice/leave")
    assert client.get(f"{PAGE}/submissions/{mine}").status_code == 403
    assert client.post(f"{PAGE}/submissions/{mine}/copy").status_code == 403
    assert draft_code(app) == WRONG_SUM


def test_copying_needs_a_csrf_token(make_app, make_user):
    """A copy posted without the form's token is refused and the draft stays as it was."""
    import re

    from lms.catalog import services as catalog
    from lms.content import services as content
    from lms.exercises import services
    from lms.learning import services as learning
    from tests.conftest import FIXTURE_COURSES, TEST_PASSWORD

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        content.import_courses(FIXTURE_COURSES)
        user = make_user("careful")
        course = catalog.get_course("code-practice")
        enrollment = learning.enrol(user, course)
        exercise = catalog.find_item(course, "sum-numbers")
        submission = services.submit(enrollment, exercise, WRONG_SUM).submission
        services.save_draft(enrollment, exercise, RIGHT_SUM)
        db.session.commit()
        submission_id = submission.id
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = lambda page: re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # noqa: E731
    login_page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"login": "careful", "password": TEST_PASSWORD,
                                       "csrf_token": token(login_page)}).status_code == 302
    url = f"{PAGE}/submissions/{submission_id}"
    refused = client.post(f"{url}/copy")
    assert refused.status_code == 400 and "The form had expired" in refused.get_data(as_text=True)
    assert draft_code(app) == RIGHT_SUM
    page = client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/copy", data={"csrf_token": token(page)}).status_code == 302
    assert draft_code(app) == WRONG_SUM


def test_a_latvian_learners_failing_run_shows_the_latvian_message(client, learner):
    """A Latvian learner whose code fails a test reads why in Latvian, not in English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    client.post(f"{PAGE}/run", data={"code": WRONG_SUM})
    settle()
    page = client.get(PAGE).get_data(as_text=True)
    assert "gaidīja 6, bet saņēma 3" in page
    assert "expected 3 to be 6" not in page


# A learner who tries to pass without solving ---------------------------------------------------

ORDER_PAGE = "/courses/order-practice/learn/order-lines"
ORDER_COURSE = """\
title: Order practice
summary: A course whose exercise has hidden tests with inputs unlike the examples.
language: en
audiences: [adult]
track: javascript-react
level: beginner
estimated_hours: 1
status: published
competences: [jsreact:fundamentals.functions@2]
modules:
  - slug: orders
    title: Orders
    items:
      - exercise: order-lines
"""
ORDER_EXERCISE = """\
title: Order lines
language: javascript
competences: [jsreact:fundamentals.functions@2]
instructions: |
  Write `orderLine(order)` that returns `"3 × tea = 3.75 EUR"` for `{ item: "tea", qty: 3, price: 1.25 }`,
  and `total(orders)` that adds up quantity times price of every order, rounded to cents.
starter: |
  export function orderLine(order) {
  }
  export function total(orders) {
  }
solution: |
  export function orderLine(order) {
    return `${order.qty} × ${order.item} = ${(order.qty * order.price).toFixed(2)} EUR`;
  }
  export function total(orders) {
    return Math.round(orders.reduce((sum, o) => sum + o.qty * o.price, 0) * 100) / 100;
  }
tests:
  - name: one line
    code: |
      expect(orderLine({ item: "tea", qty: 3, price: 1.25 })).toBe("3 × tea = 3.75 EUR");
  - name: a total
    code: |
      expect(total([{ item: "tea", qty: 2, price: 1 }])).toEqual(2);
hidden_tests:
  - name: a line of another item
    code: |
      expect(orderLine({ item: "kafija-7f3c", qty: 4, price: 2.5 })).toBe("4 × kafija-7f3c = 10.00 EUR");
  - name: a total of several orders
    code: |
      const orders = [{ item: "maize-91b2", qty: 2, price: 0.85 }, { item: "piens-c0d4", qty: 1, price: 1.19 }];
      expect(total(orders)).toEqual(2.89);
  - name: a line after a while
    code: |
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(orderLine({ item: "siers-5e6a", qty: 1, price: 7 })).toBe("1 × siers-5e6a = 7.00 EUR");
"""
# What only the hidden tests hold: their inputs and their expected values.
HIDDEN_SECRETS = ["7f3c", "91b2", "c0d4", "5e6a", "10.00 EUR", "2.89", "7.00 EUR"]
# Records every input it is given in every way a response could carry it back, and answers
# with dummies that hold the input, so a failure message "expected X to be Y" shows both.
RECORDER = """\
const seen = [];
function leak(where, value) {
  const text = where + " " + JSON.stringify(value);
  seen.push(text);
  console.log("LEAK " + text);
  console.error("LEAK " + text);
  Promise.resolve().then(() => console.log("LEAK " + text));
  setTimeout(() => console.log("LEAK " + text), 1);
}
setInterval(() => { for (const text of seen) console.log("LEAK " + text); }, 2);
let calls = 0;
export function orderLine(order) {
  leak("orderLine", order);
  calls += 1;
  if (calls % 3 === 0) throw new Error("LEAK orderLine " + JSON.stringify(order));
  return "LEAK orderLine " + JSON.stringify(order);
}
function totalOf(orders) {
  leak("total", orders);
  return "LEAK total " + JSON.stringify(orders);
}
Object.defineProperty(exports, "total", {
  enumerable: true,
  get() { for (const text of seen) console.log("LEAK " + text); return totalOf; },
});
"""
LEAKED = re.compile(r'LEAK (orderLine|total) ((?:\{|\[)[^\n<]*?(?:\}|\]))(?=\s|"|\n|<|$)')
SHOWN_EXPECTED = re.compile(r'expected ("LEAK (?:[^"\\]|\\.)*") to (?:be|equal) ("(?:[^"\\]|\\.)*"|-?[\d.]+)')


def answers_from(texts: list[str]) -> tuple[dict, dict]:
    """What an attacker reads out of the responses: every input the recorder showed, with
    the expected value where a message showed it, else worked out by hand for that input."""
    lines, totals = {}, {}
    for text in texts:
        for match in SHOWN_EXPECTED.finditer(text):
            where, _, given = json.loads(match.group(1)).removeprefix("LEAK ").partition(" ")
            (lines if where == "orderLine" else totals)[given] = json.loads(match.group(2))
        for where, given in LEAKED.findall(text):
            try:
                value = json.loads(given)
            except ValueError:
                continue
            if where == "orderLine" and given not in lines:
                lines[given] = f"{value['qty']} × {value['item']} = {value['qty'] * value['price']:.2f} EUR"
            elif where == "total" and given not in totals:
                totals[given] = round(sum(o["qty"] * o["price"] for o in value), 2)
    return lines, totals


def lookup_table(lines: dict, totals: dict) -> str:
    return (f"const lines = {json.dumps(lines)};\nconst totals = {json.dumps(totals)};\n"
            "export function orderLine(order) { const v = lines[JSON.stringify(order)]; return v === undefined ? '' : v; }\n"
            "export function total(orders) { const v = totals[JSON.stringify(orders)]; return v === undefined ? -1 : v; }\n")


@pytest.fixture
def order_learner(app, client, adult, login, tmp_path):
    """The adult learner, signed in and enrolled in a course whose exercise's hidden tests use
    inputs the examples do not."""
    from lms.content import services as content
    from tests.conftest import FIXTURE_COURSES

    folder = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / "_frameworks", folder / "_frameworks")
    (folder / "order-practice" / "exercises").mkdir(parents=True)
    (folder / "order-practice" / "course.yaml").write_text(ORDER_COURSE, encoding="utf-8")
    (folder / "order-practice" / "exercises" / "order-lines.yaml").write_text(ORDER_EXERCISE, encoding="utf-8")
    with app.app_context():
        content.import_courses(folder)
        db.session.commit()
    login(adult)
    assert client.post("/courses/order-practice/enrol").status_code == 302
    return adult


def test_a_lookup_table_built_from_what_a_submission_showed_does_not_pass(client, order_learner, app):
    """A learner submits code that records its inputs (console output now and from timers,
    thrown errors, dummy answers that hold the input, a getter on the exports) and then
    submits a lookup table built from everything the responses showed: the JSON answer, the
    page without JavaScript, the submission page. The hidden tests' inputs and expected
    values were nowhere in them, so the table passes the examples and fails the hidden tests."""
    answer = client.post(f"{ORDER_PAGE}/submit", data={"code": RECORDER}, headers=JSON)
    body = graded(client, answer)
    assert client.post(f"{ORDER_PAGE}/submit", data={"code": RECORDER}).status_code == 302  # without JavaScript
    with app.app_context():
        latest = db.session.scalar(sa.select(sa.func.max(GradingJob.id)))
    wait_for(client, f"{ORDER_PAGE}/gradings/{latest}")
    exercise_page = client.get(ORDER_PAGE).get_data(as_text=True)
    pages = [client.get(f"{ORDER_PAGE}/submissions/{number}").get_data(as_text=True) for number in submission_ids(app)]
    shown = [answer.get_data(as_text=True), json.dumps(body, ensure_ascii=False), body["html"], exercise_page, *pages]
    texts = [html.unescape(text) for text in shown]
    with app.app_context():
        stored = [json.dumps([s.results, s.logs, s.error], ensure_ascii=False)
                  for s in db.session.scalars(sa.select(ExerciseSubmission))]

    assert body["status"] == "ok" and (body["passed"], body["total"]) == (0, 5)
    assert all("LEAK orderLine" in text for text in texts[2:])  # the recorder ran and the examples show it
    assert [secret for secret in HIDDEN_SECRETS if any(secret in text for text in texts + stored)] == []
    lines, totals = answers_from(texts)
    assert set(lines) == {'{"item":"tea","qty":3,"price":1.25}'}  # the attacker's reading works on what is shown
    assert set(totals) == {'[{"item":"tea","qty":2,"price":1}]'}

    table = graded(client, client.post(f"{ORDER_PAGE}/submit", data={"code": lookup_table(lines, totals)}, headers=JSON))
    assert table["status"] == "ok" and table["all_passed"] is False
    assert (table["passed"], table["total"]) == (2, 5)  # the two examples, none of the hidden tests


def test_after_a_passing_submit_the_page_gets_the_new_best_score_and_submissions_without_a_reload(client, learner):
    """The JSON a finished submit answers carries the best score and the submissions list
    as the page shows them (exercise.js swaps them in by their ids), so a pass shows at once."""
    page = client.get(PAGE).get_data(as_text=True)
    assert '<li id="best-score" hidden>' in page and '<section id="submissions" lang="en" hidden>' in page
    failed = graded(client, client.post(f"{PAGE}/submit", data={"code": WRONG_SUM}, headers=JSON))
    assert "Submission 1: " in failed["submissions_html"] and "Best score: " in failed["best_html"]
    passed = graded(client, client.post(f"{PAGE}/submit", data={"code": RIGHT_SUM}, headers=JSON))
    assert passed["best_html"].startswith('<li id="best-score">')
    assert "Best score: 100%" in passed["best_html"] and "Passed" in passed["best_html"]
    listing = passed["submissions_html"]
    assert listing.startswith('<section id="submissions"') and "Submission 2: 100%" in listing
    assert listing.index("Submission 2") < listing.index("Submission 1")
    assert "Best: this one counts" in listing.split("Submission 1")[0]
    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "exercise.js").read_text(encoding="utf-8")
    assert '"best-score", data.best_html' in script and '"submissions", data.submissions_html' in script
