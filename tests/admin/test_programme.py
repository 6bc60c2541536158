"""Programme figures: counted from the records, and never about fewer than five people."""

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
