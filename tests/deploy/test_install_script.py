"""deploy/install.sh refuses settings that are not a production setup before it installs
anything, with one line naming the setting."""

from __future__ import annotations

import os
import subprocess

import pytest

from lms.config import REPO_ROOT

GOOD = {"LMS_DATABASE_URL": "postgresql://lms:secret@db.internal:5432/lms", "LMS_SECRET_KEY": "s",
        "LMS_BASE_URL": "https://learn.example.lv", "LMS_INSTANCE_PATH": "/var/lib/lms",
        "LMS_RATELIMIT_STORAGE_URL": "redis://cache.internal:6379/0",
        "LMS_GRADING_QUEUE_URL": "redis://cache.internal:6379/1"}


@pytest.mark.parametrize(("name", "value", "named"), [
    ("LMS_DATABASE_URL", "sqlite:////var/lib/lms/lms.sqlite3", "LMS_DATABASE_URL must be a PostgreSQL URL"),
    ("LMS_RATELIMIT_STORAGE_URL", "memory://", "LMS_RATELIMIT_STORAGE_URL must be a Redis URL"),
    ("LMS_GRADING_QUEUE_URL", "", "LMS_GRADING_QUEUE_URL must be a Redis URL"),
    ("LMS_SECRET_KEY", "", "LMS_SECRET_KEY is not set"),
    ("LMS_INSTANCE_PATH", "", "LMS_INSTANCE_PATH is not set"),
])
def test_the_recipe_refuses_a_setup_that_is_not_production(name, value, named, tmp_path):
    """An operator who forgot PostgreSQL, Redis or a secret is told which, and nothing is installed."""
    settings = tmp_path / "lms.env"
    settings.write_text("".join(f"{key}={value if key == name else good}\n" for key, good in GOOD.items())
                        + f"DEPLOY_VENV={tmp_path / 'venv'}\n")
    result = subprocess.run([str(REPO_ROOT / "deploy" / "install.sh"), str(settings)], cwd=tmp_path,
                            env={"PATH": os.defpath}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert named in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "venv").exists()
