"""one access log, finished: who opened a task's hand-in moves from the tasks' own table,
task_hand_in_view, into the access log, which gains the hand-in's number (work_number)

Since 0024 every opening of a hand-in was written twice: a task_hand_in_view row (first and
last time, how often) and an access-log entry without its item. Those entries are the same
openings, so they are given their item, the hand-in's number and the viewer's role rather
than copied again; an opening the log does not have (one older than the log) becomes an
entry at its first time and, when opened again, one at its last, as 0030 did for the
gradebook's work_view.

Revision ID: 0040_hand_in_views
Revises: 0042_h5p
Create Date: 2026-12-05 08:40:00

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0040_hand_in_views'
down_revision = "0042_h5p"
branch_labels = None
depends_on = None

# The two writes of one opening were stamped a moment apart (two calls to the clock).
SAME_OPENING = timedelta(seconds=2)

# The viewer's right to see the learner's work, as lms.tasks.services.reviewer_role reads it;
# a viewer who has neither any more (the class was removed) opened it as a class teacher.
ROLE = ("CASE WHEN EXISTS (SELECT 1 FROM class_member m JOIN class_course c ON c.class_id = m.class_id "
        "JOIN school_class s ON s.id = m.class_id WHERE m.user_id = e.user_id AND c.course_id = e.course_id "
        "AND s.teacher_id = v.viewer_id) THEN 'class-teacher' "
        "WHEN EXISTS (SELECT 1 FROM course_reviewer r WHERE r.course_id = e.course_id AND r.user_id = v.viewer_id) "
        "THEN 'course-reviewer' ELSE 'class-teacher' END")


def _fold(connection) -> None:
    log = sa.table("access_log_entry", sa.column("id"), sa.column("at", sa.DateTime()), sa.column("viewer_id"),
                   sa.column("subject_id"), sa.column("what"), sa.column("detail"), sa.column("item_id"),
                   sa.column("viewer_role"), sa.column("work_number"))
    views = connection.execute(sa.text(
        "SELECT v.viewer_id, v.first_at, v.last_at, v.views, h.number, h.item_id, e.user_id, i.title, "
        f"{ROLE} FROM task_hand_in_view v JOIN task_hand_in h ON h.id = v.hand_in_id "
        "JOIN enrollment e ON e.id = h.enrollment_id JOIN course_item i ON i.id = h.item_id "
        "WHERE e.user_id <> v.viewer_id ORDER BY v.first_at, h.number")
        .columns(first_at=sa.DateTime(), last_at=sa.DateTime())).all()
    for viewer_id, first_at, last_at, count, number, item_id, subject_id, title, role in views:
        title = title[:200]
        candidates = connection.execute(
            sa.select(log.c.id, log.c.at, log.c.detail).where(
                log.c.item_id.is_(None), log.c.what == "hand_in", log.c.subject_id == subject_id,
                log.c.viewer_id == viewer_id, log.c.at >= first_at - SAME_OPENING,
                log.c.at <= last_at + SAME_OPENING)).all()
        same = [(entry_id, at) for entry_id, at, detail in candidates
                if detail == title or detail.startswith((title + ": ")[:200])]
        if same:
            connection.execute(sa.update(log).where(log.c.id.in_([entry_id for entry_id, _ in same]))
                               .values(item_id=item_id, viewer_role=role, work_number=number))
        moments = [first_at] + ([last_at] if count > 1 and last_at != first_at else [])
        missing = [moment for moment in moments if not any(abs(at - moment) <= SAME_OPENING for _, at in same)]
        if missing:
            connection.execute(sa.insert(log), [
                {"at": moment, "viewer_id": viewer_id, "subject_id": subject_id, "what": "hand_in",
                 "detail": title, "item_id": item_id, "viewer_role": role, "work_number": number}
                for moment in missing])


def upgrade():
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_number', sa.Integer(), nullable=True))
    _fold(op.get_bind())
    op.drop_table('task_hand_in_view')


def downgrade():
    op.create_table('task_hand_in_view',
    sa.Column('hand_in_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hand_in_id'], ['task_hand_in.id'], name=op.f('fk_task_hand_in_view_hand_in_id_task_hand_in'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user_account.id'], name=op.f('fk_task_hand_in_view_viewer_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('hand_in_id', 'viewer_id', name=op.f('pk_task_hand_in_view'))
    )
    connection = op.get_bind()
    connection.execute(sa.text(
        "INSERT INTO task_hand_in_view (hand_in_id, viewer_id, first_at, last_at, views) "
        "SELECT h.id, a.viewer_id, MIN(a.at), MAX(a.at), COUNT(*) "
        "FROM access_log_entry a JOIN task_hand_in h ON h.item_id = a.item_id AND h.number = a.work_number "
        "JOIN enrollment e ON e.id = h.enrollment_id AND e.user_id = a.subject_id "
        "WHERE a.viewer_id IS NOT NULL AND a.what = 'hand_in' GROUP BY h.id, a.viewer_id"))
    # Before 0040 a hand-in's entries in the log named no item (the table above said which).
    connection.execute(sa.text("UPDATE access_log_entry SET item_id = NULL, viewer_role = '' "
                               "WHERE work_number IS NOT NULL AND what = 'hand_in'"))
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.drop_column('work_number')
