"""H5P packages (``.h5p``): a zip holding ``h5p.json`` (the package's manifest),
``content/content.json`` with the content's files, and the JavaScript libraries that play
it, each in a folder ``<machineName>-<major>.<minor>/`` with its ``library.json``.

A package comes from a teacher's computer or another site and its libraries are
third-party code, so it is checked as strictly as H5P's own validator does before any of
it is kept: the manifests' fields (H5P's documented ``h5p.json`` and ``library.json``
fields, licence codes and patterns), H5P's allow-lists of file extensions (content files;
libraries may add ``js`` and ``css``), a size and a file-count limit, no path that is
absolute, leads out (``..``) or uses backslashes, no symbolic link, no archive inside it
(by name and by its first bytes), no entry that decompresses to more than it declares (the
reading is streamed and stops at the limit), and every SVG image safe
(``lms.content.svg``). Every problem names the file and the rule, in the reader's
language. Nothing here touches the database: whether a library is approved is the
library store's question (``lms.h5p``)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from flask_babel import gettext as _

from lms.content import svg
from lms.content.loader import Problem
from lms.content.packages import ARCHIVE_MAGIC, ARCHIVE_SUFFIXES, CHUNK, DRIVE

# H5P's default allow-lists (H5PCore::$defaultContentWhitelist and
# $defaultLibraryWhitelistExtras in h5p-php-library).
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf doc docx "
    "xls xlsx ppt pptx odt ods odp xml csv diff patch swf md textile vtt webvtt".split())
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}
# The licence codes an h5p.json may give (H5P's metadata: "license").
LICENSES = ("U", "CC BY", "CC BY-SA", "CC BY-ND", "CC BY-NC", "CC BY-NC-SA", "CC BY-NC-ND", "CC0 1.0", "GNU GPL",
            "PD", "ODC PDDL", "CC PDM", "C")
# The licences a library.json may name (H5P's library validator).
LIBRARY_LICENSES = ("cc-by", "cc-by-sa", "cc-by-nd", "cc-by-nc", "cc-by-nc-sa", "cc-by-nc-nd", "pd", "cr", "MIT",
                    "GPL1", "GPL2", "GPL3", "MPL", "MPL2")
EMBED_TYPES = ("iframe", "div")
MACHINE_NAME = re.compile(r"^[\w.-]{1,255}$", re.ASCII)
LANGUAGE = re.compile(r"^[-a-zA-Z]{1,10}$")
VERSION_MAX = 99999
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_FILES = 1000
EXTERNAL_DOCTYPE = re.compile(rb"<!DOCTYPE\s+svg[^\[>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Dependency:
    machine_name: str
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"


@dataclass
class Library:
    """One library folder of a package: its manifest and its files by their path inside
    the folder."""
    machine_name: str
    major: int
    minor: int
    patch: int
    manifest: dict
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def dependency(self) -> Dependency:
        return Dependency(self.machine_name, self.major, self.minor)

    def dependencies(self) -> list[Dependency]:
        return _dependencies(self.manifest.get("preloadedDependencies"))


@dataclass
class Package:
    """A checked package: ``manifest`` is h5p.json, ``content`` content.json, ``files``
    the content's other files (paths inside ``content/``), ``libraries`` by folder name."""
    manifest: dict
    content: dict
    files: dict[str, bytes]
    libraries: dict[str, Library]

    @property
    def main_library(self) -> Dependency:
        name = self.manifest["mainLibrary"]
        return next(dep for dep in self.dependencies() if dep.machine_name == name)

    def dependencies(self) -> list[Dependency]:
        return _dependencies(self.manifest.get("preloadedDependencies"))

    def needed(self) -> list[Dependency]:
        """Every library the content needs to play, the main one's dependencies included,
        as far as the package's own libraries tell (the store tells the rest)."""
        found: dict[Dependency, None] = {}
        queue = list(self.dependencies())
        while queue:
            dep = queue.pop(0)
            if dep in found:
                continue
            found[dep] = None
            library = self.libraries.get(dep.folder)
            if library is not None:
                queue.extend(library.dependencies())
        return list(found)


