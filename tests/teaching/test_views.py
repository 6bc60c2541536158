"""A teacher's class: create, share a code, pupils join, assign courses, look after pupils."""

import re
from datetime import date, timedelta

import pytest

from lms.accounts import services as accounts
from lms.content import services as content
from lms.extensions import db
from lms.teaching import services
from lms.teaching.models import SchoolClass
from tests.tasks.conftest import TASK_COURSES


def create_class(client, name="Robotics club"):
    response = client.post("/classes", data={"name": name, "group": "5. klase", "legal_basis": "school_activity",
                                             "basis_date": "2026-09-01"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="join-code">([A-Z0-9]{8})<', page).group(1)
    return response.headers["Location"], code


@pytest.fixture
def teacher_class(client, teacher, login, courses):
    login(teacher)
    url, code = create_class(client)
    return url, code


def join(client, code, username="kid1", name="Anna", password="pupil password"):
    return client.post("/join", data={"code": code, "display_name": name, "username": username,
                                      "password": password, "confirm": password})


def test_a_pupil_joins_with_the_code_and_gets_the_assigned_courses(app, client, teacher_class):
    url, code = teacher_class
    class_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        course_id = next(c.id for c in services.assignable_courses() if c.slug == "first-steps")
    client.post(f"/classes/{class_id}/courses", data={"course": str(course_id)})
    client.post("/logout")
    response = join(client, code.lower())
    assert response.status_code == 302
    dashboard = client.get("/my").get_data(as_text=True)
    assert "First steps online" in dashboard
    with app.app_context():
        pupil = accounts.find_by_login("kid1")
        assert pupil.audience == "pupil" and pupil.email is None and pupil.roles == {"learner"}


def test_wrong_closed_and_ended_codes_say_so(app, client, teacher_class):
    url, code = teacher_class
    class_id = int(url.rsplit("/", 1)[1])
    client.post("/logout")
    assert "No class has this code" in join(client, "WRONGCOD").get_data(as_text=True)
    with app.app_context():
        school_class = db.session.get(SchoolClass, class_id)
        school_class.joining_open = False
        db.session.commit()
    closed = join(client, code)
    assert closed.status_code == 400 and "closed for joining" in closed.get_data(as_text=True)
    with app.app_context():
        school_class = db.session.get(SchoolClass, class_id)
        school_class.joining_open, school_class.ends_on = True, date.today() - timedelta(days=1)
        db.session.commit()
    assert "has ended" in join(client, code).get_data(as_text=True)
    with app.app_context():
        assert accounts.find_by_login("kid1") is None


def test_a_taken_username_says_so_and_keeps_what_was_typed(client, teacher_class, make_user):
    _, code = teacher_class
    client.post("/logout")
    make_user("kid1", audience="pupil")
    page = join(client, code, name="Zane").get_data(as_text=True)
    assert "This username is taken" in page and 'value="Zane"' in page and "pupil password" not in page


def test_the_teacher_sees_progress_resets_a_password_and_removes_a_pupil(app, client, teacher, login, teacher_class):
    url, code = teacher_class
    client.post("/logout")
    join(client, code)
    client.post("/logout")
    login(teacher)
    page = client.get(url).get_data(as_text=True)
    assert "Anna" in page and "(kid1)" in page
    with app.app_context():
        public_id = accounts.find_by_login("kid1").public_id
    client.post(f"{url}/pupils/{public_id}/password", data={"password": "a new pupil pass"})
    client.post("/logout")
    assert client.post("/login", data={"login": "kid1", "password": "a new pupil pass"}).status_code == 302
    client.post("/logout")
    login(teacher)
    client.post(f"{url}/pupils/{public_id}/remove")
    assert "No pupil has joined yet." in client.get(url).get_data(as_text=True)


def test_a_teacher_cannot_open_another_teachers_class(client, teacher_class, make_user, login):
    url, _ = teacher_class
    client.post("/logout")
    other = make_user("other-teacher", audience="teacher", roles=("learner", "teacher"))
    login(other)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/joining", data={"open": "0"}).status_code == 404


def test_the_join_sheet_is_printable(client, teacher_class):
    url, code = teacher_class
    page = client.get(f"{url}/join-sheet").get_data(as_text=True)
    assert code in page and "/join" in page and "data-print" in page and "js/print.js" in page


def test_a_class_needs_a_name(client, teacher, login, courses):
    login(teacher)
    response = client.post("/classes", data={"name": ""})
    assert response.status_code == 400


def test_the_heat_map_and_csv_show_a_pupils_new_level_with_its_evidence(app, client, teacher, login, teacher_class):
    url, code = teacher_class
    class_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        course_id = next(c.id for c in services.assignable_courses() if c.slug == "first-steps")
    client.post(f"/classes/{class_id}/courses", data={"course": str(course_id)})
    before = client.get(url).get_data(as_text=True)
    assert "Competence heat map" not in before  # nobody has joined yet
    client.post("/logout")
    join(client, code, name="=Anna")  # a name a spreadsheet would run as a formula
    client.post("/courses/first-steps/learn/welcome/done")
    client.post("/logout")
    login(teacher)
    page = client.get(url).get_data(as_text=True)
    assert "Competence heat map" in page and "digcomp 2.1" not in page
    assert '<th scope="col" title="Interacting through digital technologies"><span aria-hidden="true">Interacting…</span>' \
           '<span class="visually-hidden">Interacting through digital technologies</span></th>' in page
    cell = re.search(r'href="(/classes/\d+/pupils/[^"]+/competences/\d+)"', page).group(1)
    evidence = client.get(cell).get_data(as_text=True)
    assert "Interacting through digital technologies" in evidence and "first-steps / welcome" not in evidence
    assert '<a href="/courses/first-steps/learn/welcome" lang="en">Welcome</a>' in evidence
    exported = client.get(f"{url}/export.csv").get_data(as_text=True).splitlines()
    assert exported[0].startswith("Username,Name,Progress: First steps online,Interacting through digital technologies")
    assert exported[1] == "kid1,'=Anna,33,1,"


def test_the_heat_map_shows_a_level_taken_part_in_as_not_yet_assessed_and_its_evidence_kind(
        app, client, teacher, login, teacher_class):
    """A pupil who did the level-2 lesson has no level 2: the cell says (2?) and the evidence
    says participated, not yet assessed; after the quiz the cell shows 2 from assessed evidence."""
    import html

    from tests.conftest import ALL_CORRECT

    url, code = teacher_class
    class_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        course_id = next(c.id for c in services.assignable_courses() if c.slug == "first-steps")
    client.post(f"/classes/{class_id}/courses", data={"course": str(course_id)})
    client.post("/logout")
    join(client, code)
    client.post("/courses/first-steps/learn/safe-passwords/done")  # digcomp:4.2@2
    client.post("/logout")
    login(teacher)
    page = html.unescape(client.get(url).get_data(as_text=True))
    cell = re.search(r'<td class="heat-0"><a href="(/classes/\d+/pupils/[^"]+/competences/\d+)" '
                     r'aria-label="Anna, Protecting personal data and privacy: no level yet; '
                     r'Foundation \(2\): participated; not yet assessed">· <small>\(2\?\)</small></a></td>', page)
    assert cell, page
    def text(path, **headers):
        return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(client.get(path, headers=headers).get_data(as_text=True))).split())

    assert "Foundation (2) · Participated (participated; not yet assessed)" in text(cell.group(1))
    assert client.get(f"{url}/export.csv").get_data(as_text=True).splitlines()[1] == "kid1,Anna,33,,"

    client.post("/logout")
    login(type("Pupil", (), {"username": "kid1"}), password="pupil password")
    client.post("/courses/first-steps/learn/basics-check/attempts")
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    client.post("/logout")
    login(teacher)
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "Anna, Protecting personal data and privacy: Foundation (2)\">2</a>" in page
    assert "Foundation (2) · Assessed · Basics check (First steps online)" in text(cell.group(1))
    latvian = text(cell.group(1), **{"Accept-Language": "lv"})
    assert "· Novērtējums ·" in latvian and "· Dalība (dalība; vēl nav novērtēts) ·" in latvian


