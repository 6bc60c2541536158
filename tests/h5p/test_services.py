"""The H5P library store: each library once for the whole platform, approved by an admin
before anything that needs it may run."""

from __future__ import annotations

import json

from lms.extensions import db
from lms.h5p import package
from lms.h5p import services as h5p
from tests.h5p import builders


def with_library_version(patch: int, script: bytes = b"var H5P = H5P || {};") -> bytes:
    files = builders.entries()
    manifest = json.loads(files["H5P.GreetingCard-1.0/library.json"])
    manifest["patchVersion"] = patch
    files["H5P.GreetingCard-1.0/library.json"] = json.dumps(manifest).encode()
    files["H5P.GreetingCard-1.0/greetingcard.js"] = script
    return builders.zip_of(files)


def test_a_package_needing_a_library_not_in_the_store_is_refused_naming_it(ctx):
    read = package.read(builders.greeting_card())
    assert [str(problem) for problem in h5p.unapproved_needs(read, "h5p/sveiciens.h5p")] == [
        "h5p/sveiciens.h5p: H5P.GreetingCard 1.0 is not approved; an admin can add and approve it under "
        "Admin → H5P libraries"]


def test_a_stored_library_waits_for_approval_and_then_the_package_may_be_used(ctx, admin):
    read = package.read(builders.greeting_card())
    [(library, outcome)] = h5p.store(read)
    assert outcome == h5p.ADDED and not library.approved
    assert "greetingcard.js" in {file.path for file in library.files}
    assert h5p.unapproved_needs(read)
    h5p.approve(library, admin)
    assert h5p.unapproved_needs(read) == []
    assert library.approved_by_id == admin.id


def test_the_same_version_is_kept_once_and_reused(ctx, admin):
    first = h5p.store(package.read(builders.greeting_card()))[0][0]
    h5p.approve(first, admin)
    [(again, outcome)] = h5p.store(package.read(builders.greeting_card(title="Cits")))
    assert outcome == h5p.REUSED and again.id == first.id and again.approved
    assert len(h5p.libraries()) == 1


def test_a_newer_patch_replaces_the_files_and_must_be_approved_again(ctx, admin):
    first = h5p.store(package.read(builders.greeting_card()))[0][0]
    h5p.approve(first, admin)
    [(newer, outcome)] = h5p.store(package.read(with_library_version(3, b"/* fixed */")))
    assert outcome == h5p.UPDATED and newer.id == first.id
    assert newer.version == "1.0.3" and not newer.approved
    assert {file.path: file.data for file in newer.files}["greetingcard.js"] == b"/* fixed */"
    db.session.flush()
    assert len(h5p.libraries()) == 1


def test_an_older_patch_does_not_replace_a_newer_one(ctx, admin):
    h5p.store(package.read(with_library_version(5)))
    [(kept, outcome)] = h5p.store(package.read(builders.greeting_card()))
    assert outcome == h5p.REUSED and kept.version == "1.0.5"


def test_a_withdrawn_approval_refuses_the_package_again(ctx, admin):
    read = package.read(builders.greeting_card())
    library = h5p.store(read)[0][0]
    h5p.approve(library, admin)
    h5p.revoke(library)
    assert len(h5p.unapproved_needs(read)) == 1
