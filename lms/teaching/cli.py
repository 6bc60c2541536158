"""``flask notifications due-soon``: the reminders of work due within a day."""

import click
from flask import current_app, url_for

from lms.extensions import db
from lms.notifications.cli import notifications_cli
from lms.teaching import reminders


def work_path(course, item) -> str:
    """Where a reminder leads: the item's page, or the course's."""
    if item is None:
        return url_for("catalog.show_course", slug=course.slug)
    return url_for("learning.show_item", slug=course.slug, item_slug=item.slug)


@notifications_cli.command("due-soon")
def due_soon():
    """Notify learners of work due within a day that they have not done (run hourly by a
    scheduler; a due date is never reminded twice)."""
    # Addresses are built as the site serves them, outside any request.
    with current_app.test_request_context(base_url=current_app.config["LMS_BASE_URL"]):
        added = reminders.remind_due_soon(work_path)
    db.session.commit()
    click.echo(f"Reminders added: {added}.")
