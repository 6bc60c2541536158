"""competence: every piece of evidence says how it was obtained (assessed, participated,
external with the provider's name) and whether it counts towards a level; course items
may let taking part count above the lowest level. Existing evidence gets its kind from
its statement, and the learners' levels are recomputed from the evidence that counts

Revision ID: 0016_evidence_kinds
Revises: 0011_xapi_actors
Create Date: 2026-12-03 10:00:00

"""
from collections import defaultdict
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_evidence_kinds'
down_revision = "0013_sessions"
branch_labels = None
depends_on = None

# The rule of lms.competence.kinds as it stands in this revision, written out so that the
# migration keeps meaning what it meant when the application's rule changes.
PASSED = 'http://adlnet.gov/expapi/verbs/passed'
ASSESSMENT = 'http://adlnet.gov/expapi/activities/assessment'
PLATFORM_AUTHORITY_NAME = 'lms'
CHUNK = 1000

evidence = sa.table('competence_evidence', sa.column('id', sa.BigInteger), sa.column('actor_key', sa.String),
                    sa.column('competence_id', sa.Integer), sa.column('level', sa.String),
                    sa.column('rank', sa.Integer), sa.column('statement_seq', sa.BigInteger),
                    sa.column('withdrawn', sa.Boolean), sa.column('kind', sa.String),
                    sa.column('provider', sa.String), sa.column('counted', sa.Boolean))
statements = sa.table('xapi_statement', sa.column('seq', sa.BigInteger), sa.column('verb_id', sa.String),
                      sa.column('data', sa.JSON))
levels = sa.table('learner_competence', sa.column('actor_key', sa.String), sa.column('competence_id', sa.Integer),
                  sa.column('level', sa.String), sa.column('rank', sa.Integer),
                  sa.column('evidence_count', sa.Integer), sa.column('updated_at', sa.DateTime))


def _kind(verb_id, data):
    """(kind, provider) of a statement's evidence, as ``lms.competence.kinds.kind_of``."""
    authority = data.get('authority') or {}
    account = authority.get('account') or {}
    if authority and not (account.get('name') == PLATFORM_AUTHORITY_NAME and 'member' not in authority):
        return 'external', str(authority.get('name') or account.get('name') or 'external')[:120]
    if verb_id == PASSED:
        return 'assessed', None
    definition = (data.get('object') or {}).get('definition') or {}
    if definition.get('type') == ASSESSMENT and (data.get('result') or {}).get('success') is True:
        return 'assessed', None
    return 'participated', None


def _backfill_kinds(connection):
    groups = defaultdict(list)
    # Streamed (a server-side cursor on PostgreSQL): the statements' JSON is read a chunk at a time.
    result = connection.execute(
        sa.select(evidence.c.id, evidence.c.rank, statements.c.verb_id, statements.c.data)
        .join(statements, statements.c.seq == evidence.c.statement_seq)
        .execution_options(stream_results=True, yield_per=CHUNK))
    for evidence_id, rank, verb_id, data in result:
        kind, provider = _kind(verb_id, data if isinstance(data, dict) else {})
        groups[(kind, provider, rank <= 1 or kind in ('assessed', 'external'))].append(evidence_id)
    for (kind, provider, counted), ids in groups.items():
        for start in range(0, len(ids), CHUNK):
            connection.execute(evidence.update().where(evidence.c.id.in_(ids[start:start + CHUNK]))
                               .values(kind=kind, provider=provider, counted=counted))


def _recompute_levels(connection, counted_only):
    """Every learner's level per competence from their evidence (counted evidence only, or
    all of it as before this revision), changing only the rows that differ."""
    condition = [evidence.c.withdrawn.is_(False)]
    if counted_only:
        condition.append(evidence.c.counted.is_(True))
    names = {(competence_id, rank): level for competence_id, rank, level in connection.execute(
        sa.select(evidence.c.competence_id, evidence.c.rank, evidence.c.level).distinct())}
    wanted = {(actor_key, competence_id): (names[(competence_id, rank)], rank, count)
              for actor_key, competence_id, rank, count in connection.execute(
                  sa.select(evidence.c.actor_key, evidence.c.competence_id, sa.func.max(evidence.c.rank),
                            sa.func.count()).where(*condition).group_by(evidence.c.actor_key, evidence.c.competence_id))}
    have = {(actor_key, competence_id): (level, rank, count)
            for actor_key, competence_id, level, rank, count in connection.execute(
                sa.select(levels.c.actor_key, levels.c.competence_id, levels.c.level, levels.c.rank,
                          levels.c.evidence_count))}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for key in have.keys() - wanted.keys():
        connection.execute(levels.delete().where(levels.c.actor_key == key[0], levels.c.competence_id == key[1]))
    for key, (level, rank, count) in wanted.items():
        if key not in have:
            connection.execute(levels.insert().values(actor_key=key[0], competence_id=key[1], level=level, rank=rank,
                                                      evidence_count=count, updated_at=now))
        elif have[key] != (level, rank, count):
            connection.execute(levels.update().where(levels.c.actor_key == key[0], levels.c.competence_id == key[1])
                               .values(level=level, rank=rank, evidence_count=count, updated_at=now))


def upgrade():
    with op.batch_alter_table('activity_competence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participation_counts', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('provider', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('counted', sa.Boolean(), nullable=True))
    connection = op.get_bind()
    _backfill_kinds(connection)
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column('counted', existing_type=sa.Boolean(), nullable=False)
    _recompute_levels(connection, counted_only=True)


def downgrade():
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.drop_column('counted')
        batch_op.drop_column('provider')
        batch_op.drop_column('kind')
    with op.batch_alter_table('activity_competence', schema=None) as batch_op:
        batch_op.drop_column('participation_counts')
    _recompute_levels(op.get_bind(), counted_only=False)
