"""competence: who a role profile is for (its audiences), so readiness for a job or a
teacher role is shown only to the people the role fits

Revision ID: 0027_people15
Revises: 0012_grading_jobs
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0027_people15'
down_revision = "0013_course_translations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'audiences', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True))


def downgrade():
    with op.batch_alter_table('role_profile', schema=None) as batch_op:
        batch_op.drop_column('audiences')
