"""Every destructive action is a visible control that names what it acts on, opens a page
that says what will happen, and only that page's button does it: nothing is lost to one
click, and no JavaScript is needed to ask."""

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import unquote

import pytest

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.competence import services as competence
from lms.extensions import db
from lms.learning import services as learning
from lms.studio import services as studio
from lms.teaching import services as teaching
from lms.xapi import credentials
from lms.xapi import services as xapi


class Controls(HTMLParser):
    """The links and forms of a page's main content: (href, text) and (action, button texts)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links, self.forms, self.hidden = [], [], {}
        self._link, self._button, self._in_main = None, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._in_main = True
        if not self._in_main:
            return
        if tag == "a":
            self._link = [attrs.get("href"), attrs.get("class") or "", ""]
        elif tag == "form":
            self.forms.append([attrs.get("action"), attrs.get("method"), []])
        elif tag == "button" and self.forms:
            self._button = [attrs.get("class") or "", ""]
        elif tag == "input" and attrs.get("type") == "hidden" and attrs.get("name") != "csrf_token":
            self.hidden[attrs["name"]] = attrs.get("value", "")

    def handle_data(self, data):
        if self._link is not None:
            self._link[2] += data
        if self._button is not None:
            self._button[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], self._link[1], " ".join(self._link[2].split())))
            self._link = None
        elif tag == "button" and self._button is not None:
            self.forms[-1][2].append((self._button[0], " ".join(self._button[1].split())))
            self._button = None


@dataclass
class Action:
    page: str                      # where the control is
    control: str                   # its visible text, naming the thing
    url: str                       # the page that asks, and where the confirmation posts
    question: str                  # the asking page's heading, naming the thing
    confirm: str                   # the button that does it
    done: Callable[[], bool]       # whether it has happened


@pytest.fixture
def action(request, courses):
    """Builds the state for one destructive action, signs in who may take it, returns it."""
    return request.getfixturevalue(f"_{request.param}")


@pytest.fixture
def _remove_pupil(app, client, login, make_user):
    teacher = make_user("ms-ozola", audience="teacher", roles=("learner", "teacher"))
    with app.app_context():
        school_class = teaching.create_class(accounts.find_by_login("ms-ozola"), "Robotics club")
        pupil = teaching.join(school_class, username="anna-robo", display_name="Anna", password="pupil password")
        db.session.commit()
        url = f"/classes/{school_class.id}/pupils/{pupil.public_id}/remove"
        class_id, pupil_id = school_class.id, pupil.id
    login(teacher)

    def done():
        with app.app_context():
            return not any(m.user_id == pupil_id for m in teaching.class_for_teacher(
                class_id, accounts.find_by_login("ms-ozola")).members)

    return Action(f"/classes/{class_id}", "Remove Anna from the class", url, "Remove Anna from Robotics club?",
                  "Yes, remove Anna from the class", done)


@pytest.fixture
def _unassign_course(app, client, login, make_user):
    teacher = make_user("ms-ozola", audience="teacher", roles=("learner", "teacher"))
    with app.app_context():
        school_class = teaching.create_class(accounts.find_by_login("ms-ozola"), "Robotics club")
        course = catalog.get_course("first-steps")
        teaching.assign_course(school_class, course)
        db.session.commit()
        class_id, course_id = school_class.id, course.id
    login(teacher)

    def done():
        with app.app_context():
            return not teaching.class_for_teacher(class_id, accounts.find_by_login("ms-ozola")).assignments

    return Action(f"/classes/{class_id}", "Unassign First steps online", f"/classes/{class_id}/courses/{course_id}/remove",
                  "Unassign First steps online from Robotics club?", "Yes, unassign First steps online", done)


@pytest.fixture
def _unassign_item(app, client, login, make_user):
    teacher = make_user("ms-ozola", audience="teacher", roles=("learner", "teacher"))
    with app.app_context():
        school_class = teaching.create_class(accounts.find_by_login("ms-ozola"), "Robotics club")
        item = catalog.find_item(catalog.get_course("first-steps"), "basics-check")
        assignment = teaching.assign_item(school_class, item)
        db.session.commit()
        class_id, assignment_id, title = school_class.id, assignment.id, item.title
    login(teacher)

    def done():
        with app.app_context():
            return not teaching.class_for_teacher(class_id, accounts.find_by_login("ms-ozola")).item_assignments

    return Action(f"/classes/{class_id}", f"Unassign {title}", f"/classes/{class_id}/items/{assignment_id}/remove",
                  f"Unassign {title} from Robotics club?", f"Yes, unassign {title}", done)


@pytest.fixture
def _leave_course(app, client, login, adult):
    with app.app_context():
        learning.enrol(accounts.find_by_login("adult"), catalog.get_course("first-steps"))
        db.session.commit()
    login(adult)

    def done():
        with app.app_context():
            return learning.active_enrollment(accounts.find_by_login("adult"), catalog.get_course("first-steps")) is None

    return Action("/courses/first-steps", "Leave First steps online", "/courses/first-steps/leave",
                  "Leave First steps online?", "Yes, leave First steps online", done)


@pytest.fixture
def _deactivate_user(app, client, login, admin, make_user):
    leaver = make_user("leaver", display_name="Līga Leaver")
    login(admin)

    def done():
        with app.app_context():
            return not accounts.find_by_login("leaver").active

    return Action(f"/admin/users/{leaver.public_id}", "Deactivate leaver", f"/admin/users/{leaver.public_id}/active",
                  "Deactivate Līga Leaver (leaver)?", "Yes, deactivate leaver", done)


@pytest.fixture
def _revoke_credential(app, client, login, admin):
    with app.app_context():
        credential, _ = credentials.issue("VR lab, Ventspils", ["statements/write"])
        db.session.commit()
        credential_id = credential.id
    login(admin)

    def done():
        with app.app_context():
            return not credentials.get(credential_id).active

    return Action("/admin/lrs/credentials", "Revoke “VR lab, Ventspils”", f"/admin/lrs/credentials/{credential_id}/revoke",
                  "Revoke the credentials “VR lab, Ventspils”?", "Yes, revoke “VR lab, Ventspils”", done)


@pytest.fixture
def _remove_mapping(app, client, login, admin):
    with app.app_context():
        mapping_id = competence.add_mapping("https://vr-lab.example/solar-system", "digcomp:2.1@2").id
        db.session.commit()
    login(admin)

    def done():
        with app.app_context():
            return competence.admin_mapping(mapping_id) is None

    return Action("/admin/competences/mappings", "Remove the mapping to digcomp:2.1 (https://vr-lab.example/solar-system)",
                  f"/admin/competences/mappings/{mapping_id}/delete",
                  "Remove the mapping of https://vr-lab.example/solar-system to digcomp:2.1 "
                  "Interacting through digital technologies?", "Yes, remove the mapping", done)


@pytest.fixture
def _unlink_actor(app, client, login, admin, adult):
    key = "mbox:mailto:visitor@example.org"
    with app.app_context():
        xapi.record([{"actor": {"mbox": "mailto:visitor@example.org"},
                      "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                      "object": {"id": "https://vr-lab.example/solar-system"}}])
        xapi.link_actor(key, xapi.account_key(adult.public_id))
        db.session.commit()
    login(admin)

    def done():
        with app.app_context():
            return xapi.learners_of([key]) == {}

    return Action("/admin/lrs/actors", "Unlink from Adult", f"/admin/lrs/actors/unlink?actor_key={key}",
                  "Unlink mailto:visitor@example.org from Adult?", "Yes, unlink mailto:visitor@example.org", done)



@pytest.fixture
def _publish_studio_course(app, client, login, admin):
    with app.app_context():
        course = studio.create_course(accounts.find_by_login("admin"), {
            "title": "Spreadsheets at work", "summary": "Tables.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 2, "competences": []})
        db.session.commit()
        slug = course.slug
    login(admin)

    def done():
        with app.app_context():
            return catalog.get_course(slug) is not None

    return Action(f"/studio/courses/{slug}", "Publish Spreadsheets at work", f"/studio/courses/{slug}/publish",
                  "Publish Spreadsheets at work?", "Yes, publish Spreadsheets at work", done)


@pytest.fixture
def _restore_revision(app, client, login, admin):
    with app.app_context():
        user = accounts.find_by_login("admin")
        course = studio.create_course(user, {
            "title": "Spreadsheets at work", "summary": "Tables.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 2, "competences": []})
        studio.add_module(course, user, 1, "Charts")
        db.session.commit()
        slug = course.slug
    login(admin)

    def done():
        with app.app_context():
            course = studio.get(slug)
            return course.head == 3 and len(studio.outline(course).modules) == 1

    return Action(f"/studio/courses/{slug}/history", "Restore revision 1", f"/studio/courses/{slug}/revisions/1/restore",
                  "Restore revision 1 of Spreadsheets at work?", "Yes, restore revision 1", done)

@pytest.fixture
def _remove_studio_item(app, client, login, admin):
    with app.app_context():
        user = accounts.find_by_login("admin")
        course = studio.create_course(user, {
            "title": "Spreadsheets at work", "summary": "Tables.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 2, "competences": []})
        studio.add_module(course, user, 1, "Charts")
        studio.add_item(course, user, 2, "charts", "quiz", "Check", studio.studio_files.new_item_text(
            "quiz", "Check", None))
        db.session.commit()
        slug = course.slug
    login(admin)

    def done():
        with app.app_context():
            course = studio.get(slug)
            return course.head == 4 and [i["slug"] for i in studio.outline(course).modules[1]["items"]] == ["charts"]

    return Action(f"/studio/courses/{slug}", "Remove Check", f"/studio/courses/{slug}/items/check/remove",
                  "Remove Check from Spreadsheets at work?", "Yes, remove Check", done)


@pytest.fixture
def _remove_studio_module(app, client, login, admin):
    with app.app_context():
        user = accounts.find_by_login("admin")
        course = studio.create_course(user, {
            "title": "Spreadsheets at work", "summary": "Tables.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 2, "competences": []})
        studio.add_module(course, user, 1, "Charts")
        db.session.commit()
        slug = course.slug
    login(admin)

    def done():
        with app.app_context():
            course = studio.get(slug)
            return course.head == 3 and [m["title"] for m in studio.outline(course).modules] != [
                m["title"] for m in studio.outline(course, 2).modules] and len(studio.outline(course).modules) == 1

    return Action(f"/studio/courses/{slug}", "Remove the module Charts",
                  f"/studio/courses/{slug}/modules/charts/remove",
                  "Remove the module Charts from Spreadsheets at work?", "Yes, remove the module Charts", done)


ACTIONS = ["remove_pupil", "unassign_course", "unassign_item", "leave_course", "deactivate_user", "revoke_credential",
           "remove_mapping", "unlink_actor", "publish_studio_course", "restore_revision", "erase_person",
           "remove_studio_item", "remove_studio_module"]


@pytest.mark.parametrize("action", ACTIONS, indirect=True)
def test_a_destructive_action_is_named_asks_first_and_only_then_happens(client, action):
    """The control names the thing; its page asks, naming it too; only "yes" does it."""
    page = Controls(client.get(action.page).get_data(as_text=True))
    controls = [(href, classes) for href, classes, text in page.links if text == action.control]
    assert controls, f"no control {action.control!r} on {action.page}: {page.links}"
    (href, classes), = controls
    assert unquote(href) == action.url and "danger" in classes
    path = action.url.split("?")[0]
    assert not [form for form in page.forms if form[0] == path], "a single click must not destroy anything"

    response = client.get(action.url)
    asking = response.get_data(as_text=True)
    assert response.status_code == 200 and f"<h1>{action.question}</h1>" in asking.replace("&#34;", '"')
    assert not action.done()
    confirmation = Controls(asking)
    (form,) = [form for form in confirmation.forms if form[0] == path]
    assert form[1] == "post" and ("danger", action.confirm) in form[2]
    assert any(text.startswith("No, ") for _, _, text in confirmation.links)

    response = client.post(path, data=confirmation.hidden)
    assert response.status_code == 302 and action.done()


@pytest.fixture
def _erase_person(app, client, login, admin, make_user):
    leaver = make_user("leaver", display_name="Līga Leaver")
    with app.app_context():
        from lms.privacy import requests as erasure_requests

        person = accounts.find_by_login("leaver")
        request_id = erasure_requests.request_erasure(person, by=person).id
        db.session.commit()
    login(admin)

    def done():
        with app.app_context():
            return accounts.get_by_public_id(leaver.public_id) is None

    return Action(f"/admin/privacy/requests/{request_id}", "Approve and erase Līga Leaver",
                  f"/admin/privacy/requests/{request_id}/approve", "Erase Līga Leaver everywhere?",
                  "Yes, erase Līga Leaver", done)
