"""Images in lessons: an author uploads one from the lesson's editor (checked by its
content, alt text required); the lesson shows it; the author's preview and, once
published, learners' pages are served it with its own type; export and import keep it."""

import io

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from lms.content import packages
from lms.extensions import db
from lms.studio import services as studio
from tests.content.test_untrusted_files import png

CLEAN_SVG = (b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 4 4'>"
             b"<rect width='4' height='4' fill='#246'/></svg>")


def upload(client, slug, name, data, alt="A bar chart of sales by month", item="introduction", base="1"):
    """Post the image form as a browser would, the body built in memory (the test client
    would spool a large one to a temporary file it never closes)."""
    fields = MultiDict([("image-base", base), ("image-alt", alt), ("image-image", FileStorage(io.BytesIO(data), name))])
    boundary, body = encode_multipart(fields)
    return client.post(f"/studio/courses/{slug}/items/{item}/images", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_an_uploaded_image_is_shown_in_the_lesson_and_in_the_authors_preview(app, client, login, author,
                                                                             new_course):
    login(author)
    assert "Add an image" in client.get(f"/studio/courses/{new_course}/items/introduction").get_data(as_text=True)
    response = upload(client, new_course, "Sales Chart.PNG", png())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "![A bar chart of sales by month](../images/sales-chart.png)" in page
    image = client.get(f"/studio/courses/{new_course}/images/sales-chart.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == png()
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    preview = client.post(f"/studio/courses/{new_course}/preview",
                          data={"body": "![A bar chart](../images/sales-chart.png)"}).get_data(as_text=True)
    assert 'src="../images/sales-chart.png"' in preview
    with app.app_context():
        files = studio.files_of(studio.get(new_course))
        assert files["images/sales-chart.png"] == png()


def test_an_image_without_alt_text_is_refused_and_nothing_is_saved(app, client, login, author, new_course):
    login(author)
    response = upload(client, new_course, "chart.png", png(), alt="  ")
    assert response.status_code == 400
    assert "Describe the image in its alt text" in response.get_data(as_text=True)
    with app.app_context():
        assert studio.get(new_course).head == 1


def test_a_file_that_is_not_an_image_is_refused_naming_the_file(app, client, login, author, new_course):
    login(author)
    response = upload(client, new_course, "notes.png", b"These are my notes, not a picture.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "notes.png is not a PNG, JPEG, GIF, WebP or SVG image" in page
    response = upload(client, new_course, "photo.jpg", png())
    assert "photo.jpg is a PNG image but its name says JPEG" in response.get_data(as_text=True)
    response = upload(client, new_course, "big.png", png() + b"\0" * (1024 * 1024))
    assert "an image may have at most 1,048,576 bytes" in response.get_data(as_text=True)
    with app.app_context():
        assert studio.get(new_course).head == 1


def test_an_svg_with_a_script_is_refused_and_a_clean_one_is_served_sandboxed(app, client, login, author,
                                                                            new_course):
    login(author)
    evil = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(document.cookie)'/>"
    response = upload(client, new_course, "logo.svg", evil)
    assert response.status_code == 400
    assert "logo.svg is an SVG with an event handler (onload)" in response.get_data(as_text=True)
    assert upload(client, new_course, "logo.svg", CLEAN_SVG).status_code == 302
    image = client.get(f"/studio/courses/{new_course}/images/logo.svg")
    assert image.mimetype == "image/svg+xml" and "sandbox" in image.headers["Content-Security-Policy"]


def test_learners_are_served_a_published_courses_images_and_never_a_drafts(app, client, login, author, admin,
                                                                          new_course):
    login(author)
    upload(client, new_course, "chart.png", png())
    assert client.get(f"/courses/{new_course}/images/chart.png").status_code == 404  # not published yet
    with app.app_context():
        course = studio.get(new_course)
        studio.publish(course, None)
        db.session.commit()
    upload(client, new_course, "draft-only.png", png(5, 5), base="3")
    client.delete_cookie("session")
    image = client.get(f"/courses/{new_course}/images/chart.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == png()
    assert client.get(f"/courses/{new_course}/images/draft-only.png").status_code == 404
    assert client.get(f"/courses/{new_course}/images/..%2Fcourse.yaml").status_code == 404


def test_export_and_import_keep_the_image_in_the_course_images_folder(app, client, login, author, new_course):
    login(author)
    upload(client, new_course, "chart.png", png())
    with app.app_context():
        name, data = studio.export(new_course)
        slug, files = packages.read_zip(data)
        assert files["images/chart.png"] == png()
        assert "../images/chart.png" in files["lessons/introduction.md"].decode()
        studio.import_zip(None, data, name)
        db.session.commit()
        assert studio.files_of(studio.get(new_course))["images/chart.png"] == png()


def test_a_shipped_courses_images_are_served_from_its_folder(app, client, tmp_path, monkeypatch):
    from lms.content import services as content

    folder = tmp_path / "first-steps"
    (folder / "images").mkdir(parents=True)
    (folder / "course.yaml").write_text("title: First steps\n")
    (folder / "images" / "router.png").write_bytes(png())
    (folder / "images" / "fake.png").write_bytes(b"not an image")
    monkeypatch.setattr(content, "COURSES_DIR", tmp_path)
    image = client.get("/courses/first-steps/images/router.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get("/courses/first-steps/images/fake.png").status_code == 404
    assert client.get("/courses/first-steps/images/missing.png").status_code == 404
