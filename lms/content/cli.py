"""``flask courses validate`` and ``flask courses import``."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click
from flask.cli import AppGroup

from lms.content import services
from lms.extensions import db

courses_cli = AppGroup("courses", help="Check and import course packages from files.")


@dataclass(frozen=True)
class PackageStore:
    """Where a .zip package is imported and published, and a course that is not a folder
    is exported from: the studio, a domain above content, registers itself at start-up
    (``set_package_store``), so content needs not import it. ``refused`` is the exception
    it raises, with ``message`` and ``problems``."""

    import_and_publish: Callable[[bytes, str], services.ImportReport]
    export: Callable[[str], tuple[str, bytes]]
    refused: type[Exception]


_store: PackageStore | None = None


def set_package_store(store: PackageStore) -> None:
    """Hand .zip imports and non-folder exports to ``store``; called once at start-up."""
    global _store
    _store = store


def _package_store() -> PackageStore:
    if _store is None:
        click.echo("Course packages (.zip) and studio courses need the studio, which is not set up.", err=True)
        raise SystemExit(1)
    return _store


def _path(path: str | None) -> Path:
    return Path(path) if path else services.COURSES_DIR


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found; nothing was changed.", err=True)


def _read_zip(path: str):
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        click.echo(f"{path}: cannot be read ({error.strerror})", err=True)
        raise SystemExit(1) from None
    try:
        return services.read_package(data, Path(path).stem)
    except services.ImportRefused as refused:
        _print_problems(refused.problems)
        raise SystemExit(1) from None


@courses_cli.command("validate")
@click.argument("path", required=False, type=click.Path())
def validate(path):
    """Check every course under PATH (default: the shipped courses/), or a .zip package,
    and list all problems."""
    if path and path.lower().endswith(".zip"):
        spec, problems = services.validate_package(*_read_zip(path))
        specs = [spec] if spec else []
    else:
        specs, problems = services.validate(_path(path))
    if problems:
        _print_problems(problems)
        raise SystemExit(1)
    items = sum(len(m.items) for spec in specs for m in spec.modules)
    click.echo(f"{len(specs)} course(s), {items} item(s): no problems.")


@courses_cli.command("import")
@click.argument("path", required=False, type=click.Path())
def import_(path):
    """Validate, then import or update every course under PATH (default: courses/), or the
    course of a .zip package."""
    store = _package_store()
    try:
        if path and path.lower().endswith(".zip"):
            report = store.import_and_publish(Path(path).read_bytes(), Path(path).stem)
        else:
            report = services.import_courses(_path(path))
    except services.ImportRefused as refused:
        db.session.rollback()
        _print_problems(refused.problems)
        raise SystemExit(1) from None
    except store.refused as refused:
        db.session.rollback()
        click.echo(refused.message, err=True)
        _print_problems(refused.problems)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Imported: {len(report.created)} new, {len(report.updated)} updated course(s); "
               f"archived {report.items_archived} item(s) and {report.modules_archived} module(s) "
               "no longer in the files.")
    if report.unknown_competences:
        click.echo("Competence references no framework knows (not mapped): "
                   + ", ".join(sorted(set(report.unknown_competences))), err=True)


@courses_cli.command("export")
@click.argument("source")
@click.option("--output", "-o", type=click.Path(), help="Where to write the .zip (default: SLUG.zip here).")
def export(source, output):
    """Write a course as a .zip package: SOURCE is a course's slug (a studio course, its
    published revision; or a shipped course) or a course folder."""
    store = _package_store()
    try:
        if (Path(source) / "course.yaml").is_file():
            slug, data = services.export_course(source)
        else:
            slug, data = store.export(source)
    except services.ImportRefused as refused:
        _print_problems(refused.problems)
        raise SystemExit(1) from None
    except store.refused as refused:
        click.echo(refused.message, err=True)
        raise SystemExit(1) from None
    target = Path(output or f"{slug}.zip")
    target.write_bytes(data)
    click.echo(f"Wrote {target} ({len(data):,} bytes).")
