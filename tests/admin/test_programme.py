"""Programme figures: counted from the records, and never about fewer than five people."""

import pytest

from lms.admin import services
from lms.catalog import services as catalog
from lms.learning import services as learning


def test_small_groups_are_suppressed_and_large_ones_shown(ctx, courses, make_user):
    course = catalog.get_course("first-steps")
    for number in range(6):
        learning.enrol(make_user(f"adult{number}"), course)
    for number in range(2):
        learning.enrol(make_user(f"kid{number}", audience="pupil"), course)
    tables = {str(table.title): table for table in services.figures()}
    audiences = {str(row[0]): row[1].shown for row in tables["Learners by audience"].rows}
    assert audiences == {"Adult learner": "6", "Teacher": "0", "Pupil": "<5"}
    per_course = {row[0]: (row[1].shown, row[2].shown) for row in tables["Enrolments and completions per course"].rows}
    assert per_course["First steps online"] == ("8", "0")
    outcomes = {str(row[0]): row[1].shown for row in tables["Programme outcomes"].rows}
    assert outcomes["Pupils engaged in after-school activities"] == "<5"


def test_the_page_and_its_csv(client, admin, login, courses, make_user):
    for number in range(5):
        make_user(f"adult{number}")
    make_user("lonely-teacher", audience="teacher")
    login(admin)
    page = client.get("/admin/programme", query_string={"from": "2020-01-01", "to": "not a date"})
    assert page.status_code == 200 and "Learners by audience" in page.get_data(as_text=True)
    assert '<svg' in page.get_data(as_text=True)
    exported = client.get("/admin/programme", query_string={"format": "csv"})
    assert exported.mimetype == "text/csv" and "Learners by audience" in exported.get_data(as_text=True)
    assert "Teacher,<5" in exported.get_data(as_text=True)  # one teacher: suppressed


def test_figures_link_down_to_the_records_they_count(app, client, admin, login, courses, make_user):
    for number in range(5):
        make_user(f"adult{number}")
    login(admin)
    from lms.accounts import services as accounts
    from lms.extensions import db

    with app.app_context():
        for number in range(5):
            learning.enrol(accounts.find_by_login(f"adult{number}"), catalog.get_course("first-steps"))
        db.session.commit()
    page = client.get("/admin/programme").get_data(as_text=True)
    assert 'href="/admin/users?audience=adult&amp;status=active"' in page
    assert 'href="/admin/programme/records?figure=enrolments&amp;course=first-steps"' in page
    records = client.get("/admin/programme/records", query_string={"figure": "enrolments", "course": "first-steps"}).get_data(as_text=True)
    assert all(f">adult{number}<" in records for number in range(5))
    assert client.get("/admin/programme/records").status_code == 404


def _slow_active_per_week(statements, zone, start, end):
    """The obvious computation: every statement's local ISO week, a set of actors per week."""
    from datetime import timezone

    weeks = {}
    for actor_key, moment in statements:
        local = moment.replace(tzinfo=timezone.utc).astimezone(zone)
        if start <= local.date() <= end:
            year, week, _ = local.isocalendar()
            weeks.setdefault(f"{year}-W{week:02d}", set()).add(actor_key)
    return sorted((week, len(actors)) for week, actors in weeks.items())


