"""The one clock: now as naive UTC, as every timestamp column stores it (Flask-Babel
converts to the reader's time zone when it is shown)."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC, as stored."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
