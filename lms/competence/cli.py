"""``flask competence import``: load the competence frameworks from data files."""

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.competence import services
from lms.extensions import db

competence_cli = AppGroup("competence", help="Competence frameworks.")


@competence_cli.command("import")
@click.argument("path", required=False, type=click.Path())
def import_(path):
    """Load (or update) every framework under PATH (default courses/_frameworks)."""
    try:
        slugs = services.import_frameworks(Path(path) if path else services.FRAMEWORKS_DIR)
    except services.FrameworkError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Frameworks up to date: {', '.join(slugs) or 'none found'}.")