def _record_at_random_times(make_user, count, first, days, seed):
    """``count`` statements by a few learners at random minutes over ``days`` days, plus
    times right at local week and summer-time edges; returns (actor key, UTC time) pairs."""
    import random
    import uuid
    from datetime import datetime, timedelta

    from lms.xapi import services as xapi

    rng = random.Random(seed)
    users = [make_user(f"learner{n}") for n in range(7)]
    edges = [datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 3, 29, 21, 59, 59),
             datetime(2026, 3, 29, 22, 0), datetime(2026, 3, 29, 21, 0), datetime(2026, 10, 25, 0, 59),
             datetime(2026, 10, 25, 1, 0), datetime(2026, 10, 25, 21, 59), datetime(2026, 10, 25, 22, 0),
             datetime(2026, 1, 4, 21, 59, 59, 999000), datetime(2026, 1, 4, 22, 0), datetime(2026, 12, 27, 22, 0),
             datetime(2025, 12, 28, 21, 59), datetime(2025, 12, 28, 22, 0)]
    moments = edges + [first + timedelta(minutes=rng.randrange(days * 1440)) for _ in range(count)]
    recorded, batch = [], []
    for number, moment in enumerate(moments):
        user = rng.choice(users)
        actor = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(user.public_id)}}
        batch.append({"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                      "object": {"id": f"https://example.org/activity/{number % 5}"},
                      "timestamp": moment.isoformat(timespec="milliseconds") + "Z"})
        recorded.append((xapi.account_key(user.public_id), moment))
    # Someone who is not a platform account does not count as a learner.
    batch.append({"actor": {"mbox": "mailto:visitor@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                  "object": {"id": "https://example.org/activity/1"}, "timestamp": "2026-06-01T10:00:00Z"})
    xapi.record(batch)
    return recorded


def test_active_learners_per_week_match_an_obvious_count_in_the_page_time_zone(ctx, make_user):
    """Each week's active learners are the people who did something that Monday-to-Sunday
    in Riga time, also around the summer-time changes and the year's first week."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    recorded = _record_at_random_times(make_user, 400, datetime(2025, 12, 20), 380, seed=6)
    for start, end in ((date(2025, 12, 22), date(2027, 1, 3)), (date(2026, 3, 24), date(2026, 3, 30)),
                       (date(2026, 10, 20), date(2026, 11, 9)), (date(2026, 1, 5), date(2026, 1, 5))):
        expected = _slow_active_per_week(recorded, ZoneInfo("Europe/Riga"), start, end)
        assert services.active_per_week(start, end) == expected, (start, end)
    assert len(services.active_per_week(date(2025, 12, 22), date(2027, 1, 3))) >= 50


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kathmandu", "UTC"])
def test_active_learners_per_week_follow_the_configured_time_zone(make_app, make_user, zone):
    """With another LMS_TIMEZONE, weeks start at Monday midnight there (Kathmandu is 5:45 ahead)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    app = make_app(BABEL_DEFAULT_TIMEZONE=zone)
    with app.test_request_context():
        recorded = _record_at_random_times(make_user, 250, datetime(2026, 2, 20), 300, seed=len(zone))
        start, end = date(2026, 2, 23), date(2026, 11, 29)
        assert services.active_per_week(start, end) == _slow_active_per_week(recorded, ZoneInfo(zone), start, end)


def test_a_voided_statement_does_not_make_anyone_active(ctx, make_user):
    """A statement that was voided never happened, so that week shows nobody."""
    import uuid
    from datetime import date

    from lms.xapi import services as xapi

    user = make_user("ann")
    statement_id = str(uuid.uuid4())
    xapi.record([{"id": statement_id, "actor": {"account": {"homePage": "http://127.0.0.1:5000", "name": str(user.public_id)}},
                  "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}, "object": {"id": "https://example.org/a"},
                  "timestamp": "2026-05-06T10:00:00Z"}])
    assert services.active_per_week(date(2026, 5, 1), date(2026, 5, 31)) == [("2026-W19", 1)]
    xapi.record([{"actor": {"mbox": "mailto:admin@example.org"}, "verb": {"id": xapi.VOIDED},
                  "object": {"objectType": "StatementRef", "id": statement_id}}])
    assert services.active_per_week(date(2026, 5, 1), date(2026, 5, 31)) == []
    # Voiding it once more changes nothing, even when she was active again that day.
    xapi.record([{"actor": {"account": {"homePage": "http://127.0.0.1:5000", "name": str(user.public_id)}},
                  "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}, "object": {"id": "https://example.org/b"},
                  "timestamp": "2026-05-06T11:00:00Z"}])
    xapi.record([{"actor": {"mbox": "mailto:admin@example.org"}, "verb": {"id": xapi.VOIDED},
                  "object": {"objectType": "StatementRef", "id": statement_id}}])
    assert services.active_per_week(date(2026, 5, 1), date(2026, 5, 31)) == [("2026-W19", 1)]


def _finish_first_steps(user):
    """Through the real services: enrol, both lessons done, the quiz passed (the course is complete)."""
    from werkzeug.datastructures import MultiDict

    from tests.conftest import ALL_CORRECT

    course = catalog.get_course("first-steps")
    enrollment = learning.enrol(user, course)
    for slug in ("welcome", "safe-passwords"):
        learning.mark_done(enrollment, catalog.find_item(course, slug))
    quiz = catalog.find_item(course, "basics-check")
    learning.submit_attempt(enrollment, learning.start_attempt(enrollment, quiz), MultiDict(ALL_CORRECT).to_dict(flat=False))
    return enrollment


@pytest.fixture
def programme(app, courses):
    """Five adults who finished first steps (a retraining course), five pupils who opened a
    lesson, and two teachers who enrolled: every figure but the teachers' is about 5+ people."""
    from lms.extensions import db
    from tests.factories import make_user

    with app.test_request_context():
        for number in range(5):
            _finish_first_steps(make_user(f"adult{number}"))
            pupil = make_user(f"kid{number}", audience="pupil")
            enrollment = learning.enrol(pupil, catalog.get_course("first-steps"))
            learning.open_item(enrollment, catalog.find_item(catalog.get_course("first-steps"), "welcome"))
        for number in range(2):
            learning.enrol(make_user(f"teacher{number}", audience="teacher"), catalog.get_course("first-steps"))
        db.session.commit()


def _links(page):
    import re

    return sorted(set(re.findall(r'href="(/admin/programme/records\?[^"]+)"', page)))


def test_every_figure_links_down_to_the_people_it_counts(client, admin, login, programme):
    """Weeks, months, courses, outcomes and competence areas each open the records they count."""
    import html

    login(admin)
    page = client.get("/admin/programme").get_data(as_text=True)
    links = [html.unescape(link) for link in _links(page)]
    figures = {link.split("figure=")[1].split("&")[0] for link in links}
    assert figures == {"week", "month", "enrolments", "retrained", "pupils", "area"}
    adults = {f">adult{n}<" for n in range(5)}
    kids = {f">kid{n}<" for n in range(5)}
    for link in links:
        records = client.get(link)
        assert records.status_code == 200, link
        text = records.get_data(as_text=True)
        if "figure=retrained" in link or "completed=1" in link:
            assert all(name in text for name in adults) and not any(name in text for name in kids), link
        elif "figure=pupils" in link:
            assert all(name in text for name in kids) and not any(name in text for name in adults), link
        elif "figure=area" in link:
            assert all(name in text for name in adults) and "/xapi/activities/" in text and "first-steps/" in text, link
        else:  # enrolled or active: adults and pupils, not the two teachers of the enrolments' month
            assert all(name in text for name in adults | kids), link


def test_a_suppressed_figure_has_no_link_and_its_records_are_refused(client, admin, login, courses, make_user, app):
    """Two active pupils show as <5 with no link, and the drill-down URL names no one."""
    from lms.extensions import db

    with app.test_request_context():
        from tests.factories import make_user as factory

        for number in range(2):
            pupil = factory(f"kid{number}", audience="pupil")
            enrollment = learning.enrol(pupil, catalog.get_course("first-steps"))
            learning.open_item(enrollment, catalog.find_item(catalog.get_course("first-steps"), "welcome"))
        db.session.commit()
        week = services.active_per_week()[0][0]
    login(admin)
    page = client.get("/admin/programme").get_data(as_text=True)
    assert _links(page) == []
    for query in ({"figure": "pupils"}, {"figure": "week", "week": week},
                  {"figure": "enrolments", "course": "first-steps"}):
        refused = client.get("/admin/programme/records", query_string=query)
        text = refused.get_data(as_text=True)
        assert refused.status_code == 403 and "fewer than 5 people" in text and "kid0" not in text, query


def test_bad_drill_down_addresses_say_what_is_wrong(client, admin, login, courses):
    """A malformed week or month is a 400 naming the format; an unknown figure or area a 404."""
    login(admin)
    week = client.get("/admin/programme/records", query_string={"figure": "week", "week": "2026-53x"})
    assert week.status_code == 400 and "YYYY-Www" in week.get_data(as_text=True)
    month = client.get("/admin/programme/records", query_string={"figure": "month", "month": "March"})
    assert month.status_code == 400 and "YYYY-MM" in month.get_data(as_text=True)
    assert client.get("/admin/programme/records", query_string={"figure": "everything"}).status_code == 404
    area = client.get("/admin/programme/records", query_string={"figure": "area", "framework": "digcomp", "area": "99"})
    assert area.status_code == 404


def test_the_records_of_a_week_are_exactly_the_learners_it_counts(ctx, make_user):
    """Every week's drill-down lists as many learners as the figure shows, and the right ones."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    recorded = _record_at_random_times(make_user, 300, datetime(2026, 1, 1), 200, seed=11)
    start, end = date(2026, 1, 1), date(2026, 7, 31)
    zone = ZoneInfo("Europe/Riga")
    for week, count in services.active_per_week(start, end):
        learners = services.week_records(week, start, end)
        assert len(learners) == count
        expected = {key for key, moment in recorded
                    if _slow_active_per_week([(key, moment)], zone, start, end) == [(week, 1)]}
        assert {learner.actor_key for learner in learners} == expected
        assert all(learner.user is not None for learner in learners)


def test_statements_by_provider_count_what_each_credential_sent_and_link_to_it(app, client, admin, login):
    """Three statements from the VR lab show as 3 (statements, not people) and open the list of them."""
    from lms.extensions import db
    from lms.xapi import credentials, services as xapi

    with app.test_request_context():
        lab, _ = credentials.issue("VR lab", ["statements/write"])
        credentials.issue("Science centre", ["statements/write"])  # sent nothing: not listed
        xapi.record([{"actor": {"mbox": f"mailto:visitor{n}@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                      "object": {"id": f"https://vr-lab.example/activities/{n}"}} for n in range(3)],
                    authority=credentials.authority(lab))
        db.session.commit()
        key = lab.key
    login(admin)
    page = client.get("/admin/programme").get_data(as_text=True)
    assert "Science centre" not in page
    link = f'href="/admin/programme/records?figure=statements&amp;provider={key}">3</a>'
    assert link in page
    listed = client.get("/admin/programme/records", query_string={"figure": "statements", "provider": key})
    assert listed.get_data(as_text=True).count("https://vr-lab.example/activities/") == 3


def test_the_records_of_a_competence_area_say_how_each_piece_of_evidence_was_obtained(client, admin, login, programme):
    """Each adult's safety level rests on the passed quiz (assessed); the lesson done at the same
    level is listed as participation that is not yet assessed; in English and Latvian."""
    import html
    import re

    login(admin)

    def text(**headers):
        page = client.get("/admin/programme/records", query_string={"figure": "area", "framework": "digcomp", "area": "4"},
                          headers=headers).get_data(as_text=True)
        return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(page)).split())

    english = text()
    assert english.count("Basics check (First steps online) ( http://127.0.0.1:5000/xapi/activities/quiz/first-steps/basics-check ), Assessed, ") == 5
    assert english.count("/lesson/first-steps/safe-passwords ), Participated (participated; not yet assessed) ,") == 5
    assert english.count("Protecting personal data and privacy: Foundation (2)") == 5
    latvian = text(**{"Accept-Language": "lv"})
    assert latvian.count(", Novērtējums, ") == 5 and latvian.count(", Dalība (dalība; vēl nav novērtēts) ,") == 5
