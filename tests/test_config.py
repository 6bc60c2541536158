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
