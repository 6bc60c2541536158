"""The studio's operations: authors, courses, saving revisions (with an optimistic lock),
review and publishing, history. Plain functions that flush; the caller commits.

Every revision is a whole course package that passes the course validator (exercises
are graded at submission and publishing, and by the author's "check"), so what is
published, exported or restored is always a course the file format accepts."""

from __future__ import annotations

import difflib
import hashlib
import io
import zipfile
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.accounts.models import User
from lms.catalog.models import Course, Item
from lms.content import files as content_files
from lms.content import images, packages
from lms.content import services as content
from lms.content.loader import ITEM_KINDS, SLUG, Problem, load_course, load_exercise
from lms.core import markdown
from lms.core.messages import translated
from lms.exercises import jobs as grading_jobs
from lms.extensions import db
from lms.h5p import package as h5p_package
from lms.h5p import services as h5p
from lms.learning.models import Enrollment
from lms.studio import files as studio_files
from lms.studio.models import (
    CO_AUTHOR, DRAFT, OWNER, PUBLISHED, SUBMITTED, StudioAuthor, StudioCourse, StudioMember, StudioRevision)


class StudioRefused(ValueError):
    """A change the studio refuses; ``message`` says why, ``problems`` the validator's."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message, self.problems = message, problems or []


class StaleSave(StudioRefused):
    """Someone saved ``path`` after the revision the author started from (``base``)."""

    def __init__(self, message: str, base: int, head: int, path: str) -> None:
        super().__init__(message)
        self.base, self.head, self.path = base, head, path


# Authors ----------------------------------------------------------------------------------

def is_author(user: User) -> bool:
    return db.session.get(StudioAuthor, user.id) is not None


def authors() -> list[User]:
    return list(db.session.scalars(sa.select(User).join(StudioAuthor, StudioAuthor.user_id == User.id)
                                   .order_by(User.display_name)))


def grant_author(user: User) -> None:
    """Make a teacher an author; only teachers (and trainers, who are teachers) may be."""
    if not user.has_role("teacher"):
        raise StudioRefused(_("Only a teacher can be made an author."))
    if not is_author(user):
        db.session.add(StudioAuthor(user_id=user.id))
        db.session.flush()


def name_reviewer(user: User) -> None:
    """Let a teacher review and publish studio courses (an author too, if not yet one)."""
    grant_author(user)
    db.session.get(StudioAuthor, user.id).reviewer = True
    db.session.flush()


def reviewers() -> list[User]:
    return list(db.session.scalars(sa.select(User).join(StudioAuthor, StudioAuthor.user_id == User.id)
                                   .where(StudioAuthor.reviewer.is_(True)).order_by(User.display_name)))


def is_reviewer(user: User) -> bool:
    found = db.session.get(StudioAuthor, user.id)
    return user.has_role("admin") or (found is not None and found.reviewer and user.has_role("teacher"))


def may_review(user: User, course: StudioCourse) -> bool:
    """Admins and the reviewers an admin named see, and publish, any studio course."""
    return is_reviewer(user)


def revoke_author(user: User) -> None:
    db.session.execute(sa.delete(StudioAuthor).where(StudioAuthor.user_id == user.id))


def may_use_studio(user: User) -> bool:
    return user.has_role("admin") or (user.has_role("teacher") and is_author(user))


def may_edit(user: User, course: StudioCourse) -> bool:
    if user.has_role("admin"):
        return True
    return may_use_studio(user) and any(m.user_id == user.id for m in course.members)


def courses_for(user: User) -> list[StudioCourse]:
    query = sa.select(StudioCourse).order_by(StudioCourse.title)
    if not is_reviewer(user):
        query = query.join(StudioMember).where(StudioMember.user_id == user.id)
    return list(db.session.scalars(query))


def get(slug: str) -> StudioCourse | None:
    return db.session.scalar(sa.select(StudioCourse).where(StudioCourse.slug == slug))


def shipped_courses() -> list[tuple[str, str]]:
    """(slug, title) of the courses shipped as files under courses/: read-only here."""
    found = []
    for folder in sorted(content.COURSES_DIR.iterdir()):
        if (folder / "course.yaml").is_file() and not folder.name.startswith(("_", ".")):
            data = studio_files.load((folder / "course.yaml").read_bytes()) or {}
            found.append((folder.name, str(data.get("title") or folder.name)))
    return found


def add_co_author(course: StudioCourse, user: User) -> None:
    if not (user.has_role("teacher") and is_author(user)):
        raise StudioRefused(_("%(name)s is not an author; an admin makes teachers authors.", name=user.display_name))
    if any(m.user_id == user.id for m in course.members):
        raise StudioRefused(_("%(name)s already writes this course.", name=user.display_name))
    course.members.append(StudioMember(user_id=user.id, role=CO_AUTHOR))
    db.session.flush()


# Revisions --------------------------------------------------------------------------------

def revision(course: StudioCourse, number: int | None = None) -> StudioRevision | None:
    return db.session.scalar(sa.select(StudioRevision).where(
        StudioRevision.course_id == course.id, StudioRevision.number == (course.head if number is None else number)))


def revisions(course: StudioCourse) -> list[StudioRevision]:
    return list(db.session.scalars(sa.select(StudioRevision).where(StudioRevision.course_id == course.id)
                                   .order_by(StudioRevision.number.desc())))


_unpacked: dict[str, dict[str, bytes]] = {}  # package hash -> files: revisions never change


def files_of(course: StudioCourse, number: int | None = None) -> dict[str, bytes]:
    """The files of a revision (the newest by default)."""
    found = revision(course, number)
    if found is None:
        raise StudioRefused(_("There is no such revision."))
    return _files(found.package)


def _files(package: bytes) -> dict[str, bytes]:
    key = hashlib.sha256(package).hexdigest()
    if key not in _unpacked:
        if len(_unpacked) > 64:
            _unpacked.clear()
        _unpacked[key] = packages.read_zip(package)[1]
    return dict(_unpacked[key])


def check(slug: str, package: dict[str, bytes], changed: set[str] | None = None) -> list[Problem]:
    """The validator's problems with a package (exercises are not graded here). With
    ``changed``, item files not in it are known good and stand in as stubs, so a save
    reads only what it changed."""
    written = dict(package)
    if changed is not None and "course.yaml" not in changed:
        # Only items changed: a course.yaml naming just them, so only their files are read
        # (the lines of their problems are their own files').
        written = _only(package, changed)
        if written is None:
            return []
    elif changed is not None:
        for path in package:
            kind = studio_files.kind_of(path)
            if kind and path not in changed and kind[0] in studio_files.STUBS:
                written[path] = studio_files.STUBS[kind[0]]
    with packages.unpacked(slug, written) as folder:
        _, problems = load_course(folder, folder.parent)
    # A draft may hold an H5P activity whose libraries still wait for an admin's approval:
    # that keeps it from being submitted and published (``full_check``), not from being saved.
    return [problem for problem in problems if not h5p.is_unapproved(problem)]


def _only(package: dict[str, bytes], paths: set[str]) -> dict[str, bytes] | None:
    """The package with only the items whose files are in ``paths`` (in one module), so
    reading it reads just those; None when none of them is an item of the course."""
    data = studio_files.outline(package["course.yaml"])
    items = [item for module in data["modules"] for item in module["items"]
             if studio_files.item_path(item["kind"], item["slug"]) in paths]
    if not items:
        return None
    data["modules"] = [{**data["modules"][0], "items": items}]
    written = {path: content_ for path, content_ in package.items() if path in paths or not studio_files.kind_of(path)}
    written["course.yaml"] = studio_files.course_yaml(data)
    return written


def _titles(slug: str, package: dict[str, bytes], paths) -> dict[str, str]:
    """The titles of the items in ``paths``, read from their files."""
    titles = {}
    for path in paths:
        kind = studio_files.kind_of(path)
        if kind and kind[0] != "h5p" and path in package:
            data = studio_files.read_lesson(package[path])[0] if kind[0] == "lesson" else studio_files.load(
                package[path])
            titles[kind[1]] = str((data or {}).get("title") or kind[1])
    return titles


def _commit_revision(course: StudioCourse, user: User | None, package: dict[str, bytes], note: str) -> StudioRevision:
    course.head += 1
    data = studio_files.outline(package["course.yaml"])
    course.title = str(data.get("title") or course.slug)[:200]
    if course.state != DRAFT:
        course.state = DRAFT  # an edit of a submitted or published course is a new draft
    made = StudioRevision(course_id=course.id, number=course.head, author_id=user.id if user else None,
                          note=note[:200], package=packages.to_zip(course.slug, package))
    db.session.add(made)
    db.session.flush()
    return made


def save(course: StudioCourse, user: User | None, base: int, changes: dict[str, bytes | None],
         note: str = "") -> StudioRevision:
    """Save ``changes`` (path -> new bytes, None to remove) made from revision ``base`` as a
    new revision. Refused, saving nothing, when a changed file was saved by someone else
    after ``base`` (``StaleSave``), or when the package would not pass the validator."""
    head = files_of(course)
    if base != course.head:
        if base < 1 or base > course.head:
            raise StudioRefused(_("There is no such revision."))
        old = files_of(course, base)
        for path in sorted(changes):
            if old.get(path) != head.get(path):
                stale = revision(course)
                raise StaleSave(_("%(name)s saved a newer version of this at %(time)s (revision %(number)s), "
                                  "after you opened it. Nothing was saved: compare both versions, then make your "
                                  "change again.", name=stale.author.display_name if stale.author else _("Someone"),
                                  time=stale.created_at.strftime("%H:%M"), number=stale.number),
                                base=base, head=course.head, path=path)
    package = dict(head)
    for path, content_ in changes.items():
        if content_ is None:
            package.pop(path, None)
        else:
            package[path] = content_
    if package == head:
        return revision(course)
    problems = check(course.slug, package, set(changes))
    if problems:
        raise StudioRefused(_("Nothing was saved: the course has problems."), problems)
    return _commit_revision(course, user, package, note)


def _taken_slugs() -> set[str]:
    taken = set(db.session.scalars(sa.select(StudioCourse.slug))) | set(db.session.scalars(sa.select(Course.slug)))
    return taken | {slug for slug, _title in shipped_courses()}


def create_course(user: User, settings: dict) -> StudioCourse:
    """A new course: the settings, one module with a first lesson to write. ``settings``
    are course.yaml's fields (title, summary, language, audiences, track, level,
    estimated_hours, competences)."""
    slug = studio_files.slugify(settings["title"], _taken_slugs())
    course = StudioCourse(slug=slug, title=settings["title"][:200], state=DRAFT)
    course.members.append(StudioMember(user_id=user.id, role=OWNER))
    db.session.add(course)
    db.session.flush()
    data = {**settings, "status": "published", "modules": [
        {"slug": "module-1", "title": _("First module"), "items": [{"kind": "lesson", "slug": "introduction"}]}]}
    package = {"course.yaml": studio_files.course_yaml(data),
               "lessons/introduction.md": studio_files.lesson_text(
                   {"title": _("Introduction")}, "# " + _("Introduction") + "\n\n" + _("Write the lesson here.") + "\n").encode()}
    problems = check(slug, package)
    if problems:
        db.session.rollback()
        raise StudioRefused(_("Nothing was saved: the course has problems."), problems)
    _commit_revision(course, user, package, _("Created"))
    return course


def copy_shipped(user: User, slug: str) -> StudioCourse:
    """An editable copy of a course shipped under courses/: a new slug, ``user`` its owner."""
    folder = content.COURSES_DIR / slug
    if slug not in {found for found, _title in shipped_courses()}:
        raise StudioRefused(_("There is no such shipped course."))
    package = packages.folder_files(folder)
    data = studio_files.load(package["course.yaml"]) or {}
    title = _("%(title)s (copy)", title=data.get("title") or slug)
    new_slug = studio_files.slugify(f"{slug}-copy", _taken_slugs())
    data["title"] = title
    package["course.yaml"] = studio_files.course_yaml(studio_files.outline(studio_files.dump(data).encode()))
    course = StudioCourse(slug=new_slug, title=title[:200], state=DRAFT, copied_from=slug)
    course.members.append(StudioMember(user_id=user.id, role=OWNER))
    db.session.add(course)
    db.session.flush()
    _commit_revision(course, user, package, _("Copied from %(title)s", title=data.get("title") or slug))
    return course


def import_zip(user: User | None, data: bytes, name: str | None = None) -> StudioCourse:
    """A ``.zip`` package as a new studio course, or as a new draft of a studio course the
    user may edit; refused naming every problem (packages and the validator's). A shipped
    course, or a course imported otherwise, is not overwritten."""
    try:
        slug, package = packages.read_zip(data, name)
    except packages.PackageRefused as refused:
        raise StudioRefused(_("The package was refused."), refused.problems) from None
    problems = check(slug, package)
    if problems:
        raise StudioRefused(_("Nothing was imported: the course has problems."), problems)
    course = get(slug)
    if course is not None:
        if user is not None and not may_edit(user, course):
            raise StudioRefused(_("A course with this package's name exists and you do not write it."))
        save(course, user, course.head, {**{path: None for path in files_of(course)}, **package}, _("Imported"))
        return course
    if slug in {found for found, _title in shipped_courses()} or db.session.scalar(
            sa.select(Course.id).where(Course.slug == slug)):
        raise StudioRefused(_("A course with this package's name is managed as files; import it under another "
                              "name (rename its folder) or make an editable copy."))
    course = StudioCourse(slug=slug, title="", state=DRAFT)
    if user is not None:
        course.members.append(StudioMember(user_id=user.id, role=OWNER))
    db.session.add(course)
    db.session.flush()
    _commit_revision(course, user, package, _("Imported"))
    return course


def import_and_publish(data: bytes, name: str | None = None) -> content.ImportReport:
    """``flask courses import package.zip``: the package as a studio course (kept in the
    database like every studio course, so it can be exported again), published at once."""
    course = import_zip(None, data, name)
    if course.published_number == course.head:
        return content.ImportReport(updated=[course.slug])
    return publish(course, None)


def export(slug: str) -> tuple[str, bytes]:
    """The ``.zip`` of a course: a studio course's published revision (its newest if it has
    never been published), or a shipped course's folder."""
    course = get(slug)
    if course is not None:
        found = revision(course, course.published_number)
        return slug, found.package
    try:
        return content.export_course(slug)
    except content.ImportRefused:
        raise StudioRefused(_("There is no such course to export.")) from None


