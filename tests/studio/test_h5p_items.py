"""H5P activities in the studio: an author uploads an ``.h5p`` file checked as ``flask
courses validate`` checks one; libraries that wait for an admin's approval keep the
course from being published, not the draft from being saved."""

from __future__ import annotations

import io
import re

import pytest

from lms.catalog import services as catalog
from lms.content import packages
from lms.extensions import db
from lms.h5p import services as h5p
from lms.studio import services as studio
from tests.h5p import builders


def add(client, course, data: bytes, name: str = "sveiciens.h5p", headers=None, **fields):
    form = {"base": "1", "title": "Sveiciens", "completion": "completed", "package": (io.BytesIO(data), name),
            **fields}
    return client.post(f"/studio/courses/{course}/modules/module-1/h5p", data=form,
                       content_type="multipart/form-data", headers=headers or {})


def approve_all(app, admin):
    with app.app_context():
        for library in h5p.libraries():
            h5p.approve(library, db.session.get(type(admin), admin.id))
        db.session.commit()


def test_an_author_adds_an_h5p_activity_and_sees_which_library_waits(app, client, login, author, new_course):
    login(author)
    assert "Add an interactive H5P activity" in client.get(f"/studio/courses/{new_course}").get_data(as_text=True)
    response = add(client, new_course, builders.greeting_card(), completion="score", pass_mark="80",
                   competences=["digcomp:2.1@2"])
    assert response.status_code == 302 and response.location.endswith(f"/studio/courses/{new_course}/h5p/sveiciens")
    page = client.get(response.location).get_data(as_text=True)
    assert "This library waits for an administrator's approval:" in page and "H5P.GreetingCard 1.0" in page
    assert "The course cannot be submitted or published until they are approved." in page
    with app.app_context():
        course = studio.get(new_course)
        files = studio.files_of(course)
        assert files["h5p/sveiciens.h5p"] == builders.greeting_card()
        item = studio.h5p_item(course, "sveiciens")
        assert item.settings == {"title": "Sveiciens", "competences": ["digcomp:2.1@2"], "completion": "score",
                                 "pass_mark": 80}
        assert [str(library) for library in h5p.libraries()] == ["H5P.GreetingCard 1.0"]
        assert not h5p.libraries()[0].approved


