"""competence: teachers' self-assessed levels, kept apart from evidence

Revision ID: 0006_self_assessment
Revises: 0005_teaching
Create Date: 2026-11-23 09:08:45.366103

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_self_assessment'
down_revision = '0005_teaching'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('self_assessment',
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('assessed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competence.id'], name=op.f('fk_self_assessment_competence_id_competence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_key', 'competence_id', name=op.f('pk_self_assessment'))
    )



def downgrade():

    op.drop_table('self_assessment')