# Outline ----------------------------------------------------------------------------------

@dataclass
class Outline:
    settings: dict
    modules: list[dict]        # {"slug", "title", "summary", "optional", "items": [{"kind", "slug", "title", ...}]}
    number: int


def outline(course: StudioCourse, number: int | None = None) -> Outline:
    """The course's settings, modules and items (with their titles) at a revision."""
    package = files_of(course, number)
    data = studio_files.outline(package["course.yaml"])
    titles = _titles(course.slug, package, [studio_files.item_path(i["kind"], i["slug"])
                                            for m in data["modules"] for i in m["items"]])
    for module in data["modules"]:
        for item in module["items"]:
            item["title"] = str((item.get("settings") or {}).get("title") or titles.get(item["slug"], item["slug"]))
    modules = data.pop("modules")
    return Outline(settings=data, modules=modules, number=course.head if number is None else number)


def _edit_outline(course: StudioCourse, user: User, base: int, change, note: str,
                  extra: dict[str, bytes | None] | None = None) -> StudioRevision:
    package = files_of(course, base if 1 <= base <= course.head else None)
    data = studio_files.outline(package["course.yaml"])
    change(data)
    return save(course, user, base, {"course.yaml": studio_files.course_yaml(data), **(extra or {})}, note)


def update_settings(course: StudioCourse, user: User, base: int, settings: dict) -> StudioRevision:
    return _edit_outline(course, user, base, lambda data: data.update(settings), _("Settings"))


