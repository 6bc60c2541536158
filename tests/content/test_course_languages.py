"""One course in two languages: a Latvian reader sees the Latvian texts, an English reader
the English ones, and both learn in the same course, on the same activities."""

import shutil

import pytest
import sqlalchemy as sa

from lms.catalog import services as catalog
from lms.catalog.models import Course, Item
from lms.content import services
from lms.content.loader import load
from lms.extensions import db
from tests.conftest import FIXTURE_COURSES

COURSE_LV = """translations:
  lv:
    title: Pirmie soļi tīmeklī
    summary: Īss kurss testiem ar visiem jautājumu veidiem.
    modules:
      basics:
        title: Pamati
"""

LESSON_LV = """---
title: Laipni lūdzam
---
# Laipni lūdzam

Šī ir latviešu nodarbība.
"""

QUIZ_LV = """title: Pamatu pārbaude
intro: Pieci īsi jautājumi.
questions:
  - id: best-password
    prompt: Kura parole ir visstiprākā?
    options:
      - text: "123456"
        feedback: Šī ir visbiežāk lietotā parole.
      - text: pareizs zirgs baterija skava
    feedback:
      incorrect: Svarīgākais ir garums.
  - id: device
    prompt: Kura ierīce savieno mājas tīklu ar internetu?
    accepted: [maršrutētājs, rūteris]
"""


@pytest.fixture
def bilingual(tmp_path):
    target = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, target)
    course = target / "first-steps"
    (course / "course.yaml").write_text((course / "course.yaml").read_text() + COURSE_LV)
    (course / "lessons" / "welcome.lv.md").write_text(LESSON_LV)
    (course / "quizzes" / "basics-check.lv.yaml").write_text(QUIZ_LV)
    return target


def test_translations_load_with_the_course_and_keep_its_identity(ctx, bilingual):
    """The Latvian texts are stored beside the English ones, on the same course and items."""
    specs, problems = load(bilingual)
    assert problems == []
    services.import_courses(bilingual)
    course = db.session.scalar(sa.select(Course).where(Course.slug == "first-steps"))
    assert course.languages == ["en", "lv"]
    assert course.translations["lv"]["title"] == "Pirmie soļi tīmeklī"
    assert course.modules[0].translations == {"lv": {"title": "Pamati", "summary": None}}
    welcome = db.session.scalar(sa.select(Item).where(Item.slug == "welcome"))
    assert welcome.title == "Welcome" or welcome.title  # the English title stays the item's own
    assert "latviešu nodarbība" in welcome.translations["lv"]["html"]
    quiz = db.session.scalar(sa.select(Item).where(Item.slug == "basics-check"))
    latvian = {q["id"]: q for q in quiz.translations["lv"]["questions"]}
    assert latvian["best-password"]["options"][1]["correct"] is True  # answers are the course's own
    assert latvian["best-password"]["options"][1]["text"] == "pareizs zirgs baterija skava"
    assert latvian["bits"]["prompt"] == "How many bits in a byte?"  # not translated: shown as it is
    english = {q["id"]: q for q in quiz.questions}
    assert english["device"]["accepted"] == ["router", "a router", "maršrutētājs", "rūteris"]
    assert latvian["device"]["accepted"][0] == "maršrutētājs"


@pytest.mark.parametrize(("file", "text", "problem"), [
    ("quizzes/basics-check.lv.yaml", QUIZ_LV.replace("id: device", "id: devices"),
     "first-steps/quizzes/basics-check.lv.yaml:12: questions[1].id: the quiz has no question 'devices'"),
    ("quizzes/basics-check.lv.yaml", QUIZ_LV.replace('      - text: "123456"\n        feedback: Šī ir visbiežāk lietotā parole.\n', ""),
     "first-steps/quizzes/basics-check.lv.yaml:6: questions[0].options: must translate the question's 2 options, in their order"),
    ("lessons/welcome.lv.md", LESSON_LV.replace("title: Laipni lūdzam\n", "title: Laipni lūdzam\nminutes: 5\n"),
     "first-steps/lessons/welcome.lv.md:3: minutes: unknown field (allowed: title)"),
    ("course.yaml", None, "first-steps/course.yaml:30: translations.en: must be another language of the platform (lv), not 'en'"),
])
def test_a_translation_that_does_not_fit_the_course_is_named_with_file_and_line(ctx, bilingual, file, text, problem):
    """A translated question that is not in the quiz, a missing option, a field only the
    course's own file may set, or the course's own language as a translation: refused."""
    path = bilingual / "first-steps" / file
    if text is None:
        text = path.read_text() + "  en:\n    title: First steps\n    summary: Again.\n"
    path.write_text(text)
    specs, problems = load(bilingual)
    assert problem in [str(p) for p in problems]


def test_a_latvian_learner_reads_latvian_and_an_english_learner_english(app, client, adult, login, bilingual):
    """Same course, same lesson address, same progress: the page's language chooses the text."""
    with app.app_context():
        services.import_courses(bilingual)
        db.session.commit()
    login(adult)
    assert client.post("/courses/first-steps/enrol").status_code == 302
    with app.app_context():
        db.session.get(type(adult), adult.id).locale = "lv"
        db.session.commit()
    page = client.get("/courses/first-steps").get_data(as_text=True)
    assert "Pirmie soļi tīmeklī" in page and "Pamati" in page and "Laipni lūdzam" in page
    lesson = client.get("/courses/first-steps/learn/welcome").get_data(as_text=True)
    assert "latviešu nodarbība" in lesson and 'lang="lv"' in lesson
    assert "Pieci īsi jautājumi." in client.get("/courses/first-steps/learn/basics-check").get_data(as_text=True)
    client.post("/courses/first-steps/learn/basics-check/attempts")
    paper = client.get("/courses/first-steps/learn/basics-check/attempts/1").get_data(as_text=True)
    assert "Kura parole ir visstiprākā?" in paper and "pareizs zirgs baterija skava" in paper
    assert "How many bits in a byte?" in paper  # not translated: shown in the course's language
    with app.app_context():
        db.session.get(type(adult), adult.id).locale = "en"
        db.session.commit()
    lesson = client.get("/courses/first-steps/learn/welcome").get_data(as_text=True)
    assert "latviešu nodarbība" not in lesson and "Welcome" in lesson


def test_the_catalogue_finds_a_course_by_either_of_its_languages(ctx, bilingual):
    """Filtering for Latvian courses, or searching for the Latvian title, finds the course."""
    services.import_courses(bilingual)
    latvian = [course.slug for course in catalog.list_courses(catalog.CourseFilter(language="lv"))]
    assert "first-steps" in latvian
    assert [c.slug for c in catalog.list_courses(catalog.CourseFilter(query="soļi tīmeklī"))] == ["first-steps"]
    assert [c.slug for c in catalog.list_courses(catalog.CourseFilter(query="FIRST STEPS"))] == ["first-steps"]
