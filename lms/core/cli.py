"""The ``flask lms`` command group; domains add their commands to it."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_migrate import upgrade

from lms.core import identity

lms_cli = AppGroup("lms", help="Set up and look after the platform.")


@lms_cli.command("init")
def init():
    """Create the database or bring it up to the newest migration (safe to repeat). A new
    database gets its platform identity here: LMS_BASE_URL as it is now, for good."""
    upgrade()
    identity.forget()
    click.echo("Database is up to date.")
    click.echo(f"Platform identity: {identity.platform_identity()}")


@lms_cli.command("identity")
def show_identity():
    """Print the platform identity (fixed when the database was created) and the address
    the site is served at (LMS_BASE_URL)."""
    try:
        iri, address = identity.platform_identity(), identity.site_address()
    except (identity.IdentityMissing, sa.exc.DBAPIError) as error:
        raise click.ClickException("The database has no platform identity yet: run `flask lms init` to create "
                                   f"or upgrade it. ({str(error).splitlines()[0]})") from None
    click.echo(f"Platform identity: {iri} (fixed {identity.fixed_at():%Y-%m-%d %H:%M} UTC)")
    click.echo("  Actor homePages, activity ids and the platform's authority in every statement start with it;")
    click.echo("  it never changes, so records and evidence survive a move to a new address.")
    click.echo(f"Site address (LMS_BASE_URL): {address}")
    click.echo("  Links meant for people (password-reset e-mails, certificate pages, the class join address)"
               " use it." + ("" if address == iri else " It differs from the identity, which is as it should"
                             " be after a move."))
