"""Ralph (PyPI ralph-malph), the external LRS of the forwarding tests, in a virtualenv of its own.

Ralph 5.1.0 pins old versions of libraries the platform shares (click, python-jose with
known advisories); installed into the test environment, they would make the tests run on
older versions than production. So the tests build Ralph's own virtualenv once, under
``.cache/`` in the checkout (git-ignored), and start Ralph with its Python.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

from lms.config import REPO_ROOT

# Ralph's API imports requests without declaring it.
RALPH_REQUIREMENTS = ("ralph-malph[cli,lrs]==5.1.0", "requests")
CACHE = REPO_ROOT / ".cache"
VENV = CACHE / "ralph-5.1.0"


def ralph_python() -> Path:
    """The Python of Ralph's virtualenv, built on first use (about 20 s with pip's cache).
    A lock keeps two test runs from building it at once; a half-built one is never used."""
    python = VENV / "bin" / "python"
    ready = VENV / ".ready"
    wanted = " ".join(RALPH_REQUIREMENTS) + "\n"
    if ready.exists() and ready.read_text() == wanted:
        return python
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / "ralph.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists() and ready.read_text() == wanted:
            return python
        shutil.rmtree(VENV, ignore_errors=True)
        # Built in place of its final path (a virtualenv cannot be moved), marked ready at the end.
        subprocess.run([sys._base_executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                 *RALPH_REQUIREMENTS], capture_output=True, text=True)
        if result.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            raise RuntimeError(f"could not install {' '.join(RALPH_REQUIREMENTS)} into {VENV}:\n{result.stderr[-3000:]}")
        ready.write_text(wanted)
    return python
