"""SQL helpers that read the same on PostgreSQL and SQLite."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db


def insert_skipping_duplicates(table: sa.Table, *key: str):
    """``INSERT ... ON CONFLICT (key) DO NOTHING``: a row whose key is taken, even by a
    transaction running at the same time, is skipped instead of failing the statement."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(key))


def one_of(column, values) -> sa.ColumnElement[bool]:
    """``column IN (values)``. On PostgreSQL as ``column = ANY(array)``, one parameter
    however many values: with a hundred of them, half the time of an IN list that
    SQLAlchemy spells out and the server parses again."""
    values = list(values)
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
