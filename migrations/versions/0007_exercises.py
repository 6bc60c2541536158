"""exercises: code exercise items, submissions and drafts

A course item may now be an exercise (its starter, solution and tests are kept in
course_item.exercise); every graded submission is kept; the learner's latest code is kept
as a draft.

Revision ID: 0007_exercises
Revises: 0006_self_assessment
Create Date: 2026-12-01 20:03:01.660707

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0007_exercises'
down_revision = '0006_self_assessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exercise_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_exercise_draft_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_exercise_draft_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_draft')),
    sa.UniqueConstraint('enrollment_id', 'item_id', name=op.f('uq_exercise_draft_enrollment_id'))
    )
    with op.batch_alter_table('exercise_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_draft_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exercise_draft_item_id'), ['item_id'], unique=False)

    op.create_table('exercise_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('results', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('logs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('column', sa.Integer(), nullable=True),
    sa.Column('passed_count', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('duration_ms', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_exercise_submission_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_exercise_submission_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_submission')),
    sa.UniqueConstraint('enrollment_id', 'item_id', 'number', name=op.f('uq_exercise_submission_enrollment_id'))
    )
    with op.batch_alter_table('exercise_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_submission_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exercise_submission_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exercise', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.drop_constraint(op.f('ck_course_item_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_item_kind'), "kind IN ('lesson', 'quiz', 'exercise')")



def downgrade():
    op.execute("DELETE FROM course_item WHERE kind = 'exercise'")
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_item_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_item_kind'), "kind IN ('lesson', 'quiz')")
        batch_op.drop_column('exercise')

    with op.batch_alter_table('exercise_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_submission_item_id'))
        batch_op.drop_index(batch_op.f('ix_exercise_submission_enrollment_id'))

    op.drop_table('exercise_submission')
    with op.batch_alter_table('exercise_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_draft_item_id'))
        batch_op.drop_index(batch_op.f('ix_exercise_draft_enrollment_id'))

    op.drop_table('exercise_draft')
