"""h5p: the library store (each H5P content-type library once, by machine name and
major.minor, with its newest patch's files and the admin who approved it), H5P items in
courses (kind 'h5p', their settings), each item's content package and where each learner
left it (resume state)

Revision ID: 0042_h5p
Revises: 0032_studio_media
Create Date: 2026-12-05 08:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


# revision identifiers, used by Alembic.
revision = '0042_h5p'
down_revision = "0032_studio_media"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('h5p_library',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machine_name', sa.String(length=255), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('minor', sa.Integer(), nullable=False),
    sa.Column('patch', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('runnable', sa.Boolean(), nullable=False),
    sa.Column('manifest', Json, nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_h5p_library_approved_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_h5p_library')),
    sa.UniqueConstraint('machine_name', 'major', 'minor', name=op.f('uq_h5p_library_machine_name'))
    )
    op.create_table('h5p_library_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['library_id'], ['h5p_library.id'], name=op.f('fk_h5p_library_file_library_id_h5p_library'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_h5p_library_file')),
    sa.UniqueConstraint('library_id', 'path', name=op.f('uq_h5p_library_file_library_id'))
    )
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('h5p', Json, nullable=True))
        batch_op.drop_constraint(op.f('ck_course_item_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_item_kind'),
                                         "kind IN ('lesson', 'quiz', 'exercise', 'task', 'h5p')")
    op.create_table('h5p_content',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('manifest', Json, nullable=False),
    sa.Column('package', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_h5p_content_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_h5p_content'))
    )
    op.create_table('h5p_state',
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_h5p_state_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_h5p_state_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrollment_id', 'item_id', name=op.f('pk_h5p_state'))
    )


def downgrade():
    op.drop_table('h5p_state')
    op.drop_table('h5p_content')
    op.execute("DELETE FROM course_item WHERE kind = 'h5p'")
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_item_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_course_item_kind'), "kind IN ('lesson', 'quiz', 'exercise', 'task')")
        batch_op.drop_column('h5p')
    op.drop_table('h5p_library_file')
    op.drop_table('h5p_library')
