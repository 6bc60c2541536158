"""``flask h5p``: the library store from the command line, for an operator preparing a
server (or CI) before courses with H5P activities are imported."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.accounts import services as accounts
from lms.extensions import db
from lms.h5p import package
from lms.h5p import services as h5p

h5p_cli = AppGroup("h5p", help="H5P content-type libraries.")


@h5p_cli.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--approve-by", metavar="ADMIN", help="Approve what is added, as this admin (username).")
def add(files, approve_by):
    """Add the libraries of each .h5p FILE to the store (checked like an upload)."""
    admin = None
    if approve_by:
        admin = accounts.find_by_login(approve_by)
        if admin is None or not admin.has_role("admin"):
            raise click.UsageError(f"{approve_by} is not an admin's username")
    limit, count = current_app.config["LMS_H5P_MAX_BYTES"], current_app.config["LMS_H5P_MAX_FILES"]
    for file in files:
        try:
            read = package.read(Path(file).read_bytes()[: limit + 1], limit, count)
        except package.PackageRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                click.echo(f"{file}: {problem}", err=True)
            raise SystemExit(1) from None
        for library, outcome in h5p.store(read):
            if admin is not None and not library.approved:
                h5p.approve(library, admin)
            click.echo(f"{library} {library.version}: {outcome}{', approved' if library.approved else ''}")
    db.session.commit()


@h5p_cli.command("list")
def list_():
    """Every library in the store, and whether it is approved."""
    for library in h5p.libraries():
        click.echo(f"{library} {library.version}: {'approved' if library.approved else 'waiting for approval'}")
