"""Grading off the request path, with the embedded default (grader threads in the web
process): pages are served while code runs, one grading in flight per learner, a grading
whose grader died does not block anyone, and a submission's result does not come sooner
for code that is quick on the hidden tests."""

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.accounts import services as accounts
from lms.core.clock import utcnow
from lms.catalog import services as catalog
from lms.exercises import jobs, queues, sandbox
from lms.exercises.models import ExerciseDraft, ExerciseSubmission, GradingJob
from lms.extensions import db
from lms.learning import services as learning
from lms.xapi.models import Statement
from tests.conftest import TEST_PASSWORD
from tests.exercises.conftest import ENDLESS, JSON, LESSON, PAGE, RIGHT_SUM, WRONG_SUM, graded, status, wait_for


def rows(app, model, *where):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def the_job(app, job_id) -> GradingJob:
    with app.app_context():
        job = db.session.get(GradingJob, job_id)
        db.session.expunge(job)
        return job


def job_id(response) -> int:
    return int(response.get_json()["status_url"].rsplit("/", 1)[1])


def signed_in_learner(app, make_user, name):
    """Another learner of code-practice with a client of their own."""
    make_user(name)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"login": name, "password": TEST_PASSWORD}).status_code == 302
    assert client.post("/courses/code-practice/enrol").status_code == 302
    return client


def test_the_embedded_default_grades_in_threads_of_the_web_process(app):
    """With no queue set, the web process's own grader threads take the jobs (no Redis needed)."""
    assert isinstance(queues.backend(app), queues.InProcess)


def test_pages_are_served_while_every_grader_is_busy_with_endless_loops(client, learner, app, make_user):
    """Endless loops of several learners hold every grader; another learner's lesson page and
    /healthz are still answered, while those gradings are still going."""
    hostile = [client] + [signed_in_learner(app, make_user, f"hostile-{n}") for n in range(3)]
    started = [c.post(f"{PAGE}/submit", data={"code": ENDLESS}, headers=JSON) for c in hostile]
    assert [r.status_code for r in started] == [202] * 4  # answered at once, not after the loop
    reader = signed_in_learner(app, make_user, "reader")
    assert reader.get(LESSON).status_code == 200
    assert reader.get("/healthz").status_code == 200
    going = [status(c, r.get_json()["status_url"])["state"] for c, r in zip(hostile, started)]
    assert set(going) <= {"queued", "running"}, going  # the pages did not wait for any of them
    for c, r in zip(hostile, started):
        body = wait_for(c, r.get_json()["status_url"])
        assert body["status"] == "timeout" and "longer than the time limit" in body["html"]


def test_a_second_run_or_submit_while_one_is_graded_is_refused_and_changes_nothing(client, learner, app):
    """While a submission is being graded, another run or submit (this exercise or another)
    gets 409 with a message, and nothing of it is kept: not its code, not a job, not a statement."""
    first = client.post(f"{PAGE}/submit", data={"code": ENDLESS}, headers=JSON)
    assert first.status_code == 202
    statements = rows(app, Statement)
    again = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON)
    assert again.status_code == 409
    body = again.get_json()
    assert body["error"] == "Your code is already being graded. Wait for its results, then run or submit again."
    assert body["status_url"] == first.get_json()["status_url"]  # the page can wait for the one in flight
    elsewhere = client.post("/courses/code-practice/learn/shout/submit", data={"code": "export const shout = 1;"},
                            headers=JSON)
    assert elsewhere.status_code == 409 and "status_url" not in elsewhere.get_json()
    page = client.post(f"{PAGE}/submit", data={"code": WRONG_SUM})  # without JavaScript
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "Your code is already being graded." in text and "Your submission is being graded." in text
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    latvian = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON).get_json()["error"]
    assert latvian == "Jūsu kods jau tiek vērtēts. Sagaidiet tā rezultātus un tad palaidiet vai iesniedziet vēlreiz."
    assert rows(app, GradingJob) == 1 and rows(app, Statement) == statements
    with app.app_context():
        assert db.session.scalars(sa.select(ExerciseDraft.code)).all() == [ENDLESS]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert graded(client, first)["status"] == "timeout"
    assert client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON).status_code == 202  # free again


