"""quizzes: when correct answers are shown, shuffled options and question pools per quiz;
each attempt keeps its paper (drawn questions, option order); the answer key leaves the
question activities' definitions

Revision ID: 0017_quiz_settings
Revises: 0011_xapi_actors
Create Date: 2026-12-10 00:00:00

The platform's ``answered`` statements no longer carry ``correctResponsesPattern`` or
``choices``; the definitions already merged into the Activities resource lose them here
(every learner's statements share one definition per question). Stored statements are
left as they were: statements are immutable. The downgrade does not bring the removed
definition fields back.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


# revision identifiers, used by Alembic.
revision = '0017_quiz_settings'
down_revision = '0011_xapi_actors'
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), 'postgresql')
ANSWER_KEY = ('correctResponsesPattern', 'choices')


def upgrade():
    with op.batch_alter_table('course_item') as batch:
        batch.add_column(sa.Column('show_answers', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('shuffle_options', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('draw', sa.Integer(), nullable=True))
    op.execute("UPDATE course_item SET show_answers = 'after_passed_or_last_attempt' WHERE kind = 'quiz'")
    with op.batch_alter_table('quiz_attempt') as batch:
        batch.add_column(sa.Column('paper', Json, nullable=True))

    activity = sa.table('xapi_activity', sa.column('activity_id', sa.String), sa.column('definition', Json))
    connection = op.get_bind()
    rows = connection.execute(sa.select(activity.c.activity_id, activity.c.definition).where(
        activity.c.activity_id.like('%/xapi/activities/question/%'))).all()
    for activity_id, definition in rows:
        if isinstance(definition, dict) and any(key in definition for key in ANSWER_KEY):
            kept = {key: value for key, value in definition.items() if key not in ANSWER_KEY}
            connection.execute(sa.update(activity).where(activity.c.activity_id == activity_id).values(definition=kept))


def downgrade():
    with op.batch_alter_table('quiz_attempt') as batch:
        batch.drop_column('paper')
    with op.batch_alter_table('course_item') as batch:
        batch.drop_column('draw')
        batch.drop_column('shuffle_options')
        batch.drop_column('show_answers')
