"""Smaller defects a new user ran into (issue 15): each test here failed before its fix."""

import re
import subprocess
from pathlib import Path

import sqlalchemy as sa

from lms.extensions import db
from tests.conftest import ALL_CORRECT
from tests.learning.test_views import finish

REPO = Path(__file__).resolve().parents[2]


def certificate_code(app):
    from lms.learning.models import Certificate

    with app.app_context():
        return db.session.scalar(sa.select(Certificate.code))


def test_a_certificate_code_typed_with_spaces_or_in_lower_case_is_found(app, client, enrolled):
    finish(client)
    code = certificate_code(app)
    public = app.test_client()
    for typed in (code.lower(), code.replace("-", " "), f"  {code[:4]} {code[5:9].lower()}-{code[10:]} ",
                  code.replace("-", "").lower()):
        found = public.get("/certificates", query_string={"code": typed})
        assert found.headers["Location"] == f"/certificates/{code}", typed
    assert public.get(f"/certificates/{code.lower().replace('-', ' ')}").status_code == 200


def test_the_certificate_prints_with_its_issuer_and_competences(app, client, enrolled):
    finish(client)
    page = client.get("/courses/first-steps/certificate").get_data(as_text=True)
    certificate = page.split('<section class="certificate"')[1].split("</section>")[0]
    assert "Issued by Digital Skills Platform" in certificate
    assert "Protecting personal data and privacy · Foundation (2)" in certificate
    assert "data-print>Print / save as PDF</button>" in page and "js/print.js" in page
    css = (REPO / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"@media print {[^}]*\.no-print", css)
    public = app.test_client().get(f"/certificates/{certificate_code(app)}",
                                   headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Digital Skills Platform" in public.split("<main")[1] and "Protecting personal data and privacy" in public
    latvian = client.get("/courses/first-steps/certificate", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Drukāt / saglabāt kā PDF" in latvian


def test_a_signed_in_persons_home_is_their_dashboard(client, adult, login):
    assert client.get("/").status_code == 200  # visitors see the front page
    login(adult)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/my"


def test_make_run_on_another_port_points_links_at_that_port():
    """``make run PORT=8123`` serves on 8123, so join sheets and certificates must link there."""
    probe = "show-base-url:\n\t@echo $$LMS_BASE_URL\n"
    env = {"PATH": "/usr/bin:/bin"}
    shown = subprocess.run(["make", "-s", "-f", "Makefile", "-f", "-", "PORT=8123", "show-base-url"], cwd=REPO,
                           input=probe, capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert shown == "http://127.0.0.1:8123"
    kept = subprocess.run(["make", "-s", "-f", "Makefile", "-f", "-", "PORT=8123", "show-base-url"], cwd=REPO,
                          input=probe, capture_output=True, text=True, env={**env, "LMS_BASE_URL": "https://lms.example"},
                          check=True).stdout.strip()
    assert kept == "https://lms.example"


def test_quiz_options_and_feedback_render_inline_markdown_and_link_the_section_to_revise(
        app, client, adult, login, tmp_path):
    """Backticks in an option and feedback are code, not raw Markdown; a script stays out;
    „What you will learn” in a wrong answer's feedback links to that section of the lesson;
    each question carries one number (its legend), not two."""
    import shutil

    from lms.content import services as content
    from tests.conftest import FIXTURE_COURSES

    folder = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, folder)
    quiz = folder / "first-steps" / "quizzes" / "basics-check.yaml"
    text = quiz.read_text(encoding="utf-8")
    text = text.replace('      - text: "123456"\n', '      - text: "`123456` <script>alert(1)</script>"\n')
    text = text.replace("      incorrect: Length matters most.",
                        "      incorrect: \"**Length** matters most: revise „What you will learn” in „Welcome”.\"")
    quiz.write_text(text, encoding="utf-8")
    with app.app_context():
        content.import_courses(folder)
        db.session.commit()
    login(adult)
    client.post("/courses/first-steps/enrol")
    client.post("/courses/first-steps/learn/basics-check/attempts")
    form = client.get("/courses/first-steps/learn/basics-check/attempts/1").get_data(as_text=True)
    assert "<code>123456</code>" in form and "`123456`" not in form and "<script>alert" not in form
    assert '<ol class="questions numbered-by-legend"' in form
    css = (REPO / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert ".questions.numbered-by-legend { list-style: none;" in css
    value = re.search(r'name="q-best-password"\s+id="q-best-password-(\w+)" value="(\w+)"[^>]*>\s*<label[^>]*><code>123456',
                      form).group(2)
    result = client.post("/courses/first-steps/learn/basics-check/attempts/1",
                         data={**ALL_CORRECT, "q-best-password": value}).get_data(as_text=True)
    if "attempts/1" in result or not result.strip():
        result = client.get("/courses/first-steps/learn/basics-check/attempts/1").get_data(as_text=True)
    assert "<strong>Length</strong> matters most" in result
    assert ('revise „<a href="/courses/first-steps/learn/welcome#what-you-will-learn">What you will learn</a>” '
            'in „<a href="/courses/first-steps/learn/welcome">Welcome</a>”') in result


def test_a_link_to_an_item_of_a_course_not_enrolled_in_offers_enrolment_and_opens_it(
        app, client, teacher, login, courses):
    """A teacher's learning plan links to lessons of a course they have not enrolled in: the
    link offers enrolment (not a 403), and enrolling opens the linked lesson."""
    login(teacher)
    response = client.get("/courses/first-steps/learn/safe-passwords")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enrol in First steps online to open Safe passwords." in page
    assert '<input type="hidden" name="item" value="safe-passwords">' in page and "Enrol in this course" in page
    enrolled = client.post("/courses/first-steps/enrol", data={"item": "safe-passwords"})
    assert enrolled.headers["Location"] == "/courses/first-steps/learn/safe-passwords"
    assert client.get("/courses/first-steps/learn/safe-passwords").status_code == 200


def test_the_demo_learner_has_a_course_in_progress(app, runner, client, login, courses):
    """``flask lms seed-demo`` after the courses: "My learning" shows a course under way, with
    its first lessons recorded as done; running it again adds nothing."""
    first = runner.invoke(args=["lms", "seed-demo"])
    assert first.exit_code == 0, first.output
    course = re.search(r"demo-adult is enrolled in (.+) with its first lessons done", first.output).group(1)
    again = runner.invoke(args=["lms", "seed-demo"])
    assert again.exit_code == 0 and "enrolled in" not in again.output
    login(type("Demo", (), {"username": "demo-adult"}), password="demo-adult-pass")
    page = client.get("/my").get_data(as_text=True)
    assert course in page and "You are not enrolled in any course yet." not in page
    assert "Continue where I left off" in page
    record = client.get("/my/record").get_data(as_text=True)
    assert record.count('<span class="verb">') >= 3  # enrolled, and lessons opened and completed
