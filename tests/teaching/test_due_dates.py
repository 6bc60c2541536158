"""Due dates: a teacher dates assigned work, learners see what is due and what is late."""

import html
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.core.clock import utcnow
from lms.catalog import services as catalog
from lms.extensions import db
from lms.learning import services as learning
from lms.teaching import due_dates
from lms.teaching.models import ClassCourse, ClassItem, ClassMember, SchoolClass
from tests.learning.test_views import QueryCounter
from tests.teaching.conftest import add_pupil


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def local(moment: datetime) -> str:
    """What a datetime-local field sends for a stored (UTC) moment, in Riga time."""
    with_zone = moment.replace(tzinfo=__import__("datetime").timezone.utc).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Riga"))
    return with_zone.strftime("%Y-%m-%dT%H:%M")


def course_id(app, slug="first-steps"):
    with app.app_context():
        return catalog.get_course(slug).id


def item_id(app, slug, course="first-steps"):
    with app.app_context():
        return catalog.find_item(catalog.get_course(course), slug).id


def test_a_teacher_assigns_a_course_with_a_due_date_in_riga_time(app, client, classroom, as_teacher, as_pupil):
    """The teacher types 14 March 18:00; it is kept as 16:00 UTC and shown as 18:00 to everyone."""
    as_teacher()
    response = client.post(f"{classroom.url}/courses", data={
        "course": str(course_id(app)), "due_at": "2030-03-14T18:00", "opens_at": "2030-03-01T08:00"})
    assert response.status_code == 302
    with app.app_context():
        assignment = db.session.scalar(sa.select(ClassCourse))
        assert assignment.due_at == datetime(2030, 3, 14, 16, 0) and assignment.opens_at == datetime(2030, 3, 1, 6, 0)
        assert assignment.close_at_due is False
    page = text_of(client.get(classroom.url))
    assert "First steps online (the whole course) 3/1/30, 8:00 AM 3/14/30, 6:00 PM stays open" in page
    as_pupil()
    dashboard = text_of(client.get("/my"))
    assert "What is due" in dashboard and "First steps online (the whole course)" in dashboard
    assert "Not open yet opens 3/1/30, 8:00 AM, due 3/14/30, 6:00 PM" in dashboard


def test_a_due_date_before_the_opening_date_is_refused_and_nothing_is_assigned(app, client, classroom, as_teacher):
    as_teacher()
    response = client.post(f"{classroom.url}/courses", data={
        "course": str(course_id(app)), "opens_at": "2030-03-14T18:00", "due_at": "2030-03-10T18:00"})
    assert response.status_code == 400
    assert "The due date is before the opening date: choose a due date after 3/14/30, 6:00 PM." in text_of(response)
    response = client.post(f"{classroom.url}/courses", data={"course": str(course_id(app)), "close_at_due": "y"})
    assert response.status_code == 400
    assert "Hand-in can close only at a due date" in text_of(response)
    response = client.post(f"{classroom.url}/courses", data={"course": str(course_id(app)), "due_at": "next friday"})
    assert response.status_code == 400
    assert "Enter a date and a time, such as 2026-03-14 18:00." in text_of(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassCourse)) == 0


def test_the_teacher_edits_and_removes_a_due_date(app, client, classroom, as_teacher):
    as_teacher()
    cid = course_id(app)
    client.post(f"{classroom.url}/courses", data={"course": str(cid), "due_at": "2030-03-14T18:00"})
    form = client.get(f"{classroom.url}/courses/{cid}/dates").get_data(as_text=True)
    assert 'value="2030-03-14T18:00"' in form
    refused = client.post(f"{classroom.url}/courses/{cid}/dates", data={
        "opens_at": "2030-04-01T08:00", "due_at": "2030-03-20T18:00"})
    assert refused.status_code == 400 and "The due date is before the opening date" in text_of(refused)
    assert client.post(f"{classroom.url}/courses/{cid}/dates", data={
        "due_at": "2030-03-20T09:30", "close_at_due": "y"}).status_code == 302
    with app.app_context():
        assignment = db.session.scalar(sa.select(ClassCourse))
        assert (assignment.opens_at, assignment.due_at, assignment.close_at_due) == (
            None, datetime(2030, 3, 20, 7, 30), True)
    assert "3/20/30, 9:30 AM closes" in text_of(client.get(classroom.url))
    client.post(f"{classroom.url}/courses/{cid}/dates", data={"clear": "1"})
    with app.app_context():
        assignment = db.session.scalar(sa.select(ClassCourse))
        assert (assignment.opens_at, assignment.due_at, assignment.close_at_due) == (None, None, False)