def add_module(course: StudioCourse, user: User, base: int, title: str) -> StudioRevision:
    """A module at the end, with a first lesson (a module needs at least one item)."""
    package = files_of(course)
    data = studio_files.outline(package["course.yaml"])
    slug = studio_files.slugify(title, {m["slug"] for m in data["modules"]}, "module")
    lesson = studio_files.slugify(title, _item_slugs(data), "lesson")
    text = studio_files.lesson_text({"title": title}, f"# {title}\n\n" + _("Write the lesson here.") + "\n")

    def change(data):
        data["modules"].append({"slug": slug, "title": title, "items": [{"kind": "lesson", "slug": lesson}]})

    return _edit_outline(course, user, base, change, _("Module added"), {f"lessons/{lesson}.md": text.encode()})


def _item_slugs(data: dict) -> set[str]:
    return {item["slug"] for module in data["modules"] for item in module["items"]}


def add_item(course: StudioCourse, user: User, base: int, module_slug: str, kind: str, title: str,
             text: bytes) -> tuple[StudioRevision, str]:
    """A new item (its file's ``text``) at the end of a module: (the revision, its slug)."""
    if kind not in ITEM_KINDS:
        raise StudioRefused(_("There is no such kind of item."))
    data = studio_files.outline(files_of(course)["course.yaml"])
    slug = studio_files.slugify(title, _item_slugs(data), kind)

    def change(data):
        module = next((m for m in data["modules"] if m["slug"] == module_slug), None)
        if module is None:
            raise StudioRefused(_("There is no such module."))
        module["items"].append({"kind": kind, "slug": slug})

    return _edit_outline(course, user, base, change, _("Item added"), {studio_files.item_path(kind, slug): text}), slug


