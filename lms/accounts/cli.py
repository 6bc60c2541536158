"""``flask lms create-admin`` and ``flask lms seed-demo``."""

import click

from lms.accounts import services
from lms.core.cli import lms_cli
from lms.extensions import db


@lms_cli.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(username, email, display_name, password):
    """Create an administrator account (or give an existing account the admin role)."""
    existing = services.find_by_login(username)
    try:
        if existing is not None:
            services.set_roles(existing, existing.roles | {"admin"})
            message = f"{existing.username} is now an administrator."
        else:
            user = services.create_user(username=username, email=email, password=password,
                                        display_name=display_name, audience="adult",
                                        roles=("learner", "admin"))
            message = f"Created administrator {user.username}."
    except services.AccountError as error:
        raise click.ClickException(f"{error.field or 'account'}: {error}") from None
    db.session.commit()
    click.echo(message)


@lms_cli.command("seed-demo")
def seed_demo():
    """Create one demo account per audience and an administrator (idempotent)."""
    rows = services.seed_demo()
    db.session.commit()
    click.echo("Demo accounts (for trying the platform out; never use them in production):")
    for username, password, roles, created in rows:
        state = "created" if created else "already there"
        click.echo(f"  {username:<14} password: {password:<18} roles: {roles:<22} ({state})")
