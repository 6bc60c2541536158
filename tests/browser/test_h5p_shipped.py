"""A shipped H5P activity, played as a pupil: the password sort of "Digitālie pētnieki"
(LMS.Sort, the platform's own content type) at desktop and at 390 px, answered by
keyboard; left mid-way and resumed; the statement in the pupil's record with the platform
actor and the item's activity id, the item completed, the evidence browser-scored; a
message forged in the frame for another item or learner refused. Axe-clean, the page and
the content inside the frame."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.competence import kinds
from lms.competence.models import Evidence
from lms.content import services as content
from lms.extensions import db
from lms.learning import services as learning
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from tests.browser.conftest import axe_problems
from tests.browser.test_journeys import sign_in
from tests.conftest import FIXTURE_COURSES

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
COURSE, ITEM = "digital-explorers", "drosas-paroles"
PAGE = f"/courses/{COURSE}/learn/{ITEM}"
ANSWERS = {"Saule123": "Nedroša", "violets-pingvins-cep-pankukas": "Droša", "123456": "Nedroša",
           "Reksis2014": "Nedroša", "zils-traktors-dzied-zem-tilta": "Droša", "K7#p!": "Nedroša",
           "qwerty": "Nedroša", "mākonis-ēd-zaļas-karotes-7": "Droša"}
FORGED_ITEM = """() => window.parent.postMessage({type: "lms-h5p-statement", item: "privatums-tiessaiste",
  statement: {verb: {id: "http://adlnet.gov/expapi/verbs/completed"}, object: {id: "http://example.org/x"}}}, "*")"""
FORGED_LEARNER = """(account) => window.parent.postMessage({type: "lms-h5p-statement", item: "drosas-paroles",
  statement: {actor: {objectType: "Agent", account: account},
              verb: {id: "http://adlnet.gov/expapi/verbs/completed"}, object: {id: location.href}}}, "*")"""


@pytest.fixture
def shipped_course(live_server, tmp_path):
    """The pupils' course as shipped, imported with the live server's own frameworks (the
    fixtures' excerpt: the shipped ones would replace them under every later journey)."""
    root = tmp_path / "courses"
    shutil.copytree(content.COURSES_DIR / COURSE, root / COURSE)
    shutil.copytree(FIXTURE_COURSES / "_frameworks", root / "_frameworks")
    with live_server.test_request_context():
        content.import_courses(root)
        db.session.commit()


def enrolled_pupil(live_server, live_user, name):
    pupil, password = live_user(name, audience="pupil", email=None)
    with live_server.app_context():
        learning.enrol(accounts.find_by_login(pupil), catalog.get_course(COURSE))
        db.session.commit()
    return pupil, password


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def player(page):
    return page.frame_locator("#h5p-frame")


def frame_of(page):
    return next(frame for frame in page.frames if "/h5p/play/" in frame.url)


def sort_by_keyboard(page, items):
    """Each item's category chosen from the keyboard: focus the radio button, press Space."""
    for item in items:
        radio = player(page).get_by_role("group", name=item, exact=True).get_by_role("radio", name=ANSWERS[item], exact=True)
        radio.focus()
        page.keyboard.press("Space")
        expect(radio).to_be_checked()


def open_activity(page):
    page.goto(PAGE)
    expect(page.get_by_role("heading", name="Drošas paroles")).to_be_visible()
    expect(player(page).get_by_role("group", name="Saule123", exact=True)).to_be_visible(timeout=15000)


def saved_state(request) -> str:
    return (request.post_data or "").replace("\\", "").replace(" ", "")


def statements(live_server, verb, user):
    with live_server.app_context():
        actor = vocabulary.actor(accounts.find_by_login(user).public_id)
        return [row.data for row in db.session.scalars(sa.select(Statement).where(
            Statement.verb_id == vocabulary.VERB_BASE + verb)) if row.data["actor"] == actor]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_pupil_sorts_the_shipped_passwords_by_keyboard_and_the_record_shows_it(
        browser, base_url, accessible, live_server, live_user, shipped_course, viewport):
    pupil, password = enrolled_pupil(live_server, live_user, f"sorter-{'phone' if viewport else 'desk'}")
    context = browser.new_context(base_url=base_url, locale="en-GB", **({"viewport": viewport} if viewport else {}))
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, pupil, password)
        open_activity(page)
        accessible(page)
        assert axe_problems(frame_of(page)) == []
        fits(page)
        assert frame_of(page).evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        content_ = player(page)
        content_.get_by_role("button", name="Pārbaudīt").click()
        expect(content_.get_by_text("Vispirms sašķiro visas paroles: vēl 8.")).to_be_visible()
        # The arrow keys change an item's category; it moves to that category and keeps the focus.
        saule = content_.get_by_role("group", name="Saule123", exact=True)
        saule.get_by_role("radio", name="Droša", exact=True).focus()
        page.keyboard.press("Space")
        expect(content_.get_by_role("region", name="Droša", exact=True).get_by_text("Saule123")).to_be_visible()
        page.keyboard.press("ArrowRight")
        expect(saule.get_by_role("radio", name="Nedroša", exact=True)).to_be_focused()
        expect(content_.get_by_role("region", name="Nedroša", exact=True).get_by_text("Saule123")).to_be_visible()
        expect(content_.get_by_role("status")).to_have_text("Saule123: Nedroša")
        sort_by_keyboard(page, list(ANSWERS))
        expect(content_.get_by_role("region", name="Vēl jāsašķiro")).to_be_hidden()
        check = content_.get_by_role("button", name="Pārbaudīt")
        check.focus()
        page.keyboard.press("Enter")
        expect(content_.get_by_text("Pareizi sašķiroti 8 no 8.")).to_be_visible()
        expect(content_.get_by_text("✓ Pareizi", exact=False).first).to_be_visible()
        expect(page.get_by_text("Done: the activity is completed.")).to_be_visible()
        assert axe_problems(frame_of(page)) == []
        assert errors == [], errors

        with live_server.app_context():
            activity = vocabulary.activity_id("h5p", COURSE, ITEM)
            actor = vocabulary.actor(accounts.find_by_login(pupil).public_id)
        answered = [s for s in statements(live_server, "answered", pupil) if s["object"]["id"] == activity]
        assert len(answered) == 1
        statement = answered[0]
        assert statement["actor"] == actor and "mbox" not in str(statement)
        assert statement["result"]["score"] == {"min": 0, "max": 8, "raw": 8, "scaled": 1}
        assert statement["result"]["success"] is True and statement["result"]["response"].count("[.]") == 8
        assert statement["object"]["definition"]["interactionType"] == "matching"
        assert [c["description"]["lv"] for c in statement["object"]["definition"]["target"]] == ["Droša", "Nedroša"]
        completed = [s for s in statements(live_server, "completed", pupil) if s["object"]["id"] == activity]
        assert len(completed) == 1
        with live_server.app_context():
            evidence = db.session.scalars(sa.select(Evidence).where(Evidence.activity_id == activity)).all()
            mine = [row for row in evidence if actor["account"]["name"] in row.actor_key]
            assert mine and {row.kind for row in mine} == {kinds.BROWSER_SCORED}
        page.reload()
        expect(page.get_by_text("Done", exact=True)).to_be_visible()
    finally:
        context.close()


