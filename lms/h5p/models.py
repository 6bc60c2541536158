"""The shared H5P library store: each content-type library once, by machine name and
major.minor version (H5P's compatibility unit), with its newest patch's files, in the
database so every app server plays from the same store. A library runs only once an
admin approved it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.catalog.models import Item
from lms.core.clock import utcnow
from lms.extensions import db
from lms.xapi.models import Json


class H5PLibrary(db.Model):
    __tablename__ = "h5p_library"
    __table_args__ = (sa.UniqueConstraint("machine_name", "major", "minor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    machine_name: Mapped[str] = mapped_column(sa.String(255))
    major: Mapped[int]
    minor: Mapped[int]
    patch: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(255))
    runnable: Mapped[bool] = mapped_column(default=False)
    manifest: Mapped[dict] = mapped_column(Json)   # library.json as the package had it
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    approved_by: Mapped[User | None] = relationship()
    files: Mapped[list["H5PLibraryFile"]] = relationship(back_populates="library", cascade="all, delete-orphan",
                                                         order_by="H5PLibraryFile.path")

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


class H5PLibraryFile(db.Model):
    """One file of a library (``greetingcard.js``), by its path inside the library folder."""

    __tablename__ = "h5p_library_file"
    __table_args__ = (sa.UniqueConstraint("library_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(sa.ForeignKey("h5p_library.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(sa.String(500))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    library: Mapped[H5PLibrary] = relationship(back_populates="files")


class H5PContent(db.Model):
    """An H5P item's content: its ``h5p.json`` and a zip of its ``content/`` folder (the
    libraries are the store's, never the package's copy)."""

    __tablename__ = "h5p_content"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), primary_key=True)
    manifest: Mapped[dict] = mapped_column(Json)
    package: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship()


class H5PState(db.Model):
    """Where a learner left an H5P activity (H5P's "user data": the content type's own
    state, a JSON text), per enrolment, so the next visit resumes there."""

    __tablename__ = "h5p_state"

    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollment.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("course_item.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[str] = mapped_column(sa.Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
