"""The library store's operations: adding a package's libraries (deduplicated), an
admin's approval, and whether a package may be used (every library it needs is in the
store and approved). Plain functions; they flush, callers commit."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context

from lms.accounts.models import User
from lms.content.loader import Problem
from lms.core.clock import utcnow
from lms.core.messages import N_, Deferred
from lms.extensions import db
from lms.h5p import package as h5p_package
from lms.h5p import platform
from lms.h5p.models import H5PContent, H5PLibrary, H5PLibraryFile

ADDED, UPDATED, REUSED = "added", "updated", "reused"


def find(machine_name: str, major: int, minor: int) -> H5PLibrary | None:
    return db.session.scalar(sa.select(H5PLibrary).filter_by(machine_name=machine_name, major=major, minor=minor))


def get(library_id: int) -> H5PLibrary | None:
    return db.session.get(H5PLibrary, library_id)


def libraries() -> list[H5PLibrary]:
    """Every library in the store, those waiting for approval first, then by name."""
    return list(db.session.scalars(sa.select(H5PLibrary).order_by(
        H5PLibrary.approved_at.is_not(None), H5PLibrary.machine_name, H5PLibrary.major, H5PLibrary.minor)))


def _replace_files(library: H5PLibrary, files: dict[str, bytes]) -> None:
    library.files.clear()
    db.session.flush()
    library.files.extend(H5PLibraryFile(path=path, data=data) for path, data in sorted(files.items()))


def store(read: h5p_package.H5PPackage) -> list[tuple[H5PLibrary, str]]:
    """Keep the package's libraries once: one not in the store is added (waiting for an
    admin's approval); a newer patch of a stored major.minor replaces its files and must
    be approved again (its JavaScript changed); the same or an older patch reuses the
    stored one. Returns each library with what happened to it."""
    outcome = []
    for library in read.libraries.values():
        if platform.is_platform(library.machine_name, library.major, library.minor):
            # The platform's own content types come from the repository, never from a package.
            outcome.append((install_platform(library.machine_name, library.major, library.minor), REUSED))
            continue
        stored = find(library.machine_name, library.major, library.minor)
        if stored is None:
            stored = H5PLibrary(machine_name=library.machine_name, major=library.major, minor=library.minor,
                                patch=library.patch, title=library.title[:255], runnable=library.runnable,
                                manifest=library.manifest)
            db.session.add(stored)
            _replace_files(stored, library.files)
            outcome.append((stored, ADDED))
        elif library.patch > stored.patch:
            stored.patch, stored.title, stored.runnable = library.patch, library.title[:255], library.runnable
            stored.manifest, stored.updated_at = library.manifest, utcnow()
            stored.approved_at, stored.approved_by = None, None
            _replace_files(stored, library.files)
            outcome.append((stored, UPDATED))
        else:
            outcome.append((stored, REUSED))
    db.session.flush()
    return outcome


def install_platform(machine_name: str, major: int, minor: int) -> H5PLibrary:
    """The store's copy of one of the platform's own content types (``lms.h5p.platform``),
    added from the repository and approved, since it is reviewed there like the rest of the
    platform's code. A newer patch in the repository replaces the stored files; an admin's
    withdrawal of the approval stands, for this and later patches."""
    folder = platform.library_folders()[(machine_name, major, minor)]
    manifest = json.loads((folder / "library.json").read_text(encoding="utf-8"))
    stored = find(machine_name, major, minor)
    if stored is None:
        stored = H5PLibrary(machine_name=machine_name, major=major, minor=minor, patch=manifest["patchVersion"],
                            title=manifest["title"][:255], runnable=bool(manifest.get("runnable")),
                            manifest=manifest, approved_at=utcnow(), approved_by=None)
        db.session.add(stored)
        _replace_files(stored, platform.library_files(folder))
    elif manifest["patchVersion"] > stored.patch:
        stored.patch, stored.title, stored.manifest = manifest["patchVersion"], manifest["title"][:255], manifest
        stored.updated_at = utcnow()
        _replace_files(stored, platform.library_files(folder))
    db.session.flush()
    return stored


def install_platform_needs(read: h5p_package.H5PPackage) -> None:
    """Put the platform's own content types that the package needs into the store."""
    for need in read.needs:
        if platform.is_platform(need.machine_name, need.major, need.minor):
            install_platform(need.machine_name, need.major, need.minor)


def is_platform(library: H5PLibrary) -> bool:
    """Whether the library is one of the platform's own content types."""
    return platform.is_platform(library.machine_name, library.major, library.minor)


def approve(library: H5PLibrary, by: User) -> None:
    library.approved_at, library.approved_by = utcnow(), by
    db.session.flush()


