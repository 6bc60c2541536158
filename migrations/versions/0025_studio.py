"""studio: authors (teachers an admin made authors), studio courses with their owner and
co-authors, and their revisions, each the whole course package as a .zip

Revision ID: 0025_studio
Revises: 0012_grading_jobs
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_studio'
down_revision = "0023_gradebook"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('studio_author',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_studio_author_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_studio_author'))
    )
    op.create_table('studio_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('head', sa.Integer(), nullable=False),
    sa.Column('published_number', sa.Integer(), nullable=True),
    sa.Column('copied_from', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'published')", name=op.f('ck_studio_course_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_course')),
    sa.UniqueConstraint('slug', name=op.f('uq_studio_course_slug'))
    )
    op.create_table('studio_member',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'co-author')", name=op.f('ck_studio_member_role')),
    sa.ForeignKeyConstraint(['course_id'], ['studio_course.id'], name=op.f('fk_studio_member_course_id_studio_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_studio_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_studio_member'))
    )
    with op.batch_alter_table('studio_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_member_user_id'), ['user_id'], unique=False)
    op.create_table('studio_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('package', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_studio_revision_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['studio_course.id'], name=op.f('fk_studio_revision_course_id_studio_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_revision')),
    sa.UniqueConstraint('course_id', 'number', name=op.f('uq_studio_revision_course_id'))
    )
    with op.batch_alter_table('studio_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_revision_course_id'), ['course_id'], unique=False)


def downgrade():
    with op.batch_alter_table('studio_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_revision_course_id'))
    op.drop_table('studio_revision')
    with op.batch_alter_table('studio_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_member_user_id'))
    op.drop_table('studio_member')
    op.drop_table('studio_course')
    op.drop_table('studio_author')
