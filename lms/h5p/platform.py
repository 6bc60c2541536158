"""The platform's own H5P content types and the shipped activities built on them.

H5P's official question types are published only on H5P's hub and code host, which CI
cannot reach, so the platform ships small content types of its own in H5P's library
format (``LMS.Sort``, ``LMS.Blanks``, ``LMS.Choice``, under ``lms/h5p/libraries/``). They are
reviewed in this repository like the rest of its code, so the store takes them approved
(``lms.h5p.services.install_platform``), and a package can never replace them.

The shipped activities are built from sources, never edited as zips: each
``courses/_h5p/<course>/<slug>/`` holds an ``h5p.json`` and a ``content.json`` (and any media
under ``content/``); ``python -m lms.h5p.platform`` writes ``courses/<course>/h5p/<slug>.h5p``
with the content type and its dependencies from ``lms/h5p/libraries/``. The zip is made the
same way every time (entries sorted, stored uncompressed, fixed times), so a test can check
that every committed ``.h5p`` is exactly what its sources give. Nothing here needs a
request or the database."""

from __future__ import annotations

import io
import json
import stat
import sys
import uuid
import zipfile
from pathlib import Path

LIBRARIES_DIR = Path(__file__).resolve().parent / "libraries"
SOURCES = "_h5p"          # courses/_h5p/<course>/<slug>/: the loader skips folders starting with _
TIMESTAMP = (2020, 1, 1, 0, 0, 0)
# Question ids H5P would give each sub-content: derived from where the question is, so a
# rebuild keeps them and the statements about a question keep their activity id.
QUESTION_IDS = uuid.UUID("6f1b6a52-3d0e-4f0e-9a57-6c6d5f1a0b01")


def library_folders() -> dict[tuple[str, int, int], Path]:
    """{(machine name, major, minor): folder} of every platform library."""
    found = {}
    for folder in sorted(LIBRARIES_DIR.iterdir()):
        manifest = folder / "library.json"
        if folder.is_dir() and manifest.is_file():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            found[(data["machineName"], data["majorVersion"], data["minorVersion"])] = folder
    return found


def is_platform(machine_name: str, major: int, minor: int) -> bool:
    return (machine_name, major, minor) in library_folders()


def library_files(folder: Path) -> dict[str, bytes]:
    """A library folder's files by their path inside it."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.name.startswith(".")}


def _with_question_ids(content: dict, where: str) -> dict:
    """``content`` with a ``subContentId`` for every question that has none (LMS.Choice)."""
    questions = content.get("questions")
    if isinstance(questions, list):
        for index, question in enumerate(questions):
            if isinstance(question, dict) and not question.get("subContentId"):
                question["subContentId"] = str(uuid.uuid5(QUESTION_IDS, f"{where}/{index}"))
    return content


def package_files(source: Path, where: str) -> dict[str, bytes]:
    """The files of the ``.h5p`` built from ``source`` (its ``h5p.json``, ``content.json``
    and ``content/``): the content and the platform libraries it needs, with theirs."""
    manifest = json.loads((source / "h5p.json").read_text(encoding="utf-8"))
    content = _with_question_ids(json.loads((source / "content.json").read_text(encoding="utf-8")), where)
    files = {"h5p.json": (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode(),
             "content/content.json": (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode()}
    media = source / "content"
    if media.is_dir():
        files.update({f"content/{path.relative_to(media).as_posix()}": path.read_bytes()
                      for path in sorted(media.rglob("*")) if path.is_file()})
    folders = library_folders()
    wanted = [(d["machineName"], d["majorVersion"], d["minorVersion"]) for d in manifest["preloadedDependencies"]]
    while wanted:
        key = wanted.pop()
        if key not in folders:
            raise ValueError(f"{source}/h5p.json: {key[0]} {key[1]}.{key[2]} is not a platform library "
                             f"(lms/h5p/libraries/)")
        folder = folders[key]
        prefix = f"{key[0]}-{key[1]}.{key[2]}/"
        if prefix + "library.json" in files:
            continue
        files.update({prefix + path: data for path, data in library_files(folder).items()})
        library = json.loads((folder / "library.json").read_text(encoding="utf-8"))
        wanted += [(d["machineName"], d["majorVersion"], d["minorVersion"])
                   for d in library.get("preloadedDependencies", [])]
    return files


def zip_of(files: dict[str, bytes]) -> bytes:
    """The same files always give the same bytes: sorted, stored, fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=TIMESTAMP)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[path])
    return buffer.getvalue()


def sources(courses: Path) -> list[tuple[Path, Path]]:
    """(source folder, the ``.h5p`` it builds) of every shipped activity under ``courses``."""
    root = courses / SOURCES
    if not root.is_dir():
        return []
    return [(source, courses / source.parent.name / "h5p" / f"{source.name}.h5p")
            for course in sorted(root.iterdir()) if course.is_dir()
            for source in sorted(course.iterdir()) if (source / "h5p.json").is_file()]


def build(source: Path) -> bytes:
    return zip_of(package_files(source, f"{source.parent.name}/{source.name}"))


def rebuild(courses: Path) -> list[Path]:
    """Write every shipped activity's ``.h5p`` from its sources; the ones that changed."""
    changed = []
    for source, target in sources(courses):
        data = build(source)
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(target)
    return changed


def main(argv: list[str]) -> int:
    """``python -m lms.h5p.platform [COURSES]``: rebuild the shipped activities."""
    courses = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "courses"
    changed = rebuild(courses)
    for target in changed:
        print(f"rebuilt {target}")
    print(f"{len(sources(courses))} shipped H5P activity(ies), {len(changed)} rebuilt.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
