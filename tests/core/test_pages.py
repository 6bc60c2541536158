from sqlalchemy import text

from lms.extensions import db


def test_home_explains_the_programme_to_each_audience(client):
    page = client.get("/").get_data(as_text=True)
    for heading in ("Adults changing career", "Teachers", "Pupils", "Programme managers"):
        assert heading in page


def test_layout_has_skip_link_landmarks_and_language_switch(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="#content"' in page and '<main id="content"' in page
    assert "<header" in page and "<nav" in page and "<footer" in page
    assert 'name="locale" value="lv"' in page


def test_pages_load_nothing_from_outside_the_site(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace('xmlns="http://www.w3.org', "") and "https://" not in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_gone(make_app, tmp_path):
    app = make_app(schema=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_500(make_app):
    app = make_app(TESTING=False)

    @app.route("/boom")
    def boom():
        db.session.execute(text("SELECT * FROM no_such_table"))

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == "Page not found"


def test_forms_need_a_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_user("janis")
    client = app.test_client()
    response = client.post("/login", data={"login": "janis", "password": "whatever"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_the_language_switch_needs_a_csrf_token_too(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/language", data={"locale": "en"}).status_code == 400


def test_csv_cells_that_look_like_formulas_stay_text():
    from lms.core.exports import safe_cell

    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("-1+1") == "'-1+1" and safe_cell("Anna") == "Anna" and safe_cell(None) == ""
