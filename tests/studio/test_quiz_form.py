"""The quiz form in the studio: an author builds a quiz of every question type with
buttons (no JavaScript), saves it as the quiz's file, and a quiz the validator refuses is
shown with the message at the field it concerns and saves nothing."""

import re

from lms.accounts.services import find_by_login
from lms.extensions import db
from lms.studio import files as studio_files
from lms.studio import services as studio

QUIZ = b"title: Check\npass_mark: 50\nquestions:\n- {id: q, type: true_false, prompt: Is it so, answer: true}\n"


def _flat(data, prefix=""):
    """A form's nested data as the browser posts it (questions-0-options-1-text=...)."""
    posted = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, entry in enumerate(value):
                posted.update(_flat(entry, f"{name}-{index}-"))
        elif value is True:
            posted[name] = "y"
        elif value not in (None, False):
            posted[name] = value
    return posted


def _quiz(app, slug):
    with app.app_context():
        _kind, _path, text = studio.item_file(studio.get(slug), "check")
        return studio_files.load(text)


def _add_quiz(app, new_course):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        studio.add_item(studio.get(new_course), find_by_login("ms-berzina"), 1, "module-1", "quiz", "Check", QUIZ)
        db.session.commit()


def test_an_author_builds_a_quiz_of_every_type_with_buttons_and_saves_it(app, client, login, author, new_course):
    _add_quiz(app, new_course)
    login(author)
    url = f"/studio/courses/{new_course}/items/check"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Check"' in page and "Advanced: edit the file" in page and "True or false" in page
    data = {"base": "2", "title": "Check", "pass_mark": "60", "max_attempts": "3", "draw": "",
            "show_answers": "after_each_attempt", "questions-0-id": "q", "questions-0-type": "true_false",
            "questions-0-prompt": "Is it?", "questions-0-truth": "false"}
    for qtype in ("single", "multiple", "numeric", "text"):
        response = client.post(url, data={**data, "action": f"add-question-{qtype}"})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        data = {key: value for key, value in data.items()}
        index = len([k for k in data if k.endswith("-type")])
        data.update({f"questions-{index}-id": f"question-{index + 1}", f"questions-{index}-type": qtype,
                     f"questions-{index}-prompt": f"Question {index + 1}"})
        assert f'name="questions-{index}-prompt"' in page
    assert _quiz(app, new_course)["title"] == "Check"  # buttons saved nothing
    data.update({"questions-1-options-0-text": "Yes", "questions-1-options-0-correct": "y",
                 "questions-1-options-0-feedback": "Right.", "questions-1-options-1-text": "No",
                 "questions-2-options-0-text": "A", "questions-2-options-0-correct": "y",
                 "questions-2-options-1-text": "B", "questions-2-options-1-correct": "y",
                 "questions-3-answer": "8", "questions-3-tolerance": "0.5",
                 "questions-4-accepted": "router\r\nmaršrutētājs"})
    response = client.post(url, data={**data, "action": "add-questions-2-options"})
    assert 'name="questions-2-options-2-text"' in response.get_data(as_text=True)
    data["questions-2-options-2-text"] = "C"
    response = client.post(url, data={**data, "action": "save"})
    assert response.status_code == 302, re.findall(r"class=\"error\"[^>]*>([^<]*)", response.get_data(as_text=True))
    quiz = _quiz(app, new_course)
    assert [q["type"] for q in quiz["questions"]] == ["true_false", "single", "multiple", "numeric", "text"]
    assert quiz["max_attempts"] == 3 and quiz["show_answers"] == "after_each_attempt"
    assert quiz["questions"][0]["answer"] is False
    assert quiz["questions"][1]["options"][0] == {"text": "Yes", "correct": True, "feedback": "Right."}
    assert [o["text"] for o in quiz["questions"][2]["options"]] == ["A", "B", "C"]
    assert quiz["questions"][3]["tolerance"] == 0.5
    assert quiz["questions"][4]["accepted"] == ["router", "maršrutētājs"]


