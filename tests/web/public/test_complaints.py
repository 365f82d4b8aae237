"""/klage and the decisions and complaints on Min side, as the citizen sees them."""

from sqlmodel import select

from app.complaints.models import Complaint
from tests.factories.decisions import make_decision
from tests.factories import make_case, sign_in_citizen


def test_klage_explains_the_rules_in_plain_danish_without_signing_in(client):
    page = client.get("/klage")
    assert page.status_code == 200
    html = page.text
    for words in ("4 uger", "genvurdering", "Ankestyrelsen", "sagens akter", "Styrelsen for Patientklager",
                  "https://stpk.dk", "§ 101 a", "kan ikke indbringes", "behøver ikke begrunde"):
        assert words in html, words
    assert 'name="subject"' not in html
    assert 'href="/status"' in html


def test_sending_a_complaint_needs_the_code(client):
    response = client.submit("/klage", {"subject": "plan", "text": "x"})
    assert response.status_code == 303 and response.headers["location"] == "/status"


def test_signed_in_citizen_sees_own_decisions_with_the_deadline_before_sending(client, db, clock):
    mine, code = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    own = make_decision(db, mine, now=clock.now())
    theirs = make_decision(db, other, now=clock.now())
    sign_in_citizen(client, code)
    html = client.get("/klage").text
    assert f'value="decision:{own.id}"' in html
    assert f'value="decision:{theirs.id}"' not in html
    assert "mandag 21.12.2026" in html  # deadline shown before sending
    assert 'value="plan"' in html


def test_complaint_about_another_cases_decision_gives_422_and_stores_nothing(client, db, clock):
    mine, code = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    make_decision(db, mine, now=clock.now())
    theirs = make_decision(db, other, now=clock.now())
    sign_in_citizen(client, code)
    response = client.submit("/klage", {"subject": f"decision:{theirs.id}", "text": "Min tekst"})
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text and 'href="#subject"' in response.text
    assert "Min tekst" in response.text  # what was typed is kept
    db.rollback()
    assert db.exec(select(Complaint)).all() == []


def test_receipt_of_another_cases_complaint_is_404(client, make_client, db, clock):
    mine, code = make_case(db, now=clock.now())
    other, other_code = make_case(db, now=clock.now())
    decision = make_decision(db, other, now=clock.now())
    them = make_client()
    sign_in_citizen(them, other_code)
    response = them.submit("/klage", {"subject": f"decision:{decision.id}", "text": ""})
    assert response.status_code == 303
    receipt_url = response.headers["location"]
    assert them.get(receipt_url).status_code == 200
    sign_in_citizen(client, code)
    assert client.get(receipt_url).status_code == 404


def test_complaint_without_reasons_is_received_with_a_dated_receipt(client, db, clock):
    case, code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    sign_in_citizen(client, code)
    response = client.submit("/klage", {"subject": f"decision:{decision.id}", "text": ""})
    assert response.status_code == 303
    receipt = client.get(response.headers["location"])
    assert "Vi har modtaget din klage" in receipt.text
    assert "mandag 23.11.2026" in receipt.text and "10.00" in receipt.text


def test_late_complaint_is_accepted_and_the_citizen_is_told(client, db, clock):
    case, code = make_case(db, now=clock.now())
    decision = make_decision(db, case, now=clock.now())
    clock.advance(weeks=5)
    sign_in_citizen(client, code)
    response = client.submit("/klage", {"subject": f"decision:{decision.id}", "text": "sent"})
    assert response.status_code == 303
    assert "efter klagefristen" in client.get(response.headers["location"]).text
    db.rollback()
    assert db.exec(select(Complaint)).one().late


def test_min_side_shows_the_decision_with_date_reasons_and_guide(client, db, clock):
    case, code = make_case(db, now=clock.now())
    make_decision(db, case, now=clock.now())
    sign_in_citizen(client, code)
    html = client.get("/min-side").text
    assert "Afgørelser" in html and "mandag 23.11.2026" in html
    assert "Behov for ugentlige samtaler" in html and "Forbrug af cannabis" in html and "Serviceloven § 101" in html
    assert "Klagevejledning" in html and "Klagefrist: mandag 21.12.2026" in html
    assert "Klag over afgørelsen" in html


def test_min_side_sends_medical_complaints_to_styrelsen_for_patientklager(client, db, clock):
    case, code = make_case(db, now=clock.now())
    medical = make_decision(db, case, now=clock.now(), legal_basis="SUL § 142")
    sign_in_citizen(client, code)
    html = client.get("/min-side").text
    assert "Styrelsen for Patientklager" in html and "https://stpk.dk" in html
    assert f"/klage?om=decision:{medical.id}" not in html
    assert f'value="decision:{medical.id}"' not in client.get("/klage").text


def test_sel_101a_decision_says_it_cannot_be_appealed(client, db, clock):
    case, code = make_case(db, now=clock.now())
    make_decision(db, case, now=clock.now(), legal_basis="SEL § 101 a")
    sign_in_citizen(client, code)
    html = client.get("/min-side").text
    assert "kan ikke indbringes for Ankestyrelsen" in html
    assert "Klagefrist" not in html


def test_english_page_is_translated(client):
    client.get("/sprog/en")
    html = client.get("/klage").text
    assert "How to complain" in html
