from lms.accounts import services


def test_the_browser_language_is_used_when_nothing_else_is_chosen(client):
    page = client.get("/", headers={"Accept-Language": "lv,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="lv">' in page and "Sākums" in page


def test_the_site_default_is_latvian(app):
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="lv">' in page


def test_an_anonymous_visitor_switches_language_for_the_session(client):
    response = client.post("/language", data={"locale": "lv", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="lv">' in page  # although the browser asks for English


def test_a_signed_in_users_choice_is_kept_on_the_account(client, app, adult, login):
    login(adult)
    client.post("/language", data={"locale": "lv", "next": "/"})
    with app.app_context():
        assert services.find_by_login("adult").locale == "lv"
    other_device = app.test_client()
    other_device.post("/login", data={"login": "adult", "password": "correct horse battery"},
                      headers={"Accept-Language": "en"})
    assert '<html lang="lv">' in other_device.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_switching_ignores_unknown_languages_and_foreign_next(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_dates_follow_the_locale(client, adult, login):
    login(adult)
    english = client.get("/account").get_data(as_text=True)
    client.post("/language", data={"locale": "lv"})
    latvian = client.get("/account").get_data(as_text=True)
    import datetime
    year = str(datetime.date.today().year)
    assert year in english and year in latvian
    assert "Member since" in english and "gada" in latvian  # Latvian long dates read "2026. gada ..."
