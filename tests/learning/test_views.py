import json

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from lms.accounts import services as accounts
from lms.extensions import db
from lms.xapi.models import Statement
from tests.conftest import ALL_CORRECT

BASE = "http://127.0.0.1:5000/xapi/activities"
VERB = "http://adlnet.gov/expapi/verbs/"


def test_the_whole_journey_records_exactly_these_statements_in_order(app, client, enrolled):
    """Enrol, open and finish two lessons, pass the quiz: the record reads back in order,
    in the platform's vocabulary."""
    client.get("/courses/first-steps/learn/welcome")
    client.post("/courses/first-steps/learn/welcome/done")
    client.get("/courses/first-steps/learn/safe-passwords")
    client.post("/courses/first-steps/learn/safe-passwords/done")
    client.get("/courses/first-steps/learn/basics-check")
    client.post("/courses/first-steps/learn/basics-check/attempts")
    done = client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    assert done.status_code == 302

    with app.app_context():
        rows = list(db.session.scalars(sa.select(Statement).order_by(Statement.seq)))
        user = accounts.find_by_login("adult")
        registration = {str(row.registration) for row in rows}
    got = [(row.data["verb"]["id"].removeprefix(VERB), row.data["object"]["id"].removeprefix(BASE)) for row in rows]
    assert got == [
        ("registered", "/course/first-steps"),
        ("experienced", "/lesson/first-steps/welcome"),
        ("completed", "/lesson/first-steps/welcome"),
        ("progressed", "/course/first-steps"),
        ("experienced", "/lesson/first-steps/safe-passwords"),
        ("completed", "/lesson/first-steps/safe-passwords"),
        ("progressed", "/course/first-steps"),
        ("answered", "/question/first-steps/basics-check/best-password"),
        ("answered", "/question/first-steps/basics-check/good-habits"),
        ("answered", "/question/first-steps/basics-check/share-password"),
        ("answered", "/question/first-steps/basics-check/bits"),
        ("answered", "/question/first-steps/basics-check/device"),
        ("passed", "/quiz/first-steps/basics-check"),
        ("progressed", "/course/first-steps"),
        ("completed", "/module/first-steps/basics"),
        ("completed", "/course/first-steps"),
    ]
    assert len(registration) == 1  # one enrolment, one registration
    data = [row.data for row in rows]
    for statement in data:
        assert statement["actor"] == {"objectType": "Agent", "account": {
            "homePage": "http://127.0.0.1:5000", "name": str(user.public_id)}}
        assert "mbox" not in json.dumps(statement) and "Adult" not in json.dumps(statement["actor"])
        assert statement["version"] == "1.0.3" and statement["stored"] and statement["authority"]
        context = statement["context"]
        assert context["platform"] and context["language"] == "en"
        assert context["contextActivities"]["category"][0]["id"] == "http://127.0.0.1:5000/xapi/profile"
    assert [p["result"]["extensions"]["https://w3id.org/xapi/cmi5/result/extensions/progress"]
            for p in data if p["verb"]["id"].endswith("progressed")] == [33, 66, 100]
    lesson = data[1]
    assert lesson["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert lesson["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/module/first-steps/basics"
    assert [g["id"] for g in lesson["context"]["contextActivities"]["grouping"]] == [
        f"{BASE}/course/first-steps", f"{BASE}/track/digital-essentials"]
    answer = data[8]
    assert answer["object"]["definition"]["interactionType"] == "choice"
    assert answer["result"] == {"success": True, "response": "o1[,]o2"}
    passed = data[12]
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 5.0, "min": 0.0, "max": 5.0}
    # Statements on mapped activities carry the competences they evidence.
    extension = "http://127.0.0.1:5000/xapi/extensions/competences"
    assert passed["context"]["extensions"][extension] == [{
        "id": "http://127.0.0.1:5000/xapi/competences/digcomp/4.2", "framework": "digcomp", "code": "4.2",
        "level": "2"}]
    assert data[2]["context"]["extensions"][extension][0]["code"] == "2.1"  # the completed lesson
    assert "extensions" not in data[1]["context"]  # opening a lesson evidences nothing
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"


def test_not_enrolled_is_offered_enrolment_and_unknown_or_draft_is_404(client, adult, login, courses):
    login(adult)
    assert client.get("/courses/first-steps/learn/welcome").headers["Location"] == "/courses/first-steps?item=welcome"
    assert client.post("/courses/first-steps/learn/welcome/done").status_code == 403
    assert client.get("/courses/hidden-draft").status_code == 404
    assert client.post("/courses/hidden-draft/enrol").status_code == 404
    assert client.get("/courses/no-such-course").status_code == 404
    client.post("/courses/first-steps/enrol")
    assert client.get("/courses/first-steps/learn/no-such-lesson").status_code == 404
    assert client.get("/courses/first-steps/learn/basics-check/attempts/7").status_code == 404


def test_enrolling_sends_you_to_the_first_lesson(client, adult, login, courses):
    login(adult)
    response = client.post("/courses/first-steps/enrol")
    assert response.headers["Location"] == "/courses/first-steps/learn/welcome"


def test_the_lesson_page_has_progress_previous_next_and_mark_done(client, enrolled):
    page = client.get("/courses/first-steps/learn/safe-passwords").get_data(as_text=True)
    assert '<progress max="100" value="0"' in page
    assert 'rel="prev" href="/courses/first-steps/learn/welcome"' in page
    assert 'rel="next" href="/courses/first-steps/learn/basics-check"' in page
    assert "Mark as done" in page
    after = client.post("/courses/first-steps/learn/safe-passwords/done", follow_redirects=True)
    assert '<progress max="100" value="33"' in after.get_data(as_text=True)


