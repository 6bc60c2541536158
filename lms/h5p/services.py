"""The library store's operations: adding a package's libraries (deduplicated), an
admin's approval, and whether a package may be used (every library it needs is in the
store and approved). Plain functions; they flush, callers commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.accounts.models import User
from lms.content.loader import Problem
from lms.core.clock import utcnow
from lms.extensions import db
from lms.h5p import package as h5p_package
from lms.h5p.models import H5PLibrary, H5PLibraryFile

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


def approve(library: H5PLibrary, by: User) -> None:
    library.approved_at, library.approved_by = utcnow(), by
    db.session.flush()


def revoke(library: H5PLibrary) -> None:
    library.approved_at, library.approved_by = None, None
    db.session.flush()


def unapproved_needs(read: h5p_package.H5PPackage, where: str = "package") -> list[Problem]:
    """What keeps the package from being used: every library it needs (its content's and
    its libraries' dependencies) that is not in the store approved, named. The store's
    approved copy is what plays, whatever copy the package brings."""
    problems = []
    for need in read.needs:
        stored = find(need.machine_name, need.major, need.minor)
        if stored is None or not stored.approved:
            problems.append(Problem(where, None, "", _(
                "%(library)s is not approved; an admin can add and approve it under Admin → H5P libraries",
                library=str(need))))
    return problems
