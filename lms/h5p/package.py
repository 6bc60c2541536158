"""Reading and checking an ``.h5p`` package, without a request and without the database.

An ``.h5p`` file is a zip made by someone else's tool (Lumi, an H5P site, ``h5p pack``)
that carries third-party JavaScript, so it is read as H5P's own validator reads one, and
more strictly where H5P is lax:

- the zip itself: at most ``max_bytes`` bytes and ``max_files`` entries; no absolute paths,
  no ``..``, no backslashes, no symbolic links (read from the entries' Unix mode), no
  encrypted entries, no archive inside (by name and by its first bytes), and every entry
  read a chunk at a time, never past its declared size nor the package's total: a zip
  that lies about its sizes (a bomb) is refused before it fills memory;
- file types: the content may hold only H5P's default content extensions, a library also
  JavaScript and CSS (H5P's ``h5p_whitelist`` and ``h5p_library_whitelist_extras``), less the
  Office formats (each is itself a zip archive) and Flash (no browser plays it);
- ``h5p.json`` (the package's manifest) with the fields H5P requires, its licence one of
  H5P's codes, and ``content/content.json``;
- every library folder ``<machineName>-<major>.<minor>`` with a ``library.json`` whose
  required fields are there and well typed and whose ``preloadedJs``/``preloadedCss`` exist;
- SVG images with no scripts, handlers or outside references (``lms.content.svg``), after
  removing the standard external ``<!DOCTYPE svg PUBLIC ...>`` line drawing programs write.

Every message names the entry and the rule; it is made in English (what the command line
prints) and keeps its message id, so a page shows it in its reader's language
(``lms.core.messages``)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lms.content import svg
from lms.content.loader import Problem
from lms.core.messages import N_
from lms.content.packages import ARCHIVE_MAGIC, ARCHIVE_SUFFIXES, CHUNK, DRIVE, _is_symlink

# Defaults of the settings LMS_H5P_MAX_BYTES and LMS_H5P_MAX_FILES.
MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 1000

# H5P's default allow-lists (h5p-php-library, H5PCore::$defaultContentWhitelist and
# $defaultLibraryWhitelistExtras), without doc/docx/xls/xlsx/ppt/pptx/odt/ods/odp (Office
# files: the newer ones are zip archives, the older ones carry macros) and swf (Flash).
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf "
    "xml csv diff patch md textile vtt webvtt gltf glb".split())
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

# The codes H5P's metadata form offers for ``license`` (h5p.json), in H5P's spelling.
LICENCES = ("U", "CC BY", "CC BY-SA", "CC BY-ND", "CC BY-NC", "CC BY-NC-SA", "CC BY-NC-ND", "CC0 1.0",
            "GNU GPL", "PD", "ODC PDDL", "CC PDM", "C")
EMBED_TYPES = ("div", "iframe")
MACHINE_NAME = re.compile(r"^[\w.-]{1,255}$")
LIBRARY_FOLDER = re.compile(r"^([\w.-]{1,255})-(\d{1,5})\.(\d{1,5})$")
# The standard SVG DOCTYPE that drawing programs write (an external identifier, no internal
# subset, so no entities): browsers never fetch it; it is removed before the SVG is checked.
SVG_DOCTYPE = re.compile(rb"<!DOCTYPE\s+svg\s+PUBLIC\s+\"[^\"\[\]<>]*\"\s+\"[^\"\[\]<>]*\"\s*>", re.I)


class PackageRefused(ValueError):
    """The package was refused; ``problems`` say why, each naming the entry and the rule."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Dependency:
    machine_name: str
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class Library:
    """One library folder of the package: its manifest and its files by path inside it."""

    machine_name: str
    major: int
    minor: int
    patch: int
    title: str
    runnable: bool
    manifest: dict
    dependencies: list[Dependency]
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class H5PPackage:
    """A checked package: its manifest, its content files (paths under ``content/``), the
    libraries it brings, and the ones its content and libraries need."""

    manifest: dict
    content: dict[str, bytes]
    libraries: dict[str, Library]
    main_library: Dependency
    needs: list[Dependency]

    @property
    def title(self) -> str:
        return self.manifest["title"]

    @property
    def licence(self) -> str:
        return self.manifest.get("license") or "U"

    @property
    def authors(self) -> list[dict]:
        return [author for author in self.manifest.get("authors") or [] if isinstance(author, dict)]

    @property
    def content_json(self) -> dict:
        return json.loads(self.content["content/content.json"])


