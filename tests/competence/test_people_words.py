"""Competences in people's words: names and level names instead of codes, evidence as the
item it came from, readiness only for roles that fit the person, partial credit, and roles
the shipped courses can actually reach."""

import html
import re
import shutil

import pytest
import yaml

from lms.competence import kinds, services
from lms.competence.services import FRAMEWORKS_DIR
from lms.competence import references
from lms.content import loader
from lms.content.services import COURSES_DIR
from lms.extensions import db
from lms.xapi import services as xapi
from tests.conftest import ALL_CORRECT, FIXTURE_COURSES


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def test_every_role_is_reachable_with_the_shipped_courses():
    """For every shipped role, the shipped published courses' items evidence every required
    competence at the required level with evidence that counts (an assessed quiz, exercise
    or task; a lesson only at the lowest level or where its file says taking part counts)."""
    specs, problems = loader.load(COURSES_DIR)
    assert problems == []
    ranks = {}
    for path in FRAMEWORKS_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "areas" in data:
            ranks[data["slug"]] = [level["code"] for level in data["levels"]]
    best: dict[tuple[str, str], int] = {}

    def evidence(refs, kind, participation_counts=False):
        for reference in refs:
            ref = references.parse(reference)
            rank = ranks[ref.framework].index(ref.level) + 1
            if kinds.counts(kind, rank, participation_counts):
                best[(ref.framework, ref.code)] = max(best.get((ref.framework, ref.code), 0), rank)

    for spec in specs:
        if spec.status != "published":
            continue
        for lesson in spec.lessons.values():
            evidence(lesson.competences, kinds.PARTICIPATED, lesson.participation_counts)
        for item in [*spec.quizzes.values(), *spec.exercises.values(), *spec.tasks.values()]:
            evidence(item.competences, kinds.ASSESSED)
    roles = yaml.safe_load((FRAMEWORKS_DIR / "roles.yaml").read_text(encoding="utf-8"))["roles"]
    assert {role["slug"] for role in roles} >= {"junior-front-end-developer", "digitally-confident-teacher"}
    unreachable = []
    for role in roles:
        for reference in role["requires"]:
            ref = references.parse(reference)
            needed = ranks[ref.framework].index(ref.level) + 1
            if best.get((ref.framework, ref.code), 0) < needed:
                unreachable.append(f"{role['slug']}: {reference} (shipped items reach "
                                   f"{best.get((ref.framework, ref.code), 0)})")
    assert unreachable == []


@pytest.fixture
def shipped_roles(app):
    """The shipped frameworks and roles (with their audiences), imported."""
    with app.app_context():
        services.import_frameworks(FRAMEWORKS_DIR)
        db.session.commit()


@pytest.mark.parametrize("audiences, roles", [
    ({"pupil"}, []),
    ({"adult"}, ["junior-front-end-developer"]),
    ({"teacher"}, ["digitally-confident-teacher"]),
])
def test_readiness_is_shown_only_for_roles_that_fit_the_person(ctx, shipped_roles, audiences, roles):
    """No job role and no teacher role for a pupil; the job for an adult; the teacher role for a teacher."""
    assert [r.role.slug for r in services.readiness("someone", audiences)] == roles


def test_a_pupil_sees_no_role_on_the_competence_page(client, pupil, login, shipped_roles):
    login(pupil)
    page = client.get("/my/competences").get_data(as_text=True)
    assert "How ready you are for a role" not in page
    assert "Junior front-end developer" not in page and "Digitally confident teacher" not in page


def test_an_adult_sees_the_job_role_and_not_the_teacher_role(client, adult, login, shipped_roles):
    login(adult)
    page = client.get("/my/competences").get_data(as_text=True)
    assert "Junior front-end developer" in page and "Digitally confident teacher" not in page


def test_a_role_for_an_unknown_audience_is_refused_naming_it(ctx, tmp_path):
    for name in ("digcomp.yaml", "roles.yaml"):
        shutil.copy(FIXTURE_COURSES / "_frameworks" / name, tmp_path)
    roles = (tmp_path / "roles.yaml").read_text(encoding="utf-8")
    (tmp_path / "roles.yaml").write_text(roles.replace("    requires:", "    audiences: [children]\n    requires:", 1),
                                         encoding="utf-8")
    with pytest.raises(services.FrameworkError) as refused:
        services.import_frameworks(tmp_path)
    assert refused.value.problems == ["roles.yaml: roles[0].audiences: a list with one or more of pupil, adult, teacher"]