def test_a_quiz_without_a_correct_answer_is_refused_at_its_options_and_saves_nothing(
        app, client, login, author, new_course):
    _add_quiz(app, new_course)
    login(author)
    url = f"/studio/courses/{new_course}/items/check"
    data = {"base": "2", "title": "Check", "pass_mark": "60", "show_answers": "after_passed_or_last_attempt",
            "questions-0-id": "q", "questions-0-type": "single", "questions-0-prompt": "Which?",
            "questions-0-options-0-text": "A", "questions-0-options-1-text": "B", "action": "save"}
    response = client.post(url, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    note = page.index("a single-choice question needs exactly one correct option, not 0")
    assert page.rindex('id="questions-0-options"', 0, note) > page.rindex('id="questions-0"', 0, note)
    assert _quiz(app, new_course) == studio_files.load(QUIZ)


def test_on_latvian_pages_the_validator_and_the_form_speak_latvian(app, client, login, author, new_course):
    """An author reading Latvian pages is told what is wrong in Latvian, at the field, by
    the validator and by the form's own checks alike; nothing is saved."""
    _add_quiz(app, new_course)
    login(author)
    url = f"/studio/courses/{new_course}/items/check"
    latvian = {"Accept-Language": "lv"}
    data = {"base": "2", "title": "Check", "pass_mark": "60", "show_answers": "after_passed_or_last_attempt",
            "questions-0-id": "q", "questions-0-type": "single", "questions-0-prompt": "Kurš?",
            "questions-0-options-0-text": "A", "questions-0-options-1-text": "B", "action": "save"}
    response = client.post(url, data=data, headers=latvian)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    note = page.index("jautājumam ar vienu atbildi vajag tieši vienu pareizu atbilžu variantu, nevis 0")
    assert page.rindex('id="questions-0-options"', 0, note) > page.rindex('id="questions-0"', 0, note)
    assert "exactly one correct option" not in page
    assert _quiz(app, new_course) == studio_files.load(QUIZ)

    response = client.post(url, data={**data, "title": "", "pass_mark": "many"}, headers=latvian)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Šis lauks ir jāaizpilda." in page and "Nederīgs vesels skaitlis." in page
    assert "This field is required." not in page


def test_moving_and_removing_questions_and_options_changes_only_the_form(app, client, login, author, new_course):
    _add_quiz(app, new_course)
    login(author)
    url = f"/studio/courses/{new_course}/items/check"
    data = {"base": "2", "title": "Check", "pass_mark": "60", "questions-0-id": "q", "questions-0-type": "true_false",
            "questions-0-prompt": "First", "questions-1-id": "r", "questions-1-type": "single",
            "questions-1-prompt": "Second", "questions-1-options-0-id": "o1", "questions-1-options-0-text": "A",
            "questions-1-options-1-id": "o2", "questions-1-options-1-text": "B"}
    page = client.post(url, data={**data, "action": "up-questions-1"}).get_data(as_text=True)
    assert page.index("Second") < page.index("First")
    page = client.post(url, data={**data, "action": "remove-questions-0"}).get_data(as_text=True)
    assert "First" not in page and "Second" in page
    page = client.post(url, data={**data, "action": "down-questions-1-options-0"}).get_data(as_text=True)
    assert page.index('value="B"') < page.index('value="A"')
    assert client.post(url, data={**data, "action": "remove-questions-9"}).status_code == 400
    assert _quiz(app, new_course) == studio_files.load(QUIZ)


def test_the_advanced_file_editor_still_edits_the_quiz_file(app, client, login, author, new_course):
    _add_quiz(app, new_course)
    login(author)
    url = f"/studio/courses/{new_course}/items/check?advanced=1"
    page = client.get(url).get_data(as_text=True)
    assert "file (YAML)" in page and "Edit with the form" in page
    text = QUIZ.decode().replace("Is it so", "Is it really so")
    assert client.post(url, data={"base": "2", "text": text}).status_code == 302
    assert _quiz(app, new_course)["questions"][0]["prompt"] == "Is it really so"


def test_an_author_writes_an_exercise_through_its_form(app, client, login, author, new_course):
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items",
                           data={"base": "1", "module": "module-1", "kind": "exercise", "title": "Answer"})
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Reference solution" in page and "Hidden tests" in page and "Check the saved exercise" in page
    data = {"base": "2", "title": "The answer", "language": "javascript", "time_limit_ms": "1500",
            "competences": ["digcomp:4.2@2"], "instructions": "Return 42.",
            "starter": "export function answer() {}\n", "solution": "export function answer() { return 42; }\n",
            "tests-0-name": "a number", "tests-0-code": "expect(typeof answer()).toBe('number');",
            "hidden_tests-0-name": "the answer", "hidden_tests-0-code": "expect(answer()).toBe(42);"}
    page = client.post(url, data={**data, "action": "add-hidden_tests"}).get_data(as_text=True)
    assert 'name="hidden_tests-1-code"' in page
    assert client.post(url, data={**data, "action": "save"}).status_code == 302
    with app.app_context():
        _kind, _path, text = studio.item_file(studio.get(new_course), "answer")
    exercise = studio_files.load(text)
    assert exercise["title"] == "The answer" and exercise["time_limit_ms"] == 1500
    assert exercise["competences"] == ["digcomp:4.2@2"] and exercise["hidden_tests"][0]["name"] == "the answer"
    response = client.post(url, data={**data, "time_limit_ms": "50", "action": "save"})
    assert response.status_code == 400 and "Number must be between 100 and 10000." in response.get_data(as_text=True)