def test_a_pupil_who_leaves_mid_way_finds_the_sort_where_it_was_and_forgeries_are_refused(
        browser, base_url, live_server, live_user, shipped_course):
    pupil, password = enrolled_pupil(live_server, live_user, "sorter-resume")
    context = browser.new_context(base_url=base_url, locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, pupil, password)
        open_activity(page)
        content_ = player(page)
        # Saved as the pupil goes (H5P asks the content for its state every few seconds).
        with page.expect_request(lambda request: request.url.endswith(f"/h5p/{ITEM}/state") and
                                 "[1,0,null,null,null,null,1,null]" in saved_state(request), timeout=30000):
            sort_by_keyboard(page, ["Saule123", "violets-pingvins-cep-pankukas"])
            # Dragging with the mouse works too: "qwerty" dropped on the unsafe passwords.
            content_.get_by_role("group", name="qwerty", exact=True).locator("legend").drag_to(
                content_.get_by_role("region", name="Nedroša", exact=True))
            expect(content_.get_by_role("group", name="qwerty", exact=True).get_by_role("radio", name="Nedroša", exact=True)) \
                .to_be_checked()

        page.goto("/")  # leaves, and comes back
        open_activity(page)
        for item in ("Saule123", "violets-pingvins-cep-pankukas", "qwerty"):
            expect(player(page).get_by_role("group", name=item, exact=True).get_by_role("radio", name=ANSWERS[item], exact=True)) \
                .to_be_checked()
        expect(player(page).get_by_role("group", name="123456", exact=True).get_by_role("radio", name="Droša", exact=True)) \
            .not_to_be_checked()

        before = len(statements(live_server, "completed", pupil))
        frame_of(page).evaluate(FORGED_ITEM)
        expect(page.get_by_text("The statement is about another item; nothing was recorded.")).to_be_visible()
        other, _password = live_user("someone-else", audience="pupil", email=None)
        with live_server.app_context():
            account = vocabulary.actor(accounts.find_by_login(other).public_id)["account"]
        page.evaluate("() => document.getElementById('h5p-status').textContent = ''")
        frame_of(page).evaluate(FORGED_LEARNER, account)
        expect(page.get_by_text("The statement is about another learner; nothing was recorded.")).to_be_visible()
        assert len(statements(live_server, "completed", pupil)) == before
        assert statements(live_server, "completed", other) == []
    finally:
        context.close()


