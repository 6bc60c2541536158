"""The README's production recipe works: ``deploy/install.sh`` builds a fresh virtualenv from
the checkout, migrates a PostgreSQL database of its own, imports the shipped courses and
starts gunicorn and the graders on Redis; the site it serves is Latvian and its catalogue
holds every shipped course.

It needs PostgreSQL (``LMS_TEST_DATABASE_URL``, whose server gets a second database for the
recipe) and Redis (``LMS_TEST_REDIS_URL``): it is deselected on SQLite like the other
``postgres`` tests, skips without Redis, and fails instead with ``LMS_REQUIRE_REDIS=1``.
pip installs from its cache (``~/.cache/pip``) after the first run, so it takes about a
minute."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
import yaml
from gunicorn.config import Config as GunicornConfig

from lms.config import REPO_ROOT

pytestmark = pytest.mark.postgres

POSTGRES_URL = os.environ.get("LMS_TEST_DATABASE_URL")
STARTUP_SECONDS = 240


def redis_url() -> str:
    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LMS_REQUIRE_REDIS") == "1":
            pytest.fail("LMS_REQUIRE_REDIS=1 but LMS_TEST_REDIS_URL is not set")
        pytest.skip("set LMS_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run the production recipe")
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def recipe_database():
    """A database of the recipe's own on the test server, dropped afterwards."""
    parts = urlsplit(POSTGRES_URL)
    name = f"{parts.path.lstrip('/') or 'lms'}_recipe"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def shipped_courses() -> dict[str, str]:
    """Slug and title of every published course under courses/."""
    courses = {}
    for path in sorted((REPO_ROOT / "courses").glob("*/course.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("status") == "published":
            courses[path.parent.name] = data["title"]
    return courses


@pytest.fixture
def production_site(tmp_path, recipe_database):
    """``deploy/install.sh`` in the foreground, as the README says, with a settings file for
    PostgreSQL and Redis; yields the site's address and a reader of the recipe's output.
    Stopped with SIGTERM to the recipe, which stops what it started."""
    queue_redis = redis_url()
    port = free_port()
    gunicorn_args = f"--bind 127.0.0.1:{port} --workers 2"
    if "control_socket" in GunicornConfig().settings:  # gunicorn 27: one per server; keep ours apart
        gunicorn_args += f" --control-socket {tmp_path / 'gunicorn.ctl'}"
    queue = f"lms-recipe-{uuid.uuid4().hex[:8]}"
    settings = tmp_path / "lms.env"
    settings.write_text("\n".join([
        f"LMS_DATABASE_URL={recipe_database}",
        "LMS_SECRET_KEY=recipe-test-secret",
        f"LMS_BASE_URL=http://127.0.0.1:{port}",
        f"LMS_INSTANCE_PATH={tmp_path / 'instance'}",
        f"LMS_RATELIMIT_STORAGE_URL={queue_redis}",
        f"LMS_GRADING_QUEUE_URL={queue_redis}",
        f"LMS_GRADING_QUEUE_NAME={queue}",
        f"DEPLOY_VENV={tmp_path / 'venv'}",
        "GRADER_PROCESSES=2",
        f'GUNICORN_CMD_ARGS="{gunicorn_args}"',
    ]) + "\n")
    # Only what a fresh machine would have: no LMS_* of the test run, not the test virtualenv.
    environment = {"PATH": os.defpath, "HOME": os.environ.get("HOME", str(tmp_path)),
                   "PYTHON": sys._base_executable, "LANG": "C.UTF-8"}
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CACHE_DIR"):
        if name in os.environ:
            environment[name] = os.environ[name]
    log_path = tmp_path / "recipe.log"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        # From a folder outside the checkout, so nothing can be imported from it.
        process = subprocess.Popen([str(REPO_ROOT / "deploy" / "install.sh"), str(settings)], cwd=tmp_path,
                                   env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            assert process.poll() is None, "the recipe stopped:\n" + log_path.read_text()
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # still installing, or no worker has booted
            assert time.monotonic() - started < STARTUP_SECONDS, "the site did not start:\n" + log_path.read_text()
            time.sleep(0.5)
        print(f"production recipe: serving after {time.monotonic() - started:.1f} s")
        yield base, queue, tmp_path / "venv"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the recipe's own process group
            process.wait()


def test_production_recipe_serves_latvian_pages_and_the_whole_catalogue(production_site):
    """A site set up by the README's production recipe speaks Latvian, lists every shipped
    course, serves its static files, and has its graders waiting on the queue."""
    base, queue, venv = production_site
    # What serves is the installed package, its templates and files inside it, not the checkout.
    served = subprocess.run([str(venv / "bin" / "python"), "-c", "from lms import config; print(config.TEMPLATES_DIR)"],
                            cwd=venv, capture_output=True, text=True, check=True).stdout.strip()
    assert served.startswith(str(venv)) and served.endswith("/site-packages/lms/_share/templates")

    home = requests.get(f"{base}/", timeout=30)
    assert home.status_code == 200
    assert '<html lang="lv"' in home.text
    catalogue = requests.get(f"{base}/courses", timeout=30)
    assert catalogue.status_code == 200
    assert '<html lang="lv"' in catalogue.text
    assert "Kursi" in catalogue.text
    courses = shipped_courses()
    assert len(courses) >= 6
    for slug in courses:
        assert f'href="/courses/{slug}"' in catalogue.text, f"{slug} is missing from the catalogue"
    page = requests.get(f"{base}/courses/js-fundamentals", timeout=30)
    assert page.status_code == 200 and "JavaScript pamati" in page.text
    stylesheet = re.search(r'href="(/static/[^"]+\.css)', home.text).group(1)
    assert requests.get(base + stylesheet, timeout=30).status_code == 200

    # Both graders registered as RQ workers listening on the deployment's queue.
    store = redis.Redis.from_url(redis_url())
    deadline = time.monotonic() + 30
    while len(store.smembers(f"rq:workers:{queue}")) < 2:
        assert time.monotonic() < deadline, "the graders did not start"
        time.sleep(0.5)
