"""Whether the rate limits hold across every web process.

Flask-Limiter keeps its counters where ``LMS_RATELIMIT_STORAGE_URL`` says. ``memory://``
is a dictionary inside one process: with several web processes (gunicorn workers, or
app servers) each counts on its own, so "10 per minute" quietly becomes 10 per minute per
process. Start-up says so (gunicorn.conf.py calls this) instead of leaving it silent."""

from __future__ import annotations

PER_PROCESS_SCHEMES = ("memory://",)


def per_process_warning(storage_uri: str, processes: int) -> str | None:
    """The warning to log when ``processes`` web processes would each keep their own
    counters in ``storage_uri``; None when the limits hold."""
    if processes <= 1 or not storage_uri.startswith(PER_PROCESS_SCHEMES):
        return None
    return (
        f"RATE LIMITS ARE NOT SHARED: {processes} web processes each keep their own rate-limit counters "
        f"(LMS_RATELIMIT_STORAGE_URL is {storage_uri}), so every limit, such as LMS_LOGIN_RATE_LIMIT, "
        f"allows {processes} times as many attempts as it says. Set LMS_RATELIMIT_STORAGE_URL to a Redis "
        "server that every web process shares, e.g. redis://127.0.0.1:6379/0."
    )
