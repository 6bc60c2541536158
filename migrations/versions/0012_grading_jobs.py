"""exercises: grading jobs, so runs and submits are graded off the request path

A run or submit is a row that a grader (a thread of the web process, or a grader process
fed through Redis) claims, grades and finishes; a partial unique index allows each
learner one job queued or running at a time, on SQLite and PostgreSQL alike.

Revision ID: 0012_grading_jobs
Revises: 0011_xapi_actors
Create Date: 2026-12-04 15:42:21

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0012_grading_jobs'
down_revision = "0022_class_followup"
branch_labels = None
depends_on = None

IN_FLIGHT = "state IN ('queued', 'running')"


def upgrade():
    op.create_table('grading_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('shown_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('run', 'submit')", name=op.f('ck_grading_job_kind')),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_grading_job_state')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_grading_job_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_grading_job_item_id_course_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['exercise_submission.id'], name=op.f('fk_grading_job_submission_id_exercise_submission'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_grading_job_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_job'))
    )
    with op.batch_alter_table('grading_job', schema=None) as batch_op:
        batch_op.create_index('ix_grading_job_enrollment_item', ['enrollment_id', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grading_job_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grading_job_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grading_job_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_grading_job_in_flight', ['user_id'], unique=True,
                              sqlite_where=sa.text(IN_FLIGHT), postgresql_where=sa.text(IN_FLIGHT))


def downgrade():
    with op.batch_alter_table('grading_job', schema=None) as batch_op:
        batch_op.drop_index('uq_grading_job_in_flight')
        batch_op.drop_index(batch_op.f('ix_grading_job_user_id'))
        batch_op.drop_index(batch_op.f('ix_grading_job_submission_id'))
        batch_op.drop_index(batch_op.f('ix_grading_job_item_id'))
        batch_op.drop_index('ix_grading_job_enrollment_item')

    op.drop_table('grading_job')
