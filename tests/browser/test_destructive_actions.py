"""Destructive actions in Latvian on a phone: each is a visible control (axe's contrast
check as shown, hovered and focused) that names what it acts on, asks on a page of its
own, and happens only after "yes"."""

import re

import pytest
from playwright.sync_api import expect

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.competence import services as competence
from lms.extensions import db
from lms.learning import services as learning
from lms.teaching import services as teaching
from lms.xapi import credentials
from lms.xapi import services as xapi

pytestmark = pytest.mark.browser

PASSWORD = "browser password"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "lv-LV", "viewport": {"width": 390, "height": 844}}


def sign_in(page, username):
    page.goto("/login")
    page.get_by_label("Lietotājvārds vai e-pasta adrese").fill(username)
    page.get_by_label("Parole").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Pieteikties").click()
    expect(page.get_by_role("button", name="Iziet")).to_be_visible()


def test_a_teacher_sees_names_and_confirms_before_a_pupil_or_a_course_leaves_the_class(
        page, accessible, readable_in_every_state, live_server, live_user):
    """"Izņemt no klases: Anna" is readable in every state; it asks; "Nē" keeps Anna."""
    teacher, _ = live_user("skolotaja-berzina", audience="teacher", roles=("learner", "teacher"), locale="lv")
    with live_server.app_context():
        school_class = teaching.create_class(accounts.find_by_login(teacher), "Programmēšanas pulciņš")
        teaching.assign_course(school_class, catalog.get_course("first-steps"))
        teaching.join(school_class, username="anna-berzina", display_name="Anna", password=PASSWORD)
        db.session.commit()
        class_id = school_class.id
    sign_in(page, teacher)
    page.goto(f"/classes/{class_id}")
    assert readable_in_every_state(page) == 3  # remove Anna, ask to erase Anna, unassign the course
    accessible(page)

    page.get_by_role("link", name="Izņemt no klases: Anna").click()
    expect(page.get_by_role("heading", name="Izņemt no klases „Programmēšanas pulciņš”: Anna?")).to_be_visible()
    readable_in_every_state(page)
    accessible(page)
    page.get_by_role("link", name="Nē, atstāt klasē").click()
    expect(page.get_by_role("row", name=re.compile("anna-berzina"))).to_be_visible()

    page.get_by_role("link", name="Izņemt no klases: Anna").click()
    page.get_by_role("button", name="Jā, izņemt no klases: Anna").click()
    expect(page.get_by_text("Anna vairs nav šajā klasē")).to_be_visible()
    expect(page.get_by_text("Neviens skolēns vēl nav pievienojies.")).to_be_visible()

    page.get_by_role("link", name="Noņemt „First steps online” no uzdotajiem darbiem").click()
    readable_in_every_state(page)
    page.get_by_role("button", name="Jā, noņemt „First steps online”").click()
    expect(page.get_by_text("Neviens kurss vēl nav uzdots.")).to_be_visible()


def test_a_learner_confirms_before_leaving_a_course(page, accessible, readable_in_every_state, live_server,
                                                    live_user):
    """The course page names the course on its leave control, and the question names it too."""
    learner, _ = live_user("macibu-dalibniece", locale="lv")
    with live_server.app_context():
        learning.enrol(accounts.find_by_login(learner), catalog.get_course("first-steps"))
        db.session.commit()
    sign_in(page, learner)
    page.goto("/courses/first-steps")
    assert readable_in_every_state(page) == 1
    page.get_by_role("link", name="Pamest kursu „First steps online”").click()
    expect(page.get_by_role("heading", name="Pamest kursu „First steps online”?")).to_be_visible()
    readable_in_every_state(page)
    accessible(page)
    page.get_by_role("button", name="Jā, pamest kursu „First steps online”").click()
    expect(page.get_by_text("Jūs vēl neapgūstat nevienu kursu.")).to_be_visible()


def test_an_administrator_s_destructive_controls_are_readable_and_ask_first(
        page, accessible, readable_in_every_state, live_server, live_user):
    """Deactivating, revoking, unlinking and removing a mapping: readable controls, each asks."""
    admin, _ = live_user("admin-kalnins", roles=("learner", "admin"), locale="lv")
    learner, _ = live_user("lauris-ozols", display_name="Lauris Ozols", locale="lv")
    with live_server.app_context():
        credentials.issue("Zinātnes centrs, Valmiera", ["statements/write"])
        competence.add_mapping("https://science-centre.example/exhibit/magnets", "digcomp:4.2@2")
        xapi.record([{"actor": {"mbox": "mailto:lauris@example.org"},
                      "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                      "object": {"id": "https://science-centre.example/exhibit/magnets"}}])
        xapi.link_actor("mbox:mailto:lauris@example.org",
                        xapi.account_key(accounts.find_by_login(learner).public_id))
        db.session.commit()
        learner_id = accounts.find_by_login(learner).public_id
    sign_in(page, admin)

    page.goto(f"/admin/users/{learner_id}")
    assert readable_in_every_state(page) == 2  # deactivate, ask to erase
    page.get_by_role("link", name="Deaktivizēt kontu lauris-ozols").click()
    expect(page.get_by_role("heading", name="Deaktivizēt kontu: Lauris Ozols (lauris-ozols)?")).to_be_visible()
    readable_in_every_state(page)
    page.get_by_role("link", name="Nē, atstāt kontu aktīvu").click()
    expect(page.get_by_role("link", name="Deaktivizēt kontu lauris-ozols")).to_be_visible()

    page.goto("/admin/lrs/credentials")
    assert readable_in_every_state(page) >= 1
    page.get_by_role("link", name="Atsaukt „Zinātnes centrs, Valmiera”").click()
    expect(page.get_by_role("heading", name="Atsaukt piekļuves datus „Zinātnes centrs, Valmiera”?")).to_be_visible()
    readable_in_every_state(page)
    accessible(page)
    page.get_by_role("button", name="Jā, atsaukt „Zinātnes centrs, Valmiera”").click()
    expect(page.get_by_text("Zinātnes centrs, Valmiera", exact=False).first).to_be_visible()

    page.goto("/admin/lrs/actors")
    assert readable_in_every_state(page) >= 1
    page.get_by_role("link", name="Atsaistīt no: Lauris Ozols").click()
    readable_in_every_state(page)
    page.get_by_role("button", name="Jā, atsaistīt dalībnieku mailto:lauris@example.org").click()
    expect(page.get_by_role("link", name="Atsaistīt no: Lauris Ozols")).to_have_count(0)

    page.goto("/admin/competences/mappings")
    assert readable_in_every_state(page) >= 1
    page.locator("main").get_by_role("link", name=re.compile("Noņemt piesaisti kompetencei digcomp:4.2")).first.click()
    readable_in_every_state(page)
    accessible(page)
    page.get_by_role("button", name="Jā, noņemt piesaisti").click()
    expect(page.get_by_text("Piesaiste noņemta.")).to_be_visible()
