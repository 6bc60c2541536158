"""The calendar feed: a learner's due dates behind a secret link their phone subscribes to."""

import hashlib
import re
from datetime import datetime

import icalendar
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.catalog import services as catalog
from lms.extensions import db
from lms.teaching import services
from lms.teaching.models import CalendarFeed, SchoolClass


def make_link(client) -> str:
    page = client.post("/my/calendar").get_data(as_text=True)
    return re.search(r'id="calendar-link" class="calendar-link" value="([^"]+)"', page).group(1)


def date_work(app, classroom, locale="en"):
    """The class's course and quiz dated; the pupil reads in ``locale`` (a feed has no
    browser to ask: it speaks the account's language, else the site's)."""
    with app.app_context():
        accounts.find_by_login("kid1").locale = locale
        school_class = db.session.get(SchoolClass, classroom.class_id)
        course = catalog.get_course("first-steps")
        services.assign_course(school_class, course, due_at=datetime(2030, 3, 14, 16, 0))
        services.assign_item(school_class, catalog.find_item(course, "basics-check"),
                             opens_at=datetime(2030, 2, 1, 6), due_at=datetime(2030, 7, 1, 9, 30), close_at_due=True)
        db.session.commit()


def test_a_phone_calendar_reads_the_due_dates_in_riga_time_with_stable_uids(app, client, classroom, as_pupil):
    date_work(app, classroom)
    as_pupil()
    link = make_link(client)
    assert link.startswith("http://127.0.0.1:5000/calendar/") and link.endswith(".ics")
    path = link.removeprefix("http://127.0.0.1:5000")
    client.post("/logout")  # a calendar app has no session
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Riga"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Due: First steps online", "Due: Basics check"}
    quiz = events["Due: Basics check"]
    start = quiz.decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Riga"
    assert start.replace(tzinfo=None) == datetime(2030, 7, 1, 12, 30)  # 09:30 UTC is 12:30 in Riga in summer
    assert quiz["URL"] == "http://127.0.0.1:5000/courses/first-steps/learn/basics-check"
    assert "Class: Robotics club" in quiz["DESCRIPTION"] and "Hand-in closes at the due date." in quiz["DESCRIPTION"]
    assert quiz.decoded("DTSTAMP").tzinfo is not None
    again = icalendar.Calendar.from_ical(client.get(path).data)
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(str(e["UID"]) for e in events.values())
    assert len({str(e["UID"]) for e in events.values()}) == 2


def test_renewing_the_link_ends_the_old_one_and_only_a_hash_is_stored(app, client, classroom, as_pupil):
    as_pupil()
    first = make_link(client).removeprefix("http://127.0.0.1:5000")
    assert client.get(first).status_code == 200
    second = make_link(client).removeprefix("http://127.0.0.1:5000")
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    token = second.removeprefix("/calendar/").removesuffix(".ics")
    with app.app_context():
        feed = db.session.scalar(sa.select(CalendarFeed))
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in feed.token_hash
    page = client.get("/my/calendar").get_data(as_text=True)
    assert token not in page and "You made a calendar link on" in page
    client.post("/my/calendar/stop")
    assert client.get(second).status_code == 404


def test_a_pupils_feed_and_its_link_say_nothing_about_who_they_are(app, client, classroom, as_pupil):
    date_work(app, classroom)
    as_pupil()
    link = make_link(client)
    with app.app_context():
        pupil = accounts.find_by_login("kid1")
        identities = [pupil.username, pupil.display_name, str(pupil.public_id), classroom.teacher.display_name,
                      classroom.teacher.username]
    # The address is a random token and nothing else.
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/calendar/[A-Za-z0-9_-]{43}\.ics", link)
    body = client.get(link.removeprefix("http://127.0.0.1:5000")).get_data(as_text=True)
    assert "Due: Basics check" in body
    for identity in identities:
        assert not re.search(rf"\b{re.escape(identity)}\b", body), identity


def test_a_feed_of_a_deactivated_account_or_an_unknown_token_is_not_found(app, client, classroom, as_pupil):
    as_pupil()
    path = make_link(client).removeprefix("http://127.0.0.1:5000")
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 500 + ".ics").status_code == 404
    with app.app_context():
        accounts.find_by_login("kid1").active = False
        db.session.commit()
    assert client.get(path).status_code == 404


def test_the_feed_is_in_the_learners_language(app, client, classroom, as_pupil):
    date_work(app, classroom, locale="lv")
    as_pupil()
    body = client.get(make_link(client).removeprefix("http://127.0.0.1:5000")).get_data(as_text=True)
    assert "SUMMARY:Termiņš: Basics check" in body
