"""tasks: a course item of kind task (instructions, what is handed in, a rubric), the
learner's working copy and hand-ins with their files (kept in the database), reviews,
who opened a hand-in, and the reviewers an admin assigns to a course

Revision ID: 0021_tasks
Revises: 0016_evidence_kinds
Create Date: 2026-12-20 00:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0021_tasks'
down_revision = "0014_platform_identity"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task', Json, nullable=True))
        batch_op.drop_constraint(op.f('ck_course_item_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_item_kind'), "kind IN ('lesson', 'quiz', 'exercise', 'task')")

    op.create_table('course_reviewer',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_reviewer_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_course_reviewer_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_course_reviewer'))
    )
    with op.batch_alter_table('course_reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_reviewer_user_id'), ['user_id'], unique=False)

    op.create_table('task_file_blob',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_file_blob'))
    )

    op.create_table('task_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_task_draft_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_task_draft_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_draft')),
    sa.UniqueConstraint('enrollment_id', 'item_id', name=op.f('uq_task_draft_enrollment_id'))
    )
    with op.batch_alter_table('task_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_draft_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_draft_item_id'), ['item_id'], unique=False)

    op.create_table('task_hand_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.CheckConstraint("status IN ('waiting', 'replaced', 'accepted', 'another_try')", name=op.f('ck_task_hand_in_status')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_task_hand_in_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_task_hand_in_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_hand_in')),
    sa.UniqueConstraint('enrollment_id', 'item_id', 'number', name=op.f('uq_task_hand_in_enrollment_id'))
    )
    with op.batch_alter_table('task_hand_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_hand_in_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_hand_in_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_task_hand_in_status_submitted_at', ['status', 'submitted_at'], unique=False)

    op.create_table('task_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('hand_in_id', sa.Integer(), nullable=True),
    sa.Column('blob_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=160), nullable=False),
    sa.Column('file_type', sa.String(length=16), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(draft_id IS NULL) <> (hand_in_id IS NULL)', name=op.f('ck_task_file_owner')),
    sa.ForeignKeyConstraint(['blob_id'], ['task_file_blob.id'], name=op.f('fk_task_file_blob_id_task_file_blob')),
    sa.ForeignKeyConstraint(['draft_id'], ['task_draft.id'], name=op.f('fk_task_file_draft_id_task_draft'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hand_in_id'], ['task_hand_in.id'], name=op.f('fk_task_file_hand_in_id_task_hand_in'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_file'))
    )
    with op.batch_alter_table('task_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_file_blob_id'), ['blob_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_file_draft_id'), ['draft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_file_hand_in_id'), ['hand_in_id'], unique=False)

    op.create_table('task_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hand_in_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_role', sa.String(length=16), nullable=False),
    sa.Column('scores', Json, nullable=False),
    sa.Column('points', sa.Double(), nullable=True),
    sa.Column('max_points', sa.Double(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('comment_html', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('accepted', 'another_try')", name=op.f('ck_task_review_decision')),
    sa.CheckConstraint("reviewer_role IN ('class-teacher', 'course-reviewer')", name=op.f('ck_task_review_reviewer_role')),
    sa.ForeignKeyConstraint(['hand_in_id'], ['task_hand_in.id'], name=op.f('fk_task_review_hand_in_id_task_hand_in'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_task_review_reviewer_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_review')),
    sa.UniqueConstraint('hand_in_id', name=op.f('uq_task_review_hand_in_id'))
    )
    with op.batch_alter_table('task_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_review_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('task_hand_in_view',
    sa.Column('hand_in_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hand_in_id'], ['task_hand_in.id'], name=op.f('fk_task_hand_in_view_hand_in_id_task_hand_in'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user_account.id'], name=op.f('fk_task_hand_in_view_viewer_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hand_in_id', 'viewer_id', name=op.f('pk_task_hand_in_view'))
    )


def downgrade():
    op.drop_table('task_hand_in_view')
    with op.batch_alter_table('task_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_review_reviewer_id'))
    op.drop_table('task_review')
    with op.batch_alter_table('task_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_file_hand_in_id'))
        batch_op.drop_index(batch_op.f('ix_task_file_draft_id'))
        batch_op.drop_index(batch_op.f('ix_task_file_blob_id'))
    op.drop_table('task_file')
    with op.batch_alter_table('task_hand_in', schema=None) as batch_op:
        batch_op.drop_index('ix_task_hand_in_status_submitted_at')
        batch_op.drop_index(batch_op.f('ix_task_hand_in_item_id'))
        batch_op.drop_index(batch_op.f('ix_task_hand_in_enrollment_id'))
    op.drop_table('task_hand_in')
    with op.batch_alter_table('task_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_draft_item_id'))
        batch_op.drop_index(batch_op.f('ix_task_draft_enrollment_id'))
    op.drop_table('task_draft')
    op.drop_table('task_file_blob')
    with op.batch_alter_table('course_reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_reviewer_user_id'))
    op.drop_table('course_reviewer')
    op.execute("DELETE FROM course_item WHERE kind = 'task'")
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_item_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_item_kind'), "kind IN ('lesson', 'quiz', 'exercise')")
        batch_op.drop_column('task')
