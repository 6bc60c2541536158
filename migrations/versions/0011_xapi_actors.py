"""xapi: every actor of a stored statement, written the first time it is seen, so that
the admin's list of external actors reads one row per actor instead of grouping every
statement (572 ms at a million statements); filled from the statements already stored

Revision ID: 0011_xapi_actors
Revises: 0010_lrs_ingest
Create Date: 2026-12-02 00:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_xapi_actors'
down_revision = '0010_lrs_ingest'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_actor',
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('first_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('actor_key', name=op.f('pk_xapi_actor'))
    )
    op.execute("INSERT INTO xapi_actor (actor_key, first_seq)"
               " SELECT actor_key, min(seq) FROM xapi_statement GROUP BY actor_key")


def downgrade():
    op.drop_table('xapi_actor')
