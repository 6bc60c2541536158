"""Course packages as ``.zip`` files: one course folder (``<slug>/course.yaml``, lessons,
quizzes, exercises, tasks, images) in the format of ``docs/course-format.md``.

A package comes from an author, over the network, so reading it must not hurt the server
or reach outside it. Before anything is written to disk every entry is checked: a path
that is absolute or leads out of the package (``../``), a symbolic link, an encrypted
entry, an archive inside the archive, too many entries, or more bytes than the limits
(as the zip declares them, and again as they actually decompress: the reading stops at
the limit, so a zip that lies about its sizes cannot fill memory) are each refused,
naming the entry and the problem. The one archive a package may hold is an H5P activity
at ``<slug>/h5p/<item>.h5p``: the check ``lms.h5p`` registers reads it instead, with the
H5P limits, and its bytes count toward the package's. What passes is unpacked into a fresh folder and
checked by the same validator as a course folder, with the same messages (YAML bombs are
refused there, by ``lms.core.yamlsafe``)."""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from lms.content import files
from lms.core.messages import N_
from lms.content.loader import SLUG, Problem

MAX_ENTRIES = 2000                      # files in one package
MAX_PACKAGE_BYTES = 50 * 1024 * 1024    # the .zip itself, and all its files decompressed
CHUNK = 64 * 1024
# Archives inside the package are refused by name and by content: nothing in a course
# needs one, and each would be another thing to unpack (and to bomb).
ARCHIVE_SUFFIXES = (".zip", ".jar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz", ".lzma", ".cab")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf\x27\x1c", b"Rar!",
                 b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"MSCF")
DRIVE = re.compile(r"^[A-Za-z]:")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
# An H5P activity (``h5p/<item>.h5p``, in the course folder's h5p/ folder and nowhere else)
# is itself a zip made by another tool: it is the one archive a package may hold, read by
# the check lms.h5p registers at start-up (a domain above this one) with the H5P limits.
H5P_ENTRY = re.compile(r"^h5p/[a-z0-9]+(-[a-z0-9]+)*\.h5p$")


@dataclass(frozen=True)
class NestedCheck:
    """How a nested package is read: ``max_bytes()`` its size limit, ``check(name, data)``
    its problems, each naming ``name`` (the entry in the package) and the rule."""

    max_bytes: Callable[[], int]
    check: Callable[[str, bytes], list[Problem]]


H5P_CHECK: list[NestedCheck] = []


class PackageRefused(ValueError):
    """The package was refused; ``problems`` say why, each naming the entry."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def _limit(name: str) -> int:
    """The most bytes a course file may have; ``name`` is its path inside the course folder."""
    if H5P_ENTRY.match(name) and H5P_CHECK:
        return H5P_CHECK[0].max_bytes()
    return files.MAX_IMAGE_BYTES if name.lower().endswith(IMAGE_SUFFIXES) else files.MAX_TEXT_BYTES


def _is_archive_name(name: str) -> bool:
    return name.lower().endswith((*ARCHIVE_SUFFIXES, ".h5p"))


# Writing ---------------------------------------------------------------------------------

def folder_files(folder: Path) -> dict[str, bytes]:
    """The files of a course folder by their path inside it (``lessons/intro.md``), each
    read within the limits a course file has; hidden files are left out. A file the
    loader would refuse (a link leading out, too large) raises ``PackageRefused``."""
    folder = Path(folder)
    found: dict[str, bytes] = {}
    problems: list[Problem] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            refused = files.refusal(path, folder, _limit(relative))
            if refused:
                problems.append(Problem(f"{folder.name}/{relative}", None, "", refused))
                continue
            found[relative] = files.read_bytes(path, _limit(relative))
    if problems:
        raise PackageRefused(problems)
    return found


def to_zip(slug: str, package: dict[str, bytes]) -> bytes:
    """A ``.zip`` with the course in a folder named after its slug, files in path order
    (the same files give the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package):
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, package[path])
    return buffer.getvalue()


# Reading ---------------------------------------------------------------------------------

