"""xapi: an admin's grants to external credentials to speak for the platform's learners
(kept when withdrawn, with who granted and withdrew them, and when), and the provider an
actor was linked from: the credential that sent the actor's latest statement, filled in
for the links already made

Revision ID: 0015_credential_grants
Revises: 0011_xapi_actors
Create Date: 2026-12-04 15:42:34

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_credential_grants'
down_revision = "0016_evidence_kinds"
branch_labels = None
depends_on = None

AUTHORITY_PREFIX = "credential/"  # lms.xapi.credentials.authority


def upgrade():
    op.create_table('xapi_credential_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('granted_by', sa.Uuid(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['credential_id'], ['xapi_credential.id'], name=op.f('fk_xapi_credential_grant_credential_id_xapi_credential'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_credential_grant'))
    )
    with op.batch_alter_table('xapi_credential_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_credential_grant_credential_id'), ['credential_id'], unique=False)

    with op.batch_alter_table('xapi_actor_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_xapi_actor_link_credential_id_xapi_credential'), 'xapi_credential', ['credential_id'], ['id'], ondelete='SET NULL')

    _fill_link_providers()


def _fill_link_providers():
    """Links are few (an admin makes each one): each reads its actor's latest statement."""
    connection = op.get_bind()
    link = sa.table('xapi_actor_link', sa.column('actor_key', sa.String), sa.column('credential_id', sa.Integer))
    statement = sa.table('xapi_statement', sa.column('seq', sa.Integer), sa.column('actor_key', sa.String),
                         sa.column('data', sa.JSON))
    credential = sa.table('xapi_credential', sa.column('id', sa.Integer), sa.column('key', sa.String))
    for (actor_key,) in connection.execute(sa.select(link.c.actor_key)).all():
        data = connection.scalar(sa.select(statement.c.data).where(statement.c.actor_key == actor_key)
                                 .order_by(statement.c.seq.desc()).limit(1)) or {}
        account = (data.get('authority') or {}).get('account') or {}
        name = account.get('name') if isinstance(account, dict) else None
        if not isinstance(name, str) or not name.startswith(AUTHORITY_PREFIX):
            continue
        credential_id = connection.scalar(sa.select(credential.c.id).where(
            credential.c.key == name[len(AUTHORITY_PREFIX):]))
        if credential_id is not None:
            connection.execute(sa.update(link).where(link.c.actor_key == actor_key).values(credential_id=credential_id))


def downgrade():
    with op.batch_alter_table('xapi_actor_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_xapi_actor_link_credential_id_xapi_credential'), type_='foreignkey')
        batch_op.drop_column('credential_id')

    with op.batch_alter_table('xapi_credential_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_credential_grant_credential_id'))

    op.drop_table('xapi_credential_grant')
