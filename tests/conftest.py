"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when
``LMS_TEST_DATABASE_URL`` is set), a client, a CLI runner and a user of each role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context

from lms import create_app
from lms.config import _database_url
from lms.content import loader as course_loader
from lms.exercises import queues
from lms.extensions import db
from lms.h5p import services as h5p_services
from tests import factories

POSTGRES_URL = os.environ.get("LMS_TEST_DATABASE_URL")
# The shipped courses carry H5P activities: tests that read them without an app check their
# packages as the app does (create_app registers the same check).
course_loader.H5P_CHECK[:] = [h5p_services.check_course_file]
TEST_PASSWORD = factories.PASSWORD


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite (a file per test)'}"


def pytest_configure(config):
    if os.environ.get("LMS_REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
        raise pytest.UsageError("LMS_REQUIRE_POSTGRES=1 but LMS_TEST_DATABASE_URL is not set")


def pytest_collection_modifyitems(config, items):
    """Tests of PostgreSQL-only behaviour (row locks) belong to the PostgreSQL run; on
    SQLite they are deselected, not skipped, and the header says how many."""
    if POSTGRES_URL:
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    if postgres_only:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """Tests never read the developer's LMS_* settings or instance/ folder."""
    for name in list(os.environ):
        if name.startswith("LMS_") and not name.startswith(("LMS_TEST_", "LMS_REQUIRE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))


@pytest.fixture
def database_url(tmp_path) -> str:
    if POSTGRES_URL:
        return _database_url(POSTGRES_URL)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def drop_everything(engine) -> None:
    """Remove every table, including Alembic's, whatever state a test left behind."""
    db.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def make_app(database_url):
    """Build an app with extra settings; its database starts empty and is dropped after."""
    apps = []

    def make(schema: bool = True, **overrides):
        """``schema=False`` leaves the database untouched (tests that build it themselves)."""
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,  # the one place CSRF is off; tests/core checks it is on
            "LMS_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # fast in tests, same code path
            "SERVER_NAME": None,
            **overrides,
        }
        app = create_app(config)
        if schema:
            with app.app_context():
                drop_everything(db.engine)
                db.create_all()
        apps.append(app)
        return app

    yield make
    # Gradings still going in this process's grader threads finish before their database goes.
    queues.wait_idle(60)
    for app in apps:
        with app.app_context():
            db.session.remove()
            try:
                drop_everything(db.engine)
            except sa.exc.OperationalError:
                pass  # a test pointed this app at a database that cannot be reached
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """No app context is left pushed: Flask would reuse it for every test request, and
    ``g`` (where Flask-Login keeps the signed-in user) would leak between requests."""
    return make_app()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly; messages in English (the
    site's default is Latvian)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


@pytest.fixture
def client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """``make_user("name", audience=..., roles=...)``. Inside ``ctx`` the user stays
    attached to the session; otherwise it comes back detached with its fields loaded."""

    def make(*args, **kwargs):
        if has_app_context():
            return factories.make_user(*args, **kwargs)
        with app.app_context():
            user = factories.make_user(*args, **kwargs)
            db.session.refresh(user)
            _ = user.role_links  # load before detaching
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def adult(make_user):
    return make_user("adult", audience="adult")


@pytest.fixture
def pupil(make_user):
    return make_user("pupil", audience="pupil", email=None)


@pytest.fixture
def teacher(make_user):
    return make_user("teacher", audience="teacher", roles=("learner", "teacher"))


@pytest.fixture
def admin(make_user):
    return make_user("admin", roles=("learner", "admin"))


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in through the real login form."""

    def login(user, password: str = TEST_PASSWORD, **extra):
        response = client.post("/login", data={"login": user.username, "password": password, **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return login


FIXTURE_COURSES = Path(__file__).parent / "fixtures" / "courses"


@pytest.fixture
def courses(app):
    """The test course packages (first-steps, published; hidden-draft, a draft), imported."""
    from lms.content import services as content

    with app.app_context():
        content.import_courses(FIXTURE_COURSES)
        db.session.commit()
    return FIXTURE_COURSES


@pytest.fixture
def enrolled(client, adult, login, courses):
    """The adult learner, signed in and enrolled in first-steps."""
    login(adult)
    response = client.post("/courses/first-steps/enrol")
    assert response.status_code == 302
    return adult


ALL_CORRECT = {"q-best-password": "o2", "q-good-habits": ["o1", "o2"], "q-share-password": "false",
               "q-bits": "8", "q-device": "Router"}


POOL_COURSES = Path(__file__).parent / "fixtures" / "pool-courses"


@pytest.fixture
def pool_course(app):
    """quiz-practice: one quiz (pool-check) that draws 3 of its 6 questions per attempt,
    shuffles options (but one question's), and allows 3 attempts."""
    from lms.content import services as content

    with app.app_context():
        content.import_courses(POOL_COURSES)
        db.session.commit()
    return POOL_COURSES


def quiz_answers(paper, correct: bool = True) -> dict:
    """The form a learner would send for an attempt's paper (``learning.services.attempt_paper``):
    every answer right, or every answer wrong."""
    form = {}
    for entry in paper:
        question, name = entry.question, f"q-{entry.question['id']}"
        kind = question["type"]
        if kind in ("single", "multiple"):
            values = [value for value, option in entry.options if option["correct"] == correct]
            form[name] = values[:1] if kind == "single" else values
        elif kind == "true_false":
            form[name] = "true" if question["answer"] == correct else "false"
        elif kind == "numeric":
            form[name] = str(question["answer"] if correct else question["answer"] + question["tolerance"] + 1)
        else:
            form[name] = question["accepted"][0] if correct else "not " + question["accepted"][0]
    return form
