"""``flask lms retention [--dry-run]``: apply the retention periods (run it daily)."""

import click

from lms.core.cli import lms_cli
from lms.privacy import retention


@lms_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List what would be erased, warned and removed; change nothing.")
def retention_command(dry_run):
    """Erase pupils whose classes ended long ago and unused accounts (after a warning e-mail),
    and remove old access-log entries and expired data exports, as the LMS_RETENTION_* settings say."""
    names = {}
    todo = retention.plan()
    for user in todo.pupils + todo.inactive + todo.warn:
        names[user.id] = f"{user.username} ({user.audience})"
    done = retention.apply(dry_run=dry_run)
    verb = "would " if dry_run else ""
    for user in done.pupils:
        click.echo(f"{verb}erase pupil {names[user.id]}: their last class ended long ago")
    for user in done.inactive:
        click.echo(f"{verb}erase unused account {names[user.id]}")
    for user in done.warn:
        click.echo(f"{verb}warn {names[user.id]} by e-mail that the unused account will be erased")
    click.echo(f"{verb}remove {done.access_log_entries} access-log entries")
    click.echo(f"{verb}remove {done.expired_exports} expired copies of people's data")
