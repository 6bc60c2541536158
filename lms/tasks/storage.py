"""Where the bytes of uploaded files live.

The default, and for now the only store, is the database (``task_file_blob``): every app
server sees the files without a shared disk, one backup holds the hand-ins and their
files together, and a file is saved in the same transaction as the hand-in it belongs to,
so a refused or failed hand-in leaves no file behind. At the sizes a task accepts
(``LMS_TASK_MAX_FILE_MB``, 10 MB by default) PostgreSQL keeps such values out of line
(TOAST) without trouble. A store for an S3-compatible service would implement
``FileStore`` and be chosen in ``store()``; the rest of the domain speaks only to this
interface."""

from __future__ import annotations

import hashlib
from typing import Protocol

import sqlalchemy as sa

from lms.extensions import db
from lms.tasks.models import FileBlob, TaskFile


class FileStore(Protocol):
    def put(self, data: bytes) -> int:
        """Keep ``data``; returns the key a ``TaskFile`` refers to."""

    def get(self, key: int) -> bytes | None:
        """The bytes kept under ``key``, or None."""

    def delete(self, key: int) -> None:
        """Forget ``key``; the caller made sure no file refers to it any longer."""


class DatabaseStore:
    """Blobs in the ``task_file_blob`` table, in the caller's transaction (flushes only)."""

    def put(self, data: bytes) -> int:
        blob = FileBlob(size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
        db.session.add(blob)
        db.session.flush()
        return blob.id

    def get(self, key: int) -> bytes | None:
        return db.session.scalar(sa.select(FileBlob.data).where(FileBlob.id == key))

    def delete(self, key: int) -> None:
        db.session.execute(sa.delete(FileBlob).where(FileBlob.id == key))


def store() -> FileStore:
    return DatabaseStore()


def release(blob_ids: set[int]) -> None:
    """Delete the blobs no file refers to any longer (a draft's file removed that no
    hand-in shares)."""
    if not blob_ids:
        return
    db.session.flush()
    used = set(db.session.scalars(sa.select(TaskFile.blob_id).where(TaskFile.blob_id.in_(blob_ids))))
    for key in blob_ids - used:
        store().delete(key)