def move(course: StudioCourse, user: User, base: int, slug: str, direction: int, *,
         module: bool = False) -> StudioRevision:
    """Move a module (``module=True``) or an item one step; an item at the edge of its
    module moves into the neighbouring module."""

    def change(data):
        modules = data["modules"]
        for index, entry in enumerate(modules if module else []):
            if entry["slug"] == slug:
                target = index + direction
                if 0 <= target < len(modules):
                    modules[index], modules[target] = modules[target], modules[index]
                return
        for index, entry in enumerate([] if module else modules):
            items = entry["items"]
            for position, item in enumerate(items):
                if item["slug"] != slug:
                    continue
                target = position + direction
                if 0 <= target < len(items):
                    items[position], items[target] = items[target], items[position]
                elif 0 <= index + direction < len(modules):
                    items.pop(position)
                    neighbour = modules[index + direction]["items"]
                    neighbour.insert(len(neighbour) if direction < 0 else 0, item)
                return
        raise StudioRefused(_("There is no such module or item."))

    return _edit_outline(course, user, base, change, _("Moved"))


def reorder(course: StudioCourse, user: User, base: int, order: object) -> StudioRevision:
    """The whole outline in a new order, as one revision: ``order`` is ``[[module slug,
    [item slug, ...]], ...]`` naming every module and every item of the course exactly
    once (a drag and drop in the outline sends it); anything else is refused, unchanged."""
    data = studio_files.outline(files_of(course, base if 1 <= base <= course.head else None)["course.yaml"])
    modules = {module["slug"]: module for module in data["modules"]}
    items = {item["slug"]: item for module in data["modules"] for item in module["items"]}
    if not (isinstance(order, list) and all(
            isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], list)
            and all(isinstance(slug, str) for slug in entry[1]) for entry in order)):
        raise StudioRefused(_("The new order could not be read; reload the page and try again."))
    module_slugs = [entry[0] for entry in order]
    item_slugs = [slug for entry in order for slug in entry[1]]
    if sorted(module_slugs) != sorted(modules) or sorted(item_slugs) != sorted(items):
        raise StudioRefused(_("The new order must name every module and item of the course once, and nothing "
                              "else; reload the page and try again."))
    if any(not entry[1] for entry in order):
        raise StudioRefused(_("Every module needs at least one item."))

    def change(data):
        data["modules"] = [{**modules[slug], "items": [items[item] for item in slugs]} for slug, slugs in order]

    return _edit_outline(course, user, base, change, _("Reordered"))


