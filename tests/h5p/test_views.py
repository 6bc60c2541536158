"""Admin → H5P libraries: an admin adds a package's libraries and approves them."""

from __future__ import annotations

import io

from lms.h5p import services as h5p
from tests.h5p import builders


def upload(client, data: bytes, name: str = "sveiciens.h5p"):
    return client.post("/admin/h5p/libraries", data={"package": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_an_admin_adds_a_package_s_libraries_and_approves_one(app, client, admin, login):
    login(admin)
    page = upload(client, builders.greeting_card()).get_data(as_text=True)
    assert "H5P.GreetingCard 1.0 1.0.0 was added; approve it to let it run." in page
    assert "Waiting for approval" in page
    with app.app_context():
        library_id = h5p.libraries()[0].id
    page = client.post(f"/admin/h5p/libraries/{library_id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "H5P.GreetingCard 1.0 is approved: content that needs it may run." in page
    assert "Withdraw the approval" in page
    with app.app_context():
        assert h5p.libraries()[0].approved


def test_a_refused_package_names_each_problem_and_stores_nothing(app, client, admin, login):
    login(admin)
    files = builders.entries(license="MIT") | {"content/evil.php": b"<?php"}
    response = upload(client, builders.zip_of(files))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "content/evil.php: file type .php is not allowed" in page
    with app.app_context():
        assert h5p.libraries() == []


def test_the_page_is_in_latvian(client, admin, login):
    login(admin)
    page = client.get("/admin/h5p/libraries", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "H5P bibliotēkas" in page


def test_a_refused_package_s_problems_are_in_the_page_s_language(client, admin, login):
    """The validator's messages are made in English and shown in the reader's language."""
    login(admin)
    files = builders.entries() | {"content/evil.php": b"<?php"}
    response = client.post("/admin/h5p/libraries", data={"package": (io.BytesIO(builders.zip_of(files)), "x.h5p")},
                           content_type="multipart/form-data", headers={"Accept-Language": "lv"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "content/evil.php: faila tips .php nav atļauts" in page
    assert "is not allowed" not in page