def test_a_single_item_is_assigned_with_its_own_date_and_the_pupils_are_enrolled(app, client, classroom, as_teacher,
                                                                                  as_pupil):
    as_teacher()
    quiz = item_id(app, "basics-check")
    response = client.post(f"{classroom.url}/items", data={"single-item": str(quiz), "single-due_at": "2030-05-02T12:00"})
    assert response.status_code == 302
    page = text_of(client.get(classroom.url))
    assert "Basics check (First steps online) — 5/2/30, 12:00 PM stays open" in page
    with app.app_context():
        pupil = accounts.find_by_login("kid1")
        assert learning.active_enrollment(pupil, catalog.get_course("first-steps")) is not None
    as_pupil()
    dashboard = text_of(client.get("/my"))
    assert "Basics check First steps online Due 5/2/30, 12:00 PM Robotics club" in dashboard
    # A pupil who joins later is enrolled in the item's course too.
    add_pupil(app, classroom.class_id, "kid2", name="Berta")
    with app.app_context():
        assert learning.active_enrollment(accounts.find_by_login("kid2"), catalog.get_course("first-steps"))


def test_late_work_is_marked_late_in_words_and_done_work_leaves_the_list(app, client, classroom, as_pupil):
    """Past its due date and not done: "Late"; done: gone from My learning, "Done late" on the class page."""
    with app.app_context():
        school_class = db.session.get(SchoolClass, classroom.class_id)
        course = catalog.get_course("first-steps")
        from lms.teaching import services
        services.assign_item(school_class, catalog.find_item(course, "welcome"), due_at=utcnow() - timedelta(days=2))
        services.assign_item(school_class, catalog.find_item(course, "safe-passwords"),
                             due_at=utcnow() + timedelta(days=3))
        db.session.commit()
    as_pupil()
    dashboard = text_of(client.get("/my"))
    assert re.search(r"Welcome First steps online Late was due \S+, \S+ [AP]M Robotics club", dashboard)
    assert dashboard.index("Welcome") < dashboard.index("Safe passwords")  # soonest due first
    assert 'class="due-status due-late"' in client.get("/my").get_data(as_text=True)
    client.post("/courses/first-steps/learn/welcome/done")
    dashboard = text_of(client.get("/my"))
    assert "Welcome First steps online" not in dashboard and "Safe passwords" in dashboard
    class_page = text_of(client.get(f"/my/classes/{classroom.class_id}"))
    assert "Welcome First steps online Done late" in class_page and "Safe passwords" in class_page


def test_another_teacher_cannot_see_or_change_a_classes_dates(app, client, classroom, as_teacher, make_user):
    as_teacher()
    cid = course_id(app)
    client.post(f"{classroom.url}/courses", data={"course": str(cid), "due_at": "2030-03-14T18:00"})
    other = make_user("other-teacher", audience="teacher", roles=("learner", "teacher"))
    as_teacher(other)
    assert client.get(f"{classroom.url}/courses/{cid}/dates").status_code == 404
    assert client.post(f"{classroom.url}/courses/{cid}/dates", data={"clear": "1"}).status_code == 404
    assert client.post(f"{classroom.url}/items", data={"single-item": str(item_id(app, "welcome"))}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(ClassCourse.due_at)) == datetime(2030, 3, 14, 16, 0)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassItem)) == 0


def test_learners_see_only_their_own_classes_due_dates(app, client, classroom, make_user, as_pupil):
    with app.app_context():
        from lms.teaching import services
        owner = make_user("other-teacher", audience="teacher", roles=("learner", "teacher"))
        elsewhere = services.create_class(owner, "Chess club")
        services.assign_course(elsewhere, catalog.get_course("first-steps"), due_at=utcnow() + timedelta(days=1))
        db.session.commit()
        other_id = elsewhere.id
    as_pupil()
    assert "Chess club" not in client.get("/my").get_data(as_text=True)
    assert client.get(f"/my/classes/{other_id}").status_code == 404