def remove_item(course: StudioCourse, user: User, base: int, slug: str) -> StudioRevision:
    data = studio_files.outline(files_of(course)["course.yaml"])
    found = next(((m, i) for m in data["modules"] for i in m["items"] if i["slug"] == slug), None)
    if found is None:
        raise StudioRefused(_("There is no such module or item."))
    path = studio_files.item_path(found[1]["kind"], slug)

    def change(data):
        for module in data["modules"]:
            module["items"] = [item for item in module["items"] if item["slug"] != slug]

    return _edit_outline(course, user, base, change, _("Item removed"), {path: None})


def remove_module(course: StudioCourse, user: User, base: int, slug: str) -> StudioRevision:
    """A module and its items leave the course (on publish they are archived, not deleted)."""
    data = studio_files.outline(files_of(course)["course.yaml"])
    module = next((m for m in data["modules"] if m["slug"] == slug), None)
    if module is None:
        raise StudioRefused(_("There is no such module or item."))
    if len(data["modules"]) == 1:
        raise StudioRefused(_("A course needs at least one module: add another before removing this one."))
    files = {studio_files.item_path(item["kind"], item["slug"]): None for item in module["items"]}

    def change(data):
        data["modules"] = [entry for entry in data["modules"] if entry["slug"] != slug]

    return _edit_outline(course, user, base, change, _("Module removed"), files)


def item_file(course: StudioCourse, slug: str, number: int | None = None) -> tuple[str, str, bytes]:
    """(kind, path, bytes) of an item at a revision."""
    package = files_of(course, number)
    for module in studio_files.outline(package["course.yaml"])["modules"]:
        for item in module["items"]:
            if item["slug"] == slug:
                path = studio_files.item_path(item["kind"], slug)
                return item["kind"], path, package[path]
    raise StudioRefused(_("There is no such module or item."))


def save_item(course: StudioCourse, user: User, base: int, slug: str, text: bytes) -> StudioRevision:
    kind, path, _old = item_file(course, slug)
    return save(course, user, base, {path: text}, _("Edited %(item)s", item=slug))


# H5P activities ---------------------------------------------------------------------------

@dataclass
class H5PItem:
    """An H5P item of a revision: its settings (course.yaml's entry), the package's title
    and licence, and the libraries it needs that still wait for an admin's approval."""

    slug: str
    settings: dict
    optional: bool
    package_title: str
    licence: str
    main_library: str
    waiting: list[str]


def _h5p_read(filename: str, data: bytes) -> h5p_package.H5PPackage:
    """The uploaded ``.h5p`` file checked as ``flask courses validate`` checks one (within
    LMS_H5P_MAX_BYTES and LMS_H5P_MAX_FILES); refused naming the file, the entry and the rule."""
    limit, count = h5p.limits()
    try:
        return h5p_package.read(data, limit, count)
    except h5p_package.PackageRefused as refused:
        raise StudioRefused(_("Nothing was saved: the H5P file was refused."),
                            h5p.inside(filename or "upload.h5p", refused.problems)) from None


def _h5p_entry(data: dict, slug: str) -> dict | None:
    return next((item for module in data["modules"] for item in module["items"]
                 if item["slug"] == slug and item["kind"] == "h5p"), None)


def add_h5p(course: StudioCourse, user: User, base: int, module_slug: str, filename: str, data: bytes,
            settings: dict, optional: bool = False) -> tuple[StudioRevision, str]:
    """A new H5P activity at the end of a module, from an uploaded ``.h5p`` file: the file
    checked, its libraries kept in the store (new ones wait for an admin's approval, which
    keeps the course from being published, not the draft from being saved), the file kept
    as ``h5p/<slug>.h5p`` and ``settings`` in the item's entry. (the revision, the slug)."""
    read = _h5p_read(filename, data)
    outline_data = studio_files.outline(files_of(course)["course.yaml"])
    title = str(settings.get("title") or read.title or "")[:200]
    slug = studio_files.slugify(title, _item_slugs(outline_data), "h5p")

    def change(data_):
        module = next((m for m in data_["modules"] if m["slug"] == module_slug), None)
        if module is None:
            raise StudioRefused(_("There is no such module."))
        module["items"].append({"kind": "h5p", "slug": slug, "optional": optional,
                                "settings": {**settings, "title": title}})

    made = _edit_outline(course, user, base, change, _("H5P activity added"),
                         {studio_files.item_path("h5p", slug): data})
    h5p.store(read)
    return made, slug


def save_h5p(course: StudioCourse, user: User, base: int, slug: str, settings: dict, optional: bool = False,
             filename: str | None = None, data: bytes | None = None) -> StudioRevision:
    """An H5P item's new settings and, when ``data`` is given, its file replaced: the item
    keeps its slug, so its activity id and learners' records stay."""
    read = _h5p_read(filename or "", data) if data is not None else None
    if _h5p_entry(studio_files.outline(files_of(course)["course.yaml"]), slug) is None:
        raise StudioRefused(_("There is no such module or item."))

    def change(data_):
        entry = _h5p_entry(data_, slug)
        entry["settings"], entry["optional"] = dict(settings), optional

    extra = {studio_files.item_path("h5p", slug): data} if data is not None else {}
    made = _edit_outline(course, user, base, change, _("Edited %(item)s", item=slug), extra)
    if read is not None:
        h5p.store(read)
    return made


