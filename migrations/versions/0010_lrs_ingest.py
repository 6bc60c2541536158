"""xapi: cheaper ingestion. The agent and activity index rows lose their foreign keys
(the one door writes them in the statement that stores their statement, and removes
them with it), and no longer repeat a statement's actor and object activity, which
the statement's own indexed columns hold; registration and StatementRef targets get
partial indexes, which the many statements without them do not pay for.

Revision ID: 0010_lrs_ingest
Revises: 0009_figures_self_assessment
Create Date: 2026-12-01 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_lrs_ingest'
down_revision = '0009_figures_self_assessment'
branch_labels = None
depends_on = None

PARTIAL = ("registration", "ref_target")


# (index table, its key column, the statement's column that holds the same key)
OWN_COLUMNS = (("xapi_statement_agent", "agent_key", "actor_key"),
               ("xapi_statement_activity", "activity_id", "activity_id"))


def upgrade():
    for table in ("xapi_statement_agent", "xapi_statement_activity"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_seq_xapi_statement", type_="foreignkey")
    for table, key, own in OWN_COLUMNS:
        op.execute(f"DELETE FROM {table} WHERE direct AND EXISTS (SELECT 1 FROM xapi_statement s"
                   f" WHERE s.seq = {table}.seq AND s.{own} = {table}.{key})")
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.drop_index(f"ix_xapi_statement_{column}")
            where = sa.text(f"{column} IS NOT NULL")
            batch_op.create_index(f"ix_xapi_statement_{column}", [column], unique=False,
                                  postgresql_where=where, sqlite_where=where)


def downgrade():
    with op.batch_alter_table("xapi_statement", schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.drop_index(f"ix_xapi_statement_{column}")
            batch_op.create_index(f"ix_xapi_statement_{column}", [column], unique=False)
    for table, key, own in OWN_COLUMNS:
        op.execute(f"INSERT INTO {table} (seq, {key}, direct) SELECT s.seq, s.{own}, true FROM xapi_statement s"
                   f" WHERE s.{own} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} i"
                   f" WHERE i.seq = s.seq AND i.{key} = s.{own} AND i.direct)")
    for table in ("xapi_statement_agent", "xapi_statement_activity"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(f"fk_{table}_seq_xapi_statement", "xapi_statement", ["seq"], ["seq"],
                                        ondelete="CASCADE")
