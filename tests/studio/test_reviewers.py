"""An admin names reviewers: teachers who, like admins, review submitted studio courses
and publish them. Authors who are not reviewers cannot publish, and a reviewer reads but
does not write a course that is not theirs."""

from lms.catalog import services as catalog


def test_an_admin_names_a_reviewer_who_then_publishes_a_submitted_course(app, client, login, admin, author,
                                                                        co_author, new_course):
    login(author)
    assert client.post(f"/studio/courses/{new_course}/submit").status_code == 302
    assert client.get(f"/studio/courses/{new_course}/publish").status_code == 403  # an author is no reviewer
    client.delete_cookie("session")

    login(admin)
    response = client.post("/studio/reviewers", data={"reviewer-user": "mr-ozols"})
    assert response.status_code == 302
    page = client.get("/studio/authors").get_data(as_text=True)
    assert "Jānis Ozols can now review and publish studio courses." in page
    client.delete_cookie("session")

    login(co_author)
    assert "Spreadsheets at work" in client.get("/studio").get_data(as_text=True)
    course_page = client.get(f"/studio/courses/{new_course}").get_data(as_text=True)
    assert "Publish Spreadsheets at work" in course_page
    assert client.get(f"/studio/courses/{new_course}/items/introduction").status_code == 404  # reads, never writes
    assert "Publish Spreadsheets at work?" in client.get(f"/studio/courses/{new_course}/publish").get_data(
        as_text=True)
    assert client.post(f"/studio/courses/{new_course}/publish").status_code == 302
    with app.app_context():
        assert catalog.get_course(new_course).title == "Spreadsheets at work"


def test_only_a_teacher_can_be_named_a_reviewer(client, login, admin, make_user):
    make_user("adult-anna", display_name="Anna")
    login(admin)
    response = client.post("/studio/reviewers", data={"reviewer-user": "adult-anna"})
    assert response.status_code == 400
    assert "Only a teacher can be made an author." in response.get_data(as_text=True)
    response = client.post("/studio/reviewers", data={"reviewer-user": "nobody-here"})
    assert "There is no user with that username or e-mail address." in response.get_data(as_text=True)
