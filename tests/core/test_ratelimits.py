"""Rate limits hold across every web process of the production setup (gunicorn.conf.py),
and start-up says so loudly where they would quietly multiply."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import requests
from gunicorn.config import Config as GunicornConfig

from lms.config import REPO_ROOT
from lms.core import ratelimits

WARNING = "RATE LIMITS ARE NOT SHARED"


def redis_url() -> str:
    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LMS_REQUIRE_REDIS") == "1":
            pytest.fail("LMS_REQUIRE_REDIS=1 but LMS_TEST_REDIS_URL is not set")
        pytest.skip("set LMS_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test Redis storage")
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(tmp_path: Path, *, workers: int, settings: dict[str, str], instance_config: str = "",
             extra: tuple[str, ...] = ()):
    """A real gunicorn, started from the repository root as the README's production section
    says (so it reads gunicorn.conf.py), on a free port; yields its address and a function
    that returns its log so far. Stopped with SIGTERM, by its own process id."""
    port = free_port()
    instance = tmp_path / f"instance-{port}"
    instance.mkdir()
    (instance / "config.py").write_text(instance_config)
    log_path = tmp_path / f"gunicorn-{port}.log"
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO_ROOT), "LMS_INSTANCE_PATH": str(instance),
                   "LMS_SECRET_KEY": "gunicorn-test", **settings}
    arguments = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if "control_socket" in GunicornConfig().settings:  # gunicorn 27 has one per server; keep ours apart
        arguments += ["--control-socket", str(tmp_path / f"gunicorn-{port}.ctl")]
    arguments += extra
    with open(log_path, "wb") as log:
        process = subprocess.Popen(arguments, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or no worker has booted
            assert time.monotonic() < deadline, "gunicorn did not start: " + log_path.read_text()
            time.sleep(0.2)
        yield base, log_path.read_text
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def failed_login(base: str, username: str) -> int:
    """One wrong-password attempt as a browser makes it: the form (with its CSRF token), then
    the POST. Returns the POST's status."""
    with requests.Session() as browser:
        form = browser.get(f"{base}/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        return browser.post(f"{base}/login", data={"login": username, "password": "wrong password",
                                                   "csrf_token": token}, allow_redirects=False, timeout=10).status_code


@pytest.fixture
def live_database(make_app, make_user, database_url):
    """The test database with one account, for gunicorn's workers to share."""
    make_app()
    make_user("janis")
    return database_url


def test_two_web_processes_with_redis_share_one_login_budget(tmp_path, live_database):
    """An attacker who spreads login attempts over two web processes gets the budget once,
    not once per process."""
    url, prefix = redis_url(), f"test-{uuid.uuid4()}"
    settings = {"LMS_DATABASE_URL": live_database, "LMS_RATELIMIT_STORAGE_URL": url,
                "LMS_LOGIN_RATE_LIMIT": "4 per minute"}
    instance_config = f"RATELIMIT_KEY_PREFIX = {prefix!r}\n"
    try:
        with gunicorn(tmp_path, workers=1, settings=settings, instance_config=instance_config) as (first, first_log), \
                gunicorn(tmp_path, workers=1, settings=settings, instance_config=instance_config) as (second, _):
            codes = [failed_login(base, "janis") for base in (first, second, first, second, first, second)]
            assert WARNING not in first_log()
    finally:
        store = redis.Redis.from_url(url)
        keys = store.keys(f"*{prefix}*")
        if keys:
            store.delete(*keys)
        store.close()
    assert codes == [200, 200, 200, 200, 429, 429]


def test_two_web_processes_with_memory_storage_each_count_on_their_own(tmp_path, live_database):
    """Why Redis is needed (and proof the test above really spans two processes): with
    memory:// each process grants the whole budget again."""
    settings = {"LMS_DATABASE_URL": live_database, "LMS_LOGIN_RATE_LIMIT": "2 per minute"}
    with gunicorn(tmp_path, workers=1, settings=settings) as (first, _), \
            gunicorn(tmp_path, workers=1, settings=settings) as (second, _):
        codes = [failed_login(base, "janis") for base in (first, second, first, second, first, second)]
    assert codes == [200, 200, 200, 200, 429, 429]


