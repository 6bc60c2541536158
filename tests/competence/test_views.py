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
