"""``flask lms seed-demo``: demo accounts, and the demo learner with a course in progress."""

import click

from lms.accounts import services as accounts
from lms.core.cli import lms_cli
from lms.extensions import db
from lms.learning import services


@lms_cli.command("seed-demo")
def seed_demo():
    """Create one demo account per audience and an administrator, and start the demo
    learner on a course so "My learning" is not empty (idempotent)."""
    rows = accounts.seed_demo()
    learner = accounts.find_by_login("demo-adult")
    started = services.start_demo_learning(learner) if learner is not None else None
    db.session.commit()
    click.echo("Demo accounts (for trying the platform out; never use them in production):")
    for username, password, roles, created in rows:
        state = "created" if created else "already there"
        click.echo(f"  {username:<14} password: {password:<18} roles: {roles:<22} ({state})")
    if started is not None:
        click.echo(f"  demo-adult is enrolled in {started.course.title} with its first lessons done.")
