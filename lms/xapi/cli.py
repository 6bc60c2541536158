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


@xapi_cli.command("forward")
@click.option("--once", is_flag=True, help="Send what is due, then stop (for cron).")
@click.option("--batch", "batch_size", default=100, show_default=True, help="Statements per request.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds to wait when the queue is empty.")
def forward(once, batch_size, interval):
    """Forward queued statements to the external LRS (LMS_XAPI_FORWARD_URL)."""
    import time

    from lms.xapi import forwarding

    if not forwarding.enabled():
        raise click.ClickException("LMS_XAPI_FORWARD_URL is not set: there is nowhere to forward to.")
    while True:
        report = forwarding.forward_once(batch_size=batch_size)
        if report.delivered or report.dead or report.retried:
            click.echo(f"delivered {report.delivered}, dead {report.dead}, to retry {report.retried}"
                       + (f" (last error: {report.errors[-1]})" if report.errors else ""))
        if once and not report.delivered:
            break
        if not report.delivered:
            time.sleep(interval)
