def test_start_page_tells_the_citizen_their_rights(client):
    html = client.get("/").text
    for phrase in ("Gratis", "Anonymt, hvis du ønsker det", "Start inden for 14 dage", "Frit valg",
                   "Clausensvej 25", "/raadgivning", "/behandling", "/status", "Tilgængelighedserklæring"):
        assert phrase in html, phrase


def test_start_page_has_a_quick_exit(client):
    assert 'href="/forlad"' in client.get("/").text


def test_quick_exit_leaves_for_a_neutral_site_and_ends_the_session(client, app):
    response = client.get("/forlad", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == app.state.centre.quick_exit_url
    assert "Clear-Site-Data" in response.headers


def test_language_switch_shows_english_and_back(client):
    response = client.get("/sprog/en?next=/", follow_redirects=True)
    assert '<html lang="en">' in response.text
    assert "Free." in response.text
    response = client.get("/sprog/da?next=/", follow_redirects=True)
    assert '<html lang="da">' in response.text


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = client.get(f"/sprog/en?next={target}", follow_redirects=False)
        assert response.headers["location"] == "/"


def test_unknown_language_keeps_danish(client):
    client.get("/sprog/xx")
    assert '<html lang="da">' in client.get("/").text
