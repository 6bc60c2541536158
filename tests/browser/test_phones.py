"""Every main page on a 390 px wide phone, in Latvian: the page never scrolls sideways
(wide code blocks and tables scroll inside themselves), and axe finds nothing serious."""

import pytest

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.competence import services as competence
from lms.exercises.models import ExerciseSubmission
from lms.extensions import db
from lms.learning import services as learning
from lms.teaching import services as teaching
from lms.xapi import credentials
from lms.xapi import services as xapi
from tests.conftest import quiz_answers

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "phone password"

# Every element whose right edge lies beyond the viewport and that no scrolling or
# clipping box around it holds in: what makes the page wider than the phone.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    // An absolutely placed element escapes every scrolling box up to its containing block.
    const position = getComputedStyle(element).position;
    let free = position === 'absolute', held = false;
    for (let parent = element.parentElement; parent && parent !== document.body && position !== 'fixed';
         parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (free && style.position !== 'static') free = false;
      if (!free && style.overflowX !== 'visible') { held = true; break; }
    }
    if (held) continue;
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + [...element.classList].map(c => '.' + c).join('');
    found.push(name + ' (' + Math.round(box.right) + ' px)');
  }
  return {page: document.documentElement.scrollWidth, viewport: width, elements: found.slice(0, 10)};
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "lv-LV", "viewport": PHONE}


