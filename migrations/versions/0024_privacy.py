"""privacy: erasure requests with their outcome and the ids of an erased person's
statements already forwarded, the access log, an account's erasure mark and retention
warning, a certificate's withdrawal, and a class's legal basis

Revision ID: 0024_privacy
Revises: 0012_grading_jobs
Create Date: 2026-12-04 19:06:09

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_privacy'
down_revision = "0025_studio"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_log_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['user_account.id'], name=op.f('fk_access_log_entry_subject_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user_account.id'], name=op.f('fk_access_log_entry_viewer_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log_entry'))
    )
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_access_log_entry_subject_at', ['subject_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_entry_viewer_id'), ['viewer_id'], unique=False)

    op.create_table('erasure_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requester_role', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("requester_role IN ('self', 'teacher', 'admin')", name=op.f('ck_erasure_request_requester_role')),
    sa.CheckConstraint("status IN ('open', 'erased', 'refused')", name=op.f('ck_erasure_request_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_erasure_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_erasure_request_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_id'], ['user_account.id'], name=op.f('fk_erasure_request_subject_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_request'))
    )
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_request_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_request_subject_id'), ['subject_id'], unique=False)

    op.create_table('erasure_forwarded_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=500), nullable=False),
    sa.Column('statement_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['erasure_request.id'], name=op.f('fk_erasure_forwarded_statement_request_id_erasure_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_forwarded_statement'))
    )
    with op.batch_alter_table('erasure_forwarded_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_forwarded_statement_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))

    # Classes made before this are not joinable until their teacher records the basis.
    with op.batch_alter_table('school_class', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_basis', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('basis_date', sa.Date(), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retention_warned_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('school_class', schema=None) as batch_op:
        batch_op.drop_column('basis_date')
        batch_op.drop_column('legal_basis')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('retention_warned_at')
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')

    with op.batch_alter_table('erasure_forwarded_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_forwarded_statement_request_id'))

    op.drop_table('erasure_forwarded_statement')
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_request_subject_id'))
        batch_op.drop_index('ix_erasure_request_status_created')

    op.drop_table('erasure_request')
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_entry_viewer_id'))
        batch_op.drop_index('ix_access_log_entry_subject_at')
        batch_op.drop_index(batch_op.f('ix_access_log_entry_at'))

    op.drop_table('access_log_entry')
