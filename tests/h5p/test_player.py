"""Playing an H5P item: the sandboxed frame, its token-scoped files, and the statements
its content reports, rebuilt by the server and recorded through the one door."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.competence import kinds
from lms.competence.models import Evidence
from lms.content import services as content
from lms.extensions import db
from lms.h5p import package
from lms.h5p import services as h5p
from lms.learning import services as learning
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from tests.h5p import builders
from tests.h5p.test_course_items import course_folder

SUB = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


@pytest.fixture
def played(app, tmp_path, pupil, admin):
    """The GreetingCard activity approved and imported in a course the pupil is enrolled in."""
    with app.test_request_context():
        library = h5p.store(package.read(builders.greeting_card()))[0][0]
        h5p.approve(library, db.session.merge(admin))
        content.import_courses(course_folder(tmp_path, extra="completion: score\npass_mark: 50\n"))
        course = catalog.get_course("drosiba")
        learning.enrol(accounts.find_by_login("pupil"), course)
        db.session.commit()
    return "/courses/drosiba/learn/sveiciens"


def statement(verb="answered", object_id=None, scaled=0.8, **extra):
    made = {"actor": {"objectType": "Agent", "name": "Anna", "mbox": "mailto:anna@example.org"},
            "verb": {"id": vocabulary.VERB_BASE + verb, "display": {"en-US": verb}},
            "object": {"id": object_id or "http://127.0.0.1/h5p/play/x/", "objectType": "Activity",
                       "definition": {"name": {"en-US": "Greeting"}, "interactionType": "choice"}},
            "result": {"score": {"raw": scaled * 10, "max": 10, "min": 0, "scaled": scaled}, "success": True,
                       "completion": True}}
    made.update(extra)
    return made


def post(client, body, item="sveiciens"):
    return client.post(f"/courses/drosiba/h5p/{item}/statements", data=json.dumps(body),
                       content_type="application/json")


def test_the_item_page_embeds_a_sandboxed_frame_without_same_origin_rights(client, pupil, login, played):
    login(pupil)
    page = client.get(played).get_data(as_text=True)
    assert 'sandbox="allow-scripts"' in page and "allow-same-origin" not in page
    assert "Licence: CC BY-SA" in page and "Anna Ozola" in page
    assert "Evidence: Interactive, scored in the browser" in page


def test_the_frame_document_and_its_files_are_served_by_token_with_a_policy(client, pupil, login, played):
    login(pupil)
    page = client.get(played).get_data(as_text=True)
    src = page.split('id="h5p-frame"', 1)[1].split('src="', 1)[1].split('"', 1)[0].split("?")[0]
    anonymous = client.application.test_client()  # the frame's requests carry no cookies
    frame = anonymous.get(src)
    assert frame.status_code == 200
    policy = frame.headers["Content-Security-Policy"]
    assert "connect-src http://localhost" in policy and "frame-ancestors 'self'" in policy
    library = anonymous.get(src + "libraries/H5P.GreetingCard-1.0/greetingcard.js")
    assert library.status_code == 200 and b"H5P.GreetingCard" in library.data
    assert library.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(anonymous.get(src + "content/content/content.json").data) == {
        "greeting": "<p>Sveika, pasaule!</p>"}
    assert anonymous.get(src.replace("/play/", "/play/x") + "content/h5p.json").status_code == 404


def test_a_statement_is_recorded_with_the_platform_actor_and_the_item_s_activity_id(app, client, pupil, login,
                                                                                   played):
    login(pupil)
    response = post(client, {"item": "sveiciens", "statement": statement()})
    assert response.status_code == 200 and response.json["completed"] is True
    with app.app_context():
        stored = db.session.scalar(sa.select(Statement).where(
            Statement.verb_id == vocabulary.VERB_BASE + "answered"))
        data = stored.data
        assert data["actor"] == vocabulary.actor(accounts.find_by_login("pupil").public_id)
        assert data["object"]["id"] == vocabulary.activity_id("h5p", "drosiba", "sveiciens")
        assert data["object"]["definition"]["type"] == vocabulary.ACTIVITY_TYPES["h5p"]
        enrollment = learning.active_enrollment(accounts.find_by_login("pupil"), catalog.get_course("drosiba"))
        assert data["context"]["registration"] == str(enrollment.registration)
        assert "mbox" not in json.dumps(data)
        evidence = db.session.scalars(sa.select(Evidence)).all()
        assert evidence and {row.kind for row in evidence} == {kinds.BROWSER_SCORED}


def test_a_sub_content_statement_is_a_child_of_the_item_s_activity(app, client, pupil, login, played):
    login(pupil)
    body = statement(verb="answered", object_id=f"http://x/h5p?subContentId={SUB}")
    assert post(client, {"item": "sveiciens", "statement": body}).status_code == 200
    with app.app_context():
        data = db.session.scalar(sa.select(Statement).where(
            Statement.verb_id == vocabulary.VERB_BASE + "answered")).data
        item_id = vocabulary.activity_id("h5p", "drosiba", "sveiciens")
        assert data["object"]["id"] == f"{item_id}/{SUB}"
        assert data["context"]["contextActivities"]["parent"][0]["id"] == item_id


def test_a_score_below_the_pass_mark_does_not_complete_the_item(client, pupil, login, played):
    login(pupil)
    assert post(client, {"item": "sveiciens", "statement": statement(scaled=0.3)}).json["completed"] is False


@pytest.mark.parametrize("body, message", [
    ({"item": "other-item", "statement": statement()}, "The statement is about another item; nothing was recorded."),
    ({"item": "sveiciens", "statement": statement(actor={"objectType": "Agent", "account": {
        "homePage": "PLATFORM", "name": "someone-else"}})},
     "The statement is about another learner; nothing was recorded."),
    ({"item": "sveiciens", "statement": statement(context={"registration": "00000000-0000-4000-8000-000000000000"})},
     "The statement is about another enrolment; nothing was recorded."),
    ({"item": "sveiciens", "statement": statement(verb="voided")},
     "The statement's verb is not one an H5P activity sends."),
])
def test_a_forged_statement_is_refused_and_nothing_is_recorded(app, client, pupil, login, played, body, message):
    login(pupil)
    with app.app_context():
        if body["statement"]["actor"].get("account"):
            body["statement"]["actor"]["account"]["homePage"] = vocabulary.platform_identity()
    response = post(client, body)
    assert response.status_code == 400 and response.json["error"] == message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Statement).where(
            Statement.verb_id == vocabulary.VERB_BASE + "answered")) == 0


def test_another_learner_cannot_post_for_an_enrolment_that_is_not_theirs(client, adult, login, played):
    login(adult)
    assert post(client, {"item": "sveiciens", "statement": statement()}).status_code in (302, 403, 404)


def test_the_player_s_own_strings_are_in_the_learner_s_language(client, pupil, login, played):
    login(pupil)
    page = client.get(played, headers={"Accept-Language": "lv"}).get_data(as_text=True)
    src = page.split('id="h5p-frame"', 1)[1].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert src.endswith("?lang=lv")
    frame = client.application.test_client().get(src, headers={"Accept-Language": "en"}).get_data(as_text=True)
    config = json.loads(frame.split('id="lms-h5p-config">', 1)[1].split("</script>", 1)[0])
    assert config["options"]["translations"]["H5P"]["fullscreen"] == "Pilnekrāna režīms"


def test_a_flood_of_statements_is_cut_off_with_a_429(client, pupil, login, played):
    """A script in the page cannot flood the LRS: past 120 a minute the learner gets a 429."""
    login(pupil)
    codes = [post(client, {"item": "sveiciens", "statement": statement(verb="interacted")}).status_code
             for _ in range(121)]
    assert codes[:120] == [200] * 120 and codes[120] == 429


def test_where_the_learner_left_the_activity_is_kept_and_given_back_to_the_player(client, pupil, login, played):
    login(pupil)
    state = json.dumps({"answers": [1, 3], "page": 2})
    saved = client.post("/courses/drosiba/h5p/sveiciens/state", data=json.dumps({"item": "sveiciens", "state": state}),
                        content_type="application/json")
    assert saved.status_code == 200
    page = client.get(played).get_data(as_text=True)
    src = page.split('id="h5p-frame"', 1)[1].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    frame = client.application.test_client().get(src).get_data(as_text=True)
    config = json.loads(frame.split('id="lms-h5p-config">', 1)[1].split("</script>", 1)[0])
    assert config["options"]["contentUserData"] == [{"state": state}]


@pytest.mark.parametrize("body, message", [
    ({"item": "another", "state": "{}"}, "The state is for another item; nothing was saved."),
    ({"item": "sveiciens", "state": "not json"}, "The state must be JSON text of at most 65,536 characters."),
])
def test_a_wrong_state_is_refused(client, pupil, login, played, body, message):
    login(pupil)
    response = client.post("/courses/drosiba/h5p/sveiciens/state", data=json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 400 and response.json["error"] == message
