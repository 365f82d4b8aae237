"""The citizen's copy to keep (GDPR art. 15 and 20): a PDF and a JSON with the same content as
/min-side/mine-data – decisions in full, the whole request – and nothing of anyone else's."""

import io
import json

from pypdf import PdfReader

from tests.factories.decisions import make_decision
from tests.factories import make_case, make_staff, sign_in_citizen

ODD = "Jeg drikker 🙂 for meget – „hjælp“ \u202eעברית\u202c e\u0301 \ue000 ẞ"


def _citizen_with_a_decision(client, db, clock):
    from app.requests.models import TreatmentRequest
    case, code = make_case(db, now=clock.now(), anonymous=False, full_name="Mette Hansen")
    db.add(TreatmentRequest(case_id=case.id, area="alcohol", anonymous=False, help_wanted="outpatient,medical",
                            preferred_contact="phone", message=ODD, received_at=clock.now(), updated_at=clock.now()))
    make_decision(db, case, now=clock.now(), staff=make_staff(db, role="counsellor"))
    sign_in_citizen(client, code)
    return case


def test_the_json_copy_holds_the_whole_request_and_is_machine_readable(client, db, clock):
    _citizen_with_a_decision(client, db, clock)
    response = client.get("/min-side/mine-data.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert 'filename="mine-data.json"' in response.headers["content-disposition"]
    doc = json.loads(response.content)
    request = next(s for s in doc["sections"] if s["title"] == "Henvendelser om behandling")["records"][0]
    assert request["Hjælp, du ønskede"] == ["Ambulant behandling", "Lægelig behandling"]
    assert request["Sådan vil du kontaktes"] == "Telefon" and request["Det skrev du"] == ODD
    assert request["Modtaget"].startswith("2026-11-23T") and request["Modtaget"][-6:] in ("+01:00", "+02:00")
    case = next(s for s in doc["sections"] if s["title"] == "Din sag")["fields"]
    assert case["Fulde navn"] == "Mette Hansen"
    decision = next(s for s in doc["sections"] if s["title"] == "Afgørelser")["records"][0]
    # In full: the rules, the considerations, the facts, the complaint guide and the last day.
    assert decision["Regler, vi har brugt"] == "Serviceloven § 101, stk. 1"
    assert decision["Begrundelse"] == "Behov for ugentlige samtaler"
    assert decision["Oplysninger, vi har lagt vægt på"] == "Forbrug af cannabis dagligt i to år"
    assert decision["Klagevejledning"].startswith("Klagevejledning\nHvor:")
    assert decision["Sidste dag for klage"] == "2026-12-21" and decision["Sendt som"] == "Min side"


def test_the_pdf_copy_has_the_same_content_and_survives_odd_unicode(client, db, clock):
    _citizen_with_a_decision(client, db, clock)
    response = client.get("/min-side/mine-data.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Alt, vi har om dig", "Mette Hansen", "Ambulant behandling, Lægelig behandling", "Telefon",
                     "„hjælp“", "Behov for ugentlige samtaler", "Klagevejledning", "Hvem har set mine oplysninger"):
        assert expected in text, expected


def test_the_copies_are_only_for_the_signed_in_citizen(client, make_client, db, clock):
    for path in ("/min-side/mine-data.pdf", "/min-side/mine-data.json"):
        assert client.get(path, follow_redirects=False).status_code in (303, 401, 403)
    mine = _citizen_with_a_decision(client, db, clock)
    _, other_code = make_case(db, now=clock.now(), display_name="Anden")
    other = make_client()
    sign_in_citizen(other, other_code)
    assert "Mette Hansen" not in other.get("/min-side/mine-data.json").text
    assert mine.id


def test_the_page_offers_both_copies(client, db, clock):
    _citizen_with_a_decision(client, db, clock)
    page = client.get("/min-side/mine-data").text
    assert 'href="/min-side/mine-data.pdf"' in page and 'href="/min-side/mine-data.json"' in page
    assert "Ambulant behandling, Lægelig behandling" in page