class H5PRefused(ValueError):
    """The package was refused; ``problems`` say why, each naming the file and the rule."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def _dependencies(value) -> list[Dependency]:
    return [Dependency(dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"]))
            for dep in value or []]


def _size(number: int) -> str:
    return f"{number:,}"


# Reading the zip ---------------------------------------------------------------------------

def _name_problem(name: str) -> str | None:
    if "\x00" in name:
        return _("has a NUL character in its name")
    if "\\" in name:
        return _("uses backslashes in its path; a package uses forward slashes")
    if name.startswith("/") or DRIVE.match(name):
        return _("has an absolute path; every path must be inside the package")
    if ".." in PurePosixPath(name).parts:
        return _("has a path that leads outside the package (..)")
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and (info.external_attr >> 16) & 0o170000 == 0o120000


def _extension(name: str) -> str:
    leaf = name.rsplit("/", 1)[-1]
    return leaf.rsplit(".", 1)[-1].lower() if "." in leaf else ""


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    problem = _name_problem(name)
    if problem:
        return problem
    if _is_symlink(info):
        return _("is a symbolic link; a package may hold only files and folders")
    if info.flag_bits & 0x1:
        return _("is encrypted; a package's files may not be")
    if info.is_dir():
        return None
    if name.lower().endswith((*ARCHIVE_SUFFIXES, ".h5p")):
        return _("is an archive inside the package; archives may not be nested")
    top = name.split("/", 1)[0]
    if "/" not in name:
        if name != "h5p.json":
            return _("is not allowed at the top of a package (only h5p.json, content/ and library folders)")
        return None
    allowed = CONTENT_EXTENSIONS if top == "content" else LIBRARY_EXTENSIONS
    extension = _extension(name)
    if extension not in allowed:
        shown = f".{extension}" if extension else _("(none)")
        return _("file type %(extension)s is not allowed", extension=shown)
    return None


def _read_entries(data: bytes, max_bytes: int, max_files: int) -> dict[str, bytes]:
    """Every file of the zip by its path, each entry checked before it is read and read in
    chunks never past what it declares or the package's remaining budget."""
    where = "package.h5p"
    if len(data) > max_bytes:
        raise H5PRefused([Problem(where, None, "", _("is %(size)s bytes; a package may have at most %(limit)s bytes",
                                                     size=_size(len(data)), limit=_size(max_bytes)))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise H5PRefused([Problem(where, None, "", _("is not a zip file"))]) from None
    files_count = sum(1 for info in infos if not info.is_dir())
    if files_count > max_files:
        raise H5PRefused([Problem(where, None, "", _("has %(count)s files; a package may have at most %(limit)s",
                                                     count=_size(files_count), limit=_size(max_files)))])
    declared = sum(info.file_size for info in infos)
    if declared > max_bytes:
        raise H5PRefused([Problem(where, None, "", _("would unpack to %(size)s bytes; a package may unpack to at "
                                                     "most %(limit)s bytes", size=_size(declared),
                                                     limit=_size(max_bytes)))])
    problems: list[Problem] = []
    seen: set[str] = set()
    entries = []
    for info in infos:
        name = info.filename
        problem = _entry_problem(info)
        if problem is None and name.rstrip("/") in seen:
            problem = _("is in the package twice")
        if problem:
            problems.append(Problem(name.replace("\x00", "\\0"), None, "", problem))
            continue
        seen.add(name.rstrip("/"))
        if not info.is_dir():
            entries.append(info)
    if problems:
        raise H5PRefused(problems)

    found: dict[str, bytes] = {}
    budget = max_bytes
    for info in entries:
        content = _read_entry(archive, info, budget, problems)
        if content is None:
            continue
        budget -= len(content)
        if content.startswith(ARCHIVE_MAGIC) or content[257:262] == b"ustar":
            problems.append(Problem(info.filename, None, "", _("is an archive inside the package; archives may not "
                                                               "be nested")))
            continue
        found[info.filename] = content
    if problems:
        raise H5PRefused(problems)
    return found


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, problems: list[Problem]) -> bytes | None:
    cap = min(info.file_size, budget)
    chunks, size = [], 0
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    problems.append(Problem(info.filename, None, "", _("decompresses to more bytes than the package "
                                                                       "declares for it")))
                    return None
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
        problems.append(Problem(info.filename, None, "", _("cannot be unpacked: it is damaged or declares a wrong "
                                                           "size")))
        return None
    return b"".join(chunks)


# The manifests -----------------------------------------------------------------------------

def _json(path: str, data: bytes, problems: list[Problem]):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        problems.append(Problem(path, None, "", _("is not valid JSON (%(error)s)", error=str(error)[:120])))
        return None


def _check_dependencies(path: str, key: str, value, problems: list[Problem]) -> None:
    if not isinstance(value, list):
        problems.append(Problem(path, None, key, _("must be a list of libraries")))
        return
    for index, dep in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(dep, dict):
            problems.append(Problem(path, None, where, _("must name a library with machineName, majorVersion and "
                                                         "minorVersion")))
            continue
        if not isinstance(dep.get("machineName"), str) or not MACHINE_NAME.match(dep["machineName"]):
            problems.append(Problem(path, None, f"{where}.machineName", _("must be a library's machine name "
                                                                          "(letters, digits, '.', '_', '-')")))
        for version in ("majorVersion", "minorVersion"):
            if not _is_version(dep.get(version)):
                problems.append(Problem(path, None, f"{where}.{version}",
                                        _("must be a whole number from 0 to %(max)s", max=VERSION_MAX)))


def _is_version(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return isinstance(value, int) and 0 <= value <= VERSION_MAX


def _check_manifest(manifest, problems: list[Problem]) -> None:
    path = "h5p.json"
    if not isinstance(manifest, dict):
        problems.append(Problem(path, None, "", _("must be a JSON object")))
        return
    for key in ("title", "mainLibrary", "language", "preloadedDependencies", "embedTypes"):
        if key not in manifest:
            problems.append(Problem(path, None, key, _("is required")))
    title = manifest.get("title")
    if "title" in manifest and (not isinstance(title, str) or not title.strip() or len(title) > 255):
        problems.append(Problem(path, None, "title", _("must be a text of 1 to 255 characters")))
    main = manifest.get("mainLibrary")
    if "mainLibrary" in manifest and (not isinstance(main, str) or not MACHINE_NAME.match(main)):
        problems.append(Problem(path, None, "mainLibrary", _("must be a library's machine name")))
    language = manifest.get("language")
    if "language" in manifest and (not isinstance(language, str) or not LANGUAGE.match(language)):
        problems.append(Problem(path, None, "language", _("must be a language code such as lv or en")))
    if "preloadedDependencies" in manifest:
        _check_dependencies(path, "preloadedDependencies", manifest["preloadedDependencies"], problems)
        names = {dep.get("machineName") for dep in manifest["preloadedDependencies"] or []
                 if isinstance(dep, dict)} if isinstance(manifest["preloadedDependencies"], list) else set()
        if isinstance(main, str) and main not in names:
            problems.append(Problem(path, None, "mainLibrary", _("%(library)s is not among preloadedDependencies",
                                                                  library=main)))
    embed = manifest.get("embedTypes")
    if "embedTypes" in manifest and (not isinstance(embed, list) or not embed
                                     or any(kind not in EMBED_TYPES for kind in embed)):
        problems.append(Problem(path, None, "embedTypes", _("must list iframe, div or both")))
    if "license" in manifest and manifest["license"] not in LICENSES:
        problems.append(Problem(path, None, "license", _("%(value)s is not one of H5P's licence codes (%(codes)s)",
                                                         value=json.dumps(manifest["license"])[:40],
                                                         codes=", ".join(LICENSES))))
    for key in ("licenseVersion", "source", "licenseExtras", "authorComments", "defaultLanguage", "a11yTitle"):
        if key in manifest and not isinstance(manifest[key], str):
            problems.append(Problem(path, None, key, _("must be a text")))
    for key in ("yearFrom", "yearTo"):
        if key in manifest and not (isinstance(manifest[key], int) or str(manifest[key]).isdigit()):
            problems.append(Problem(path, None, key, _("must be a year")))
    authors = manifest.get("authors", [])
    if not isinstance(authors, list) or any(not isinstance(author, dict) or not isinstance(author.get("name"), str)
                                            for author in authors):
        problems.append(Problem(path, None, "authors", _("must be a list of authors, each with a name")))


def _check_library(folder: str, files: dict[str, bytes], problems: list[Problem]) -> Library | None:
    path = f"{folder}/library.json"
    if "library.json" not in files:
        problems.append(Problem(path, None, "", _("is missing; every library folder needs one")))
        return None
    manifest = _json(path, files["library.json"], problems)
    if manifest is None:
        return None
    if not isinstance(manifest, dict):
        problems.append(Problem(path, None, "", _("must be a JSON object")))
        return None
    before = len(problems)
    for key in ("title", "machineName", "majorVersion", "minorVersion", "patchVersion", "runnable"):
        if key not in manifest:
            problems.append(Problem(path, None, key, _("is required")))
    if "title" in manifest and (not isinstance(manifest["title"], str) or not manifest["title"].strip()):
        problems.append(Problem(path, None, "title", _("must be a text of 1 to 255 characters")))
    name = manifest.get("machineName")
    if "machineName" in manifest and (not isinstance(name, str) or not MACHINE_NAME.match(name)):
        problems.append(Problem(path, None, "machineName", _("must be a library's machine name (letters, digits, "
                                                             "'.', '_', '-')")))
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        if key in manifest and not _is_version(manifest[key]):
            problems.append(Problem(path, None, key, _("must be a whole number from 0 to %(max)s", max=VERSION_MAX)))
    if "runnable" in manifest and manifest["runnable"] not in (0, 1, True, False):
        problems.append(Problem(path, None, "runnable", _("must be 0 or 1")))
    if "license" in manifest and manifest["license"] not in LIBRARY_LICENSES:
        problems.append(Problem(path, None, "license", _("%(value)s is not one of H5P's library licences "
                                                         "(%(codes)s)", value=json.dumps(manifest["license"])[:40],
                                                         codes=", ".join(LIBRARY_LICENSES))))
    for key in ("preloadedDependencies", "dynamicDependencies", "editorDependencies"):
        if key in manifest:
            _check_dependencies(path, key, manifest[key], problems)
    for key in ("preloadedJs", "preloadedCss"):
        value = manifest.get(key, [])
        if not isinstance(value, list):
            problems.append(Problem(path, None, key, _("must be a list of files")))
            continue
        wanted = "js" if key == "preloadedJs" else "css"
        for index, entry in enumerate(value):
            file = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(file, str) or _name_problem(file) or _extension(file) != wanted:
                problems.append(Problem(path, None, f"{key}[{index}]", _("must give the path of a .%(type)s file in "
                                                                         "the library folder", type=wanted)))
            elif file not in files:
                problems.append(Problem(path, None, f"{key}[{index}]", _("%(file)s is not in the library folder",
                                                                         file=f"{folder}/{file}")))
    if len(problems) > before:
        return None
    expected = f"{name}-{int(manifest['majorVersion'])}.{int(manifest['minorVersion'])}"
    if folder != expected:
        problems.append(Problem(folder, None, "", _("the folder of library %(library)s must be named %(expected)s",
                                                    library=name, expected=expected)))
        return None
    return Library(name, int(manifest["majorVersion"]), int(manifest["minorVersion"]),
                   int(manifest["patchVersion"]), manifest, dict(files))


def _check_svg(path: str, data: bytes, problems: list[Problem]) -> None:
    # A DOCTYPE naming the public SVG DTD (no internal subset, so no entities) is common
    # in icons drawn by editors and harmless: browsers never fetch it. Anything else
    # (scripts, handlers, outside references, entities) is refused.
    checked = EXTERNAL_DOCTYPE.sub(b"", data, count=1)
    problem = svg.problem(checked)
    if problem:
        problems.append(Problem(path, None, "", _("is not a safe SVG image: it %(reason)s", reason=problem)))


def read(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, max_files: int = DEFAULT_MAX_FILES) -> Package:
    """The checked package of a ``.h5p`` file's bytes; ``H5PRefused`` naming every
    problem found, each with the file and the rule."""
    entries = _read_entries(data, max_bytes, max_files)
    problems: list[Problem] = []
    for path, content in entries.items():
        if _extension(path) == "svg":
            _check_svg(path, content, problems)
    if "h5p.json" not in entries:
        problems.append(Problem("h5p.json", None, "", _("is missing; every H5P package needs one")))
        manifest = None
    else:
        manifest = _json("h5p.json", entries["h5p.json"], problems)
        if manifest is not None:
            _check_manifest(manifest, problems)
    content = None
    if "content/content.json" not in entries:
        problems.append(Problem("content/content.json", None, "", _("is missing; every H5P package needs one")))
    else:
        content = _json("content/content.json", entries["content/content.json"], problems)
        if content is not None and not isinstance(content, dict):
            problems.append(Problem("content/content.json", None, "", _("must be a JSON object")))
    folders: dict[str, dict[str, bytes]] = {}
    for path, value in entries.items():
        top, _slash, rest = path.partition("/")
        if rest and top != "content":
            folders.setdefault(top, {})[rest] = value
    libraries = {}
    for folder, files in sorted(folders.items()):
        library = _check_library(folder, files, problems)
        if library is not None:
            libraries[folder] = library
    if problems:
        raise H5PRefused(problems)
    files = {path[len("content/"):]: value for path, value in entries.items()
             if path.startswith("content/") and path != "content/content.json"}
    return Package(manifest, content, files, libraries)
