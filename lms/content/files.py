"""Which files a course package may bring: those inside its own folder, of a bounded size.

A course folder comes from an author, not from the operator, so nothing in it may make
validation or import read anything else: a lesson that is a symbolic link to
``instance/secret_key`` would be rendered into a page, and a 2 GB "lesson" would fill the
server's memory. A symbolic link whose target is inside the course folder (one image
used under two names, say) changes nothing about what can be read, so it is accepted;
one that leads out of the folder, directly or through a linked directory, is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from lms.core.messages import N_

MAX_TEXT_BYTES = 512 * 1024    # course.yaml, a lesson, a quiz, an exercise
MAX_IMAGE_BYTES = 1024 * 1024  # an image a lesson shows


def _size(limit: int) -> str:
    return f"{limit // 1024} KiB" if limit < 1024 * 1024 else f"{limit // (1024 * 1024)} MiB"


def refusal(path: Path, folder: Path, limit: int = MAX_TEXT_BYTES) -> str | None:
    """Why ``path`` may not be read as part of the course in ``folder``: it leads outside
    the folder, is not a regular file or is over ``limit`` bytes. None when it may be read,
    or when nothing is there (the caller says what is missing)."""
    try:
        target = path.resolve()
        inside = target.is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of symbolic links
        return N_("is a symbolic link that cannot be followed (it leads round in a loop)")
    if not inside:
        if Path(os.path.normpath(path.absolute())).is_relative_to(folder.absolute()):
            return N_("is a symbolic link (or is in a linked folder) that leads outside the course folder")
        return N_("is outside the course folder")
    try:
        status = target.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        return N_("cannot be read (%(reason)s)", reason=error.strerror)
    if not os.path.isfile(target):
        return N_("is not a regular file")
    if status.st_size > limit:
        return N_("is %(size)s bytes; a course file may have at most %(limit)s bytes (%(readable)s)",
                  size=f"{status.st_size:,}", limit=f"{limit:,}", readable=_size(limit))
    return None


def read_bytes(path: Path, limit: int) -> bytes:
    """A file ``refusal`` accepted; ``ValueError`` if it has grown over ``limit`` bytes since
    (it is never read whole)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(N_("is over %(limit)s bytes (%(readable)s)", limit=f"{limit:,}", readable=_size(limit)))
    return data
