"""The learner's competence page: levels, a chart, the evidence behind each and how it was obtained."""

from tests.conftest import ALL_CORRECT


def test_the_competence_page_shows_levels_a_chart_and_evidence(client, enrolled):
    client.post("/courses/first-steps/learn/welcome/done")
    page = client.get("/my/competences").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    assert "Interacting through digital technologies" in page
    assert "/my/competences/evidence/" in page
    link = page.split('href="/my/competences/evidence/')[1].split('"')[0]
    evidence = client.get(f"/my/competences/evidence/{link}").get_data(as_text=True)
    assert "http://adlnet.gov/expapi/verbs/completed" in evidence
    download = client.get("/my/competences.json").json
    assert download[0]["competences"][0]["level"] == "1"


def test_another_learners_evidence_is_404(app, client, enrolled, make_user, login):
    client.post("/courses/first-steps/learn/welcome/done")
    page = client.get("/my/competences").get_data(as_text=True)
    link = page.split('href="/my/competences/evidence/')[1].split('"')[0]
    client.post("/logout")
    make_user("other")
    login(type("U", (), {"username": "other"}))
    assert client.get(f"/my/competences/evidence/{link}").status_code == 404


def test_an_admin_maps_an_external_activity_and_a_posted_statement_counts(app, client, admin, login, courses, make_user):
    """Post an external statement for a mapped activity over HTTP (from credentials an
    admin let speak for the platform's learners): the learner's level changes; void it:
    the level is withdrawn."""
    import base64
    import uuid

    from lms.xapi import credentials
    from lms.extensions import db

    learner = make_user("visitor")
    login(admin)
    unmapped_before = client.get("/admin/competences/mappings").get_data(as_text=True)
    assert "Every external activity seen so far is mapped." in unmapped_before
    bad = client.post("/admin/competences/mappings", data={"activity_id": "not an iri", "competence": "digcomp:4.2@5"})
    assert bad.status_code == 400 and "must be an absolute IRI" in bad.get_data(as_text=True)
    unknown = client.post("/admin/competences/mappings", data={"activity_id": "https://lab.example/x",
                                                                "competence": "digcomp:9.9@5"})
    assert unknown.status_code == 400 and "No framework has the competence digcomp:9.9." in unknown.get_data(as_text=True)
    saved = client.post("/admin/competences/mappings", data={
        "activity_id": "https://vr-lab.example/escape-room", "competence": "digcomp:4.2@5", "min_score": "0,8"})
    assert saved.status_code == 302
    with app.app_context():
        credential, secret = credentials.issue("VR lab", ["all"])
        credentials.grant_speaking_for_learners(credential, admin.public_id)
        db.session.commit()
        auth = {"Authorization": "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode(),
                "X-Experience-API-Version": "1.0.3"}
    actor = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(learner.public_id)}}
    low, high = str(uuid.uuid4()), str(uuid.uuid4())
    for statement_id, score in ((low, 0.5), (high, 0.9)):
        client.post("/xapi/statements", headers=auth, json={
            "id": statement_id, "actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
            "object": {"id": "https://vr-lab.example/escape-room"},
            "result": {"score": {"scaled": score}, "success": True}})
    client.post("/xapi/statements", headers=auth, json={
        "actor": {"mbox": "mailto:x@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://science-centre.example/exhibit/7"}})
    listing = client.get("/admin/competences/mappings").get_data(as_text=True)
    assert "https://science-centre.example/exhibit/7" in listing
    client.post("/logout")
    login(learner)
    page = client.get("/my/competences").get_data(as_text=True)
    assert "Protecting personal data and privacy" in page and "· 90%" in page and "· 50%" not in page
    client.post("/logout")
    client.post("/xapi/statements", headers=auth, json={
        "actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": high}})
    login(learner)
    after = client.get("/my/competences").get_data(as_text=True)
    assert "No evidence yet." in after and "· 90%" not in after


def test_the_page_shows_role_readiness_with_links_to_what_closes_a_gap(client, enrolled):
    client.post("/courses/first-steps/learn/welcome/done")
    page = client.get("/my/competences").get_data(as_text=True)
    assert "How ready you are for a role" in page and "Safe online citizen" in page
    assert "1 of 2 required competences" in page
    assert "needed Intermediate (3), you have —" in page  # 4.2: the quiz evidences level 2 only


def test_the_page_says_how_each_piece_of_evidence_was_obtained_and_what_is_not_yet_assessed(client, enrolled):
    """A lesson done at level 2 shows as participation, not yet assessed, with no level; the
    passed quiz then shows as assessed and gives the level; in English and Latvian."""
    import html

    client.post("/courses/first-steps/learn/safe-passwords/done")  # digcomp:4.2@2
    page = html.unescape(client.get("/my/competences").get_data(as_text=True))
    assert "Protecting personal data and privacy" in page
    assert "Foundation (2): participated; not yet assessed" in page
    assert "· Participated ·" in page and "does not count towards this level until assessed" in page
    assert 'class="chart-waiting"' in page
    download = client.get("/my/competences.json").json
    (entry,) = [c for f in download for c in f["competences"] if c["code"] == "4.2"]
    assert entry["level"] is None and entry["participated_not_yet_assessed"] == "2"
    assert [(e["kind"], e["how"], e["counted"]) for e in entry["evidence"]] == [("participated", "Participated", False)]
    latvian = html.unescape(client.get("/my/competences", headers={"Accept-Language": "lv"}).get_data(as_text=True))
    assert "· Dalība ·" in latvian and "Pamata (2): dalība; vēl nav novērtēts" in latvian

    client.post("/courses/first-steps/learn/basics-check/attempts")
    client.post("/courses/first-steps/learn/basics-check/attempts/1", data=ALL_CORRECT)
    page = html.unescape(client.get("/my/competences").get_data(as_text=True))
    assert "· Assessed ·" in page and "participated; not yet assessed" not in page
    download = client.get("/my/competences.json").json
    (entry,) = [c for f in download for c in f["competences"] if c["code"] == "4.2"]
    assert entry["level"] == "2" and "participated_not_yet_assessed" not in entry
    assert {e["kind"] for e in entry["evidence"] if e["counted"]} == {"assessed"}
    latvian = html.unescape(client.get("/my/competences", headers={"Accept-Language": "lv"}).get_data(as_text=True))
    assert "· Novērtējums ·" in latvian


def test_external_evidence_names_its_provider_on_the_page(app, client, enrolled):
    from lms.competence import services
    from lms.extensions import db
    from lms.xapi import credentials, services as xapi

    with app.test_request_context():
        credential, _ = credentials.issue("VR lab, Ventspils", ["statements/write"])
        services.add_mapping("https://vr-lab.example/escape-room", "digcomp:4.2@5")
        actor = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1:5000", "name": str(enrolled.public_id)}}
        xapi.record([{"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                      "object": {"id": "https://vr-lab.example/escape-room"}}], authority=credentials.authority(credential))
        db.session.commit()
    page = client.get("/my/competences").get_data(as_text=True)
    assert "External: VR lab, Ventspils" in page
    latvian = client.get("/my/competences", headers={"Accept-Language": "lv"}).get_data(as_text=True)
    assert "Ārējs avots: VR lab, Ventspils" in latvian
    download = client.get("/my/competences.json").json
    (evidence,) = [e for f in download for c in f["competences"] for e in c["evidence"]]
    assert (evidence["kind"], evidence["provider"], evidence["level"]) == ("external", "VR lab, Ventspils", "5")
