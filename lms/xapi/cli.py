"""``flask xapi``: LRS credentials from the command line."""

import click
from flask.cli import AppGroup

from lms.extensions import db
from lms.xapi import credentials
from lms.xapi.models import SCOPES

xapi_cli = AppGroup("xapi", help="The Learning Record Store.")


@xapi_cli.command("issue-credential")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES), default=("statements/write",),
              show_default=True, help="Repeat for several scopes.")
def issue_credential(name, scopes):
    """Issue HTTP Basic credentials for an external app; the secret is shown only now."""
    try:
        credential, secret = credentials.issue(name, list(scopes))
    except credentials.CredentialError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"key:    {credential.key}\nsecret: {secret}\nscopes: {', '.join(credential.scopes)}")
