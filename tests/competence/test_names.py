"""Competences, areas, levels, frameworks and roles have their Latvian names, and every
page shows the names in the page's language."""

import shutil

import pytest
import yaml

from lms.competence import services
from lms.competence.services import FRAMEWORKS_DIR
from lms.extensions import db
from lms.learning import services as learning
from lms.catalog import services as catalog
from lms.teaching import services as teaching
from tests.conftest import FIXTURE_COURSES


def entries(data, where=""):
    """Every mapping in a framework file that has a title (or a text), with where it is."""
    if isinstance(data, dict):
        if "title" in data or "text" in data:
            yield where or "(file)", data
        for key, value in data.items():
            yield from entries(value, f"{where}.{key}" if where else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from entries(value, f"{where}[{index}]")


def test_every_shipped_framework_entry_has_a_latvian_title():
    """Frameworks, levels, areas, competences, roles and the self-assessment questionnaire."""
    missing = []
    for path in sorted(FRAMEWORKS_DIR.glob("*.yaml")):
        for where, entry in entries(yaml.safe_load(path.read_text(encoding="utf-8"))):
            field = "title" if "title" in entry else "text"
            if not str(entry.get(f"{field}_lv") or "").strip():
                missing.append(f"{path.name}: {where}: {entry[field]!r} has no {field}_lv")
    assert missing == []


def test_the_digcomp_areas_carry_their_names_from_the_latvian_edition():
    """DigComp 2.2's five areas as the Latvian translation (LIKTA, 2023) names them."""
    data = yaml.safe_load((FRAMEWORKS_DIR / "digcomp.yaml").read_text(encoding="utf-8"))
    assert [area["title_lv"] for area in data["areas"]] == [
        "Informācija un datu pratība", "Komunikācija un sadarbība", "Digitālais saturs un tā radīšana", "Drošība",
        "Problēmu risināšana"]


def test_a_framework_entry_without_a_latvian_title_is_refused_naming_it(ctx, tmp_path):
    """A level, an area, a competence or a role without ``title_lv`` stops the import."""
    for name in ("digcomp.yaml", "roles.yaml"):
        shutil.copy(FIXTURE_COURSES / "_frameworks" / name, tmp_path)
    framework = (tmp_path / "digcomp.yaml").read_text(encoding="utf-8")
    framework = framework.replace(", title_lv: Pamata (1)}", "}").replace("    title_lv: Drošība\n", "")
    framework = framework.replace(", title_lv: Personas datu un privātuma aizsardzība}", "}")
    (tmp_path / "digcomp.yaml").write_text(framework, encoding="utf-8")
    with pytest.raises(services.FrameworkError) as refused:
        services.import_frameworks(tmp_path)
    assert refused.value.problems == [
        "digcomp.yaml: levels[0]: title and title_lv are required",
        "digcomp.yaml: areas[1]: title and title_lv are required",
        "digcomp.yaml: areas[1].competences[0]: code, title and title_lv are required"]

    shutil.copy(FIXTURE_COURSES / "_frameworks" / "digcomp.yaml", tmp_path)
    roles = (tmp_path / "roles.yaml").read_text(encoding="utf-8").replace("    title_lv: Droša tiešsaistes pilsone\n", "")
    (tmp_path / "roles.yaml").write_text(roles, encoding="utf-8")
    with pytest.raises(services.FrameworkError) as refused:
        services.import_frameworks(tmp_path)
    assert refused.value.problems == ["roles.yaml: roles[0]: slug, title and title_lv are required"]


NAMES = {"lv": ["Mijiedarbība, izmantojot digitālās tehnoloģijas", "Komunikācija un sadarbība",
                "DigComp 2.2 (testa izvilkums)"],
         "en": ["Interacting through digital technologies", "Communication and collaboration",
                "DigComp 2.2 (test excerpt)"]}


@pytest.mark.parametrize("language", ["lv", "en"])
def test_teacher_and_admin_pages_name_competences_in_the_page_s_language(app, client, make_user, login, courses,
                                                                         language):
    """The class heat map, a pupil's evidence, mappings and programme figures: the page's
    language only, never the other one."""
    teacher = make_user("ms-ozola", audience="teacher", roles=("learner", "teacher"), locale=language)
    admin = make_user("chief", roles=("learner", "admin"), locale=language)
    with app.app_context():
        school_class = teaching.create_class(teacher, "Robotics club")
        course = catalog.get_course("first-steps")
        teaching.assign_course(school_class, course)
        pupil = teaching.join(school_class, username="anna-robo", display_name="Anna", password="pupil password")
        learning.mark_done(learning.enrollment_for(pupil, course), catalog.find_item(course, "welcome"))
        services.add_mapping("https://vr-lab.example/solar-system", "digcomp:2.1@2")
        competence_id = services.competence_for("digcomp", "2.1").id
        db.session.commit()
        class_id, pupil_id = school_class.id, pupil.public_id
    other = "en" if language == "lv" else "lv"

    login(teacher)
    pages = {"class page": client.get(f"/classes/{class_id}"),
             "pupil's evidence": client.get(f"/classes/{class_id}/pupils/{pupil_id}/competences/{competence_id}")}
    client.post("/logout")
    login(admin)
    pages["mappings"] = client.get("/admin/competences/mappings")
    pages["programme figures"] = client.get("/admin/programme")
    pages["programme figures as CSV"] = client.get("/admin/programme?format=csv")
    wanted = {"class page": NAMES[language][:1], "pupil's evidence": NAMES[language][:1],
              "mappings": NAMES[language][:1], "programme figures": NAMES[language][1:],
              "programme figures as CSV": NAMES[language][1:]}
    for name, response in pages.items():
        text = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert all(title in text for title in wanted[name]), f"{name}: {wanted[name]}"
        assert not any(title in text for title in NAMES[other]), f"{name} shows {other} names"
