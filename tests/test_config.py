import pytest

from lms import create_app
from lms.config import REPO_ROOT, SETTINGS, ConfigError, from_environment, load_secret_key


def test_postgres_urls_get_the_psycopg3_driver():
    values = from_environment({"LMS_DATABASE_URL": "postgres://u:p@db:5432/lms"})
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db:5432/lms"


def test_a_bad_setting_names_the_variable():
    with pytest.raises(ConfigError, match="LMS_MAIL_PORT: expected a whole number"):
        from_environment({"LMS_MAIL_PORT": "twenty"})
    with pytest.raises(ConfigError, match="LMS_DEFAULT_LOCALE"):
        from_environment({"LMS_DEFAULT_LOCALE": "de"})


def test_an_address_without_a_scheme_is_refused_before_anything_is_built_from_it():
    """The site's address becomes the platform identity of a new database, for good: a
    value that would make every statement invalid stops start-up, naming the variable."""
    with pytest.raises(ConfigError, match="LMS_BASE_URL: expected an http:// or https:// address"):
        from_environment({"LMS_BASE_URL": "learn.example.lv"})
    assert from_environment({"LMS_BASE_URL": "https://learn.example.lv/"})["LMS_BASE_URL"] == "https://learn.example.lv"


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"


def test_a_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_secret_key(tmp_path) == first


def test_environment_beats_instance_config_and_overrides_beat_both(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("LMS_BASE_URL = 'https://from-file.example'\nSECRET_KEY = 'x'\n")
    assert create_app().config["LMS_BASE_URL"] == "https://from-file.example"
    monkeypatch.setenv("LMS_BASE_URL", "https://from-env.example")
    app = create_app()
    assert app.config["LMS_BASE_URL"] == "https://from-env.example"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert create_app({"LMS_BASE_URL": "http://x"}).config["LMS_BASE_URL"] == "http://x"


def test_sqlite_runs_with_wal_and_foreign_keys(make_app, tmp_path):
    from sqlalchemy import text

    from lms.extensions import db

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'own.sqlite3'}")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_readme_documents_every_setting():
    readme = (REPO_ROOT / "README.md").read_text()
    missing = [setting.env for setting in SETTINGS if f"`{setting.env}`" not in readme]
    assert missing == []


# Every checked setting, a wrong value, and words the message must have (what is allowed).
WRONG_VALUES = [
    ("LMS_DATABASE_URL", "mysql://lms:secret@db/lms", "postgresql://"),
    ("LMS_DATABASE_URL", "postgresql://", "postgresql://user:password@host"),
    ("LMS_BASE_URL", "learn.example.lv", "https://"),
    ("LMS_DEFAULT_LOCALE", "de", "lv, en"),
    ("LMS_TIMEZONE", "Europe/Ventspils", "Europe/Riga"),
    ("LMS_RATELIMIT_STORAGE_URL", "memcached://cache:11211", "redis://"),
    ("LMS_RATELIMIT_STORAGE_URL", "127.0.0.1:6379", "memory://"),
    ("LMS_LOGIN_RATE_LIMIT", "10 a minute", "10 per minute;50 per hour"),
    ("LMS_EXERCISE_RATE_LIMIT", "20/minuteish", "per minute"),
    ("LMS_SESSION_IDLE_HOURS", "0", "at least 1"),
    ("LMS_PASSWORD_RESET_MAX_AGE", "an hour", "whole number"),
    ("LMS_MAIL_SERVER", "smtp://smtp.example.lv", "host name"),
    ("LMS_MAIL_PORT", "twenty", "whole number"),
    ("LMS_MAIL_PORT", "70000", "1 to 65535"),
    ("LMS_MAIL_USE_TLS", "maybe", "1 or 0"),
    ("LMS_MAIL_SENDER", "noreply", "e-mail address"),
    ("LMS_XAPI_FORWARD_URL", "lrs.example.lv/xAPI", "https://"),
    ("LMS_XAPI_FORWARD_VERSION", "1.0", "1.0.3 or 2.0.0"),
    ("LMS_XAPI_DEFAULT_VERSION", "2.0", "1.0.3 or 2.0.0"),
    ("LMS_PROXY_COUNT", "-1", "at least 0"),
    ("LMS_GRADER_WORKERS", "two", "whole number"),
    ("LMS_GRADING_QUEUE_URL", "http://queue.internal:6379/1", "redis://"),
    ("LMS_GRADING_QUEUE_NAME", "lms grading", "letters, digits"),
    ("LMS_GRADING_TIMEOUT", "10", "at least 30"),
    ("LMS_GRADER_MEMORY_MB", "32", "at least 64"),
    ("LMS_TASK_MAX_FILE_MB", "0", "at least 1"),
    ("LMS_RETENTION_PUPIL_DAYS", "a year", "whole number"),
    ("LMS_RETENTION_ADULT_YEARS", "0", "at least 1"),
    ("LMS_RETENTION_WARNING_DAYS", "-30", "at least 1"),
    ("LMS_RETENTION_ACCESS_LOG_DAYS", "2 years", "whole number"),
    ("LMS_EXPORT_KEEP_HOURS", "0", "at least 1"),
    ("LMS_H5P_MAX_BYTES", "100", "at least 1024"),
    ("LMS_H5P_MAX_FILES", "0", "at least 1"),
    ("LMS_EXERCISE_MAX_CODE_BYTES", "64k", "whole number"),
    ("LMS_MAX_REQUEST_BYTES", "1", "at least 1024"),
    ("LMS_XAPI_MAX_REQUEST_BYTES", "lots", "whole number"),
]


