"""Every form answers in the page's language: sent empty and with wrong values, each
message it shows (WTForms' own, the platform's, a service's refusal, a flashed one) is
Latvian on a Latvian page and English on an English one."""

import importlib
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm

import lms
from lms.accounts import services as accounts
from lms.config import REPO_ROOT
from lms.core.forms import LIBRARY_MESSAGES, Form
from lms.extensions import db
from lms.teaching import services as teaching
from lms.catalog import services as catalog
from lms.content import services as content
from lms.learning import services as learning
from lms.studio import services as studio
from lms.privacy import requests as erasure_requests
from lms.tasks import services as tasks
from lms.xapi import credentials as lrs_credentials
from lms.h5p import package as h5p_package
from lms.h5p import services as h5p
from tests.h5p import builders as h5p_builders
from tests.tasks.conftest import TASK_COURSES

CATALOGUE = REPO_ROOT / "lms" / "translations"
WTFORMS_CATALOGUE = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def all_forms() -> set[type]:
    """Every form class of the platform, found by importing each domain's forms module."""
    for module in pkgutil.iter_modules(lms.__path__):
        if module.ispkg and importlib.util.find_spec(f"lms.{module.name}.forms"):
            importlib.import_module(f"lms.{module.name}.forms")
    found, todo = set(), [FlaskForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("lms.") and subclass is not Form:
                found.add(subclass)
    return found


def _pattern(text: str) -> str:
    return re.sub(r"%(\\\([a-z_]+\\\))?[sd]", ".+?", re.escape(" ".join(text.split())))


def _matcher(texts) -> re.Pattern:
    """Matches a message, or several one after another, built from these texts (their
    placeholders standing for anything); texts that are all placeholder are left out."""
    patterns = {_pattern(text) for text in texts if len(re.sub(r"%(\([a-z_]+\))?[sd]|\W", "", text)) >= 3}
    return re.compile(r"(?:(?:%s)\s*)+" % "|".join(sorted(patterns, key=len, reverse=True)))


def _texts(catalogue_path, translated: bool) -> list[str]:
    with open(catalogue_path, "rb") as handle:
        catalogue = read_po(handle, locale="lv" if translated else None)
    texts = []
    for message in catalogue:
        if message.id:
            found = message.string if translated else message.id
            texts += list(found) if isinstance(found, tuple) else [found]
    return [text for text in texts if text]


ENGLISH = _matcher(_texts(CATALOGUE / "messages.pot", False) + _texts(WTFORMS_CATALOGUE, False)
                   + ["Please log in to access this page.", "The CSRF token is missing."])
LATVIAN = _matcher(_texts(CATALOGUE / "lv" / "LC_MESSAGES" / "messages.po", True))


class Messages(HTMLParser):
    """The texts of a page's error messages and flashed alerts, one per paragraph or item."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found, self._depth, self._text = [], 0, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._depth or "error" in classes or "alert" in classes:
            self._depth += 1
            if tag in ("p", "li", "div"):
                self._flush()
                self._text = ""

    def handle_data(self, data):
        if self._depth and self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
            if tag in ("p", "li", "div"):
                self._flush()

    def _flush(self):
        if self._text is not None and self._text.strip():
            self.found.append(" ".join(self._text.split()))
        self._text = None


LONG = "x" * 300

# Each form: who sends it, how, where, and what it is sent: empty, then wrong values.
FORMS = {
    "RegisterForm": (None, "POST", lambda w: "/register", [
        {}, {"audience": "alien", "display_name": LONG, "username": "ab", "email": "not-an-address",
             "password": "short", "confirm": "other"}]),
    "LoginForm": (None, "POST", lambda w: "/login", [
        {}, {"login": LONG, "password": "x"}, {"login": "nobody", "password": "wrong password"}]),
    "ChangePasswordForm": ("adult", "POST", lambda w: "/account/password", [
        {}, {"current_password": "wrong", "new_password": "short", "confirm": "other"},
        {"current_password": "wrong password", "new_password": "a long new password", "confirm": "a long new password"}]),
    "SettingsForm": ("adult", "POST", lambda w: "/account", [{}, {"display_name": LONG, "locale": "xx"}]),
    "ResetRequestForm": (None, "POST", lambda w: "/password/reset", [{}, {"email": "not-an-address"}]),
    "ResetPasswordForm": (None, "POST", lambda w: f"/password/reset/{w['token']}", [
        {}, {"password": "short", "confirm": "other"}]),
    "RolesForm": ("admin", "POST", lambda w: f"/admin/users/{w['subject']}/roles", [{}, {"roles": ["wizard"]}]),
    "NewUserForm": ("admin", "POST", lambda w: "/admin/users/new", [
        {}, {"audience": "alien", "display_name": LONG, "username": "ab", "email": "not-an-address",
             "password": "short", "roles": ["wizard", "learner"]},
        {"audience": "pupil", "display_name": "Kid", "username": "kid-one", "email": "kid@example.org",
         "password": "a good password", "roles": ["learner"]}]),
    "SearchForm": ("admin", "GET", lambda w: "/admin/users", [{"q": LONG, "role": "wizard", "status": "gone"}]),
    "CredentialForm": ("admin", "POST", lambda w: "/admin/lrs/credentials", [{}, {"name": LONG, "scopes": ["fly"]}]),
    "GrantForm": ("admin", "POST", lambda w: f"/admin/lrs/credentials/{w['credential']}/grant", [
        {"reason": LONG}, {"reason": "\x00"}]),
    "MappingForm": ("admin", "POST", lambda w: "/admin/competences/mappings", [
        {}, {"activity_id": "not an address", "competence": "nonsense", "min_score": "a lot"},
        {"activity_id": "https://lab.example/a", "competence": "digcomp:9.9@1"},
        {"activity_id": "https://lab.example/a", "competence": "digcomp:2.1@9"},
        {"activity_id": "https://lab.example/a", "competence": "digcomp:2.1@2", "min_score": "2"}]),
    "ActorSearchForm": ("admin", "GET", lambda w: "/admin/lrs/actors", [{"q": LONG}]),
    "LinkActorForm": ("admin", "POST", lambda w: "/admin/lrs/actors/link", [
        {}, {"actor_key": "mbox:mailto:ghost@example.org", "learner": "nobody"},
        {"actor_key": "mbox:mailto:ghost@example.org", "learner": "adult"}]),
    "UnlinkActorForm": ("admin", "POST", lambda w: "/admin/lrs/actors/unlink", [
        {}, {"actor_key": "mbox:mailto:ghost@example.org"}]),
    "HandInForm": ("adult", "POST", lambda w: "/courses/project-work/learn/lesson-plan/hand-in", [
        {"action": "hand_in"}, {"text": "My plan", "link": "not an address", "action": "hand_in"}]),
    "ReviewForm": ("teacher", "POST", lambda w: f"/reviews/{w['hand_in']}", [
        {}, {"comment": "", "decision": "maybe"}]),
    "FeedbackForm": ("teacher", "POST", lambda w: f"/work/{w['pupil']}/project-work/reflection/feedback", [
        {}, {"target": "hand_in", "target_id": "999999", "body": "Hi"}, {"target": "attempt", "body": LONG * 40}]),
    "ReviewerForm": ("admin", "POST", lambda w: "/admin/reviewers/project-work", [{}, {"user": "nobody"}]),
    "CatalogueFilterForm": (None, "GET", lambda w: "/courses", [
        {"q": LONG, "audience": "aliens", "level": "expert", "language": "xx"}]),
    "ClassForm": ("teacher", "POST", lambda w: "/classes", [
        {}, {"name": LONG, "group": LONG, "ends_on": "someday", "legal_basis": "vibes", "basis_date": "someday"},
        {"name": "Club", "legal_basis": "school_activity"},
        {"name": "Club", "legal_basis": "guardian_consent", "basis_date": "2099-01-01"}]),
    "LegalBasisForm": ("teacher", "POST", lambda w: f"/classes/{w['class']}/basis", [
        {}, {"legal_basis": "school_activity"}, {"legal_basis": "vibes"}]),
    "AssignForm": ("teacher", "POST", lambda w: f"/classes/{w['class']}/courses", [{}, {"course": "999999"}]),
    "DueDatesForm": ("teacher", "POST", lambda w: f"/classes/{w['class']}/courses/{w['tasks_course']}/dates", [
        {"due_at": "someday"}, {"opens_at": "2026-05-02T10:00", "due_at": "2026-05-01T10:00"},
        {"close_at_due": "y"}]),
    "AssignItemForm": ("teacher", "POST", lambda w: f"/classes/{w['class']}/items", [
        {}, {"single-item": "999999", "single-due_at": "tomorrow"}]),
    "AnnouncementForm": ("teacher", "POST", lambda w: f"/classes/{w['class']}/announcements", [
        {}, {"body": LONG * 20}]),
    "DigestForm": ("anna-robo", "POST", lambda w: "/account/notifications", [{"email_digest": "y"}]),
    "PupilPasswordForm": ("teacher", "POST", lambda w: f"/classes/{w['class']}/pupils/{w['pupil']}/password", [
        {}, {"password": "short"}]),
    "CourseSettingsForm": ("admin", "POST", lambda w: "/studio/new", [
        {}, {"title": LONG, "level": "expert", "estimated_hours": "many", "audiences": ["aliens"], "language": "xx"}]),
    "PackageForm": ("admin", "POST", lambda w: "/studio/import", [{}]),
    "AuthorForm": ("admin", "POST", lambda w: "/studio/authors", [{}, {"user": "nobody"}, {"user": "adult"}]),
    "CourseReviewerForm": ("admin", "POST", lambda w: "/studio/reviewers", [
        {}, {"reviewer-user": "nobody"}, {"reviewer-user": "adult"}]),
    "LessonForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/items/introduction", [
        {}, {"base": "1", "title": LONG, "minutes": "0", "body": "Text"}]),
    "ImageForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/items/introduction/images", [
        {}, {"image-alt": LONG}]),
    "ItemSourceForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/items/check?advanced=1", [{}]),
    "QuizForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/items/check", [
        {}, {"base": "1", "title": LONG, "pass_mark": "101", "max_attempts": "0", "questions-0-type": "numeric",
             "questions-0-answer": "eight"}]),
    "ExerciseForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/items/answer", [
        {}, {"base": "1", "title": "Answer", "language": "cobol", "time_limit_ms": "5", "competences": ["x:y@1"]}]),
    "TaskForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/items/plan", [
        {}, {"base": "1", "title": "Plan", "file_types": ["exe"], "max_files": "99",
             "rubric-0-levels-0-points": "many"}]),
    "H5PItemForm": ("admin", "POST", lambda w: f"/studio/courses/{w['studio']}/modules/module-1/h5p", [
        {}, {"base": "1", "title": LONG, "completion": "score", "pass_mark": "101"},
        {"base": "1", "title": "Sveiciens", "completion": "score"},
        {"base": "1", "title": "Sveiciens", "completion": "completed"}]),
    "ErasureRequestForm": ("admin", "POST", lambda w: f"/privacy/erasure/{w['pupil']}", [{"reason": LONG * 5}]),
    "ExportForm": ("admin", "POST", lambda w: f"/privacy/export/{w['pupil']}", [{}]),
    "LibraryPackageForm": ("admin", "POST", lambda w: "/admin/h5p/libraries", [{}]),
    "LibraryDecisionForm": ("admin", "POST", lambda w: f"/admin/h5p/libraries/{w['h5p_library']}/approve", [{}]),
    "RefuseForm": ("admin", "POST", lambda w: f"/admin/privacy/requests/{w['erasure_request']}/refuse", [
        {}, {"reason": LONG * 5}]),
    "AccessLogSearchForm": ("admin", "GET", lambda w: "/admin/privacy/access-log", [
        {"viewer": LONG, "subject": LONG, "since": "someday", "until": "2026-13-45"}]),
    "JoinForm": (None, "POST", lambda w: "/join", [
        {}, {"code": LONG, "display_name": LONG, "username": "ab", "password": "short", "confirm": "other"},
        {"code": "WRONGCOD", "display_name": "Anna", "username": "anna-new", "password": "a good password",
         "confirm": "a good password"}]),
}


def test_every_form_is_a_platform_form_and_is_sent_by_this_test():
    """A new form fails here until it is a ``lms.core.forms.Form`` and has a row in FORMS."""
    forms = all_forms()
    assert [form.__qualname__ for form in forms if not issubclass(form, Form)] == []
    assert {form.__name__ for form in forms} == set(FORMS)


def test_every_message_wtforms_ships_is_in_the_catalogue():
    """The messages listed for translation are exactly the ones WTForms can show."""
    with open(WTFORMS_CATALOGUE, "rb") as handle:
        shipped = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(handle)
                   if message.id}
    assert {message._args[0] for message in LIBRARY_MESSAGES} == shipped


@pytest.fixture
def app(make_app):
    # Every submission signs in afresh; the login limit is tested in tests/accounts.
    return make_app(LMS_LOGIN_RATE_LIMIT="1000 per minute")


@pytest.fixture
def world(app, make_user, courses):
    """Someone for each form to act on: a user, a reset link, a class with a pupil."""
    make_user("adult")
    teacher = make_user("teacher", audience="teacher", roles=("learner", "teacher"))
    make_user("admin", roles=("learner", "admin"))
    subject = make_user("subject")
    with app.test_request_context():  # a hand-in notifies its reviewers with a link
        school_class = teaching.create_class(teacher, "Robotics club")
        pupil = teaching.join(school_class, username="anna-robo", display_name="Anna", password="correct horse battery")
        credential, _secret = lrs_credentials.issue("VR lab", ["statements/write"])
        # A task course: the adult may hand in, and the class's pupil has handed in for review.
        content.import_courses(TASK_COURSES)
        tasks_course = catalog.get_course("project-work")
        teaching.assign_course(school_class, tasks_course)
        learning.enrol(accounts.find_by_login("adult"), tasks_course)
        enrollment = learning.active_enrollment(pupil, tasks_course) or learning.enrol(pupil, tasks_course)
        hand_in = tasks.save(enrollment, catalog.find_item(tasks_course, "reflection"), text="I learnt a lot.",
                             hand_in=True)
        erasure_request = erasure_requests.request_erasure(accounts.find_by_login("subject"),
                                                           by=accounts.find_by_login("subject"))
        db.session.commit()
        token = accounts.make_reset_token(accounts.find_by_login("subject"), app.config["SECRET_KEY"])
        # A studio course with a lesson and a quiz, for the item forms.
        studio_course = studio.create_course(accounts.find_by_login("admin"), {
            "title": "Studio forms", "summary": "A course to edit.", "language": "en", "audiences": ["adult"],
            "track": "studio", "level": "beginner", "estimated_hours": 1, "competences": []})
        studio.add_item(studio_course, accounts.find_by_login("admin"), 1, "module-1", "quiz", "Check",
                        b"title: Check\npass_mark: 50\nquestions:\n- {id: q, type: true_false, prompt: p, answer: true}\n")
        for kind, title in (("exercise", "Answer"), ("task", "Plan")):
            studio.add_item(studio_course, accounts.find_by_login("admin"), studio_course.head, "module-1", kind,
                            title, studio.studio_files.new_item_text(kind, title, "digcomp:1.1@1"))
        # An H5P library waiting for approval.
        h5p_library = h5p.store(h5p_package.read(h5p_builders.greeting_card()))[0][0]
        db.session.commit()
        return {"subject": subject.public_id, "h5p_library": h5p_library.id, "token": token, "class": school_class.id, "pupil": pupil.public_id,
                "credential": credential.id, "hand_in": hand_in.id,
                "tasks_course": tasks_course.id, "studio": studio_course.slug, "erasure_request": erasure_request.id}


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_form_sent_empty_or_wrong_answers_in_the_page_s_language(app, world, language):
    """Latvian pages show no English message and English pages no Latvian one."""
    wrong = []
    for form, (who, method, path, submissions) in sorted(FORMS.items()):
        for data in submissions:
            client = app.test_client()
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
            if who:
                signed_in = client.post("/login", data={"login": who, "password": "correct horse battery"})
                assert signed_in.status_code == 302, f"{who} could not sign in"
            if method == "GET":
                response = client.get(path(world), query_string=data, follow_redirects=True)
            else:
                response = client.post(path(world), data=data, follow_redirects=True)
            messages = Messages(response.get_data(as_text=True)).found
            if not messages:
                wrong.append(f"{form} {sorted(data)}: no message at all")
            for message in messages:
                latvian, english = LATVIAN.fullmatch(message), ENGLISH.fullmatch(message)
                if language == "lv" and not latvian:
                    wrong.append(f"{form} {sorted(data)}: {message!r} is not Latvian")
                if language == "en" and latvian and not english:
                    wrong.append(f"{form} {sorted(data)}: {message!r} is Latvian")
                if language == "en" and not english:
                    wrong.append(f"{form} {sorted(data)}: {message!r} is no English message of the platform")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language, expected", [("lv", "Lūdzu, piesakieties"), ("en", "Please sign in")])
def test_the_sign_in_prompt_of_a_protected_page_is_in_the_page_s_language(client, language, expected):
    page = client.get("/my", headers={"Accept-Language": language}, follow_redirects=True).get_data(as_text=True)
    assert Messages(page).found and Messages(page).found[0].startswith(expected)


def test_a_form_sent_without_its_token_is_refused_in_latvian(make_app):
    """CSRF refusals come as the platform's own page, in the page's language."""
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/login", data={"login": "x", "password": "y"}, headers={"Accept-Language": "lv"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="lv">' in page
    assert "CSRF" not in page and "Veidlapa" in page