def test_the_database_itself_allows_one_grading_in_flight_per_learner(make_app, make_user, courses, app):
    """Two app servers on one database: the second server's run is refused as the first
    one's is still queued, and even a direct insert of a second queued job fails."""
    other_server = make_app(schema=False)
    make_user("ann")
    with app.test_request_context():
        user = accounts.find_by_login("ann")
        course = catalog.get_course("code-practice")
        enrollment = learning.enrol(user, course)
        item = catalog.find_item(course, "sum-numbers")
        first = jobs.start(user, enrollment, item, "submit", RIGHT_SUM, "en")
        db.session.commit()
        first_id = first.id
    with other_server.test_request_context():
        user = accounts.find_by_login("ann")
        course = catalog.get_course("code-practice")
        enrollment = learning.active_enrollment(user, course)
        with pytest.raises(jobs.GradingBusy) as refused:
            jobs.start(user, enrollment, catalog.find_item(course, "shout"), "run", "export {};", "en")
        assert refused.value.job.id == first_id
        db.session.rollback()
        db.session.add(GradingJob(user_id=user.id, enrollment_id=enrollment.id, item_id=item.id, kind="run",
                                  code="x", locale="en", state="running"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # Finished ones do not count: a learner has any number of those.
        db.session.add_all([GradingJob(user_id=user.id, enrollment_id=enrollment.id, item_id=item.id, kind="run",
                                       code="x", locale="en", state=state) for state in ("done", "failed", "done")])
        db.session.commit()


def test_six_submits_at_once_by_one_learner_queue_exactly_one(app, make_user, courses):
    """A learner firing six submits in parallel gets one grading; the other five are told to wait."""
    clients = [app.test_client() for _ in range(6)]
    make_user("eager")
    for client in clients:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        assert client.post("/login", data={"login": "eager", "password": TEST_PASSWORD}).status_code == 302
    clients[0].post("/courses/code-practice/enrol")
    barrier = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def fire(n):
        barrier.wait()
        answers[n] = clients[n].post(f"{PAGE}/submit", data={"code": ENDLESS}, headers=JSON)

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [202] + [409] * 5
    assert rows(app, GradingJob) == 1


def test_a_grading_whose_grader_died_times_out_and_frees_the_learner(client, learner, app):
    """A grading left 'running' by a grader that died is given up after LMS_GRADING_TIMEOUT:
    the learner reads why, nothing was counted, and their next run is accepted."""
    with app.app_context():
        user = accounts.find_by_login(learner.username)
        course = catalog.get_course("code-practice")
        enrollment = learning.active_enrollment(user, course)
        long_ago = utcnow() - timedelta(seconds=app.config["LMS_GRADING_TIMEOUT"] + 1)
        dead = GradingJob(user_id=user.id, enrollment_id=enrollment.id, item_id=catalog.find_item(course, "sum-numbers").id,
                          kind="submit", code=RIGHT_SUM, locale="en", state="running", created_at=long_ago,
                          started_at=long_ago)
        db.session.add(dead)
        db.session.commit()
        url = f"{PAGE}/gradings/{dead.id}"
    body = status(client, url)
    assert body["state"] == "failed"
    assert body["error"] == ("Your code could not be graded in time: the graders were busy or restarted. "
                             "Nothing was counted; please run or submit it again.")
    assert body["error"] in body["html"]
    assert rows(app, ExerciseSubmission) == 0
    assert graded(client, client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON))["state"] == "done"


def test_a_job_that_waited_past_the_timeout_is_not_graded(ctx, make_user, courses):
    """A grader that reaches a job only after it was given up (or after the timeout) leaves it alone."""
    user = make_user("late")
    course = catalog.get_course("code-practice")
    enrollment = learning.enrol(user, course)
    job = jobs.start(user, enrollment, catalog.find_item(course, "sum-numbers"), "submit", RIGHT_SUM, "en")
    job.created_at = utcnow() - timedelta(seconds=ctx.config["LMS_GRADING_TIMEOUT"] + 1)
    db.session.commit()
    assert jobs.perform(job.id) is None
    db.session.refresh(job)
    assert job.state == "failed" and job.started_at is None and "could not be graded in time" in job.error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseSubmission)) == 0


