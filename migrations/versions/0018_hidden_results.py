"""exercises: stored submissions keep of a hidden test only its name and whether it passed;
the failure messages and console output kept until now (they showed the hidden inputs and
expected values) are removed from every existing row

Revision ID: 0018_hidden_results
Revises: 0011_xapi_actors
Create Date: 2026-12-04 16:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


# revision identifiers, used by Alembic.
revision = '0018_hidden_results'
down_revision = "0017_quiz_settings"
branch_labels = None
depends_on = None

BATCH = 500
submissions = sa.table(
    'exercise_submission',
    sa.column('id', sa.Integer),
    sa.column('results', sa.JSON().with_variant(JSONB(), 'postgresql')),
)


def _rewrite(change) -> None:
    """Apply ``change`` to each test result of every submission, in batches by id; rows whose
    results do not change are not written."""
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(submissions.c.id, submissions.c.results)
            .where(submissions.c.id > last).order_by(submissions.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row_id, results in rows:
            if isinstance(results, list):
                changed = [change(test) if isinstance(test, dict) else test for test in results]
                if changed != results:
                    connection.execute(submissions.update().where(submissions.c.id == row_id)
                                       .values(results=changed))
        last = rows[-1][0]


def _scrubbed(test: dict) -> dict:
    if not test.get('hidden'):
        return test
    return {'name': test.get('name'), 'hidden': True, 'passed': test.get('passed') is True}


def _with_empty_details(test: dict) -> dict:
    # The removed details cannot come back; older code expects the keys.
    if not test.get('hidden'):
        return test
    return {**test, 'message': test.get('message', ''), 'logs': test.get('logs', [])}


def upgrade():
    _rewrite(_scrubbed)


def downgrade():
    _rewrite(_with_empty_details)
