"""xapi: actors linked to learners

Revision ID: 0008_actor_links
Revises: 0007_exercises
Create Date: 2026-12-01 20:17:28.513129

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_actor_links'
down_revision = '0007_exercises'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_actor_link',
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('learner_key', sa.String(length=512), nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('actor_key', name=op.f('pk_xapi_actor_link'))
    )
    with op.batch_alter_table('xapi_actor_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_actor_link_learner_key'), ['learner_key'], unique=False)



def downgrade():
    with op.batch_alter_table('xapi_actor_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_actor_link_learner_key'))

    op.drop_table('xapi_actor_link')
