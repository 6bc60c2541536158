"""``flask notifications digest``; other domains add their commands to the group
(``flask notifications due-soon`` comes from lms.teaching)."""

import click
from flask.cli import AppGroup

from lms.notifications import digest

notifications_cli = AppGroup("notifications", help="Notify people: e-mail digests, reminders.")


@notifications_cli.command("digest")
def send_digest():
    """Send today's e-mail digests (run daily by a scheduler; a second run the same day sends nothing)."""
    run = digest.send_digests()
    click.echo(f"Digests sent: {run.sent}; could not be sent: {run.failed}.")
    if run.failed:
        raise SystemExit(1)