def h5p_item(course: StudioCourse, slug: str, number: int | None = None) -> H5PItem:
    """The H5P item ``slug`` of a revision (the newest by default), with the libraries its
    package needs that are not approved yet."""
    package = files_of(course, number)
    entry = _h5p_entry(studio_files.outline(package["course.yaml"]), slug)
    data = package.get(studio_files.item_path("h5p", slug)) if entry else None
    if data is None:
        raise StudioRefused(_("There is no such module or item."))
    read = _h5p_read(studio_files.item_path("h5p", slug), data)
    return H5PItem(slug=slug, settings=entry.get("settings") or {}, optional=bool(entry.get("optional")),
                   package_title=read.title, licence=read.licence, main_library=str(read.main_library),
                   waiting=[str(need) for need in h5p.waiting(read)])


PREVIEW_SALT = "studio-h5p-preview"
PREVIEW_MAX_AGE = 3600  # seconds: the preview's frame is loaded as the page opens


def preview_token(secret: str, course: StudioCourse, slug: str) -> str:
    """What the sandboxed frame of a draft's H5P preview presents (its requests carry no
    cookie): the course, the revision and the item, signed, for an hour."""
    return URLSafeTimedSerializer(secret, salt=PREVIEW_SALT).dumps([course.id, course.head, slug])


def read_preview_token(secret: str, token: str) -> tuple[int, int, str] | None:
    """(course id, revision, item slug) of a preview token signed in the last hour, else None."""
    try:
        value = URLSafeTimedSerializer(secret, salt=PREVIEW_SALT).loads(token, max_age=PREVIEW_MAX_AGE)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], int)
            and isinstance(value[1], int) and isinstance(value[2], str)):
        return None
    return value[0], value[1], value[2]


def previewed_file(previewed: tuple[int, int, str], path: str) -> bytes | None:
    """A file (``h5p.json`` or ``content/...``) of the H5P item a preview token named, in its
    revision; None for a file that is not there."""
    if path != "h5p.json" and not path.startswith("content/"):
        return None
    course = db.session.get(StudioCourse, previewed[0])
    try:
        data = files_of(course, previewed[1]).get(studio_files.item_path("h5p", previewed[2])) if course else None
    except StudioRefused:
        return None
    if data is None:
        return None
    # The file passed the H5P validator when it was saved; its entries are read as stored.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            return archive.read(path)
        except KeyError:
            return None


# Images -----------------------------------------------------------------------------------

IMAGES_FOLDER = "images"  # where the course format keeps a course's images


def _alt_text(alt: str) -> str:
    """Alt text as one line that cannot close the Markdown image around it."""
    return " ".join(alt.replace("[", "(").replace("]", ")").split())


def add_image(course: StudioCourse, user: User, base: int, slug: str, filename: str, data: bytes,
              alt: str) -> tuple[StudioRevision, str]:
    """An image uploaded from a lesson's editor: kept in the course's ``images/`` folder
    and shown at the end of the lesson as ``![alt](../images/name)``, in one revision.
    Refused, saving nothing, without alt text or when the file is not a good image
    (checked by its content). Returns the revision and the Markdown that shows it."""
    alt = _alt_text(alt or "")
    if not alt:
        raise StudioRefused(_("Describe the image in its alt text: people who cannot see it hear that."))
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    name = f"{studio_files.slugify(stem, fallback='image')}.{suffix.lower()}" if dot and stem else name.lower()
    refused = images.content_problem(name, data, content_files.MAX_IMAGE_BYTES)
    if refused:
        raise StudioRefused(_("%(file)s %(problem)s", file=filename or name, problem=translated(refused)))
    kind, path, text = item_file(course, slug)
    if kind != "lesson":
        raise StudioRefused(_("Images are added from a lesson's editor."))
    package = files_of(course)
    stem, suffix = name.rsplit(".", 1)
    taken = {p.removeprefix(f"{IMAGES_FOLDER}/").rsplit(".", 1)[0] for p in package
             if p.startswith(f"{IMAGES_FOLDER}/") and package[p] != data}
    same = next((p for p in package if p.startswith(f"{IMAGES_FOLDER}/") and package[p] == data), None)
    image_path = same or f"{IMAGES_FOLDER}/{studio_files.slugify(stem, taken, 'image')}.{suffix}"
    shown = f"![{alt}](../{image_path})"
    front, body = studio_files.read_lesson(text)
    new_text = studio_files.lesson_text(front, body.rstrip("\n") + f"\n\n{shown}\n").encode()
    made = save(course, user, base, {image_path: data, path: new_text},
                _("Image %(name)s added to %(item)s", name=image_path.rsplit("/", 1)[-1], item=slug))
    return made, shown


def image(course: StudioCourse, path: str, number: int | None = None) -> tuple[bytes, str] | None:
    """(bytes, media type) of an image in a revision of the course, None when there is none."""
    media_type = images.media_type(path)
    try:
        data = files_of(course, number).get(path) if media_type else None
    except StudioRefused:
        return None
    return (data, media_type) if data is not None else None


