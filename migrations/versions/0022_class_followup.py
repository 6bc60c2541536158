"""teaching and notifications: due dates (an opening date, a due date and whether hand-in
closes then) on courses assigned to a class and on single items assigned on their own;
announcements to a class and who has read them; a learner's secret calendar link (its
token's hash); in-app notifications with their daily e-mail digest choice; and an index
for a learner's classes

Revision ID: 0022_class_followup
Revises: 0016_evidence_kinds
Create Date: 2026-12-04 16:49:43

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_class_followup'
down_revision = "0021_tasks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feed',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('announcement', 'due_soon', 'feedback', 'reviewed', 'hand_in')", name=op.f('ck_notification_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notification_user_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at', 'id'], unique=False)

    op.create_table('notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email_digest', sa.Boolean(), nullable=False),
    sa.Column('digest_sent_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_preference_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preference'))
    )
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_announcement_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_announcement_class_id_school_class'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement'))
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_class_id'), ['class_id'], unique=False)

    op.create_table('announcement_read',
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'], name=op.f('fk_announcement_read_announcement_id_announcement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_announcement_read_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('announcement_id', 'user_id', name=op.f('pk_announcement_read'))
    )
    with op.batch_alter_table('announcement_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_read_user_id'), ['user_id'], unique=False)

    op.create_table('class_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('close_at_due', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_class_item_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_class_item_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_class_item_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_item')),
    sa.UniqueConstraint('class_id', 'item_id', name=op.f('uq_class_item_class_id'))
    )
    with op.batch_alter_table('class_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_item_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_item_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_item_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('class_course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('close_at_due', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('class_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_member_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('class_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_member_user_id'))

    with op.batch_alter_table('class_course', schema=None) as batch_op:
        batch_op.drop_column('close_at_due')
        batch_op.drop_column('due_at')
        batch_op.drop_column('opens_at')

    with op.batch_alter_table('class_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_item_item_id'))
        batch_op.drop_index(batch_op.f('ix_class_item_course_id'))
        batch_op.drop_index(batch_op.f('ix_class_item_class_id'))

    op.drop_table('class_item')
    with op.batch_alter_table('announcement_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_read_user_id'))

    op.drop_table('announcement_read')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_class_id'))

    op.drop_table('announcement')
    op.drop_table('notification_preference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')

    op.drop_table('notification')
    op.drop_table('calendar_feed')