def revoke(library: H5PLibrary) -> None:
    library.approved_at, library.approved_by = None, None
    db.session.flush()


def unapproved_needs(read: h5p_package.H5PPackage, where: str = "package") -> list[Problem]:
    """What keeps the package from being used: every library it needs (its content's and
    its libraries' dependencies) that is not in the store approved, named. One of the
    platform's own content types not yet in the store does not: it enters approved with
    the content (``keep_content``), unless an admin withdrew its approval. The store's
    approved copy is what plays, whatever copy the package brings."""
    return [Problem(where, None, "", N_(UNAPPROVED, library=str(need))) for need in waiting(read)]


# What ``unapproved_needs`` says of a library not approved: the studio tells these apart from
# the package's own problems (an author may save a draft whose libraries still wait).
UNAPPROVED = N_("%(library)s is not approved; an admin can add and approve it under Admin → H5P libraries").template


def waiting(read: h5p_package.H5PPackage) -> list[h5p_package.Dependency]:
    """The libraries the package needs that are not in the store approved."""
    found = []
    for need in read.needs:
        stored = find(need.machine_name, need.major, need.minor)
        if stored is None and platform.is_platform(need.machine_name, need.major, need.minor):
            continue  # the platform's own: it enters the store approved with the content
        if stored is None or not stored.approved:
            found.append(need)
    return found


def is_unapproved(problem: Problem) -> bool:
    """Whether ``problem`` is only that a library waits for an admin's approval."""
    return isinstance(problem.message, Deferred) and problem.message.template == UNAPPROVED


def limits() -> tuple[int, int]:
    """(most bytes, most files) of an ``.h5p`` package: LMS_H5P_MAX_BYTES and LMS_H5P_MAX_FILES."""
    if not has_app_context():
        return h5p_package.MAX_BYTES, h5p_package.MAX_FILES
    return (current_app.config.get("LMS_H5P_MAX_BYTES", h5p_package.MAX_BYTES),
            current_app.config.get("LMS_H5P_MAX_FILES", h5p_package.MAX_FILES))


def max_bytes() -> int:
    return limits()[0]


def check_course_file(path: Path, file: str) -> tuple[h5p_package.H5PPackage | None, list[Problem]]:
    """The check ``flask courses validate`` and the import run on a course's ``h5p/<slug>.h5p``
    (registered into the loader at start-up): the package read as strictly as H5P reads
    one, then every library it needs approved in the store. Each problem names ``file``
    and, inside it, the entry."""
    limit, count = limits()
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    try:
        read = h5p_package.read(data, limit, count)
    except h5p_package.PackageRefused as refused:
        return None, inside(file, refused.problems)
    if not has_app_context():
        return read, []
    try:
        return read, unapproved_needs(read, file)
    except sa.exc.DBAPIError:
        # A checkout whose database is not set up yet (no library store to ask): say so
        # instead of a traceback; everything else in the course is still checked.
        db.session.rollback()
        return read, [Problem(file, None, "", N_(NO_STORE))]


NO_STORE = N_("whether its H5P libraries are approved cannot be checked: the platform's database is not "
              "set up yet (run flask lms init first)").template


def check_package_entry(name: str, data: bytes) -> list[Problem]:
    """The check a course ``.zip`` runs on an ``h5p/<item>.h5p`` inside it (registered into
    ``lms.content.packages`` at start-up): the package's own checks and limits; whether its
    libraries are approved is the course validator's question, asked after unpacking."""
    limit, count = limits()
    try:
        h5p_package.read(data, limit, count)
    except h5p_package.PackageRefused as refused:
        return inside(name, refused.problems)
    return []


def inside(file: str, problems: list[Problem]) -> list[Problem]:
    """The package's problems as problems of ``file`` (the entry and field they name go
    first in the field), their messages still deferred, so each page shows them in its
    own language and the command line in English."""
    return [Problem(file, None, ": ".join(part for part in (problem.file, problem.field) if part), problem.message)
            for problem in problems]


def keep_content(item, activity) -> None:
    """Keep an imported H5P item's content (its ``h5p.json`` and ``content/`` files, as a
    zip): registered into the course import at start-up. The libraries are the store's."""
    read = activity.package
    install_platform_needs(read)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(read.content):
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), read.content[path],
                             compress_type=zipfile.ZIP_DEFLATED)
    content = db.session.get(H5PContent, item.id)
    if content is None:
        content = H5PContent(item_id=item.id)
        db.session.add(content)
    content.manifest, content.package, content.updated_at = read.manifest, buffer.getvalue(), utcnow()
    db.session.flush()


def content_of(item) -> H5PContent | None:
    return db.session.get(H5PContent, item.id)
