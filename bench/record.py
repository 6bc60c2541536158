"""Write a benchmark's latest figures into docs/benchmarks.md, between its markers."""

from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()}"


def record(name: str, body: str) -> None:
    """Replace the section between ``<!-- bench:name -->`` markers (or append one)."""
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\nLatest figures of each benchmark under `bench/`.\n"
    section = (f"<!-- bench:{name} -->\n{body.strip()}\n\n"
               f"_Run on {date.today().isoformat()}, {machine()}._\n<!-- /bench:{name} -->")
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text)