def test_the_shipped_blanks_and_choice_play_by_keyboard_and_report_their_answers(
        browser, base_url, accessible, live_server, live_user, shipped_course, tmp_path):
    """The two other content types as shipped: the pupils' privacy gaps and the adults' phishing questions."""
    root = tmp_path / "adults"
    shutil.copytree(content.COURSES_DIR / "digital-essentials-for-work", root / "digital-essentials-for-work")
    shutil.copytree(FIXTURE_COURSES / "_frameworks", root / "_frameworks")
    pupil, password = enrolled_pupil(live_server, live_user, "gap-filler")
    with live_server.test_request_context():
        content.import_courses(root)
        learning.enrol(accounts.find_by_login(pupil), catalog.get_course("digital-essentials-for-work"))
        db.session.commit()
    context = browser.new_context(base_url=base_url, locale="en-GB", viewport=PHONE)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, pupil, password)

        page.goto(f"/courses/{COURSE}/learn/privatums-tiessaiste")
        gap = player(page).get_by_label("Tukšā vieta 1 no 6")
        expect(gap).to_be_visible(timeout=15000)
        accessible(page)
        assert axe_problems(frame_of(page)) == []
        gap.focus()
        for answer in ("Personas dati", "digitālas pēdas", "privātu", "atrašanās vietas", "atļauju", "112"):
            page.keyboard.type(answer)
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # on "Pārbaudīt"
        expect(player(page).get_by_text("Pareizi aizpildītas 5 no 6 tukšajām vietām.")).to_be_visible()
        expect(player(page).get_by_text("✗ Nepareizi (pareizi: 116111)")).to_be_visible()
        expect(page.get_by_text("Done: the activity is completed.")).to_be_visible()
        assert axe_problems(frame_of(page)) == []
        fits(page)

        page.goto("/courses/digital-essentials-for-work/learn/vai-ta-ir-pikskeresana")
        first = player(page).get_by_role("group").first.get_by_role("radio").first
        expect(first).to_be_visible(timeout=15000)
        accessible(page)
        assert axe_problems(frame_of(page)) == []
        first.focus()
        page.keyboard.press("Space")
        signs = player(page).get_by_role("group").nth(1).get_by_role("checkbox")
        for index in range(3):
            signs.nth(index).focus()
            page.keyboard.press("Space")
        for question in (2, 3):
            player(page).get_by_role("group").nth(question).get_by_role("radio").first.focus()
            page.keyboard.press("Space")
        player(page).get_by_role("button", name="Pārbaudīt").focus()
        page.keyboard.press("Enter")
        expect(player(page).get_by_text("Pareizas atbildes uz 4 no 4 jautājumiem.")).to_be_visible()
        expect(page.get_by_text("Done: the activity is completed.")).to_be_visible()
        assert axe_problems(frame_of(page)) == []
        fits(page)
        assert errors == [], errors

        with live_server.app_context():
            blanks = vocabulary.activity_id("h5p", COURSE, "privatums-tiessaiste")
            choice = vocabulary.activity_id("h5p", "digital-essentials-for-work", "vai-ta-ir-pikskeresana")
        answered = statements(live_server, "answered", pupil)
        (gaps,) = [s for s in answered if s["object"]["id"] == blanks]
        assert gaps["object"]["definition"]["interactionType"] == "fill-in"
        assert gaps["result"]["score"]["raw"] == 5 and gaps["result"]["response"].endswith("[,]112")
        questions = [s for s in answered if s["object"]["id"].startswith(choice + "/")]
        assert len(questions) == 4 and all(s["object"]["definition"]["interactionType"] == "choice" for s in questions)
        assert all(s["context"]["contextActivities"]["parent"][0]["id"] == choice for s in questions)
        (whole,) = [s for s in answered if s["object"]["id"] == choice]
        assert whole["result"]["score"]["scaled"] == 1 and whole["result"]["success"] is True
    finally:
        context.close()
