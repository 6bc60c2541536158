"""The SQL helpers mean the same on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa

from lms.core.sql import one_of
from lms.extensions import db
from lms.xapi.models import ActivityDefinition


@pytest.mark.parametrize("wanted, found", [
    ([], []), (["https://a.example/1"], ["https://a.example/1"]),
    ({"https://a.example/1", "https://a.example/3", "https://a.example/9"}, ["https://a.example/1", "https://a.example/3"]),
])
def test_one_of_is_an_in_list(ctx, wanted, found):
    db.session.add_all([ActivityDefinition(activity_id=f"https://a.example/{n}", definition={}) for n in (1, 2, 3)])
    db.session.flush()
    column = ActivityDefinition.activity_id
    assert db.session.scalars(sa.select(column).where(one_of(column, wanted)).order_by(column)).all() == found
