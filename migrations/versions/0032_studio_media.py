"""studio media and review: an admin names authors who may also review and publish
studio courses; the studio's "check" of an exercise is a grading job (kind 'check', for
no enrolment or course item)

Revision ID: 0032_studio_media
Revises: 0024_privacy
Create Date: 2026-12-05 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_studio_media'
down_revision = "0033_redundant_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('studio_author', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewer', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('grading_job', schema=None) as batch_op:
        batch_op.alter_column('enrollment_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('ck_grading_job_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN ('run', 'submit', 'check')")


def downgrade():
    op.execute("DELETE FROM grading_job WHERE kind = 'check'")
    with op.batch_alter_table('grading_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_grading_job_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN ('run', 'submit')")
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('enrollment_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('studio_author', schema=None) as batch_op:
        batch_op.drop_column('reviewer')