def test_an_author_builds_a_task_rubric_and_a_task_asking_for_nothing_is_refused_at_the_hand_in(
        app, client, login, author, new_course):
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items",
                           data={"base": "1", "module": "module-1", "kind": "task", "title": "Plan"})
    url = response.headers["Location"]
    data = {"base": "2", "title": "Plan", "competences": ["digcomp:4.2@2"], "instructions": "Write a plan.",
            "hand_in_text": "y"}
    page = client.post(url, data={**data, "action": "add-rubric"}).get_data(as_text=True)
    assert 'name="rubric-0-levels-1-points"' in page and "Add a level to criterion 1" in page
    data.update({"rubric-0-id": "criterion-1", "rubric-0-name": "Clarity", "rubric-0-levels-0-name": "Not yet",
                 "rubric-0-levels-0-points": "0", "rubric-0-levels-1-name": "Fully", "rubric-0-levels-1-points": "2",
                 "pass_mark": "50"})
    assert client.post(url, data={**data, "action": "save"}).status_code == 302
    with app.app_context():
        _kind, _path, text = studio.item_file(studio.get(new_course), "plan")
    task = studio_files.load(text)
    assert task["rubric"][0]["levels"] == [{"name": "Not yet", "points": 0}, {"name": "Fully", "points": 2}]
    assert task["hand_in"] == {"text": True} and task["pass_mark"] == 50
    data.pop("hand_in_text")
    response = client.post(url, data={**data, "base": "3", "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.index("asks for nothing") > page.index('id="hand_in"')
    assert page.index("asks for nothing") < page.index('id="rubric"')
    with app.app_context():
        assert studio.item_file(studio.get(new_course), "plan")[2] == text


def test_a_nul_character_inside_a_question_is_refused_with_a_message(app, client, login, author, new_course):
    _add_quiz(app, new_course)
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items/check", data={
        "base": "2", "title": "Check", "pass_mark": "60", "questions-0-id": "q", "questions-0-type": "true_false",
        "questions-0-prompt": "Is\x00it?", "action": "save"})
    assert response.status_code == 400
    assert "This contains a character that is not allowed (U+0000)." in response.get_data(as_text=True)
    assert _quiz(app, new_course) == studio_files.load(QUIZ)


def test_a_removed_item_is_archived_on_publish_and_learners_records_stay(app, client, login, author, admin,
                                                                          new_course):
    _add_quiz(app, new_course)
    from lms.catalog import services as catalog

    with app.test_request_context(headers={"Accept-Language": "en"}):
        studio.publish(studio.get(new_course), find_by_login("admin"))
        db.session.commit()
        assert not catalog.find_item(catalog.get_course(new_course), "check").archived
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items/check/remove", data={"base": "2"})
    assert response.status_code == 302
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = studio.get(new_course)
        assert [i["slug"] for m in studio.outline(course).modules for i in m["items"]] == ["introduction"]
        assert studio.changes_for_learners(course).removed == ["Check"]
        studio.publish(course, find_by_login("admin"))
        db.session.commit()
        published = catalog.get_course(new_course)
        assert catalog.find_item(published, "check") is None  # not offered any more
        assert [item.archived for item in published.items if item.slug == "check"] == [True]  # kept, archived


def test_a_lesson_s_competences_are_chosen_by_name(app, client, login, author, new_course):
    login(author)
    url = f"/studio/courses/{new_course}/items/introduction"
    page = client.get(url).get_data(as_text=True)
    assert "Competences the lesson develops (optional)" in page
    assert "Protecting personal data and privacy — Foundation (2)" in page
    data = {"base": "1", "title": "Introduction", "body": "# Introduction\n\nCells."}
    response = client.post(url, data={**data, "competences": ["digcomp:9.9@2"]})
    assert response.status_code == 400 and "is not a valid choice" in response.get_data(as_text=True)
    assert client.post(url, data={**data, "competences": ["digcomp:4.2@2"]}).status_code == 302
    with app.app_context():
        _kind, _path, text = studio.item_file(studio.get(new_course), "introduction")
    front, _body = studio_files.read_lesson(text)
    assert front["competences"] == ["digcomp:4.2@2"]
    assert client.post(url, data={**data, "base": "2"}).status_code == 302
    with app.app_context():
        _kind, _path, text = studio.item_file(studio.get(new_course), "introduction")
    assert "competences" not in studio_files.read_lesson(text)[0]


def test_a_pool_drawing_more_questions_than_it_has_is_refused_at_the_draw_field(app, client, login, author,
                                                                                 new_course):
    _add_quiz(app, new_course)
    login(author)
    response = client.post(f"/studio/courses/{new_course}/items/check", data={
        "base": "2", "title": "Check", "pass_mark": "60", "draw": "3", "questions-0-id": "q",
        "questions-0-type": "true_false", "questions-0-prompt": "Is it so?", "action": "save"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="draw-error">draws 3 questions per attempt, but the quiz has only 1' in page
    assert _quiz(app, new_course) == studio_files.load(QUIZ)
