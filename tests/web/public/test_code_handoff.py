"""The new-code page: shown once, QR, download, and "type the last group back" before moving on."""

import pytest
from fastapi import Request

from app.cases.handoff import hand_over_new_code
from app.cases import service
from app.core.deps import DB, Now
from app.core.web import translate
from tests.factories import make_case


@pytest.fixture
def handoff_app(app):
    """A stand-in for a flow that creates a case (booking, treatment request) and hands over its code."""
    @app.post("/test-ny-sag")
    def create(request: Request, db: DB, now: Now):
        case, code = service.open_case(db, now=now, anonymous=True)
        return hand_over_new_code(request, db, case, code, now=now, heading=translate(request, "Tak"),
                                  details=[("Tid", "mandag 23.11.2026 kl. 14.00")])
    return app


def test_new_code_is_shown_once_with_qr_and_signs_the_browser_in(handoff_app, client):
    response = client.submit("/test-ny-sag")
    assert response.status_code == 200
    html = response.text
    assert 'class="code-box"' in html and "<svg" in html and 'role="img"' in html
    assert "Vi viser koden kun denne ene gang" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/min-side").status_code == 200


def _code_from(html):
    import re
    return re.search(r'name="code" value="([A-Z0-9-]+)"', html).group(1)


def test_confirming_with_the_last_group_continues_to_min_side(handoff_app, client):
    code = _code_from(client.submit("/test-ny-sag").text)
    response = client.submit("/kode/gemt", {"code": code, "last_group": code[-4:].lower(), "next": "/min-side"})
    assert response.status_code == 303 and response.headers["location"] == "/min-side"


def test_wrong_last_group_shows_the_code_again_with_an_error(handoff_app, client):
    code = _code_from(client.submit("/test-ny-sag").text)
    response = client.submit("/kode/gemt", {"code": code, "last_group": "ZZZZ" if code[-4:] != "ZZZZ" else "YYYY"})
    assert response.status_code == 422
    assert code in response.text and "De 4 tegn passer ikke" in response.text


def test_download_gives_the_code_as_a_text_file(handoff_app, client):
    code = _code_from(client.submit("/test-ny-sag").text)
    response = client.submit("/kode/hent", {"code": code})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert code in response.text


def test_another_cases_code_cannot_be_displayed_or_downloaded(handoff_app, client, db, clock):
    _, other = make_case(db, now=clock.now())
    client.submit("/test-ny-sag")
    assert client.submit("/kode/hent", {"code": other.display}).status_code == 404
    assert client.submit("/kode/gemt", {"code": other.display, "last_group": other.last_group}).status_code == 404


def test_next_url_cannot_leave_the_site(handoff_app, client):
    code = _code_from(client.submit("/test-ny-sag").text)
    response = client.submit("/kode/gemt", {"code": code, "last_group": code[-4:], "next": "https://evil.example"})
    assert response.headers["location"] == "/min-side"
