"""Fuzzing the statements endpoint: no input is a 500, nothing is stored by halves, and
valid statements sent around the bad ones all survive."""

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.xapi.test_api import statement

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
# Statement-shaped objects with some fields swapped for arbitrary JSON.
statement_like = st.fixed_dictionaries({}, optional={
    "actor": json_values | st.just({"mbox": "mailto:a@example.org"}),
    "verb": json_values | st.just({"id": "http://adlnet.gov/expapi/verbs/experienced"}),
    "object": json_values | st.just({"id": "http://example.org/a"}),
    "result": json_values, "context": json_values, "timestamp": json_values, "id": json_values,
    "attachments": json_values,
})


def stored(app) -> int:
    import sqlalchemy as sa

    from lms.extensions import db
    from lms.xapi.models import Statement

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Statement))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.lists(statement_like | json_values, min_size=1, max_size=3))
def test_no_input_is_a_500_and_nothing_is_stored_by_halves(app, client, lab, bad):
    before = stored(app)
    batch = [statement(), *bad, statement()]
    response = client.post("/xapi/statements", data=json.dumps(batch), content_type="application/json", headers=lab)
    assert response.status_code in (200, 400, 409), response.get_data(as_text=True)
    after = stored(app)
    if response.status_code == 200:
        assert after == before + len(response.json)
    else:
        assert after == before
        assert response.json["error"]
    good = client.post("/xapi/statements", json=[statement(), statement()], headers=lab)
    assert good.status_code == 200 and stored(app) == after + 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["agent", "verb", "activity", "registration", "since", "until",
                                               "limit", "format", "ascending", "related_agents", "more",
                                               "statementId", "attachments"]), st.text(max_size=30), max_size=4))
def test_no_query_is_a_500(client, lab, params):
    response = client.get("/xapi/statements", query_string=params, headers=lab)
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)