def test_a_class_name_with_a_hidden_character_is_refused(app, client, teacher, login, courses):
    """A class called "Robotics\u202e" (text reversed after it) is refused with the field named."""
    login(teacher)
    response = client.post("/classes", data={"name": "Robotics\u202eclub", "group": "5. klase", "legal_basis": "adults"})
    assert response.status_code == 400
    assert "“Class name” contains an invisible or text-direction character (U+202E RIGHT-TO-LEFT OVERRIDE)." \
           in response.get_data(as_text=True)
    response = client.post("/classes", data={"name": "Robotics", "group": "5.\u200bklase", "legal_basis": "adults"})
    assert "“Year group or adult group” contains an invisible" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(SchoolClass).count() == 0


def test_a_pupil_cannot_join_with_a_hidden_character_in_the_name(app, client, teacher_class):
    url, code = teacher_class
    client.post("/logout")
    response = join(client, code, name="Anna\u200f")
    assert response.status_code == 400
    assert "“Display name” contains an invisible or text-direction character (U+200F RIGHT-TO-LEFT MARK)." \
           in response.get_data(as_text=True)
    assert "“Username” contains an invisible" in join(client, code, username="kid\u20601").get_data(as_text=True)
    with app.app_context():
        assert accounts.find_by_login("kid1") is None


