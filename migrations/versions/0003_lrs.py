"""LRS: credentials for external apps, the agent and activity indexes behind the
statement filters, StatementRef targets, attachments, documents (state and profiles),
activity definitions and the forwarding outbox

Revision ID: 0003_lrs
Revises: 0002_learning
Create Date: 2026-11-23 07:43:42.970418

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003_lrs'
down_revision = '0002_learning'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('xapi_activity',
    sa.Column('activity_id', sa.String(length=1024), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_xapi_activity'))
    )
    op.create_table('xapi_attachment',
    sa.Column('sha2', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha2', name=op.f('pk_xapi_attachment'))
    )
    op.create_table('xapi_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=255), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_credential')),
    sa.UniqueConstraint('key', name=op.f('uq_xapi_credential_key'))
    )
    op.create_table('xapi_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('activity_id', sa.String(length=1024), nullable=False),
    sa.Column('agent_key', sa.String(length=512), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('updated', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_document')),
    sa.UniqueConstraint('kind', 'activity_id', 'agent_key', 'registration', 'document_id', name=op.f('uq_xapi_document_kind'))
    )
    op.create_table('xapi_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('statement_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['statement_seq'], ['xapi_statement.seq'], name=op.f('fk_xapi_outbox_statement_seq_xapi_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
    sa.UniqueConstraint('statement_seq', name=op.f('uq_xapi_outbox_statement_seq'))
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_outbox_state_due', ['state', 'next_attempt_at'], unique=False)

    op.create_table('xapi_statement_activity',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity_id', sa.String(length=1024), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['seq'], ['xapi_statement.seq'], name=op.f('fk_xapi_statement_activity_seq_xapi_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seq', 'activity_id', 'direct', name=op.f('pk_xapi_statement_activity'))
    )
    with op.batch_alter_table('xapi_statement_activity', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statement_activity_id_seq', ['activity_id', 'seq'], unique=False)

    op.create_table('xapi_statement_agent',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agent_key', sa.String(length=512), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['seq'], ['xapi_statement.seq'], name=op.f('fk_xapi_statement_agent_seq_xapi_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seq', 'agent_key', 'direct', name=op.f('pk_xapi_statement_agent'))
    )
    with op.batch_alter_table('xapi_statement_agent', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statement_agent_key_seq', ['agent_key', 'seq'], unique=False)

    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ref_target', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_xapi_statement_ref_target'), ['ref_target'], unique=False)




def downgrade():

    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_statement_ref_target'))
        batch_op.drop_column('ref_target')

    with op.batch_alter_table('xapi_statement_agent', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statement_agent_key_seq')

    op.drop_table('xapi_statement_agent')
    with op.batch_alter_table('xapi_statement_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statement_activity_id_seq')

    op.drop_table('xapi_statement_activity')
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_outbox_state_due')

    op.drop_table('xapi_outbox')
    op.drop_table('xapi_document')
    op.drop_table('xapi_credential')
    op.drop_table('xapi_attachment')
    op.drop_table('xapi_activity')

