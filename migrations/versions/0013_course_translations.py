"""catalog: translations of a course, its modules and items, kept beside the source language

A course file set may carry the same course in another language (course.yaml's
``translations:`` and ``<slug>.<language>.md|yaml`` beside each item file); the learner sees
their language where it exists. One course, one identity: slugs, activity ids and evidence
are shared across its languages.

Revision ID: 0013_course_translations
Revises: 0012_grading_jobs
Create Date: 2026-12-04 19:55:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0013_course_translations'
down_revision = '0012_grading_jobs'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('course', 'course_module', 'course_item')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('translations', JSON, nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('translations')
