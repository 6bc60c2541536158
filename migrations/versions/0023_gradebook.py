"""gradebook: a teacher's comments on a learner's work (a quiz attempt, a code submission
and its lines, a task hand-in), and who opened a learner's work from the gradebook

Revision ID: 0023_gradebook
Revises: 0012_grading_jobs
Create Date: 2026-12-04 19:08:43.077395

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_gradebook'
down_revision = "0027_people15"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('work_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_role', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('target_number', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('line_text', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("target IN ('attempt', 'submission', 'hand_in')", name=op.f('ck_work_feedback_target')),
    sa.CheckConstraint('line IS NULL OR line >= 1', name=op.f('ck_work_feedback_line')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_work_feedback_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_work_feedback_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_work_feedback_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_feedback'))
    )
    with op.batch_alter_table('work_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_feedback_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_work_feedback_enrollment_item', ['enrollment_id', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_feedback_item_id'), ['item_id'], unique=False)

    op.create_table('work_view',
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('viewer_role', sa.String(length=16), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_work_view_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_work_view_item_id_course_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user_account.id'], name=op.f('fk_work_view_viewer_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrollment_id', 'item_id', 'viewer_id', name=op.f('pk_work_view'))
    )
    with op.batch_alter_table('work_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_view_viewer_id'), ['viewer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('work_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_view_viewer_id'))

    op.drop_table('work_view')
    with op.batch_alter_table('work_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_feedback_item_id'))
        batch_op.drop_index('ix_work_feedback_enrollment_item')
        batch_op.drop_index(batch_op.f('ix_work_feedback_author_id'))

    op.drop_table('work_feedback')
