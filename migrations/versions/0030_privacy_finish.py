"""privacy: one access log (who opened a learner's work moves from the gradebook's own
table, work_view, into the access log, which gains the item and the viewer's role), and
copies of a person's data built in the background (data_export, and the "export ready"
notification), and an index for a reviewer's queue (hand-ins by enrolment and status)

Revision ID: 0030_privacy_finish
Revises: 0024_privacy
Create Date: 2026-12-05 05:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_privacy_finish'
down_revision = "0024_privacy"
branch_labels = None
depends_on = None

# The access log's name for what a teacher sees of each kind of item (lms.gradebook.work).
WHAT_IS_SEEN = {"quiz": "answers", "exercise": "code", "task": "hand_in"}
NOTIFICATION_KINDS = ("announcement", "due_soon", "feedback", "reviewed", "hand_in")


def upgrade():
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('viewer_role', sa.String(length=16), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_access_log_entry_item_id_course_item'), 'course_item',
                                    ['item_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_access_log_entry_item_id'), ['item_id'], unique=False)

    # Each opening row becomes its first and (when opened again) its last entry.
    what = "CASE i.kind " + " ".join(f"WHEN '{kind}' THEN '{name}'" for kind, name in WHAT_IS_SEEN.items()) \
        + " ELSE 'record' END"
    for moment, condition in (("v.first_at", ""), ("v.last_at", " AND v.views > 1 AND v.last_at <> v.first_at")):
        op.execute(
            "INSERT INTO access_log_entry (at, viewer_id, subject_id, what, detail, item_id, viewer_role) "
            f"SELECT {moment}, v.viewer_id, e.user_id, {what}, SUBSTR(i.title, 1, 200), v.item_id, v.viewer_role "
            "FROM work_view v JOIN enrollment e ON e.id = v.enrollment_id JOIN course_item i ON i.id = v.item_id "
            f"WHERE e.user_id <> v.viewer_id{condition}")

    with op.batch_alter_table('work_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_view_viewer_id'))
    op.drop_table('work_view')

    op.create_table('data_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('blob_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=False),
    sa.CheckConstraint("state IN ('queued', 'running', 'ready', 'failed')", name=op.f('ck_data_export_state')),
    sa.ForeignKeyConstraint(['blob_id'], ['task_file_blob.id'], name=op.f('fk_data_export_blob_id_task_file_blob'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_data_export_requested_by_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['user_account.id'], name=op.f('fk_data_export_subject_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_export'))
    )
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_export_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('ix_data_export_subject_requester', ['subject_id', 'requested_by_id'], unique=False)
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notification_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_notification_kind'), f"kind IN {NOTIFICATION_KINDS + ('export_ready',)}")
    # Speed (issue 12): a reviewer's queue reads their learners' waiting hand-ins through this.
    with op.batch_alter_table('task_hand_in', schema=None) as batch_op:
        batch_op.create_index('ix_task_hand_in_enrollment_status', ['enrollment_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('task_hand_in', schema=None) as batch_op:
        batch_op.drop_index('ix_task_hand_in_enrollment_status')
    op.execute("DELETE FROM notification WHERE kind = 'export_ready'")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notification_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_notification_kind'), f"kind IN {NOTIFICATION_KINDS}")
    op.execute("DELETE FROM task_file_blob WHERE id IN (SELECT blob_id FROM data_export)")
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.drop_index('ix_data_export_subject_requester')
        batch_op.drop_index(batch_op.f('ix_data_export_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_data_export_expires_at'))
    op.drop_table('data_export')

    op.create_table('work_view',
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('viewer_role', sa.String(length=16), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_work_view_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_work_view_item_id_course_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user_account.id'], name=op.f('fk_work_view_viewer_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrollment_id', 'item_id', 'viewer_id', name=op.f('pk_work_view'))
    )
    with op.batch_alter_table('work_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_view_viewer_id'), ['viewer_id'], unique=False)
    connection = op.get_bind()
    connection.execute(sa.text(
        "INSERT INTO work_view (enrollment_id, item_id, viewer_id, viewer_role, first_at, last_at, views) "
        "SELECT e.id, a.item_id, a.viewer_id, MAX(a.viewer_role), MIN(a.at), MAX(a.at), COUNT(*) "
        "FROM access_log_entry a JOIN course_item i ON i.id = a.item_id "
        "JOIN enrollment e ON e.user_id = a.subject_id AND e.course_id = i.course_id "
        "WHERE a.viewer_id IS NOT NULL GROUP BY e.id, a.item_id, a.viewer_id"))
    connection.execute(sa.text("DELETE FROM access_log_entry WHERE item_id IS NOT NULL"))
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_entry_item_id'))
        batch_op.drop_constraint(batch_op.f('fk_access_log_entry_item_id_course_item'), type_='foreignkey')
        batch_op.drop_column('viewer_role')
        batch_op.drop_column('item_id')