# The window service that the gradebook and reviewed tasks ask -----------------------------------

def test_an_items_own_date_overrides_its_courses_and_several_classes_give_the_most_lenient(app, classroom,
                                                                                        make_user):
    from lms.teaching import services

    with app.app_context():
        course = catalog.get_course("first-steps")
        welcome, quiz = catalog.find_item(course, "welcome"), catalog.find_item(course, "basics-check")
        first = db.session.get(SchoolClass, classroom.class_id)
        services.assign_course(first, course, due_at=datetime(2030, 3, 1, 10), close_at_due=True)
        services.assign_item(first, quiz, opens_at=datetime(2030, 2, 1), due_at=datetime(2030, 2, 20),
                             close_at_due=True)
        pupil = accounts.find_by_login("kid1")
        assert due_dates.window_for(pupil, welcome) == due_dates.Window(None, datetime(2030, 3, 1, 10), True)
        assert due_dates.window_for(pupil, quiz) == due_dates.Window(datetime(2030, 2, 1), datetime(2030, 2, 20), True)
        owner = make_user("other-teacher", audience="teacher", roles=("learner", "teacher"))
        second = services.create_class(owner, "Chess club")
        db.session.add(ClassMember(class_id=second.id, user_id=pupil.id))
        services.assign_item(second, quiz, due_at=datetime(2030, 2, 25))
        db.session.flush()
        # The later due date, no opening date, and open: one class leaves hand-in open.
        assert due_dates.window_for(pupil, quiz) == due_dates.Window(None, datetime(2030, 2, 25), False)
        assert due_dates.class_windows(first, [welcome, quiz]) == {
            welcome.id: due_dates.Window(None, datetime(2030, 3, 1, 10), True),
            quiz.id: due_dates.Window(datetime(2030, 2, 1), datetime(2030, 2, 20), True)}
        outsider = make_user("outsider")
        assert due_dates.window_for(outsider, quiz) is None
        assert due_dates.hand_in_problem(outsider, quiz, now=datetime(2031, 1, 1)) is None


def test_is_late_means_not_done_by_the_due_date():
    window = due_dates.Window(None, datetime(2030, 3, 1, 10))
    assert not due_dates.is_late(window, datetime(2030, 3, 1, 9), now=datetime(2030, 3, 5))
    assert due_dates.is_late(window, datetime(2030, 3, 1, 11), now=datetime(2030, 3, 5))
    assert due_dates.is_late(window, None, now=datetime(2030, 3, 1, 10, 1))
    assert not due_dates.is_late(window, None, now=datetime(2030, 3, 1, 9))
    assert not due_dates.is_late(due_dates.Window(), None) and not due_dates.is_late(None, None)


def test_windows_for_many_learners_and_items_take_three_queries(app, classroom):
    from lms.teaching import services

    for number in range(2, 12):
        add_pupil(app, classroom.class_id, f"kid{number}")
    with app.app_context():
        course = catalog.get_course("first-steps")
        school_class = db.session.get(SchoolClass, classroom.class_id)
        services.assign_course(school_class, course, due_at=datetime(2030, 3, 1))
        services.assign_item(school_class, catalog.find_item(course, "basics-check"), due_at=datetime(2030, 2, 1))
        db.session.commit()
        learners = list(db.session.scalars(sa.select(ClassMember.user_id)))
        items = catalog.live_items(course)
        with QueryCounter(db.engine) as counter:
            windows = due_dates.windows_for(learners, items)
        assert counter.count == 3
        assert len(windows) == len(learners) * len(items)


# Quizzes honour the class's dates -----------------------------------------------------------------

def set_quiz_dates(app, classroom, **dates):
    from lms.teaching import services

    with app.app_context():
        quiz = catalog.find_item(catalog.get_course("first-steps"), "basics-check")
        services.assign_item(db.session.get(SchoolClass, classroom.class_id), quiz, **dates)
        db.session.commit()


