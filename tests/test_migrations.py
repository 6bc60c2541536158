"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from lms.extensions import db
from tests.conftest import drop_everything


def test_models_and_migrations_agree(make_app):
    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "run `flask db migrate` and tidy the new revision"


def test_migrations_downgrade_to_nothing_and_up_again(make_app):
    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert {"user_account", "user_role"} <= set(sa.inspect(db.engine).get_table_names())


def test_flask_lms_init_is_idempotent(make_app):
    app = make_app(schema=False)
    with app.app_context():
        drop_everything(db.engine)
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["lms", "init"])
        assert result.exit_code == 0, result.output
        assert "Database is up to date." in result.output