def test_gunicorn_with_two_workers_and_memory_storage_warns_loudly(tmp_path, live_database):
    """The operator who starts the documented server with counters in memory reads in the
    log which setting makes each worker count on its own."""
    with gunicorn(tmp_path, workers=2, settings={"LMS_DATABASE_URL": live_database}) as (_, log):
        text = log()
    warnings = [line for line in text.splitlines() if WARNING in line]
    assert len(warnings) == 1, text
    assert "[WARNING]" in warnings[0] and "LMS_RATELIMIT_STORAGE_URL" in warnings[0] and "2 web processes" in warnings[0]


def test_gunicorn_with_one_worker_or_shared_storage_does_not_warn(tmp_path, live_database):
    """No false alarm: one worker, or counters in Redis, are fine."""
    with gunicorn(tmp_path, workers=1, settings={"LMS_DATABASE_URL": live_database}) as (_, log):
        assert WARNING not in log()
    shared = {"LMS_DATABASE_URL": live_database, "LMS_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/4"}
    with gunicorn(tmp_path, workers=2, settings=shared) as (_, log):
        assert WARNING not in log()


def test_the_instance_config_counts_like_the_environment(tmp_path, live_database):
    """Storage set in instance/config.py is what the warning checks, as the app reads it."""
    config = "RATELIMIT_STORAGE_URI = 'memory://'\n"
    shared = {"LMS_DATABASE_URL": live_database}
    with gunicorn(tmp_path, workers=2, settings=shared, instance_config=config) as (_, log):
        assert WARNING in log()
    config = "RATELIMIT_STORAGE_URI = 'redis://127.0.0.1:6379/4'\n"
    with gunicorn(tmp_path, workers=2, settings=shared, instance_config=config) as (_, log):
        assert WARNING not in log()


def test_an_app_whose_wsgi_module_keeps_counters_in_memory_is_caught_by_its_first_worker(tmp_path, live_database):
    """A WSGI module may override the deployment's settings; the first worker checks the app it
    loaded and warns once."""
    (tmp_path / "custom_wsgi.py").write_text(
        "from lms import create_app\n\napp = create_app({'RATELIMIT_STORAGE_URI': 'memory://'})\n")
    settings = {"LMS_DATABASE_URL": live_database, "LMS_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/4"}
    with gunicorn(tmp_path, workers=2, settings=settings, extra=("--pythonpath", str(tmp_path), "custom_wsgi:app")) \
            as (_, log):
        deadline = time.monotonic() + 60
        while WARNING not in log() and time.monotonic() < deadline:
            time.sleep(0.2)  # the first worker may still be loading the app
        text = log()
    warnings = [line for line in text.splitlines() if WARNING in line]
    assert len(warnings) == 1, text
    master = re.search(r"Listening at: \S+ \((\d+)\)", text).group(1)
    assert f"[{master}]" not in warnings[0], "the worker's check found it, not the master's"


@pytest.mark.parametrize("storage, processes, warns", [
    ("memory://", 1, False),
    ("memory://", 2, True),
    ("memory://", 8, True),
    ("redis://cache.internal:6379/0", 8, False),
    ("rediss://cache.internal:6380/0", 8, False),
])
def test_the_warning_names_the_setting_when_limits_would_multiply(storage, processes, warns):
    """Only per-process counters with more than one process are worth a warning."""
    warning = ratelimits.per_process_warning(storage, processes)
    assert (warning is not None) == warns
    if warns:
        assert "LMS_RATELIMIT_STORAGE_URL" in warning and f"{processes} web processes" in warning