def test_a_quiz_cannot_be_started_or_submitted_after_a_due_date_that_closes_hand_in(app, client, classroom, as_pupil):
    from tests.conftest import ALL_CORRECT

    set_quiz_dates(app, classroom, due_at=utcnow() + timedelta(hours=1), close_at_due=True)
    as_pupil()
    assert client.post("/courses/first-steps/learn/basics-check/attempts").status_code == 302
    set_quiz_dates(app, classroom, due_at=utcnow() - timedelta(minutes=1), close_at_due=True)
    response = client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT,
                           follow_redirects=True)
    assert "Hand-in closed at the due date" in text_of(response)
    with app.app_context():
        attempt = learning.get_attempt(
            learning.enrollment_for(accounts.find_by_login("kid1"), catalog.get_course("first-steps")),
            catalog.find_item(catalog.get_course("first-steps"), "basics-check"), 1)
        assert attempt.submitted_at is None
    # Left open at the due date: late work is still taken, and marked late.
    set_quiz_dates(app, classroom, due_at=utcnow() - timedelta(minutes=1), close_at_due=False)
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    page = text_of(client.get(f"/my/classes/{classroom.class_id}"))
    assert "Basics check First steps online Done late" in page


def test_a_quiz_cannot_be_started_before_its_opening_date(app, client, classroom, as_pupil):
    set_quiz_dates(app, classroom, opens_at=utcnow() + timedelta(days=2), due_at=utcnow() + timedelta(days=9))
    as_pupil()
    page = text_of(client.get("/courses/first-steps/learn/basics-check"))
    assert "This opens on" in page and "Due on" in page and "Start the quiz" not in page
    response = client.post("/courses/first-steps/learn/basics-check/attempts", follow_redirects=True)
    assert "This opens on" in text_of(response)
    with app.app_context():
        enrollment = learning.enrollment_for(accounts.find_by_login("kid1"), catalog.get_course("first-steps"))
        assert learning.attempts(enrollment, catalog.find_item(catalog.get_course("first-steps"), "basics-check")) == []


# Speed -------------------------------------------------------------------------------------------

def test_the_dashboards_due_list_runs_as_many_queries_with_many_classes_and_items(app, client, classroom, as_pupil,
                                                                                 make_user):
    """My learning with one dated course and item costs the same queries as with five
    classes dating two courses and every item."""
    from lms.teaching import services

    as_pupil()
    with app.app_context():
        engine = db.engine
        school_class = db.session.get(SchoolClass, classroom.class_id)
        course = catalog.get_course("first-steps")
        services.assign_course(school_class, course, due_at=utcnow() + timedelta(days=1))
        services.assign_item(school_class, catalog.find_item(course, "welcome"), due_at=utcnow() + timedelta(days=2))
        db.session.commit()

    def queries():
        with QueryCounter(engine) as counter:
            assert client.get("/my").status_code == 200
        return counter.count

    queries()
    one = queries()
    with app.app_context():
        pupil = accounts.find_by_login("kid1")
        for number in range(4):
            owner = make_user(f"teacher-{number}", audience="teacher", roles=("learner", "teacher"))
            other = services.create_class(owner, f"Club {number}")
            db.session.add(ClassMember(class_id=other.id, user_id=pupil.id))
            db.session.flush()
            for slug in ("first-steps", "code-practice"):
                course = catalog.get_course(slug)
                services.assign_course(other, course, due_at=utcnow() + timedelta(days=number + 1))
                for item in catalog.live_items(course):
                    services.assign_item(other, item, due_at=utcnow() + timedelta(days=number, hours=2))
        db.session.commit()
    many = queries()
    assert "Club 3" in client.get("/my").get_data(as_text=True)
    assert one == many, f"{one} queries with one dated course, {many} with five classes"


def test_a_single_item_with_bad_input_is_refused_with_a_message_and_nothing_is_assigned(app, client, classroom,
                                                                                       as_teacher):
    as_teacher()
    quiz = item_id(app, "basics-check")
    for data, message in (
            ({"single-item": "999999"}, "Choose an item of a published course."),
            ({"single-item": "not a number"}, "Choose an item of a published course."),
            ({}, "Choose an item of a published course."),
            ({"single-item": str(quiz), "single-opens_at": "2030-05-02T12:00", "single-due_at": "2030-05-01T12:00"},
             "The due date is before the opening date"),
            ({"single-item": str(quiz), "single-due_at": "2030-02-30T12:00"}, "Enter a date and a time")):
        response = client.post(f"{classroom.url}/items", data=data)
        assert response.status_code == 400 and message in text_of(response), data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassItem)) == 0