def test_a_pupil_who_joined_with_a_code_shows_their_real_last_sign_in(app, client, teacher_class, admin, login):
    """Joining signs the pupil in: an admin sees that sign-in, not "never"."""
    url, code = teacher_class
    client.post("/logout")
    join(client, code)
    client.post("/logout")
    with app.app_context():
        from lms.accounts import services as accounts

        assert accounts.find_by_login("kid1").last_login_at is not None
    login(admin)
    users = client.get("/admin/users", query_string={"q": "kid1"}).get_data(as_text=True)
    row = users.split("kid1")[1].split("</tr>")[0]
    assert "never" not in row


def test_a_class_without_a_legal_basis_cannot_be_joined_until_the_teacher_records_one(app, client, teacher, login,
                                                                                      courses):
    """The join page says why; the teacher records the basis on the class page; then the pupil joins."""
    with app.app_context():
        from lms.accounts.services import find_by_login

        school_class = services.create_class(find_by_login("teacher"), "Old club")
        db.session.commit()
        class_id, code = school_class.id, school_class.join_code
    refused = join(client, code)
    assert refused.status_code == 400 and "has not written down why you may take part" in refused.get_data(as_text=True)
    login(teacher)
    page = client.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "Pupils cannot join until you record" in page
    missing = client.post(f"/classes/{class_id}/basis", data={"legal_basis": "guardian_consent"},
                          follow_redirects=True)
    assert "Enter the date the parents were informed" in missing.get_data(as_text=True)
    client.post(f"/classes/{class_id}/basis", data={"legal_basis": "guardian_consent", "basis_date": "2026-09-01"})
    page = client.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "consent forms were collected" in page
    client.post("/logout")
    assert join(client, code).status_code == 302


def test_the_join_page_tells_the_pupil_what_is_kept_and_who_sees_it_in_latvian(client):
    page = client.get("/join", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Ko mēs par tevi glabājam" in page and "Tavs skolotājs" in page


def test_the_single_item_list_names_a_task_as_a_task_in_latvian(app, client, teacher_class):
    """The 'Assign one part of a course' list says each item's kind in the page's language."""
    with app.app_context():
        content.import_courses(TASK_COURSES)
        db.session.commit()
    url, _ = teacher_class
    english = client.get(url).get_data(as_text=True)
    assert "Plan a flipped lesson (task)" in english
    latvian = client.get(url, headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Plan a flipped lesson (uzdevums)" in latvian and "(task)" not in latvian
