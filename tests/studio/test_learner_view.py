"""An author sees any item, or the whole course, as learners would, without enrolling and
without anything being recorded."""

import sqlalchemy as sa

from lms.extensions import db
from lms.learning.models import Enrollment
from lms.studio import files as studio_files
from lms.studio import services as studio
from lms.xapi.models import Statement

QUIZ = b"""title: Sums check
pass_mark: 50
max_attempts: 2
questions:
- {id: kind, type: single, prompt: 'Which adds **cells**?', options: [{text: SUM, correct: true}, {text: AVG}]}
- {id: many, type: multiple, prompt: 'Pick two', options: [{text: A, correct: true}, {text: B, correct: true}, {text: C}]}
- {id: fact, type: true_false, prompt: 'A cell holds a value', answer: true}
- {id: count, type: numeric, prompt: 'How many?', answer: 3}
- {id: name, type: text, prompt: 'Name the function', accepted: [SUM]}
"""


def records(app):
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Statement)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)))


def add(app, author, slug, kind, title, text):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = studio.get(slug)
        _revision, item = studio.add_item(course, db.session.get(type(author), author.id), course.head, "module-1",
                                          kind, title, text)
        db.session.commit()
        return item


def test_every_kind_of_item_is_shown_as_learners_see_it_and_nothing_is_recorded(app, client, login, author,
                                                                                new_course):
    quiz = add(app, author, new_course, "quiz", "Sums check", QUIZ)
    exercise = add(app, author, new_course, "exercise", "Answer",
                   studio_files.new_item_text("exercise", "Answer", "jsreact:fundamentals.functions@1"))
    task = add(app, author, new_course, "task", "Plan a budget",
               studio_files.new_item_text("task", "Plan a budget", "digcomp:1.1@1"))
    before = records(app)
    login(author)
    outline = client.get(f"/studio/courses/{new_course}/as-learner")
    page = outline.get_data(as_text=True)
    assert outline.status_code == 200 and "nothing you do here is recorded" in page
    assert "Introduction" in page and "Sums check" in page and "Plan a budget" in page

    lesson = client.get(f"/studio/courses/{new_course}/as-learner/introduction").get_data(as_text=True)
    assert "Write the lesson here." in lesson and "Next: Sums check" in lesson
    shown = client.get(f"/studio/courses/{new_course}/as-learner/{quiz}").get_data(as_text=True)
    assert "Which adds <strong>cells</strong>?" in shown and "Pass mark: 50%" in shown
    assert "Attempts allowed: 2" in shown and "Name the function" in shown and "5 questions" in shown
    shown = client.get(f"/studio/courses/{new_course}/as-learner/{exercise}").get_data(as_text=True)
    assert "Starter code" in shown and "// your code here" in shown and "returns a number" in shown
    assert "toBe(42)" not in shown and "1 hidden test" in shown  # a hidden test's code is never shown
    shown = client.get(f"/studio/courses/{new_course}/as-learner/{task}").get_data(as_text=True)
    assert "What to hand in" in shown and "Text" in shown
    assert client.get(f"/studio/courses/{new_course}/as-learner/no-such-item").status_code == 404
    assert records(app) == before


def test_only_the_courses_authors_see_it_as_learners_will(client, login, co_author, new_course):
    login(co_author)
    assert client.get(f"/studio/courses/{new_course}/as-learner").status_code == 404
