"""The ``flask lms`` command group; domains add their commands to it."""

import click
from flask.cli import AppGroup
from flask_migrate import upgrade


lms_cli = AppGroup("lms", help="Set up and look after the platform.")


@lms_cli.command("init")
def init():
    """Create the database or bring it up to the newest migration (safe to repeat)."""
    upgrade()
    click.echo("Database is up to date.")
