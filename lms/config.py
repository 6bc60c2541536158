"""Settings: built-in defaults, then ``instance/config.py``, then ``LMS_*`` environment
variables, then the overrides a caller (a test) passes to ``create_app``.

Every environment variable the platform reads is declared once in ``SETTINGS`` so the
README's settings table and the code cannot drift apart (a test checks the README).
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from email.utils import parseaddr
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Config

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
# An installed package (``pip install .``, not editable) carries the folders that sit beside
# ``lms/`` in the checkout (templates, static files, migrations, the shipped courses) in
# ``lms/_share/``: setup.py copies them there when it builds the wheel.
INSTALLED = (PACKAGE_DIR / "_share").is_dir()
DATA_ROOT = PACKAGE_DIR / "_share" if INSTALLED else REPO_ROOT
TEMPLATES_DIR = DATA_ROOT / "templates"
STATIC_DIR = DATA_ROOT / "static"
MIGRATIONS_DIR = DATA_ROOT / "migrations"
COURSES_DIR = DATA_ROOT / "courses"
LANGUAGES = ("lv", "en")


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a yes/no value such as 1 or 0, got {value!r}")


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None


def _shown(value: str) -> str:
    """A URL as an error message may show it: without the password it may carry."""
    parts = urlsplit(value)
    if parts.password is not None:
        value = value.replace(f":{parts.password}@", ":***@", 1)
    return repr(value)


def _database_url(value: str) -> str:
    """Accept the URLs hosting providers hand out and pin the psycopg 3 driver; only
    PostgreSQL and SQLite, the two databases the migrations and tests run on."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
        if value.startswith(prefix):
            rest = value[len(prefix):]
            if not urlsplit("//" + rest).hostname and "host=" not in rest:
                break
            return "postgresql+psycopg://" + rest
    else:
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
    raise ValueError("expected postgresql://user:password@host:5432/name or sqlite:////path/to/file.sqlite3, "
                     f"got {_shown(value)}")


_RATELIMIT_STORAGES = ("memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")


def _ratelimit_storage(value: str) -> str:
    """A storage Flask-Limiter can use with the installed drivers; an unknown one would
    otherwise fail at the first limited request, or be given up with limits switched off."""
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in _RATELIMIT_STORAGES or (scheme != "memory" and not value.split("://", 1)[1]):
        raise ValueError(f"expected memory:// or a Redis URL such as redis://127.0.0.1:6379/0 (schemes: "
                         f"{', '.join(s + '://' for s in _RATELIMIT_STORAGES)}), got {_shown(value)}")
    return value


def _redis_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ValueError(f"expected a Redis URL such as redis://127.0.0.1:6379/1 (redis://, rediss:// or unix://), "
                         f"got {_shown(value)}")
    return value


def _rate_limit(value: str) -> str:
    """Limits in Flask-Limiter's notation; a string it cannot read would switch the limit off."""
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError("expected limits such as '10 per minute;50 per hour' (a number, 'per', a second, "
                         f"minute, hour, day, month or year; several joined by ';'), got {value!r}") from None
    return value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected a time zone name from the IANA database such as Europe/Riga or UTC, "
                         f"got {value!r}") from None
    return value


