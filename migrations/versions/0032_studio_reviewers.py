"""studio reviewers: an admin names authors who may also review and publish studio courses

Revision ID: 0032_studio_reviewers
Revises: 0024_privacy
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_studio_reviewers'
down_revision = "0024_privacy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('studio_author', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewer', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('studio_author', schema=None) as batch_op:
        batch_op.drop_column('reviewer')
