"""``flask courses validate`` and ``flask courses import``."""

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.content import services
from lms.extensions import db

courses_cli = AppGroup("courses", help="Check and import course packages from files.")


def _path(path: str | None) -> Path:
    return Path(path) if path else services.COURSES_DIR


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found; nothing was changed.", err=True)


@courses_cli.command("validate")
@click.argument("path", required=False, type=click.Path())
def validate(path):
    """Check every course under PATH (default: the shipped courses/) and list all problems."""
    specs, problems = services.validate(_path(path))
    if problems:
        _print_problems(problems)
        raise SystemExit(1)
    items = sum(len(m.items) for spec in specs for m in spec.modules)
    click.echo(f"{len(specs)} course(s), {items} item(s): no problems.")


@courses_cli.command("import")
@click.argument("path", required=False, type=click.Path())
def import_(path):
    """Validate, then import or update every course under PATH (default: courses/)."""
    try:
        report = services.import_courses(_path(path))
    except services.ImportRefused as refused:
        db.session.rollback()
        _print_problems(refused.problems)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Imported: {len(report.created)} new, {len(report.updated)} updated course(s); "
               f"archived {report.items_archived} item(s) and {report.modules_archived} module(s) "
               "no longer in the files.")
    if report.unknown_competences:
        click.echo("Competence references no framework knows (not mapped): "
                   + ", ".join(sorted(set(report.unknown_competences))), err=True)