@pytest.mark.parametrize(("variable", "value", "allowed"), WRONG_VALUES)
def test_a_wrong_setting_stops_start_up_with_one_line_naming_it(variable, value, allowed, monkeypatch):
    """A wrong value stops the app being built, with one line: the variable and what it may be."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as stopped:
        create_app()
    message = str(stopped.value)
    assert message.startswith(f"{variable}: expected ") and allowed in message
    assert "\n" not in message


def test_every_setting_with_a_value_to_check_has_a_wrong_value_tested():
    """No setting is accepted unchecked, except free text (secrets, user names, passwords)."""
    free_text = {"LMS_SECRET_KEY", "LMS_MAIL_USERNAME", "LMS_MAIL_PASSWORD",
                 "LMS_XAPI_FORWARD_USERNAME", "LMS_XAPI_FORWARD_PASSWORD"}
    unchecked = {setting.env for setting in SETTINGS if setting.parse is str}
    assert unchecked == free_text
    assert {setting.env for setting in SETTINGS} - free_text == {variable for variable, _, _ in WRONG_VALUES}


def test_a_wrong_setting_never_shows_the_database_password():
    """The line goes to logs: a database URL's password is masked in it."""
    with pytest.raises(ConfigError) as stopped:
        from_environment({"LMS_DATABASE_URL": "mysql://lms:hunter2@db/lms"})
    assert "hunter2" not in str(stopped.value) and "***" in str(stopped.value)


def test_good_production_values_are_accepted():
    values = from_environment({
        "LMS_DATABASE_URL": "postgresql://lms:secret@db.internal:5432/lms",
        "LMS_TIMEZONE": "UTC",
        "LMS_RATELIMIT_STORAGE_URL": "redis://cache.internal:6379/0",
        "LMS_GRADING_QUEUE_URL": "rediss://cache.internal:6380/1",
        "LMS_LOGIN_RATE_LIMIT": "5 per minute; 100 per day",
        "LMS_MAIL_SERVER": "smtp.example.lv",
        "LMS_MAIL_SENDER": "Mācību platforma <noreply@learn.example.lv>",
        "LMS_XAPI_FORWARD_URL": "https://lrs.example.lv/xAPI/",
        "LMS_GRADING_QUEUE_NAME": "lms-grading.ventspils",
    })
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lms:secret@db.internal:5432/lms"
    assert values["BABEL_DEFAULT_TIMEZONE"] == "UTC"


@pytest.mark.parametrize("command", [
    ["-m", "flask", "--app", "lms", "lms", "identity"],
    ["-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1"],
])
def test_flask_commands_and_gunicorn_stop_with_the_line_and_no_traceback(command, tmp_path):
    """What an operator sees: the process ends (status 1) and says which setting is wrong."""
    import os
    import subprocess
    import sys

    arguments = [sys.executable, *command]
    if "gunicorn" in command:
        from gunicorn.config import Config as GunicornConfig

        if "control_socket" in GunicornConfig().settings:  # gunicorn 27: one per server; keep ours apart
            arguments += ["--control-socket", str(tmp_path / "gunicorn.ctl")]
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO_ROOT),
                   "LMS_INSTANCE_PATH": str(tmp_path), "LMS_TIMEZONE": "Europe/Ventspils"}
    result = subprocess.run(arguments, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "LMS_TIMEZONE: expected a time zone name from the IANA database such as Europe/Riga" in result.stderr
    assert "Listening at" not in result.stderr + result.stdout
