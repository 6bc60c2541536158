"""Images a course's Markdown shows: each must be a file in the course folder, a real
PNG, JPEG, GIF or WebP image by its content (not just its name), of a bounded size.

Pages load nothing from outside the site (the Content-Security-Policy says ``img-src
'self'``), so an image at another address is refused at validation rather than shown
broken. An SVG file is a document that can carry scripts: it is accepted only without
scripts, event handlers or references to other addresses (``lms.content.svg``).
"""

from __future__ import annotations

import struct
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lms.core.messages import N_
from lms.content import files, svg
from lms.core import markdown

# The extensions an author may use, and the image kind each promises.
EXTENSIONS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP", ".svg": "SVG"}
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WebP": "image/webp",
               "SVG": "image/svg+xml"}
MAX_SIDE = 8000  # pixels: a larger image is a mistake (or a bomb that fills the learner's memory)


class _ImageSources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")

    handle_startendtag = handle_starttag


def sources(text: str) -> list[str]:
    """The ``src`` of every image the Markdown ``text`` shows, as Markdown images
    (inline or by reference) or as HTML ``<img>``; code blocks and code spans show no image."""
    if "![" not in text and "<img" not in text.lower():
        return []  # no image can be there: spare the rendering (most lessons have none)
    parser = _ImageSources()
    parser.feed(markdown.render_unsanitised(text))
    parser.close()
    return parser.sources


def kind(data: bytes) -> tuple[str, int, int] | None:
    """(kind, width, height) read from the image's own header, or None when ``data`` is
    not a PNG, JPEG, GIF or WebP image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "PNG", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "GIF", width, height
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def content_problem(name: str, data: bytes, max_bytes: int = files.MAX_IMAGE_BYTES) -> str | None:
    """What is wrong with the image file called ``name`` holding ``data`` (its content must
    be the kind its extension promises), as the end of a sentence naming it; None when it
    is a good image."""
    expected = EXTENSIONS.get("." + name.rsplit(".", 1)[-1].lower() if "." in name else "")
    if expected is None:
        return N_("is not an allowed image file (allowed: %(allowed)s); give the file one of these extensions",
                  allowed=", ".join(EXTENSIONS))
    if len(data) > max_bytes:
        return N_("is %(size)s bytes; an image may have at most %(limit)s bytes", size=f"{len(data):,}",
                  limit=f"{max_bytes:,}")
    if expected == "SVG":
        return svg.problem(data) if svg.looks_like_svg(data) else (
            N_("is not an SVG image (its content says otherwise)"))
    found = kind(data)
    if found is None:
        return N_("is not a PNG, JPEG, GIF, WebP or SVG image (its content says otherwise)")
    actual, width, height = found
    if actual != expected:
        return N_("is a %(actual)s image but its name says %(expected)s", actual=actual, expected=expected)
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return N_("is %(width)s×%(height)s pixels; each side must be 1 to %(limit)s", width=width, height=height,
                  limit=MAX_SIDE)
    return None


def media_type(name: str) -> str | None:
    """The media type an image file called ``name`` is served with."""
    expected = EXTENSIONS.get("." + name.rsplit(".", 1)[-1].lower() if "." in name else "")
    return MEDIA_TYPES.get(expected) if expected else None


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    """The size from the first start-of-frame segment."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if length < 2:
            return None
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return "JPEG", width, height
        at += 2 + length
    return None


def _webp(data: bytes) -> tuple[str, int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return "WebP", width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return "WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return "WebP", int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def problem(src: str, base: Path, folder: Path) -> str | None:
    """What is wrong with an image ``src`` written in a file in ``base`` (paths are
    relative to that file, as every Markdown previewer reads them) of the course in
    ``folder``; None when the image is fine."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("//"):
        return (f"image {src!r} is not in the course: pages load nothing from other addresses; "
                "put the image in the course folder and give its path")
    if not parts.path:
        return "an image has no src"
    if parts.path.startswith("/"):
        return f"image {src!r}: give a path relative to this file, inside the course folder"
    path = base / unquote(parts.path)
    if EXTENSIONS.get(path.suffix.lower()) is None:
        return (f"image {src!r}: {path.suffix or 'a name without an extension'} is not allowed "
                f"(allowed: {', '.join(EXTENSIONS)})")
    refused = files.refusal(path, folder, files.MAX_IMAGE_BYTES)
    if refused:
        return f"image {src!r} {refused}"
    if not path.exists():
        return f"image {src!r} does not exist (paths are relative to this file)"
    try:
        data = files.read_bytes(path, files.MAX_IMAGE_BYTES)
    except ValueError as error:
        return f"image {src!r} {error}"
    found = content_problem(path.name, data)
    return N_("image %(src)s %(problem)s", src=repr(src), problem=found) if found else None
