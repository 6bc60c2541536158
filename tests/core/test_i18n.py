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
    assert '<html lang="lv">' in other_device.get("/my", headers={"Accept-Language": "en"}).get_data(as_text=True)


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


def test_one_filter_chooses_the_latvian_version_where_there_is_one(app):
    """Latvian pages get ``title_lv`` (or ``text_lv``), English pages and texts without a
    Latvian version the original; models and mappings alike."""
    from types import SimpleNamespace

    from flask import render_template_string

    from lms.core.i18n import lazy_localized, localized

    competence = SimpleNamespace(title="Netiquette", title_lv="Netiķete", area_title="Communication",
                                 area_title_lv=None)
    answer = {"value": 1, "title": "Never", "title_lv": "Nekad"}
    for language, expected in (("lv", ["Netiķete", "Communication", "Nekad"]),
                               ("en", ["Netiquette", "Communication", "Never"])):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert [localized(competence), localized(competence, "area_title"), localized(answer)] == expected
            assert render_template_string("{{ c|localized }}|{{ a|localized }}", c=competence, a=answer) == \
                f"{expected[0]}|{expected[2]}"
            late = lazy_localized(competence)
    with app.test_request_context(headers={"Accept-Language": "lv"}):
        assert str(late) == "Netiķete"  # chosen when shown, in the language of that page


def test_no_template_or_module_chooses_a_language_version_by_itself():
    """The choice lives in ``localized`` only: no copy of the condition anywhere else."""
    import re

    from lms.config import REPO_ROOT

    condition = re.compile(r"_lv\s+if\b|current_locale\s*==\s*['\"]lv['\"]|get_locale\(\)\)?\s*==\s*['\"]lv['\"]")
    copies = [str(path.relative_to(REPO_ROOT))
              for folder, pattern in (("templates", "**/*.html"), ("lms", "**/*.py"))
              for path in (REPO_ROOT / folder).glob(pattern) if condition.search(path.read_text(encoding="utf-8"))]
    assert copies == []
