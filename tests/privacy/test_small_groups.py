"""No programme page, export or drill-down names or singles out a group of fewer than five."""

import re

import pytest

from lms.admin import services
from lms.catalog import services as catalog
from lms.extensions import db
from lms.learning import services as learning
from tests import factories
from tests.admin.test_programme import _finish_first_steps

COMMON = ["figure=enrolments&course=first-steps", "figure=month&month={month}", "figure=week&week={week}"]
DRILL_DOWNS = {
    # Adults who finished a retraining course: enrolled, completed, retrained, active, levelled.
    "adult": COMMON + ["figure=retrained", "figure=enrolments&course=first-steps&completed=1",
                       "figure=month&month={month}&completed=1", "figure=area&framework=digcomp&area=4"],
    # Pupils who opened a lesson: enrolled, active, engaged.
    "pupil": COMMON + ["figure=pupils"],
}


@pytest.mark.parametrize("kind", ["adult", "pupil"])
@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_every_figure_and_drill_down_keeps_a_group_of_one_to_four_unnamed(app, client, courses, size, kind):
    """Every people figure shows <5 with no link; every drill-down address is refused and names no one;
    the CSV shows <5 too."""
    with app.test_request_context():
        names = []
        for number in range(size):
            person = factories.make_user(f"{kind}-zz{number}", audience=kind, display_name=f"Person Zz{number}")
            if kind == "adult":
                _finish_first_steps(person)
            else:
                enrollment = learning.enrol(person, catalog.get_course("first-steps"))
                learning.open_item(enrollment, catalog.find_item(catalog.get_course("first-steps"), "welcome"))
            names += [f"{kind}-zz{number}", f"Person Zz{number}"]
        factories.make_user("admin", roles=("learner", "admin"))
        db.session.commit()
        tables = services.figures()
        week = services.active_per_week()[0][0]
        month = next(row[0] for table in tables for row in table.rows
                     if re.fullmatch(r"\d{4}-\d\d", str(row[0])))
        # Every figure about people but the active accounts per audience (which also count the admin).
        people = [cell for table in tables[1:] for row in table.rows for cell in row
                  if isinstance(cell, services.Figure) and cell.people and cell.value]
        assert people and all(cell.shown == "<5" for cell in people)
    client.post("/login", data={"login": "admin", "password": factories.PASSWORD})
    page = client.get("/admin/programme").get_data(as_text=True)
    assert "/admin/programme/records" not in page
    assert not any(name in page for name in names)
    csv = client.get("/admin/programme", query_string={"format": "csv"}).get_data(as_text=True)
    assert "<5" in csv and not any(name in csv for name in names)
    for query in DRILL_DOWNS[kind]:
        response = client.get("/admin/programme/records?" + query.format(week=week, month=month))
        text = response.get_data(as_text=True)
        assert response.status_code == 403, query
        assert "fewer than 5 people" in text and not any(name in text for name in names), query
