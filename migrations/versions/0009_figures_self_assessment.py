"""admin: learners' active days for the weekly figures, filled from the stored statements;
an index for the learners per competence; competence: teachers' answers to the
self-assessment questionnaire (levels chosen on the earlier form stay as they are)

Revision ID: 0009_figures_self_assessment
Revises: 0008_actor_links
Create Date: 2026-12-01 20:11:02.201061

"""
from collections import Counter
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0009_figures_self_assessment'
down_revision = '0008_actor_links'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('learner_active_day',
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('statements', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('actor_key', 'day', name=op.f('pk_learner_active_day'))
    )
    with op.batch_alter_table('learner_active_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learner_active_day_day'), ['day'], unique=False)
        batch_op.create_index('ix_learner_active_day_week_actor_day', ['week', 'actor_key', 'day'], unique=False)
    with op.batch_alter_table('learner_competence', schema=None) as batch_op:
        batch_op.create_index('ix_learner_competence_competence_actor', ['competence_id', 'actor_key'], unique=False)

    op.create_table('self_assessment_answer',
    sa.Column('actor_key', sa.String(length=512), nullable=False),
    sa.Column('statement_code', sa.String(length=32), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competence.id'], name=op.f('fk_self_assessment_answer_competence_id_competence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_key', 'statement_code', name=op.f('pk_self_assessment_answer'))
    )

    # The days already recorded, as the one door's listener counts them from now on:
    # the platform's accounts' statements that are not voided, per day in the pages' zone.
    prefix = f"account:{current_app.config['LMS_BASE_URL'].rstrip('/')}|"
    zone = ZoneInfo(current_app.config['BABEL_DEFAULT_TIMEZONE'])
    statements = sa.table('xapi_statement', sa.column('actor_key', sa.String), sa.column('timestamp', sa.DateTime),
                          sa.column('voided', sa.Boolean))
    days = Counter()
    rows = op.get_bind().execute(sa.select(statements.c.actor_key, statements.c.timestamp).where(
        statements.c.actor_key.startswith(prefix, autoescape=True), statements.c.voided.is_(False)))
    for actor_key, moment in rows:
        if len(actor_key) > len(prefix):
            days[(actor_key, moment.replace(tzinfo=timezone.utc).astimezone(zone).date())] += 1
    if days:
        op.bulk_insert(table, [{'actor_key': actor_key, 'day': day, 'week': day - timedelta(days=day.weekday()),
                                'statements': count} for (actor_key, day), count in days.items()])


def downgrade():
    op.drop_table('self_assessment_answer')
    with op.batch_alter_table('learner_competence', schema=None) as batch_op:
        batch_op.drop_index('ix_learner_competence_competence_actor')
    with op.batch_alter_table('learner_active_day', schema=None) as batch_op:
        batch_op.drop_index('ix_learner_active_day_week_actor_day')
        batch_op.drop_index(batch_op.f('ix_learner_active_day_day'))

    op.drop_table('learner_active_day')
