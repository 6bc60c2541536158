def test_the_catalogue_lists_published_courses_only(client, courses):
    page = client.get("/courses").get_data(as_text=True)
    assert "First steps online" in page and "Hidden draft" not in page


def test_admins_see_drafts_marked_as_such(client, admin, login, courses):
    login(admin)
    page = client.get("/courses").get_data(as_text=True)
    assert "Hidden draft" in page and "draft</span>" in page
    assert client.get("/courses/hidden-draft").status_code == 200


def test_filters_and_search(client, courses):
    def titles(**query):
        page = client.get("/courses", query_string=query).get_data(as_text=True)
        return "First steps online" in page

    assert titles(audience="adult") and not titles(audience="pupil")
    assert titles(level="beginner") and not titles(level="advanced")
    assert titles(track="digital-essentials") and not titles(track="js-react")
    assert titles(q="STEPS") and titles(q="every question type") and not titles(q="zzz")
    assert titles(language="en") and not titles(language="lv")


def test_odd_filter_values_are_harmless(client, courses):
    response = client.get("/courses", query_string={"audience": "robots", "level": "x" * 500, "q": "%_\\"})
    assert response.status_code == 200


def test_the_course_page_shows_syllabus_time_competences_and_enrol(client, adult, login, courses):
    page = client.get("/courses/first-steps").get_data(as_text=True)
    assert "The basics" in page and "Safe passwords" in page and "Basics check" in page
    assert "about 1.5 hours" in page and "Protecting personal data and privacy" in page and "digcomp:4.2@2" not in page
    assert "Sign in to enrol" in page
    login(adult)
    page = client.get("/courses/first-steps").get_data(as_text=True)
    assert "Enrol in this course" in page
    client.post("/courses/first-steps/enrol")
    page = client.get("/courses/first-steps").get_data(as_text=True)
    assert "Continue where I left off" in page and "Leave First steps online" in page