def test_a_missing_answer_keeps_the_others_and_says_which(client, enrolled):
    client.post("/courses/first-steps/learn/basics-check/attempts")
    partial = {k: v for k, v in ALL_CORRECT.items() if k != "q-bits"}
    response = client.post("/courses/first-steps/learn/basics-check/attempts/1", data=partial)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Question 4 has no answer." in page
    assert 'value="Router"' in page and 'value="o2" checked' in page


def test_the_result_page_shows_feedback_per_question(client, enrolled):
    client.post("/courses/first-steps/learn/basics-check/attempts")
    wrong = {**ALL_CORRECT, "q-best-password": "o1"}
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=wrong)
    page = client.get("/courses/first-steps/learn/basics-check/attempts/1").get_data(as_text=True)
    assert "This is the most common password of all." in page and "Length matters most." in page
    assert "You passed." in page and "80%" in page
    again = client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    assert again.status_code == 200  # a resubmit shows the first result and counts nothing
    assert "80%" in again.get_data(as_text=True)


def test_attempt_limit_is_refused_with_a_reason(client, enrolled):
    wrong = {**ALL_CORRECT, "q-best-password": "o1", "q-bits": "1", "q-device": "x"}
    for number in (1, 2):
        client.post("/courses/first-steps/learn/basics-check/attempts")
        client.post(f"/courses/first-steps/learn/basics-check/attempts/{number}", data=wrong)
    refused = client.post("/courses/first-steps/learn/basics-check/attempts", follow_redirects=True)
    assert "You have used all 2 attempts at this quiz." in refused.get_data(as_text=True)


def finish(client):
    for slug in ("welcome", "safe-passwords"):
        client.post(f"/courses/first-steps/learn/{slug}/done")
    client.post("/courses/first-steps/learn/basics-check/attempts")
    return client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)


def test_certificate_and_public_verification_shows_the_name_only_when_agreed(app, client, enrolled):
    finish(client)
    page = client.get("/courses/first-steps/certificate").get_data(as_text=True)
    assert "Certificate of completion" in page and "First steps online" in page
    with app.app_context():
        from lms.learning.models import Certificate
        code = db.session.scalar(sa.select(Certificate.code))
    public = app.test_client()
    hidden = public.get(f"/certificates/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This certificate is genuine." in hidden and "Adult" not in hidden.split("<main")[1]
    client.post("/courses/first-steps/certificate", data={"show_name": "1"})
    shown = public.get(f"/certificates/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Adult" in shown.split("<main")[1]
    assert public.get("/certificates/AAAA-BBBB-CCCC").status_code == 404
    assert public.get("/certificates", query_string={"code": code.lower()}).headers["Location"] == f"/certificates/{code}"


def test_leaving_takes_the_course_off_the_dashboard(client, enrolled):
    assert "First steps online" in client.get("/my").get_data(as_text=True)
    client.post("/courses/first-steps/leave")
    assert "You are not enrolled in any course yet." in client.get("/my").get_data(as_text=True)


def test_the_dashboard_continues_where_you_left_off(client, enrolled):
    client.get("/courses/first-steps/learn/welcome")
    client.post("/courses/first-steps/learn/welcome/done")
    page = client.get("/my").get_data(as_text=True)
    assert 'href="/courses/first-steps/learn/safe-passwords">Continue where I left off' in page


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.hit)

    def hit(self, *args):
        self.count += 1


def add_courses(app, tmp_path, count):
    """``count`` more published courses, each with 4 modules of 5 lessons."""
    from lms.content import services as content

    root = tmp_path / f"many-{count}"
    for number in range(count):
        folder = root / f"course-{number}"
        (folder / "lessons").mkdir(parents=True)
        modules = []
        for m in range(4):
            items = "".join(f"      - lesson: l-{m}-{i}\n" for i in range(5))
            modules.append(f"  - slug: m-{m}\n    title: Module {m}\n    items:\n{items}")
            for i in range(5):
                (folder / "lessons" / f"l-{m}-{i}.md").write_text(f"---\ntitle: Lesson {m}.{i}\n---\nText.\n")
        (folder / "course.yaml").write_text(
            f"title: Course {number}\nsummary: S\nlanguage: en\naudiences: [adult]\ntrack: t\n"
            f"level: beginner\nestimated_hours: 1\nstatus: published\nmodules:\n" + "".join(modules))
    with app.app_context():
        content.import_courses(root)
        db.session.commit()
    return [f"course-{n}" for n in range(count)]


@pytest.mark.parametrize("page", ["lesson", "dashboard", "catalogue", "course"])
def test_pages_run_a_bounded_number_of_queries(app, client, enrolled, tmp_path, page):
    """No N+1: a page runs as many queries with one enrolment as with five, each course
    having 20 lessons."""
    slugs = add_courses(app, tmp_path, 5)
    url = {"lesson": f"/courses/{slugs[0]}/learn/l-3-4", "dashboard": "/my", "catalogue": "/courses",
           "course": f"/courses/{slugs[0]}"}[page]
    with app.app_context():
        engine = db.engine

    def queries():
        with QueryCounter(engine) as counter:
            assert client.get(url).status_code == 200
        return counter.count

    def take_part(slug):
        client.post(f"/courses/{slug}/enrol")
        for lesson in ("l-0-0", "l-0-1"):
            client.post(f"/courses/{slug}/learn/{lesson}/done")

    take_part(slugs[0])
    queries()  # warm: the first request of a kind may load more
    one = queries()
    for slug in slugs[1:]:
        take_part(slug)
    five = queries()
    assert one == five, f"{page}: {one} queries with one enrolment, {five} with five"
    assert five <= 25
