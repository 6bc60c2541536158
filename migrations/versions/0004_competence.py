"""competence: frameworks, competences, activity mappings, evidence, the per-learner
aggregate and role profiles

Revision ID: 0004_competence
Revises: 0003_lrs
Create Date: 2026-11-23 08:07:49.469726

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0004_competence'
down_revision = '0003_lrs'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('competence_framework',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_lv', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_framework')),
    sa.UniqueConstraint('slug', name=op.f('uq_competence_framework_slug'))
    )
    op.create_table('role_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_lv', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('requires', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_profile')),
    sa.UniqueConstraint('slug', name=op.f('uq_role_profile_slug'))
    )
    op.create_table('competence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('area_title', sa.String(length=200), nullable=False),
    sa.Column('area_title_lv', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_lv', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['competence_framework.id'], name=op.f('fk_competence_framework_id_competence_framework'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence')),
    sa.UniqueConstraint('framework_id', 'code', name=op.f('uq_competence_framework_id'))
    )
    op.create_table('activity_competence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.String(length=1024), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('min_score', sa.Double(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competence.id'], name=op.f('fk_activity_competence_competence_id_competence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_competence')),
    sa.UniqueConstraint('activity_id', 'competence_id', name=op.f('uq_activity_competence_activity_id'))
    )
    with op.batch_alter_table('activity_competence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_competence_activity_id'), ['activity_id'], unique=False)

    op.create_table('competence_evidence',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('statement_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity_id', sa.String(length=1024), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competence.id'], name=op.f('fk_competence_evidence_competence_id_competence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_seq'], ['xapi_statement.seq'], name=op.f('fk_competence_evidence_statement_seq_xapi_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_evidence'))
    )
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_competence_evidence_actor_competence', ['actor_key', 'competence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competence_evidence_statement_seq'), ['statement_seq'], unique=False)

    op.create_table('learner_competence',
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('evidence_count', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competence.id'], name=op.f('fk_learner_competence_competence_id_competence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_key', 'competence_id', name=op.f('pk_learner_competence'))
    )



def downgrade():

    op.drop_table('learner_competence')
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_evidence_statement_seq'))
        batch_op.drop_index('ix_competence_evidence_actor_competence')

    op.drop_table('competence_evidence')
    with op.batch_alter_table('activity_competence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_competence_activity_id'))

    op.drop_table('activity_competence')
    op.drop_table('competence')
    op.drop_table('role_profile')
    op.drop_table('competence_framework')

