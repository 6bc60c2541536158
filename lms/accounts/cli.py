"""``flask lms create-admin`` (``flask lms seed-demo`` is in ``lms.learning.cli``: it also starts
the demo learner on a course)."""

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