def _name_problem(name: str) -> str | None:
    if "\x00" in name:
        return N_("the name has a NUL character")
    if "\\" in name:
        return N_("the path uses backslashes; a package uses forward slashes")
    if name.startswith("/") or DRIVE.match(name):
        return N_("the path is absolute; every path must be inside the package")
    if ".." in PurePosixPath(name).parts:
        return N_("the path leads outside the package (..)")
    return None


def _extension_problem(name: str) -> str | None:
    parts = PurePosixPath(name).parts
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    if len(parts) == 1:
        return None if name == "h5p.json" else N_("only h5p.json, content/ and library folders may be at the "
                                                  "top of a package")
    allowed = CONTENT_EXTENSIONS if parts[0] == "content" else LIBRARY_EXTENSIONS
    if suffix not in allowed:
        return N_("file type .%(suffix)s is not allowed", suffix=suffix) if suffix else N_(
            "a file without an extension is not allowed")
    return None


def _entries(data: bytes, max_bytes: int, max_files: int) -> dict[str, bytes]:
    """Every file of the zip by its path, after the checks on the zip itself."""
    where = "package"
    if len(data) > max_bytes:
        # Callers read a file never past the limit and one byte, so its real size is not known.
        raise PackageRefused([Problem(where, None, "", N_(
            "is larger than %(limit)s bytes, the most an H5P package may have", limit=f"{max_bytes:,}"))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise PackageRefused([Problem(where, None, "", N_("is not an H5P file (it is not a zip archive)"))]) from None
    if len(infos) > max_files:
        raise PackageRefused([Problem(where, None, "", N_(
            "has %(count)s files; an H5P package may have at most %(limit)s",
            count=f"{len(infos):,}", limit=f"{max_files:,}"))])
    declared = sum(info.file_size for info in infos)
    if declared > max_bytes:
        raise PackageRefused([Problem(where, None, "", N_(
            "would unpack to %(size)s bytes; an H5P package may unpack to at most %(limit)s bytes",
            size=f"{declared:,}", limit=f"{max_bytes:,}"))])
    problems: list[Problem] = []
    chosen: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if info.is_dir() and not _is_symlink(info):
            problem = _name_problem(name)
            if problem:
                problems.append(Problem(name.replace("\x00", "\\0"), None, "", problem))
            continue
        if PurePosixPath(name).name.startswith(".") and _name_problem(name) is None and not _is_symlink(info):
            continue  # .gitignore, .DS_Store: H5P skips hidden files too
        problem = _name_problem(name)
        if problem is None and _is_symlink(info):
            problem = N_("is a symbolic link; a package may hold only files and folders")
        if problem is None and info.flag_bits & 0x1:
            problem = N_("is encrypted; a package's files may not be")
        if problem is None and name.lower().endswith((*ARCHIVE_SUFFIXES, ".h5p")):
            problem = N_("is an archive inside the package; nested archives are not allowed")
        if problem is None:
            problem = _extension_problem(name)
        if problem is None and name in seen:
            problem = N_("is in the package twice")
        if problem:
            problems.append(Problem(name.replace("\x00", "\\0"), None, "", problem))
            continue
        seen.add(name)
        chosen.append(info)
    if problems:
        raise PackageRefused(problems)

    found: dict[str, bytes] = {}
    budget = max_bytes
    for info in chosen:
        content, problem = _read_entry(archive, info, min(info.file_size, budget))
        if problem is None and (content.startswith(ARCHIVE_MAGIC) or content[257:262] == b"ustar"):
            problem = N_("is an archive inside the package; nested archives are not allowed")
        if problem is None and info.filename.lower().endswith(".svg"):
            content = SVG_DOCTYPE.sub(b"", content, count=1)
            unsafe = svg.problem(content)
            if unsafe:
                problem = N_("the SVG image is not safe: it %(reason)s", reason=unsafe)
        if problem:
            problems.append(Problem(info.filename, None, "", problem))
            continue
        budget -= len(content)
        found[info.filename] = content
    if problems:
        raise PackageRefused(problems)
    return found


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> tuple[bytes, str | None]:
    """The entry's bytes, read a chunk at a time and never past ``cap`` (its declared size,
    or what is left of the package's): one that decompresses to more is a bomb."""
    chunks, size = [], 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > cap:
                    return b"", N_("decompresses to more bytes than the package declares for it (a zip bomb)")
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
        return b"", N_("is damaged or declares a wrong size")
    return b"".join(chunks), None


def _json(files: dict[str, bytes], path: str, problems: list[Problem]) -> dict | None:
    if path not in files:
        problems.append(Problem(path, None, "", N_("is missing; every H5P package has one")))
        return None
    try:
        value = json.loads(files[path].decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        problems.append(Problem(path, None, "", N_("is not valid JSON (%(error)s)", error=str(error)[:120])))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(path, None, "", N_("must be a JSON object")))
        return None
    return value


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99999


def _dependencies(path: str, manifest: dict, key: str, problems: list[Problem]) -> list[Dependency]:
    value = manifest.get(key, [])
    if not isinstance(value, list):
        problems.append(Problem(path, None, key, N_("must be a list of libraries")))
        return []
    found = []
    for index, entry in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(path, None, where, N_("must be an object with machineName, majorVersion "
                                                         "and minorVersion")))
            continue
        name = entry.get("machineName")
        if not isinstance(name, str) or not MACHINE_NAME.match(name):
            problems.append(Problem(path, None, f"{where}.machineName", N_("must be a library's machine name "
                                                                          "(letters, digits, . _ -)")))
            continue
        major, minor = entry.get("majorVersion"), entry.get("minorVersion")
        if not _is_int(major) or not _is_int(minor):
            problems.append(Problem(path, None, where, N_("majorVersion and minorVersion must be whole numbers")))
            continue
        found.append(Dependency(name, major, minor))
    return found


def _check_manifest(manifest: dict, problems: list[Problem]) -> tuple[Dependency | None, list[Dependency]]:
    path = "h5p.json"
    for key in ("title", "mainLibrary", "language"):
        if not isinstance(manifest.get(key), str) or not manifest[key].strip():
            problems.append(Problem(path, None, key, N_("is required and must be text")))
    if "preloadedDependencies" not in manifest:
        problems.append(Problem(path, None, "preloadedDependencies", N_("is required")))
    preloaded = _dependencies(path, manifest, "preloadedDependencies", problems)
    _dependencies(path, manifest, "dynamicDependencies", problems)
    embed = manifest.get("embedTypes")
    if not isinstance(embed, list) or not embed or any(value not in EMBED_TYPES for value in embed):
        problems.append(Problem(path, None, "embedTypes", N_('is required: a list of "div" and/or "iframe"')))
    licence = manifest.get("license")
    if licence is not None and licence not in LICENCES:
        problems.append(Problem(path, None, "license", N_(
            "%(value)s is not one of H5P's licence codes (%(codes)s)",
            value=json.dumps(licence, ensure_ascii=False)[:60], codes=", ".join(LICENCES))))
    authors = manifest.get("authors")
    if authors is not None and (not isinstance(authors, list)
                                or any(not isinstance(a, dict) or not isinstance(a.get("name"), str)
                                       for a in authors)):
        problems.append(Problem(path, None, "authors", N_("must be a list of authors, each with a name")))
    main = None
    if isinstance(manifest.get("mainLibrary"), str):
        matches = [dep for dep in preloaded if dep.machine_name == manifest["mainLibrary"]]
        if matches:
            main = matches[0]
        else:
            problems.append(Problem(path, None, "mainLibrary", N_(
                "%(name)s is not among preloadedDependencies", name=manifest["mainLibrary"])))
    return main, preloaded


def _check_library(folder: str, files: dict[str, bytes], problems: list[Problem]) -> Library | None:
    path = f"{folder}/library.json"
    before = len(problems)
    manifest = _json(files, path, problems)
    if manifest is None:
        return None
    for key in ("title", "machineName"):
        if not isinstance(manifest.get(key), str) or not manifest[key].strip():
            problems.append(Problem(path, None, key, N_("is required and must be text")))
    name = manifest.get("machineName")
    if isinstance(name, str) and not MACHINE_NAME.match(name):
        problems.append(Problem(path, None, "machineName", N_("must be letters, digits, . _ or -")))
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        if not _is_int(manifest.get(key)):
            problems.append(Problem(path, None, key, N_("is required and must be a whole number")))
    runnable = manifest.get("runnable")
    if runnable not in (0, 1, True, False):
        problems.append(Problem(path, None, "runnable", N_("is required and must be 0 or 1")))
    for key in ("preloadedJs", "preloadedCss"):
        value = manifest.get(key, [])
        if not isinstance(value, list):
            problems.append(Problem(path, None, key, N_("must be a list of files")))
            continue
        for index, entry in enumerate(value):
            target = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(target, str) or f"{folder}/{target}" not in files:
                problems.append(Problem(path, None, f"{key}[{index}]", N_(
                    "%(file)s is not in the library folder", file=str(target)[:120])))
    dependencies = _dependencies(path, manifest, "preloadedDependencies", problems)
    for key in ("dynamicDependencies", "editorDependencies"):
        _dependencies(path, manifest, key, problems)
    if len(problems) > before:
        return None
    expected = f"{name}-{manifest['majorVersion']}.{manifest['minorVersion']}"
    if folder != expected:
        problems.append(Problem(path, None, "machineName", N_(
            "the library's folder must be named %(expected)s", expected=expected)))
        return None
    for extra in ("semantics.json",):
        if f"{folder}/{extra}" in files:
            try:
                json.loads(files[f"{folder}/{extra}"].decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as error:
                problems.append(Problem(f"{folder}/{extra}", None, "", N_(
                    "is not valid JSON (%(error)s)", error=str(error)[:120])))
                return None
    prefix = folder + "/"
    return Library(machine_name=name, major=manifest["majorVersion"], minor=manifest["minorVersion"],
                   patch=manifest["patchVersion"], title=manifest["title"], runnable=bool(runnable),
                   manifest=manifest, dependencies=dependencies,
                   files={path[len(prefix):]: data for path, data in files.items() if path.startswith(prefix)})


def read(data: bytes, max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> H5PPackage:
    """The checked package in ``data`` (the bytes of an ``.h5p`` file); ``PackageRefused``
    naming every problem found otherwise. Whether the libraries it needs are in the store
    and approved is the store's question (``lms.h5p.services``)."""
    files = _entries(data, max_bytes, max_files)
    problems: list[Problem] = []
    manifest = _json(files, "h5p.json", problems)
    _json(files, "content/content.json", problems)
    main, preloaded = (None, []) if manifest is None else _check_manifest(manifest, problems)
    libraries: dict[str, Library] = {}
    folders = sorted({path.split("/", 1)[0] for path in files if "/" in path} - {"content"})
    for folder in folders:
        if not LIBRARY_FOLDER.match(folder):
            problems.append(Problem(folder, None, "", N_(
                "is not a library folder (a library's folder is named <machineName>-<major>.<minor>)")))
            continue
        library = _check_library(folder, files, problems)
        if library is not None:
            libraries[folder] = library
    if problems:
        raise PackageRefused(problems)
    needs: list[Dependency] = []
    for dependency in [*preloaded, *(d for library in libraries.values() for d in library.dependencies)]:
        if dependency not in needs:
            needs.append(dependency)
    content = {path: data for path, data in files.items() if path.startswith("content/")}
    return H5PPackage(manifest=manifest, content=content, libraries=libraries, main_library=main, needs=needs)