def test_a_grading_given_up_while_it_runs_counts_nothing(app, make_user, courses):
    """If the learner was told their grading timed out, its late result does not appear afterwards:
    the submission, its progress and statements are written with the job's end, or not at all."""
    with app.test_request_context():
        user = make_user("slow")
        course = catalog.get_course("code-practice")
        enrollment = learning.enrol(user, course)
        db.session.commit()
        job = jobs.start(user, enrollment, catalog.find_item(course, "sum-numbers"), "submit", ENDLESS, "en")
        db.session.commit()
        job_id, statements = job.id, db.session.scalar(sa.select(sa.func.count()).select_from(Statement))
    grader = threading.Thread(target=queues.grade, args=(app, job_id))
    grader.start()
    deadline = time.monotonic() + 30
    while the_job(app, job_id).state == "queued" and time.monotonic() < deadline:
        time.sleep(0.02)
    with app.test_request_context():
        job = db.session.get(GradingJob, job_id)
        assert job.state == "running"
        assert jobs.give_up(job, jobs.TIMED_OUT)
        db.session.commit()
    grader.join(30)
    job = the_job(app, job_id)
    assert job.state == "failed" and "could not be graded in time" in job.error
    assert rows(app, ExerciseSubmission) == 0 and rows(app, Statement) == statements


def test_the_grading_keeps_the_language_of_the_learner_who_asked(client, learner):
    """A Latvian learner's run is graded in Latvian, even if the results are fetched in English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "lv"
    response = client.post(f"{PAGE}/run", data={"code": WRONG_SUM}, headers=JSON)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    body = graded(client, response)
    assert "gaidīja 6, bet saņēma 3" in body["html"] and "expected 3 to be 6" not in body["html"]


# How long a result takes says nothing of the hidden tests -----------------------------------

# Slow (about half a second more) only on a hidden test's input, an empty array: a learner
# timing the answer would learn that a hidden test sums []. (The harness's Date is a
# virtual clock, so the delay is work, not waiting.)
SLOW_ON_HIDDEN = ("export function sum(numbers) {\n"
                  "  if (numbers.length === 0) { let x = 0; for (let i = 0; i < 1.5e8; i++) { x += i % 7; } "
                  "if (x < 0) return -1; }\n"
                  "  return numbers.reduce((a, b) => a + b, 0);\n}\n")


def test_a_submission_is_shown_no_earlier_than_the_time_limit_plus_the_backstop(client, learner, app):
    """Quick code and code slow on a hidden input both get their result no sooner than the
    exercise's time limit plus the supervisor's margin after grading started; until then
    neither the status, nor the page, nor the stored submissions show anything."""
    with app.app_context():
        floor = jobs.reveal_delay_s(catalog.find_item(catalog.get_course("code-practice"), "sum-numbers"))
    assert floor == (2000 + sandbox.BACKSTOP_MARGIN_MS) / 1000
    for number, code in enumerate((RIGHT_SUM, SLOW_ON_HIDDEN), start=1):
        response = client.post(f"{PAGE}/submit", data={"code": code}, headers=JSON)
        url = response.get_json()["status_url"]
        while True:
            # Read before asking the status: if it is still going, these were read before its end.
            page, stored = client.get(PAGE).get_data(as_text=True), rows(app, ExerciseSubmission)
            if (body := status(client, url))["state"] not in ("queued", "running"):
                break
            assert stored == number - 1 and f"Submission {number}:" not in page
            time.sleep(0.25)  # more often than the page asks, within the status's rate limit
        assert body["state"] == "done" and body["total"] == 4
        job = the_job(app, job_id(response))
        assert (job.finished_at - job.started_at).total_seconds() >= floor


def test_a_run_is_shown_as_soon_as_it_is_graded(client, learner, app):
    """Runs check the example tests only, so their results come without waiting for the floor."""
    graded(client, client.post(f"{PAGE}/run", data={"code": RIGHT_SUM}, headers=JSON))  # a warm worker
    response = client.post(f"{PAGE}/run", data={"code": RIGHT_SUM}, headers=JSON)
    assert graded(client, response)["all_passed"] is True
    job = the_job(app, job_id(response))
    with app.app_context():
        floor = jobs.reveal_delay_s(catalog.find_item(catalog.get_course("code-practice"), "sum-numbers"))
    assert (job.finished_at - job.started_at).total_seconds() < floor
