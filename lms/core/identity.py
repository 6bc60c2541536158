"""The platform identity: the IRI the platform's records are built from (actor homePages,
activity ids, the platform's own authority), as opposed to the address the site is served
at (``LMS_BASE_URL``), which links meant for people use.

The identity is fixed when the database is created, to the base URL of that moment
(``flask lms init`` through its migration; ``db.create_all`` through the table's creation
below), and stored in it. It never follows a later change of ``LMS_BASE_URL``: a site that
starts on ``127.0.0.1:5000`` and later gets its real domain keeps every learner's records,
evidence and certificates. Changing it is deliberately not offered."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context

from lms.config import parse_address
from lms.core.models import PlatformIdentity
from lms.core.clock import utcnow
from lms.extensions import db

_CACHE = "lms.platform_identity"


class IdentityMissing(RuntimeError):
    pass


def platform_identity() -> str:
    """The identity of the app's database, read once per app and then remembered (it never
    changes once set). Two apps on one database see the same identity, whatever each one's
    ``LMS_BASE_URL``."""
    extensions = current_app.extensions
    iri = extensions.get(_CACHE)
    if iri is None:
        # No autoflush: statements are built while the caller's changes are pending.
        with db.session.no_autoflush:
            iri = db.session.scalar(sa.select(PlatformIdentity.iri).where(PlatformIdentity.id == 1))
        if iri is None:
            raise IdentityMissing("The database has no platform identity: run `flask lms init`.")
        extensions[_CACHE] = iri
    return iri


def fixed_at() -> datetime | None:
    return db.session.scalar(sa.select(PlatformIdentity.fixed_at).where(PlatformIdentity.id == 1))


def site_address() -> str:
    """The address the site is served at, without a trailing slash: for links meant for
    people (e-mailed reset links, certificate pages, the join address), never for records."""
    return current_app.config["LMS_BASE_URL"].rstrip("/")


def forget() -> None:
    """Drop this app's remembered identity (after the database was created anew)."""
    current_app.extensions.pop(_CACHE, None)


@sa.event.listens_for(PlatformIdentity.__table__, "after_create")
def _fix_at_creation(table, connection, **_) -> None:
    """``db.create_all`` (tests, benchmarks, screenshots) fixes the identity as the
    migration does for ``flask lms init``: to the base URL of that moment."""
    if not has_app_context():
        return
    connection.execute(table.insert().values(id=1, iri=parse_address(site_address()),
                                             fixed_at=utcnow()))
    forget()