def test_a_level_partly_reached_gives_partial_credit(client, enrolled):
    """Safe online citizen needs 2.1 at 1 and 4.2 at 3: the welcome lesson meets the first
    (50%); the quiz's 4.2 at level 2 of the 3 needed adds two thirds of the second (83%),
    though only one requirement is fully met."""
    client.post("/courses/first-steps/learn/welcome/done")
    page = client.get("/my/competences").get_data(as_text=True)
    assert 'value="50"' in page and "1 of 2 required competences" in page
    client.post("/courses/first-steps/learn/basics-check/attempts")
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    page = client.get("/my/competences").get_data(as_text=True)
    assert 'value="83"' in page and "83% of the way: 1 of 2 required competences" in page


def test_a_beginner_with_only_a_first_level_sees_progress(ctx, courses, adult):
    """Level 1 of the 3 needed is a third of a requirement, not nothing."""
    key = xapi.account_key(adult.public_id)
    competence = services.competence_for("digcomp", "4.2")
    from lms.competence.models import LearnerCompetence
    from datetime import datetime

    db.session.add(LearnerCompetence(actor_key=key, competence_id=competence.id, level="1", rank=1,
                                     evidence_count=1, updated_at=datetime(2026, 1, 1)))
    db.session.flush()
    (role,) = services.readiness(key)
    assert role.met == 0 and role.percent == round(100 * (1 / 3) / 2)


def test_the_competence_page_names_competences_levels_and_items_not_codes(client, enrolled):
    """No ``digcomp:4.2``, no ``4.2``, no ``first-steps / welcome``: the competence's name, the
    level's name, and the item's title linking to the item; the statement one click further."""
    client.post("/courses/first-steps/learn/welcome/done")
    client.post("/courses/first-steps/learn/basics-check/attempts")
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    response = client.get("/my/competences")
    page, words = response.get_data(as_text=True), text_of(response)
    assert "digcomp:" not in page and "<code>" not in page and "first-steps / " not in words
    assert not re.search(r"\b[24]\.[12]\b", words.replace("DigComp 2.2", ""))  # no competence code in the text
    assert "Interacting through digital technologies Foundation (1)" in words
    assert "needed Intermediate (3), you have Foundation (2)" in words
    assert '<a href="/courses/first-steps/learn/welcome" lang="en">Welcome</a>' in page
    assert '<a href="/courses/first-steps/learn/basics-check" lang="en">Basics check</a>' in page
    statement = re.search(r'href="(/my/competences/evidence/\d+)">technical details', page).group(1)
    evidence = client.get(statement).get_data(as_text=True)
    assert "<details" in evidence and "<summary>Technical details</summary>" in evidence
    assert evidence.index("<summary>") < evidence.index("http://adlnet.gov/expapi/verbs/")  # JSON inside
    assert '<a href="/courses/first-steps/learn/' in evidence
    latvian = text_of(client.get("/my/competences", headers={"Accept-Language": "lv"}))
    assert "Mijiedarbība, izmantojot digitālās tehnoloģijas Pamata (1)" in latvian


def test_external_evidence_is_named_by_the_activity_not_its_address(app, client, enrolled):
    from lms.xapi import credentials

    with app.test_request_context():
        credential, _ = credentials.issue("VR lab, Ventspils", ["statements/write"])
        services.add_mapping("https://vr-lab.example/escape-room", "digcomp:4.2@5")
        actor = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(enrolled.public_id)}}
        xapi.record([{"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                      "object": {"id": "https://vr-lab.example/escape-room", "definition": {
                          "name": {"en-US": "Escape room: privacy", "lv": "Izlaušanās istaba: privātums"}}}}],
                    authority=credentials.authority(credential))
        db.session.commit()
    assert "Escape room: privacy · External: VR lab, Ventspils" in text_of(client.get("/my/competences"))
    latvian = text_of(client.get("/my/competences", headers={"Accept-Language": "lv"}))
    assert "Izlaušanās istaba: privātums" in latvian
    assert "vr-lab.example" not in client.get("/my/competences").get_data(as_text=True)


def test_the_course_page_names_the_competences_it_develops(client, courses):
    response = client.get("/courses/first-steps")
    assert "digcomp:4.2@2" not in response.get_data(as_text=True)
    assert "Protecting personal data and privacy Foundation (2)" in text_of(response)
    latvian = text_of(client.get("/courses/first-steps", headers={"Accept-Language": "lv"}))
    assert "Personas datu un privātuma aizsardzība Pamata (2)" in latvian
