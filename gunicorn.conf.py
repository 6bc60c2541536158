"""gunicorn's settings for production. ``gunicorn`` reads this file from the working
directory and serves the app it names, ``lms:create_app()`` (``wsgi:app`` in the checkout
is the same app); options on the command line override it (``gunicorn --workers 8``).

At start-up it checks that the rate limits hold across the workers: with more than one
worker and ``LMS_RATELIMIT_STORAGE_URL`` left at ``memory://``, each worker would count
on its own, and the log says so loudly."""

import importlib.util
import os
import sys

# The checkout's own package when gunicorn runs from a virtualenv it is not installed in.
# An installed package (deploy/install.sh copies this file into the instance folder) is
# used as installed.
if importlib.util.find_spec("lms") is None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lms import config as lms_config  # noqa: E402  ("config" is a gunicorn setting)
from lms.core import ratelimits  # noqa: E402

# The app factory, so an installed package needs no wsgi.py (in the checkout, `wsgi:app` is the same).
wsgi_app = "lms:create_app()"
bind = ["0.0.0.0:8000"]
# Threaded workers: one per core (or WEB_CONCURRENCY), four requests at a time each. Pages
# wait on the database, not on the CPU; learner code never runs here (graders do it), so a
# few threads per core keep pages served while others wait. bench/hostile_grading.py
# measures this setup.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 2)))
threads = 4
timeout = 30
graceful_timeout = 30
# Behind a reverse proxy that reuses connections.
keepalive = 5
accesslog = "-"
errorlog = "-"

# Set in the master when it has warned; forked workers inherit it and do not repeat it.
_warned = False


def _check(log, storage_uri: str, processes: int) -> None:
    global _warned
    warning = ratelimits.per_process_warning(storage_uri, processes)
    if warning is not None:
        log.warning(warning)
        _warned = True


def on_starting(server):
    """Before any worker starts: the deployment's settings, read as the app reads them."""
    _check(server.log, lms_config.deployment_settings()["RATELIMIT_STORAGE_URI"], server.cfg.workers)


def nworkers_changed(server, new_value, old_value):
    """Workers added at run time (SIGTTIN) can make limits multiply too."""
    if not _warned and old_value is not None:
        _check(server.log, lms_config.deployment_settings()["RATELIMIT_STORAGE_URI"], new_value)


def post_worker_init(worker):
    """The first worker checks the app it loaded, whose settings a WSGI module may have
    changed from the deployment's, in case the master could not tell."""
    settings = getattr(worker.wsgi, "config", None)
    if not _warned and worker.age == 1 and settings is not None:
        _check(worker.log, settings.get("RATELIMIT_STORAGE_URI", "memory://"), worker.cfg.workers)
