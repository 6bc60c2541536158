"""The learning platform: ``create_app()`` builds the Flask application."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import config
from lms.core import limits
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``LMS_*`` variables,
    then ``overrides`` (tests pass theirs here)."""
    instance_path = config.instance_path(os.environ)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(config.TEMPLATES_DIR),
        static_folder=str(config.STATIC_DIR),
    )
    config.load(app.config, instance_path, os.environ, overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.load_secret_key(instance_path)
    # Cookies travel only over HTTPS when the site is served over HTTPS.
    secure = app.config["LMS_BASE_URL"].startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if key not in (overrides or {}):
            app.config[key] = secure
    if app.config["LMS_PROXY_COUNT"]:
        count = app.config["LMS_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    _init_extensions(app)
    limits.init_app(app)
    _register_blueprints(app)
    from lms.xapi.alternate import AlternateRequestSyntax

    app.wsgi_app = AlternateRequestSyntax(app.wsgi_app, max_bytes=app.config["LMS_XAPI_MAX_REQUEST_BYTES"])
    return app


def _init_extensions(app: Flask) -> None:
    from lms import models  # noqa: F401  (the whole schema, for migrations and create_all)
    from lms.core import i18n

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.MIGRATIONS_DIR),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def _register_blueprints(app: Flask) -> None:
    from lms.accounts import cli as accounts_cli  # noqa: F401  (adds commands to `flask lms`)
    from lms.learning import cli as learning_cli  # noqa: F401  (adds `flask lms seed-demo`)
    from lms.privacy import cli as privacy_cli  # noqa: F401  (adds `retention` to `flask lms`)
    from lms.accounts.views import bp as accounts_bp
    from lms.admin.views import bp as admin_bp
    from lms.catalog.views import bp as catalog_bp
    from lms.content.cli import courses_cli
    from lms.learning.views import bp as learning_bp
    from lms.xapi.api import bp as lrs_bp
    from lms.xapi.cli import xapi_cli
    from lms.xapi.views import bp as xapi_bp
    from lms.core import errors, headers, i18n, templating
    from lms.core.cli import lms_cli
    from lms.core.views import bp as core_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(catalog_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(xapi_bp)
    app.register_blueprint(lrs_bp)
    csrf.exempt(lrs_bp)  # machine clients authenticate every request; no cookies for writes
    app.cli.add_command(lms_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(xapi_cli)
    from lms.competence import services as competence
    from lms.competence.cli import competence_cli
    from lms.competence.views import bp as competence_bp
    from lms.xapi import services as xapi

    app.register_blueprint(competence_bp)
    from lms.teaching.views import bp as teaching_bp

    app.register_blueprint(teaching_bp)
    from lms.exercises.cli import exercises_cli
    from lms.exercises.views import bp as exercises_bp

    app.register_blueprint(exercises_bp)
    from lms.tasks.views import bp as tasks_bp

    app.register_blueprint(tasks_bp)
    from lms.gradebook.views import bp as gradebook_bp

    app.register_blueprint(gradebook_bp)

    from lms.studio.views import bp as studio_bp
    from lms.studio.views import images_bp as course_images_bp

    app.register_blueprint(studio_bp)
    app.register_blueprint(course_images_bp)
    from lms.notifications.cli import notifications_cli
    from lms.notifications.views import bp as notifications_bp
    from lms.teaching import cli as teaching_cli  # noqa: F401  (adds `due-soon` to `flask notifications`)

    app.register_blueprint(notifications_bp)
    from lms.privacy.views import bp as privacy_bp
    app.register_blueprint(privacy_bp)
    from lms.content import loader as course_loader
    from lms.content import packages as course_packages
    from lms.content import services as content_services
    from lms.h5p import services as h5p
    from lms.h5p.views import bp as h5p_bp
    from lms.h5p.views import player_bp as h5p_player_bp
    from lms.h5p.views import show_activity as show_h5p_activity
    app.register_blueprint(h5p_bp, url_prefix="/admin/h5p")
    app.register_blueprint(h5p_player_bp)
    from lms.h5p.cli import h5p_cli
    app.cli.add_command(h5p_cli)
    course_loader.H5P_CHECK[:] = [h5p.check_course_file]  # courses' .h5p files, checked by the H5P domain
    content_services.H5P_IMPORT[:] = [h5p.keep_content]  # and their content kept at import
    course_packages.H5P_CHECK[:] = [course_packages.NestedCheck(h5p.max_bytes, h5p.check_package_entry)]
    app.cli.add_command(notifications_cli)
    app.cli.add_command(exercises_cli)
    app.cli.add_command(competence_cli)
    xapi.add_listener(competence.on_statements)  # evidence is derived inside the one door
    xapi.add_link_listener(competence.on_link)  # and again when an admin links an actor to a learner
    from lms.admin import services as admin_services

    xapi.add_listener(admin_services.on_statements)  # learners' active days, for the weekly figures
    from lms.accounts import services as accounts_services
    from lms.exercises.views import show_exercise
    from lms.learning.views import add_item_page
    from lms.tasks.views import show_task

    add_item_page("exercise", show_exercise)  # learning shows them without importing their domains
    add_item_page("task", show_task)
    add_item_page("h5p", show_h5p_activity)
    _register_upward_parts()

    i18n.add_language_listener(accounts_services.on_language_chosen)  # the choice stays on the account
    i18n.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    headers.init_app(app)


def _register_upward_parts() -> None:
    """A lower domain shows or uses a piece that a higher one owns: the higher one registers
    it here, so every import points down the layers (tests/test_architecture.py)."""
    from lms.accounts.views import add_settings_part
    from lms.catalog.views import set_learner_state
    from lms.content.cli import PackageStore, set_package_store
    from lms.learning import classes
    from lms.learning import services as learning
    from lms.notifications.views import digest_form_for
    from lms.studio import services as studio
    from lms.teaching import announcements, due_dates
    from lms.teaching import services as teaching

    set_learner_state(learning.course_state)  # the course page shows the learner's progress
    set_package_store(PackageStore(studio.import_and_publish, studio.export, studio.StudioRefused))
    classes.set_classes(classes.Classes(
        hand_in_problem=due_dates.hand_in_problem, window_for=due_dates.window_for,
        still_to_do=due_dates.still_to_do, unread_announcements=announcements.unread_for,
        classes_joined=teaching.classes_joined,
    ))
    add_settings_part("digest_form", digest_form_for)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: write-ahead log so readers never block the writer, and real foreign keys.
    With WAL, synchronous=NORMAL cannot corrupt the database; a power cut may lose the
    last commits, which a single-machine default accepts for a fsync-free commit."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # Deleted rows are overwritten, so an erased person's data does not linger in the
        # file's free pages (lms.privacy.erasure).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
