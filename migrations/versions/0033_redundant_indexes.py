"""redundant indexes: a one-column index on the first column of a unique constraint
repeats what the constraint's own index already serves (lookups by that column, the
cascades on delete), and costs a write on every insert

Revision ID: 0033_redundant_indexes
Revises: 0024_privacy
Create Date: 2026-12-05 05:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0033_redundant_indexes'
down_revision = "0030_privacy_finish"
branch_labels = None
depends_on = None

# (table, column): each is served by the unique constraint that starts with the column.
REDUNDANT = (
    ("course_module", "course_id"),  # uq (course_id, slug)
    ("course_item", "course_id"),  # uq (course_id, slug)
    ("activity_competence", "activity_id"),  # uq (activity_id, competence_id)
    ("class_item", "class_id"),  # uq (class_id, item_id)
    ("enrollment", "user_id"),  # uq (user_id, course_id)
    ("exercise_draft", "enrollment_id"),  # uq (enrollment_id, item_id)
    ("exercise_submission", "enrollment_id"),  # uq (enrollment_id, item_id, number)
    ("item_progress", "enrollment_id"),  # uq (enrollment_id, item_id)
    ("module_completion", "enrollment_id"),  # uq (enrollment_id, module_id)
    ("quiz_attempt", "enrollment_id"),  # uq (enrollment_id, item_id, number)
    ("task_draft", "enrollment_id"),  # uq (enrollment_id, item_id)
    ("task_hand_in", "enrollment_id"),  # uq (enrollment_id, item_id, number)
)


def upgrade():
    for table, column in REDUNDANT:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade():
    for table, column in REDUNDANT:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
