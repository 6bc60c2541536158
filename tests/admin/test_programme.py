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
    assert 'href="/admin/programme/records?course=first-steps"' in page
    records = client.get("/admin/programme/records", query_string={"course": "first-steps"}).get_data(as_text=True)
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
