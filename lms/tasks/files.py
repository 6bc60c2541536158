"""What an uploaded file really is, read from its bytes, never from its name.

A task lists the types it accepts (``loader.FILE_TYPES``). Each type is recognised by its
content: its magic bytes, and for the formats that are ZIP archives inside (Office
documents, OpenDocument, plain ZIP) by the archive's own table of contents, opened with
the standard library's ``zipfile`` (nothing is ever unpacked to disk). A file is refused
when its content is none of the task's types, when its name's extension does not belong
to the type its content shows (a program or a web page renamed ``.pdf``), or when it breaks
a type's limits (a ZIP with too many entries, a ZIP bomb, an Office file with macros).

Files are served back only as downloads with the type found here (never the one the
browser sent), so a browser never renders one as a page: HTML and SVG are not accepted
as any type, and plain text is refused when it is markup."""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from lms.core.errors import Refused
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Limits of a ZIP upload: its entries are read from its directory, never unpacked here,
# but the reviewer will unpack it.
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # unpacked size / packed size of one entry: above it, a ZIP bomb


@dataclass(frozen=True)
class FileType:
    code: str
    name: object          # what people see
    extensions: tuple[str, ...]
    content_type: str


TYPES = {t.code: t for t in (
    FileType("pdf", _l("PDF document"), ("pdf",), "application/pdf"),
    FileType("png", _l("PNG image"), ("png",), "image/png"),
    FileType("jpeg", _l("JPEG image"), ("jpg", "jpeg"), "image/jpeg"),
    FileType("text", _l("plain text"), ("txt", "md"), "text/plain"),  # served with charset=utf-8
    FileType("zip", _l("ZIP archive"), ("zip",), "application/zip"),
    FileType("docx", _l("Word document"), ("docx",),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    FileType("xlsx", _l("Excel spreadsheet"), ("xlsx",),
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    FileType("pptx", _l("PowerPoint presentation"), ("pptx",),
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    FileType("odt", _l("OpenDocument text"), ("odt",), "application/vnd.oasis.opendocument.text"),
    FileType("ods", _l("OpenDocument spreadsheet"), ("ods",), "application/vnd.oasis.opendocument.spreadsheet"),
    FileType("odp", _l("OpenDocument presentation"), ("odp",), "application/vnd.oasis.opendocument.presentation"),
)}

OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF_MIMETYPES = {"odt": "application/vnd.oasis.opendocument.text",
                 "ods": "application/vnd.oasis.opendocument.spreadsheet",
                 "odp": "application/vnd.oasis.opendocument.presentation"}
MARKUP = re.compile(rb"^\s*<(!doctype|html|head|body|svg|script|\?xml|iframe|object)\b", re.I)


class FileRefused(Refused):
    """A file that cannot be accepted, with a message naming it and the rule it breaks."""


def clean_filename(name: str | None) -> str:
    """The file's own name without any folder, control characters or surrounding spaces,
    at most 120 characters (the extension kept); Latvian letters stay."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    name = " ".join(name.split())
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = stem[:110] + dot + extension[:9] if dot and len(extension) <= 9 else name[:120]
    return name or "file"


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.infolist()
        return archive
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None


def _zip_problem(archive: zipfile.ZipFile):
    """Why a ZIP cannot be accepted (too many entries, a ZIP bomb, a path outside its
    folder, encrypted), or None."""
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        return _l("it has %(count)d entries; at most %(limit)d are accepted", count=len(entries), limit=ZIP_MAX_ENTRIES)
    total = sum(entry.file_size for entry in entries)
    if total > ZIP_MAX_UNPACKED:
        return _l("it unpacks to more than %(limit)d MB", limit=ZIP_MAX_UNPACKED // (1024 * 1024))
    for entry in entries:
        if entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1) and entry.file_size > 1024 * 1024:
            return _l("it is packed suspiciously tightly (a ZIP bomb?)")
        path = entry.filename.replace("\\", "/")
        if path.startswith("/") or ".." in posixpath.normpath(path).split("/") or re.match(r"^[A-Za-z]:", path):
            return _l("an entry's path leads outside the archive's folder")
        if entry.flag_bits & 0x1:
            return _l("it is encrypted")
    return None


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "[Content_Types].xml" in names:
        for code, main in OOXML_MAIN.items():
            if main in names:
                return code
        return "ooxml"
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            return None
        return next((code for code, value in ODF_MIMETYPES.items() if value == mimetype), "odf")
    return None


def _has_macros(archive: zipfile.ZipFile) -> bool:
    return any(name.lower().endswith("vbaproject.bin") or name.lower().startswith("basic/")
               for name in archive.namelist())


def identify(data: bytes) -> str | None:
    """The type code the content shows, or None when it is none of the known types."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        archive = _zip(data)
        if archive is None:
            return None
        kind = _office_kind(archive)
        return kind if kind in TYPES else ("zip" if kind is None else None)
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if MARKUP.match(text.lstrip("\ufeff").encode()):
        return None  # a web page or an SVG picture is not plain text
    return "text"


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    file_type: str
    content_type: str
    data: bytes


def type_names(codes) -> str:
    return ", ".join(str(TYPES[code].name) for code in codes)


def check(filename: str, data: bytes, allowed: list[str], max_bytes: int) -> CheckedFile:
    """The file as it will be kept, or ``FileRefused`` naming the file and the rule: too
    large (the limit named), empty, of a type the task does not take (the types named), or
    content that does not match the name's extension."""
    name = clean_filename(filename)
    limit_mb = f"{max_bytes / (1024 * 1024):g}"
    if len(data) > max_bytes:
        raise FileRefused(_l("%(name)s is larger than %(limit)s MB, the most this task accepts per file.",
                             name=name, limit=limit_mb))
    if not data:
        raise FileRefused(_l("%(name)s is empty.", name=name))
    kind = identify(data)
    extension = extension_of(name)
    if kind is None or kind not in allowed:
        claimed = next((code for code, t in TYPES.items() if extension in t.extensions), None)
        if claimed in allowed and kind != claimed:
            raise FileRefused(_l("%(name)s is not really a %(type)s: its content does not match its name.",
                                 name=name, type=TYPES[claimed].name))
        raise FileRefused(_l("%(name)s is not a file type this task accepts (%(types)s).",
                             name=name, types=type_names(allowed)))
    if extension not in TYPES[kind].extensions:
        raise FileRefused(_l("%(name)s is a %(type)s, but its name does not say so: name it .%(extension)s.",
                             name=name, type=TYPES[kind].name, extension=TYPES[kind].extensions[0]))
    if kind == "zip" or kind in OOXML_MAIN or kind in ODF_MIMETYPES:
        archive = _zip(data)
        problem = _zip_problem(archive) if archive is not None else _l("it cannot be opened")
        if problem is None and kind != "zip" and _has_macros(archive):
            problem = _l("it contains macros, which are not accepted")
        if problem is not None:
            raise FileRefused(_l("%(name)s cannot be accepted: %(problem)s.", name=name, problem=problem))
    return CheckedFile(name, kind, TYPES[kind].content_type, data)
