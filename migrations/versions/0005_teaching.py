"""teaching: classes with join codes, their pupils and assigned courses

Revision ID: 0005_teaching
Revises: 0004_competence
Create Date: 2026-11-23 08:35:51.412779

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_teaching'
down_revision = '0004_competence'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('school_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('group', sa.String(length=60), nullable=True),
    sa.Column('join_code', sa.String(length=12), nullable=False),
    sa.Column('joining_open', sa.Boolean(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['teacher_id'], ['user_account.id'], name=op.f('fk_school_class_teacher_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_class')),
    sa.UniqueConstraint('join_code', name=op.f('uq_school_class_join_code'))
    )
    with op.batch_alter_table('school_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_class_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('class_course',
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_class_course_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_class_course_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('class_id', 'course_id', name=op.f('pk_class_course'))
    )
    op.create_table('class_member',
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_class_member_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_class_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('class_id', 'user_id', name=op.f('pk_class_member'))
    )



def downgrade():

    op.drop_table('class_member')
    op.drop_table('class_course')
    with op.batch_alter_table('school_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_class_teacher_id'))

    op.drop_table('school_class')