def _endpoint(value: str) -> str:
    """An http(s) URL with a host; unlike the site's address it may have a path."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"expected an http:// or https:// address such as https://lrs.example.lv/xAPI, "
                         f"got {_shown(value)}")
    return value.strip()


def _host(value: str) -> str:
    if "://" in value or not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]", value):
        raise ValueError(f"expected a host name or address such as smtp.example.lv (no scheme, no port), got {value!r}")
    return value


def _port(value: str) -> int:
    number = _int(value)
    if not 1 <= number <= 65535:
        raise ValueError(f"expected a port number from 1 to 65535, got {value!r}")
    return number


def _email(value: str) -> str:
    name, address = parseaddr(value)
    local, _, domain = address.partition("@")
    if not local or not domain or "@" in domain or " " in address:
        raise ValueError(f"expected an e-mail address such as noreply@learn.example.lv "
                         f"(or 'Name <noreply@learn.example.lv>'), got {value!r}")
    return value


def _queue_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._:-]{1,100}", value):
        raise ValueError(f"expected up to 100 letters, digits, '.', '_', ':' or '-', got {value!r}")
    return value


def parse_address(value: str) -> str:
    """An http(s) address with a host and nothing after the path, without a trailing slash.
    The site's address, and the platform identity fixed from it when the database is
    created (a value that would make every statement invalid is refused before that)."""
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"expected an http:// or https:// address such as https://learn.example.lv, got {value!r}")
    return value


def _locale(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(f"expected one of {', '.join(LANGUAGES)}, got {value!r}")
    return value


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = _int(value)
        if number < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}, got {value!r}")
        return number
    return parse


def _xapi_version(value: str) -> str:
    if value not in ("1.0.3", "2.0.0"):
        raise ValueError(f"expected 1.0.3 or 2.0.0, got {value!r}")
    return value


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    description: str
    parse: Callable[[str], Any] = str


SETTINGS = (
    Setting("LMS_DATABASE_URL", "SQLALCHEMY_DATABASE_URI",
            "Database URL. Default: SQLite file `instance/lms.sqlite3`. "
            "PostgreSQL: `postgresql://user:pass@host:5432/lms` (psycopg 3 is used).",
            _database_url),
    Setting("LMS_SECRET_KEY", "SECRET_KEY",
            "Signs sessions and tokens. Default: generated once into `instance/secret_key`. "
            "Set the same value on every app server."),
    Setting("LMS_BASE_URL", "LMS_BASE_URL",
            "Public address of the site, for links meant for people (e-mailed reset links, certificate "
            "pages, the class join address). Records use the platform identity instead, fixed to this "
            "address when the database is created (`flask lms identity` shows it). "
            "Default: `http://127.0.0.1:5000`.", parse_address),
    Setting("LMS_DEFAULT_LOCALE", "BABEL_DEFAULT_LOCALE",
            "Language when neither the account nor the browser names one: `lv` or `en`. Default: `lv`.",
            _locale),
    Setting("LMS_TIMEZONE", "BABEL_DEFAULT_TIMEZONE",
            "Time zone for dates shown to people. Default: `Europe/Riga`.", _time_zone),
    Setting("LMS_RATELIMIT_STORAGE_URL", "RATELIMIT_STORAGE_URI",
            "Where rate-limit counters live. Default: `memory://`, counted inside each process, so "
            "with several gunicorn workers or app servers every limit multiplies (gunicorn's start-up "
            "warns). In production: one Redis shared by every web process, e.g. `redis://127.0.0.1:6379/0`.",
            _ratelimit_storage),
    Setting("LMS_LOGIN_RATE_LIMIT", "LMS_LOGIN_RATE_LIMIT",
            "Login attempts allowed per client address. Default: `10 per minute;50 per hour`.", _rate_limit),
    Setting("LMS_EXERCISE_RATE_LIMIT", "LMS_EXERCISE_RATE_LIMIT",
            "Runs and submits of code exercises allowed per learner. Default: `20 per minute;300 per hour`.",
            _rate_limit),
    Setting("LMS_SESSION_IDLE_HOURS", "LMS_SESSION_IDLE_HOURS",
            "Hours a sign-in without \"keep me signed in\" lasts unused; one with it lasts as long as its "
            "cookie (365 days). Default: `24`.", _at_least(1)),
    Setting("LMS_PASSWORD_RESET_MAX_AGE", "LMS_PASSWORD_RESET_MAX_AGE",
            "Seconds a password-reset link stays valid. Default: `3600`.", _at_least(60)),
    Setting("LMS_MAIL_SERVER", "LMS_MAIL_SERVER",
            "SMTP host. Unset: e-mails are written to the application log instead of sent.", _host),
    Setting("LMS_MAIL_PORT", "LMS_MAIL_PORT", "SMTP port. Default: `587`.", _port),
    Setting("LMS_MAIL_USERNAME", "LMS_MAIL_USERNAME", "SMTP user name, if the server needs one."),
    Setting("LMS_MAIL_PASSWORD", "LMS_MAIL_PASSWORD", "SMTP password, if the server needs one."),
    Setting("LMS_MAIL_USE_TLS", "LMS_MAIL_USE_TLS",
            "Use STARTTLS with the SMTP server: `1` or `0`. Default: `1`.", _bool),
    Setting("LMS_MAIL_SENDER", "LMS_MAIL_SENDER",
            "From address of e-mails. Default: `noreply@localhost`.", _email),
    Setting("LMS_XAPI_FORWARD_URL", "LMS_XAPI_FORWARD_URL",
            "Endpoint of an external LRS to forward every statement to, e.g. `https://lrs.example.lv/xAPI`. "
            "Unset: no forwarding.", _endpoint),
    Setting("LMS_XAPI_FORWARD_USERNAME", "LMS_XAPI_FORWARD_USERNAME", "HTTP Basic user name for the external LRS."),
    Setting("LMS_XAPI_FORWARD_PASSWORD", "LMS_XAPI_FORWARD_PASSWORD", "HTTP Basic password for the external LRS."),
    Setting("LMS_XAPI_FORWARD_VERSION", "LMS_XAPI_FORWARD_VERSION",
            "xAPI version header sent to the external LRS. Default: `1.0.3`.", _xapi_version),
    Setting("LMS_XAPI_DEFAULT_VERSION", "LMS_XAPI_DEFAULT_VERSION",
            "The LRS serves xAPI 1.0.3 and 2.0.0, by each request's version header; this is the version it "
            "answers in when a request names none: `1.0.3` or `2.0.0`. Default: `1.0.3`.", _xapi_version),
    Setting("LMS_PROXY_COUNT", "LMS_PROXY_COUNT",
            "How many reverse proxies stand in front of the app (trusts their X-Forwarded-* "
            "headers for the client address and scheme). Default: `0`.", _at_least(0)),
    Setting("LMS_GRADER_WORKERS", "LMS_GRADER_WORKERS",
            "Grader worker processes (each runs one learner's code at a time in V8) per process that "
            "grades: the web process in the embedded default; a `flask exercises grader` process keeps one. "
            "Default: `2`.", _at_least(1)),
    Setting("LMS_GRADING_QUEUE_URL", "LMS_GRADING_QUEUE_URL",
            "Where runs and submits wait to be graded. Unset: background threads of the web process grade "
            "them (one server). Production: Redis, e.g. `redis://127.0.0.1:6379/1`, served by "
            "`flask exercises grader` processes on any machine.", _redis_url),
    Setting("LMS_GRADING_QUEUE_NAME", "LMS_GRADING_QUEUE_NAME",
            "Name of the grading queue in Redis (two deployments sharing one Redis need different names). "
            "Default: `lms-grading`.", _queue_name),
    Setting("LMS_GRADING_TIMEOUT", "LMS_GRADING_TIMEOUT",
            "Seconds after which a run or submit that has not been graded is given up (its grader died or "
            "the queue is stuck): the learner is told and may try again. Default: `120`.", _at_least(30)),
    Setting("LMS_GRADER_MEMORY_MB", "LMS_GRADER_MEMORY_MB",
            "Memory in MiB a grader worker may use for learner code beyond what V8 takes at start-up "
            "(enforced with RLIMIT_DATA and a resident-memory watchdog; over it, the grading ends "
            "with a memory error and the worker is restarted). Default: `512`.", _at_least(64)),
    Setting("LMS_TASK_MAX_FILE_MB", "LMS_TASK_MAX_FILE_MB",
            "Largest file (MB) a learner may hand in with a task; a task may set a lower limit of its own. "
            "Files are kept in the database. Default: `10`.", _at_least(1)),
    Setting("LMS_RETENTION_PUPIL_DAYS", "LMS_RETENTION_PUPIL_DAYS",
            "Days after the last of a pupil's classes ended (its end date) that `flask lms retention` erases "
            "the pupil. Default: `365`.", _at_least(1)),
    Setting("LMS_RETENTION_ADULT_YEARS", "LMS_RETENTION_ADULT_YEARS",
            "Years without signing in after which `flask lms retention` erases an adult's or teacher's account "
            "(never an admin's), after a warning e-mail where there is an address. Default: `3`.", _at_least(1)),
    Setting("LMS_RETENTION_WARNING_DAYS", "LMS_RETENTION_WARNING_DAYS",
            "Days between the warning e-mail and the erasure of an inactive account; signing in meanwhile "
            "keeps it. Default: `30`.", _at_least(1)),
    Setting("LMS_RETENTION_ACCESS_LOG_DAYS", "LMS_RETENTION_ACCESS_LOG_DAYS",
            "Days access-log entries are kept before `flask lms retention` removes them. Default: `730`.",
            _at_least(1)),
    Setting("LMS_EXPORT_KEEP_HOURS", "LMS_EXPORT_KEEP_HOURS",
            "Hours a prepared copy of a person's data (the export archive) can be downloaded; then "
            "`flask lms retention` removes it. Default: `72`.", _at_least(1)),
    Setting("LMS_EXERCISE_MAX_CODE_BYTES", "LMS_EXERCISE_MAX_CODE_BYTES",
            "Largest learner code (UTF-8 bytes) the grader accepts; larger code is refused "
            "before anything runs. Default: `65536`.", _at_least(1)),
    Setting("LMS_MAX_REQUEST_BYTES", "LMS_MAX_REQUEST_BYTES",
            "Largest request body (bytes) any page or form accepts; a larger one is answered 413 "
            "before it is read. At least 3 × `LMS_EXERCISE_MAX_CODE_BYTES` (a form can triple code). "
            "Default: `1048576` (1 MiB).", _at_least(1024)),
    Setting("LMS_XAPI_MAX_REQUEST_BYTES", "LMS_XAPI_MAX_REQUEST_BYTES",
            "Largest request body (bytes) the LRS at `/xapi/` accepts (statements with their attachments). "
            "Default: `16777216` (16 MiB).", _at_least(1024)),
    Setting("LMS_H5P_MAX_BYTES", "LMS_H5P_MAX_BYTES",
            "Largest H5P package (bytes), as uploaded and as it unpacks; a larger one is refused with a "
            "message. Default: `20971520` (20 MiB).", _at_least(1024)),
    Setting("LMS_H5P_MAX_FILES", "LMS_H5P_MAX_FILES",
            "Most files an H5P package may hold; one with more is refused with a message. "
            "Default: `1000`.", _at_least(1)),
)


def defaults(instance_path: Path) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'lms.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "LMS_BASE_URL": "http://127.0.0.1:5000",
        "BABEL_DEFAULT_LOCALE": "lv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Riga",
        "LMS_LANGUAGES": LANGUAGES,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LMS_LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        "LMS_EXERCISE_RATE_LIMIT": "20 per minute;300 per hour",
        "LMS_PASSWORD_RESET_MAX_AGE": 3600,
        "LMS_SESSION_IDLE_HOURS": 24,
        "LMS_MAIL_SERVER": None,
        "LMS_MAIL_PORT": 587,
        "LMS_MAIL_USERNAME": None,
        "LMS_MAIL_PASSWORD": None,
        "LMS_MAIL_USE_TLS": True,
        "LMS_MAIL_SENDER": "noreply@localhost",
        "LMS_PROXY_COUNT": 0,
        "LMS_GRADER_WORKERS": 2,
        "LMS_GRADER_MEMORY_MB": 512,
        "LMS_GRADING_QUEUE_URL": None,
        "LMS_GRADING_QUEUE_NAME": "lms-grading",
        "LMS_GRADING_TIMEOUT": 120,
        "LMS_EXERCISE_MAX_CODE_BYTES": 65536,
        "LMS_MAX_REQUEST_BYTES": 1024 * 1024,
        "LMS_XAPI_MAX_REQUEST_BYTES": 16 * 1024 * 1024,
        "LMS_H5P_MAX_BYTES": 20 * 1024 * 1024,
        "LMS_H5P_MAX_FILES": 1000,


        "LMS_TASK_MAX_FILE_MB": 10,
        "LMS_RETENTION_PUPIL_DAYS": 365,
        "LMS_RETENTION_ADULT_YEARS": 3,
        "LMS_RETENTION_WARNING_DAYS": 30,
        "LMS_RETENTION_ACCESS_LOG_DAYS": 730,
        "LMS_EXPORT_KEEP_HOURS": 72,
        "LMS_XAPI_DEFAULT_VERSION": "1.0.3",
        "LMS_XAPI_FORWARD_URL": None,
        "LMS_XAPI_FORWARD_USERNAME": None,
        "LMS_XAPI_FORWARD_PASSWORD": None,
        "LMS_XAPI_FORWARD_VERSION": "1.0.3",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    }


class ConfigError(SystemExit):
    """A setting has a value the platform cannot use; the message names it and says what is
    allowed. A ``SystemExit``: nothing should carry on with such a setting, and a process
    stopped by it (``flask``, gunicorn's master, a grader) prints that one line, no traceback."""


def from_environment(environ: os._Environ | dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None or raw == "":
            continue
        try:
            values[setting.key] = setting.parse(raw)
        except ValueError as error:
            raise ConfigError(f"{setting.env}: {error}") from None
    return values


def instance_path(environ: Mapping[str, str]) -> Path:
    """``LMS_INSTANCE_PATH``, else ``instance/`` in the checkout, else (an installed package,
    whose folder is no place for data) ``<virtualenv>/var/lms-instance``, as Flask does."""
    if environ.get("LMS_INSTANCE_PATH"):
        return Path(environ["LMS_INSTANCE_PATH"])
    if INSTALLED:
        return Path(sys.prefix) / "var" / "lms-instance"
    return REPO_ROOT / "instance"


def load(target: Config, instance_path: Path, environ: Mapping[str, str],
         overrides: dict[str, Any] | None = None) -> None:
    """Fill ``target`` in order of precedence: built-in defaults, then
    ``instance/config.py``, then ``LMS_*`` variables, then ``overrides``."""
    target.from_mapping(defaults(instance_path))
    target.from_pyfile(str(instance_path / "config.py"), silent=True)
    target.from_mapping(from_environment(environ))
    if overrides:
        target.from_mapping(overrides)


def deployment_settings(environ: Mapping[str, str] = os.environ) -> Config:
    """This deployment's settings, read exactly as ``create_app`` reads them but without
    building an app: for gunicorn's master process, which checks them before any worker
    starts."""
    path = instance_path(environ)
    settings = Config(str(path))
    load(settings, path, environ)
    return settings


def load_secret_key(instance_path: Path) -> str:
    """Read ``instance/secret_key``, creating it on first run.

    ``O_EXCL`` makes the first of several starting workers the only writer; the others
    read what it wrote.
    """
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another worker may have created the file a moment ago and not yet written it.
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise ConfigError(f"{path} is empty: delete it to have a new key generated") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