def published_image(slug: str, path: str) -> tuple[bytes, str] | None:
    """An image of a course learners see: a studio course's published revision, or a
    course shipped under courses/. None for anything else (a draft's, a file that is not
    a good image)."""
    course = get(slug)
    if course is not None:
        return image(course, path, course.published_number) if course.published_number else None
    media_type = images.media_type(path)
    folder = content.COURSES_DIR / slug
    if (media_type is None or not SLUG.match(slug) or not (folder / "course.yaml").is_file()
            or ".." in path.split("/")):
        return None
    file = folder / path
    if content_files.refusal(file, folder, content_files.MAX_IMAGE_BYTES) or not file.is_file():
        return None
    data = content_files.read_bytes(file, content_files.MAX_IMAGE_BYTES)
    if images.content_problem(file.name, data):
        return None
    return data, media_type


# The learner's view ----------------------------------------------------------------------

@dataclass
class LearnerView:
    """A revision as learners would see it, read from its package (nothing imported, nobody
    enrolled, nothing recorded): the course, its outline, and one item made ready to show."""

    title: str
    summary: str
    modules: list[dict]                 # {"title", "items": [{"kind", "slug", "title"}]}
    item: dict | None = None            # {"kind", "slug", "title", "html", ...}: see learner_view
    previous: dict | None = None
    next: dict | None = None


def learner_view(course: StudioCourse, slug: str | None = None) -> LearnerView:
    """The newest revision as a learner would see it: with ``slug``, that item (a lesson's
    text, a quiz's questions, an exercise's instructions, starter code and example tests, a
    task's instructions and hand-in) rendered by the same sanitising renderer as the
    import; without, the course's outline. Refused when the revision cannot be read."""
    shown = outline(course)
    modules = [{"title": module["title"], "items": [{key: item[key] for key in ("kind", "slug", "title")}
                                                    for item in module["items"]]} for module in shown.modules]
    view = LearnerView(title=str(shown.settings.get("title") or course.title),
                       summary=str(shown.settings.get("summary") or ""), modules=modules)
    if slug is None:
        return view
    order = [item for module in modules for item in module["items"]]
    at = next((index for index, item in enumerate(order) if item["slug"] == slug), None)
    if at is None:
        raise StudioRefused(_("There is no such module or item."))
    view.previous = order[at - 1] if at else None
    view.next = order[at + 1] if at + 1 < len(order) else None
    kind = order[at]["kind"]
    if kind == "h5p":
        view.item = {"kind": kind, "slug": slug, "title": order[at]["title"], "h5p": h5p_item(course, slug)}
        return view
    # Only this item's file is read (and checked), as a save reads only what it changed.
    with packages.unpacked(course.slug, _only(files_of(course), {studio_files.item_path(kind, slug)})) as folder:
        spec, problems = load_course(folder, folder.parent)
    if problems:
        raise StudioRefused(_("The course has problems; fix them to see it as learners do."), problems)
    item = {"kind": kind, "slug": slug, "title": order[at]["title"]}
    if kind == "lesson":
        item["html"] = markdown.render(content.LEADING_H1.sub("", spec.lessons[slug].body, count=1))
    elif kind == "quiz":
        quiz = spec.quizzes[slug]
        item.update(html=markdown.render(quiz.intro) if quiz.intro else None, pass_mark=quiz.pass_mark,
                    max_attempts=quiz.max_attempts, questions=content._quiz_questions(quiz.questions))
    elif kind == "exercise":
        exercise = spec.exercises[slug]
        item.update(html=markdown.render(exercise.instructions), starter=exercise.starter,
                    tests=exercise.tests, hidden=len(exercise.hidden_tests), language=exercise.language)
    else:
        task = spec.tasks[slug]
        item.update(html=markdown.render(task.instructions), hand_in=task.hand_in, rubric=task.rubric)
    view.item = item
    return view


# Review and publishing --------------------------------------------------------------------

def full_check(course: StudioCourse) -> list[Problem]:
    """Every problem of the newest revision, exercises graded, as ``flask courses validate``."""
    return content.validate_package(course.slug, files_of(course))[1]


def submit(course: StudioCourse, user: User) -> None:
    problems = full_check(course)
    if problems:
        raise StudioRefused(_("The course cannot be submitted: it has problems."), problems)
    course.state = SUBMITTED
    db.session.flush()


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)     # titles
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    enrolled: int = 0


def changes_for_learners(course: StudioCourse) -> Changes:
    """What publishing the newest revision changes for the learners of the published course."""
    changes = Changes()
    live = db.session.scalar(sa.select(Course).where(Course.slug == course.slug))
    new = outline(course)
    new_items = {i["slug"]: i for m in new.modules for i in m["items"]}
    if live is None:
        changes.added = [i["title"] for i in new_items.values()]
        return changes
    changes.enrolled = db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment).where(
        Enrollment.course_id == live.id, Enrollment.active)) or 0
    live_items = {i.slug: i for i in db.session.scalars(sa.select(Item).where(Item.course_id == live.id,
                                                                              Item.archived.is_(False)))}
    head = files_of(course)
    published = files_of(course, course.published_number) if course.published_number else {}
    # An H5P item's settings are its entry in course.yaml, not its file.
    settings = {i["slug"]: i.get("settings") for m in studio_files.outline(published["course.yaml"])["modules"]
                for i in m["items"]} if published else {}
    for slug, item in new_items.items():
        if slug not in live_items:
            changes.added.append(item["title"])
        else:
            path = studio_files.item_path(item["kind"], slug)
            if live_items[slug].kind != item["kind"] or published.get(path) != head.get(path) or (
                    item["kind"] == "h5p" and settings.get(slug) != item.get("settings")):
                changes.changed.append(item["title"])
    changes.removed = [item.title for slug, item in live_items.items() if slug not in new_items]
    return changes