def test_publishing_is_refused_naming_the_library_until_an_admin_approves_it(app, client, login, author, admin,
                                                                             new_course):
    login(author)
    add(client, new_course, builders.greeting_card())
    page = client.post(f"/studio/courses/{new_course}/submit", follow_redirects=True).get_data(as_text=True)
    assert "H5P.GreetingCard 1.0 is not approved" in page
    client.delete_cookie("session")
    login(admin)
    page = client.post(f"/studio/courses/{new_course}/publish", follow_redirects=True).get_data(as_text=True)
    assert "h5p/sveiciens.h5p: H5P.GreetingCard 1.0 is not approved" in page
    with app.app_context():
        assert catalog.get_course(new_course) is None
    approve_all(app, admin)
    assert client.post(f"/studio/courses/{new_course}/publish").status_code == 302
    with app.app_context():
        item = catalog.find_item(catalog.get_course(new_course), "sveiciens")
        assert item.kind == "h5p" and item.title == "Sveiciens" and item.h5p["assessed"] is False
        assert h5p.content_of(item).manifest["title"] == "Sveiciens"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"<html>not a zip</html>", "card.h5p", "card.h5p: package: is not an H5P file (it is not a zip archive)"),
    (builders.zip_of(builders.entries() | {"content/evil.php": b"<?php"}), "evil.h5p",
     "evil.h5p: content/evil.php: file type .php is not allowed"),
    (builders.greeting_card(license="MIT"), "mit.h5p",
     "mit.h5p: h5p.json: license: &#34;MIT&#34; is not one of H5P&#39;s licence codes"),
], ids=["not-a-zip", "php", "licence"])
def test_a_bad_upload_shows_the_validator_s_message_and_changes_nothing(app, client, login, author, new_course,
                                                                        data, name, message):
    login(author)
    response = add(client, new_course, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved: the H5P file was refused." in page and message in page
    with app.app_context():
        assert studio.get(new_course).head == 1 and h5p.libraries() == []


def test_a_file_over_the_limit_is_refused_naming_the_limit(app, client, login, author, new_course):
    app.config["LMS_H5P_MAX_BYTES"] = 2000
    login(author)
    response = add(client, new_course, builders.greeting_card())
    assert response.status_code == 400
    assert "sveiciens.h5p: package: is larger than 2,000 bytes, the most an H5P package may have" in \
        response.get_data(as_text=True)
    with app.app_context():
        assert studio.get(new_course).head == 1


def test_the_score_rule_needs_a_pass_mark(app, client, login, author, new_course):
    login(author)
    response = add(client, new_course, builders.greeting_card(), completion="score")
    assert response.status_code == 400
    assert "Give a pass mark from 0 to 100" in response.get_data(as_text=True)


def test_a_bad_upload_is_refused_in_latvian_on_latvian_pages(app, client, login, author, new_course):
    login(author)
    bad = builders.zip_of(builders.entries() | {"content/evil.php": b"<?php"})
    page = add(client, new_course, bad, "evil.h5p", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "evil.h5p: content/evil.php: faila tips .php nav atļauts" in page
    assert "is not allowed" not in page


def test_replacing_the_file_keeps_the_item_s_slug_and_settings(app, client, login, author, new_course):
    login(author)
    add(client, new_course, builders.greeting_card(), assessed="y")
    newer = builders.greeting_card(greeting="<p>Labrīt!</p>")
    response = client.post(f"/studio/courses/{new_course}/h5p/sveiciens", content_type="multipart/form-data",
                           data={"base": "2", "title": "Labrīt", "completion": "opened", "assessed": "y",
                                 "package": (io.BytesIO(newer), "labrit.h5p")})
    assert response.status_code == 302
    with app.app_context():
        course = studio.get(new_course)
        assert studio.files_of(course)["h5p/sveiciens.h5p"] == newer
        assert studio.h5p_item(course, "sveiciens").settings == {"title": "Labrīt", "completion": "opened",
                                                                "assessed": True}
    # Without a file, only the settings change.
    response = client.post(f"/studio/courses/{new_course}/h5p/sveiciens", content_type="multipart/form-data",
                           data={"base": "3", "title": "Labrīt!", "completion": "completed"})
    assert response.status_code == 302
    with app.app_context():
        course = studio.get(new_course)
        assert studio.files_of(course)["h5p/sveiciens.h5p"] == newer
        assert studio.h5p_item(course, "sveiciens").settings == {"title": "Labrīt!", "completion": "completed"}


def test_the_item_s_editor_address_leads_to_its_form_and_the_preview_names_the_package(
        client, login, author, new_course):
    login(author)
    add(client, new_course, builders.greeting_card())
    response = client.get(f"/studio/courses/{new_course}/items/sveiciens")
    assert response.status_code == 302 and response.location.endswith("/h5p/sveiciens")
    page = client.get(f"/studio/courses/{new_course}/as-learner/sveiciens").get_data(as_text=True)
    assert "H5P content: Sveiciens" in page and "Licence: CC BY-SA" in page
    assert "H5P.GreetingCard 1.0" in page


def test_export_writes_the_h5p_file_and_import_reads_it_back(app, client, login, author, new_course):
    """The round trip keeps the slug, the activity id (made from it) and the settings."""
    login(author)
    add(client, new_course, builders.greeting_card(), completion="score", pass_mark="70", assessed="y",
        optional="y")
    with app.app_context():
        course = studio.get(new_course)
        before = studio.h5p_item(course, "sveiciens")
        slug, data = studio.export(new_course)
    _slug, files = packages.read_zip(data)
    assert files["h5p/sveiciens.h5p"] == builders.greeting_card()
    assert b"- h5p: sveiciens\n" in files["course.yaml"] and b"pass_mark: 70" in files["course.yaml"]
    with app.app_context():
        db.session.delete(studio.get(new_course))
        db.session.commit()
        course = studio.import_zip(None, data)
        db.session.commit()
        assert course.slug == new_course
        assert studio.h5p_item(course, "sveiciens") == before
        assert before.optional and before.settings["assessed"] is True


def test_a_draft_s_preview_plays_it_from_the_revision_in_the_sandboxed_frame(app, client, login, author, admin,
                                                                           new_course):
    """The frame's document and content come under a signed token (the frame has no cookie);
    only approved libraries are served, and nothing else of the course."""
    login(author)
    add(client, new_course, builders.greeting_card())
    page = client.get(f"/studio/courses/{new_course}/as-learner/sveiciens").get_data(as_text=True)
    assert "The activity plays here once its libraries are approved." in page
    src = re.search(r'id="h5p-frame"[^>]*src="([^"]+)"', page, re.S).group(1).replace("&amp;", "&")
    assert 'sandbox="allow-scripts"' in page and "data-statements" not in page
    anonymous = app.test_client()
    document = anonymous.get(src)
    assert document.status_code == 200 and "default-src 'none'" in document.headers["Content-Security-Policy"]
    base = src.split("?")[0]
    assert anonymous.get(base + "content/content/content.json").get_json() == {"greeting": "<p>Sveika, pasaule!</p>"}
    assert anonymous.get(base + "content/h5p.json").get_json()["title"] == "Sveiciens"
    assert anonymous.get(base + "content/course.yaml").status_code == 404
    assert anonymous.get(base + "libraries/H5P.GreetingCard-1.0/greetingcard.js").status_code == 404
    approve_all(app, admin)
    assert anonymous.get(base + "libraries/H5P.GreetingCard-1.0/greetingcard.js").status_code == 200
    assert anonymous.get(base.replace("/h5p-preview/", "/h5p-preview/x") + "content/h5p.json").status_code == 404


def test_a_published_activity_s_new_settings_are_listed_for_learners_and_its_file_is_not_diffed_as_text(
        app, client, login, author, admin, new_course):
    login(author)
    add(client, new_course, builders.greeting_card())
    approve_all(app, admin)
    with app.app_context():
        studio.publish(studio.get(new_course), None)
        db.session.commit()
    client.post(f"/studio/courses/{new_course}/h5p/sveiciens", content_type="multipart/form-data",
                data={"base": "2", "title": "Sveiciens", "completion": "opened"})
    client.delete_cookie("session")
    login(admin)
    page = client.get(f"/studio/courses/{new_course}/publish").get_data(as_text=True)
    assert "Changed: Sveiciens" in page
    history = client.get(f"/studio/courses/{new_course}/history?old=1&new=2").get_data(as_text=True)
    assert "h5p/sveiciens.h5p" in history and "PK\x03\x04" not in history and "greetingcard" not in history
