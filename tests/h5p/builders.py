"""Assembling ``.h5p`` files for tests: the GreetingCard content type (H5P's own example,
vendored from the npm package h5p-cli, see tests/fixtures/h5p/README.md) with a manifest
and content, and any changes a test makes to them."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

GREETING_CARD = Path(__file__).resolve().parent.parent / "fixtures" / "h5p" / "H5P.GreetingCard-1.0"


def manifest(**changes) -> dict:
    value = {
        "title": "Sveiciens",
        "language": "lv",
        "mainLibrary": "H5P.GreetingCard",
        "embedTypes": ["div"],
        "license": "CC BY-SA",
        "authors": [{"name": "Anna Ozola", "role": "Author"}],
        "preloadedDependencies": [{"machineName": "H5P.GreetingCard", "majorVersion": 1, "minorVersion": 0}],
    }
    value.update(changes)
    return {key: item for key, item in value.items() if item is not None}


def greeting_card_files() -> dict[str, bytes]:
    """The library folder's files as the package holds them (without the licence note)."""
    return {f"H5P.GreetingCard-1.0/{path.name}": path.read_bytes() for path in sorted(GREETING_CARD.iterdir())
            if path.name != "LICENSE.h5p-cli"}


def entries(greeting: str = "<p>Sveika, pasaule!</p>", **manifest_changes) -> dict[str, bytes]:
    return {
        "h5p.json": json.dumps(manifest(**manifest_changes)).encode(),
        "content/content.json": json.dumps({"greeting": greeting}).encode(),
        **greeting_card_files(),
    }


def zip_of(files: dict[str, bytes], **kinds) -> bytes:
    """A zip of ``files`` {name: bytes}; ``kinds`` {name: "symlink"} marks symbolic links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            mode = stat.S_IFLNK | 0o777 if kinds.get(name) == "symlink" else stat.S_IFREG | 0o644
            info.external_attr = mode << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def greeting_card(**changes) -> bytes:
    """The GreetingCard package, as ``h5p pack`` or Lumi would make it."""
    return zip_of(entries(**changes))