def publish(course: StudioCourse, user: User | None) -> content.ImportReport:
    """Import the newest revision as the course learners see, through the same import as
    course files: slugs are identities, progress is kept, removed items are archived."""
    if course.state == PUBLISHED and course.published_number == course.head:
        raise StudioRefused(_("This revision is already published."))
    try:
        report = content.import_package(course.slug, files_of(course))
    except content.ImportRefused as refused:
        raise StudioRefused(_("The course cannot be published: it has problems."), refused.problems) from None
    course.state, course.published_number = PUBLISHED, course.head
    db.session.flush()
    return report


@dataclass
class ExerciseCheck:
    """What "check" found: the solution's result on each test, and the hidden tests the
    starter code fails (it must fail one); ``passed`` when both are as validation demands."""

    problems: list[Problem]
    solution_error: str | None = None
    tests: list[tuple[str, bool, bool, str]] = field(default_factory=list)  # name, hidden, passed, message
    starter_fails: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (not self.problems and not self.solution_error and all(t[2] for t in self.tests)
                and bool(self.starter_fails))


def exercise_spec(course: StudioCourse, slug: str) -> tuple[dict | None, list[Problem]]:
    """What the grader needs to check the saved exercise ``slug`` (None and the validator's
    problems when its file is not a valid exercise)."""
    kind, path, text = item_file(course, slug)
    if kind != "exercise":
        raise StudioRefused(_("There is no such module or item."))
    problems: list[Problem] = []
    with packages.unpacked(course.slug, {path: text}) as folder:
        spec = load_exercise(folder / path, slug, lambda p: f"{course.slug}/{p.relative_to(folder).as_posix()}",
                             problems)
    if problems or not spec:
        return None, problems
    return {"language": spec.language, "environment": spec.environment, "time_limit_ms": spec.time_limit_ms,
            "solution": spec.solution, "starter": spec.starter, "tests": spec.tests,
            "hidden_tests": spec.hidden_tests}, []


def start_check(course: StudioCourse, user: User, slug: str, locale: str):
    """Queue the grading of the saved exercise as validation does (the reference solution
    on every test, the starter code on the hidden tests), as a job the graders do, like
    learners' submissions: the grading job, or ``ExerciseCheck`` with the validator's
    problems when there is nothing to grade. Flushes; the caller commits and dispatches."""
    spec, problems = exercise_spec(course, slug)
    if spec is None:
        return ExerciseCheck(problems=problems)
    try:
        return grading_jobs.start_check(user, spec, locale)
    except grading_jobs.GradingBusy as busy:
        raise StudioRefused(str(busy.message)) from None


def check_result(user: User, job_id: int) -> tuple[object, ExerciseCheck | None]:
    """(the job, what it found once done; None while it is queued or running). Refused
    when the job is not this user's check."""
    job = grading_jobs.get_check(user, job_id)
    if job is None:
        raise StudioRefused(_("There is no such check."))
    if job.in_flight:
        return job, None
    if job.state == "failed":
        return job, ExerciseCheck(problems=[], solution_error=job.error)
    result = job.result or {}
    return job, ExerciseCheck(problems=[], solution_error=result.get("solution_error"),
                              tests=[tuple(test) for test in result.get("tests", [])],
                              starter_fails=list(result.get("starter_fails", [])))


# History ----------------------------------------------------------------------------------

@dataclass
class FileDiff:
    path: str
    status: str               # added, removed, changed
    lines: list[tuple[str, str]]  # (" ", "+", "-", "@"), text


def diff(course: StudioCourse, old: int, new: int) -> list[FileDiff]:
    """What changed from revision ``old`` to ``new``, file by file, as readable lines."""
    before, after = files_of(course, old), files_of(course, new)
    found = []
    for path in sorted(set(before) | set(after)):
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        if path.lower().endswith((*packages.IMAGE_SUFFIXES, ".h5p")):  # not text: named, not shown
            found.append(FileDiff(path, status, []))
            continue
        a_lines = (a or b"").decode("utf-8", "replace").splitlines()
        b_lines = (b or b"").decode("utf-8", "replace").splitlines()
        lines = []
        for line in difflib.unified_diff(a_lines, b_lines, lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            lines.append((line[0], line[1:]) if line[:1] in "+- @" else (" ", line))
        found.append(FileDiff(path, status, lines))
    return found


def restore(course: StudioCourse, user: User, number: int) -> StudioRevision:
    """An old revision's package as a new draft revision (history is never rewritten)."""
    old = files_of(course, number)
    head = files_of(course)
    changes = {path: None for path in head if path not in old}
    changes.update({path: data for path, data in old.items() if head.get(path) != data})
    return save(course, user, course.head, changes, _("Restored revision %(number)s", number=number))