@pytest.fixture(scope="module")
def world(live_server):
    """Latvian accounts with something on every page: a learner enrolled and part-way
    through, a teacher's class with an assigned course and a pupil who learned, an
    administrator with credentials, a mapping and a linked external actor."""
    names = {}
    with live_server.app_context():
        def person(username, **fields):
            fields.setdefault("email", None if fields.get("audience") == "pupil" else f"{username}@example.org")
            user = accounts.create_user(username=username, password=PASSWORD, locale="lv",
                                        display_name=username.split("-")[-1].title(), **fields)
            names[username] = user
            return user

        learner = person("phone-liga", audience="adult", roles=("learner",))
        teacher = person("phone-ilze", audience="teacher", roles=("learner", "teacher"))
        person("phone-janis", audience="adult", roles=("learner", "admin"))
        first_steps, code_practice = catalog.get_course("first-steps"), catalog.get_course("code-practice")
        enrollment = learning.enrol(learner, first_steps)
        for slug in ("welcome", "safe-passwords"):
            learning.mark_done(enrollment, catalog.find_item(first_steps, slug))
        attempt = learning.start_attempt(enrollment, catalog.find_item(first_steps, "basics-check"))
        answers = quiz_answers(learning.attempt_paper(attempt))
        learning.submit_attempt(enrollment, attempt, {name: value if isinstance(value, list) else [value]
                                                      for name, value in answers.items()})
        exercise = catalog.find_item(code_practice, "sum-numbers")
        submission = ExerciseSubmission(
            enrollment_id=learning.enrol(learner, code_practice).id, item_id=exercise.id, number=1,
            code="export function sum(numbers) {\n  return numbers.reduce((total, number) => total + number, 0);  "
                 "// a long line, as learners write them\n}\n",
            status="ok", results=[], passed_count=0, total=4, score=0.0, passed=False)
        db.session.add(submission)

        school_class = teaching.create_class(teacher, "Robotikas pulciņš", "5. klase")
        teaching.assign_course(school_class, first_steps)
        pupil = teaching.join(school_class, username="phone-anna", display_name="Anna", password=PASSWORD)
        pupil_enrollment = learning.enrollment_for(pupil, first_steps)
        learning.mark_done(pupil_enrollment, catalog.find_item(first_steps, "welcome"))

        credential, _ = credentials.issue("VR laboratorija, Ventspils", ["statements/write"])
        mapping = competence.add_mapping("https://vr-lab.example/phone/solar-system", "digcomp:2.1@2")
        actor = {"mbox": "mailto:phone-visitor@example.org"}
        xapi.record([{"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                      "object": {"id": "https://vr-lab.example/phone/solar-system"}}])
        xapi.link_actor("mbox:mailto:phone-visitor@example.org", xapi.account_key(learner.public_id))
        db.session.commit()
        digcomp_2_1 = competence.competence_for("digcomp", "2.1")
        evidence = competence.evidence_of(xapi.account_key(learner.public_id), digcomp_2_1.id)[0]
        return {"certificate": learning.certificate_for(enrollment).code, "submission": submission.id,
                "evidence": evidence.statement_seq,
                "class": school_class.id, "pupil": pupil.public_id, "learner": learner.public_id,
                "credential": credential.id, "mapping": mapping.id, "competence": digcomp_2_1.id,
                "course": first_steps.id}


def sign_in(page, username):
    page.goto("/login")
    page.locator("#login").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def walk(page, accessible, paths):
    """Open each page at 390 px; every page wider than the phone and every axe problem."""
    problems = []
    for path in paths:
        response = page.goto(path)
        if response.status >= 400 or page.locator("html").get_attribute("lang") != "lv":
            problems.append(f"{path} answers {response.status} in {page.locator('html').get_attribute('lang')}")
            continue
        width = page.evaluate(OVERFLOW)
        if width["page"] > width["viewport"] or width["elements"]:
            problems.append(f"{path} is {width['page']} px wide at {width['viewport']} px: "
                            + ", ".join(width["elements"]))
        try:
            accessible(page)
        except AssertionError as error:
            problems.append(str(error))
    return problems


def test_a_visitor_s_pages_fit_a_phone(page, accessible, world):
    """Home, catalogue, a course, sign-in, registration, joining a class, password reset,
    and looking up a certificate."""
    problems = walk(page, accessible, ["/", "/courses", "/courses/first-steps", "/login", "/register", "/join",
                                       "/password/reset", "/certificates", f"/certificates/{world['certificate']}"])
    assert not problems, "\n".join(problems)


def test_a_learner_s_pages_fit_a_phone_and_wide_lesson_content_scrolls_inside_itself(page, accessible, world):
    """Dashboard, a lesson with a wide code block and a wide table, a quiz, an attempt, a
    certificate, the exercise editor and a submission, competences and their evidence, the
    record, the account, and the pages that ask before resetting code or leaving a course."""
    sign_in(page, "phone-liga")
    problems = walk(page, accessible, [
        "/my", "/courses/first-steps", "/courses/first-steps/learn/welcome", "/courses/first-steps/learn/basics-check",
        "/courses/first-steps/learn/basics-check/attempts/1", "/courses/first-steps/certificate",
        "/courses/code-practice/learn/sum-numbers", "/courses/code-practice/learn/sum-numbers/reset",
        f"/courses/code-practice/learn/sum-numbers/submissions/{world['submission']}",
        "/my/competences", f"/my/competences/evidence/{world['evidence']}", "/my/record", "/account",
        "/account/password", "/courses/first-steps/leave", "/my/feedback", "/notifications", "/my/privacy",
        "/privacy"])
    assert not problems, "\n".join(problems)

    page.goto("/courses/first-steps/learn/welcome")
    for wide in (".lesson-body pre", ".lesson-body table"):
        sizes = page.locator(wide).first.evaluate("e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]")
        assert sizes[0] > sizes[1] and sizes[2] <= PHONE["width"], f"{wide} does not scroll inside itself: {sizes}"
    page.goto("/courses/code-practice/learn/sum-numbers")
    assert page.locator(".cm-editor").is_visible()


def test_a_teacher_s_pages_fit_a_phone(page, accessible, world):
    """My classes, the class page with its pupils and heat map, the join sheet, the gradebooks
    and the review queue, a pupil's
    evidence, and the pages that ask before removing a pupil or unassigning a course."""
    sign_in(page, "phone-ilze")
    class_page = f"/classes/{world['class']}"
    problems = walk(page, accessible, [
        "/classes", class_page, f"{class_page}/join-sheet", f"{class_page}/gradebook", "/gradebooks", "/reviews",
        f"{class_page}/pupils/{world['pupil']}/competences/{world['competence']}",
        f"{class_page}/pupils/{world['pupil']}/remove", f"{class_page}/courses/{world['course']}/remove"])
    assert not problems, "\n".join(problems)


def test_an_administrator_s_pages_fit_a_phone(page, accessible, world):
    """Programme figures and their records, users, an account, the LRS pages, mappings, and
    the pages that ask before deactivating, revoking, unlinking or removing a mapping."""
    sign_in(page, "phone-janis")
    user = f"/admin/users/{world['learner']}"
    problems = walk(page, accessible, [
        "/admin/programme", "/admin/programme/records?figure=statements&provider=none",
        "/admin/users", user, "/admin/users/new", f"{user}/active",
        "/admin/lrs/credentials", f"/admin/lrs/credentials/{world['credential']}/revoke",
        "/admin/lrs/forwarding", "/admin/lrs/actors",
        "/admin/lrs/actors/unlink?actor_key=mbox:mailto:phone-visitor@example.org",
        "/admin/competences/mappings", f"/admin/competences/mappings/{world['mapping']}/delete",
        "/admin/privacy/requests", "/admin/privacy/access-log", "/studio", "/studio/new", "/studio/authors"])
    assert not problems, "\n".join(problems)