def _name_problem(name: str) -> str | None:
    if "\x00" in name:
        return N_("has a NUL character in its name")
    if "\\" in name:
        return N_("uses backslashes in its path; a package uses forward slashes")
    if name.startswith("/") or DRIVE.match(name):
        return N_("has an absolute path; every path must be inside the package")
    if ".." in PurePosixPath(name).parts:
        return N_("has a path that leads outside the package (..)")
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def read_zip(data: bytes, slug: str | None = None) -> tuple[str, dict[str, bytes]]:
    """(the course's slug, its files by path inside the course folder) from a ``.zip``;
    ``PackageRefused`` naming every problem found. The package holds one folder named
    after the course's slug, or the course's files at its top level (then ``slug``, the
    name given to it, say the file's name, is the course's)."""
    where = "package"

    def refused(message: str) -> PackageRefused:
        return PackageRefused([Problem(where, None, "", message)])

    if len(data) > MAX_PACKAGE_BYTES:
        raise refused(N_("is %(size)s bytes; a package may have at most %(limit)s bytes",
                         size=f"{len(data):,}", limit=f"{MAX_PACKAGE_BYTES:,}"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise refused(N_("is not a zip file (%(error)s)", error=str(error))) from None
    if len(infos) > MAX_ENTRIES:
        raise refused(N_("has %(count)s entries; a package may have at most %(limit)s",
                         count=f"{len(infos):,}", limit=f"{MAX_ENTRIES:,}"))
    declared = sum(info.file_size for info in infos)
    if declared > MAX_PACKAGE_BYTES:
        raise refused(N_("would unpack to %(size)s bytes; a package may unpack to at most %(limit)s bytes",
                         size=f"{declared:,}", limit=f"{MAX_PACKAGE_BYTES:,}"))
    problems: list[Problem] = []
    entries: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        problem = _name_problem(name)
        if problem is None and _is_symlink(info):
            problem = N_("is a symbolic link; a package may hold only files and folders")
        if problem is None and info.flag_bits & 0x1:
            problem = N_("is encrypted; a package's files may not be")
        if problem is None and name.rstrip("/") in seen:
            problem = N_("is in the package twice")
        if problem:
            problems.append(Problem(name.replace("\x00", "\\0"), None, "", problem))
            continue
        seen.add(name.rstrip("/"))
        if not info.is_dir():
            entries.append(info)
    if problems:
        raise PackageRefused(problems)

    top = {PurePosixPath(info.filename).parts[0] for info in entries}
    if any(info.filename == "course.yaml" for info in entries):
        prefix = ""
        if not slug or not SLUG.match(slug):
            raise refused(N_("has course.yaml at its top level; put the course in a folder named after its slug"))
    elif len(top) == 1 and any(info.filename == f"{next(iter(top))}/course.yaml" for info in entries):
        slug = next(iter(top))
        prefix = slug + "/"
    else:
        raise refused(N_("must hold one course folder with a course.yaml in it"))

    for info in entries:
        name, relative = info.filename, info.filename[len(prefix):]
        problem = None
        if _is_archive_name(name) and not H5P_ENTRY.match(relative):
            problem = N_("is an archive inside the package; unpack it and add its files instead")
        elif H5P_ENTRY.match(relative) and not H5P_CHECK:
            problem = N_("is an H5P activity, which cannot be checked here (the platform's H5P part is not loaded)")
        elif info.file_size > _limit(relative):
            problem = N_("is %(size)s bytes; a course file may have at most %(limit)s bytes",
                         size=f"{info.file_size:,}", limit=f"{_limit(relative):,}")
        if problem:
            problems.append(Problem(name, None, "", problem))
    if problems:
        raise PackageRefused(problems)

    package: dict[str, bytes] = {}
    total = 0
    for info in entries:
        relative = info.filename[len(prefix):]
        content = _read_entry(archive, info, _limit(relative), problems)
        if content is None:
            continue
        total += len(content)
        if total > MAX_PACKAGE_BYTES:
            problems.append(Problem(info.filename, None, "", N_("the package unpacks to more than %(limit)s bytes",
                                                                limit=f"{MAX_PACKAGE_BYTES:,}")))
            break
        if H5P_ENTRY.match(relative):
            found = H5P_CHECK[0].check(info.filename, content)
            if found:
                problems.extend(found)
                continue
        elif content.startswith(ARCHIVE_MAGIC) or content[257:262] == b"ustar":
            problems.append(Problem(info.filename, None, "", N_("is an archive inside the package; unpack it and "
                                                                "add its files instead")))
            continue
        package[relative] = content
    if problems:
        raise PackageRefused(problems)
    return slug, package


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, problems: list[Problem]) -> bytes | None:
    """The entry's bytes, read a chunk at a time and never past the smaller of its
    declared size and its ``limit``: an entry that decompresses to more is refused."""
    cap = min(info.file_size, limit)
    chunks, size = [], 0
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    problems.append(Problem(info.filename, None, "", N_("decompresses to more bytes than the package "
                                                                        "declares for it")))
                    return None
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError) as error:
        message = str(error)
        if "CRC" in message or "Bad" in message:
            message = N_("is damaged or declares a wrong size")
        problems.append(Problem(info.filename, None, "", N_("cannot be unpacked (%(reason)s)", reason=message)))
        return None
    return b"".join(chunks)


@contextmanager
def unpacked(slug: str, package: dict[str, bytes]) -> Iterator[Path]:
    """The package written into a fresh temporary folder ``<tmp>/<slug>/``, removed
    afterwards; the loader reads it like any course folder."""
    with tempfile.TemporaryDirectory(prefix="lms-package-") as tmp:
        folder = Path(tmp) / slug
        folder.mkdir()
        for path, content in package.items():
            target = folder / path
            if not target.resolve().is_relative_to(folder.resolve()):  # read_zip refused these already
                raise PackageRefused([Problem(f"{slug}/{path}", None, "", N_("leads outside the package"))])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        yield folder
