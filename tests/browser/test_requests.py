"""Requests in a browser on a phone, JS on and off, zero axe violations."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.messages.models import Message
from app.requests.models import TreatmentRequest
from tests.browser.conftest import staff_sign_in
from tests.factories import make_staff

pytestmark = pytest.mark.browser


def fill_step1(page, *, anonymous=True, area="Alkohol"):
    page.get_by_label(area, exact=True).check()
    page.get_by_label("Mig selv", exact=True).check()
    page.get_by_label("30 år eller mere", exact=True).check()
    page.get_by_label("Ja, jeg vil være anonym" if anonymous else "Nej, jeg oplyser mit navn").check()
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.locator("h1")).to_have_text("Fortæl os lidt mere")


def take_code(page) -> str:
    expect(page.locator("h1")).to_have_text("Vi har modtaget din henvendelse")
    code = page.locator('input[name="code"]').first.input_value()
    page.get_by_label("Skriv de sidste 4 tegn af koden").fill(code[-4:])
    page.get_by_role("button", name="Jeg har gemt koden").click()
    expect(page.locator("h1")).to_have_text("Min side")
    return code


def test_anonymous_request_code_sign_in_read_reply_and_answer(live_server, phone, axe):
    phone.goto(live_server.url + "/behandling")
    axe(phone)
    phone.get_by_role("button", name="Fortsæt").click()  # nothing chosen: errors, linked to fields
    expect(phone.locator(".error-summary")).to_contain_text("Vælg en alder")
    axe(phone)
    fill_step1(phone)
    axe(phone)
    phone.get_by_label("Hvad må vi kalde dig?").fill("Kim")
    phone.get_by_label("Er der noget, du vil fortælle os?").fill("Jeg drikker hver aften.")
    phone.get_by_role("button", name="Send henvendelsen").click()
    expect(phone.locator(".facts")).to_contain_text("Behandlingen skal starte senest")
    axe(phone)
    code = take_code(phone)
    expect(phone.locator("#henvendelser-titel")).to_be_visible()
    axe(phone)
    phone.get_by_role("button", name="Log ud").click()

    with live_server.db() as db:
        req = db.exec(select(TreatmentRequest)).one()
        db.add(Message(case_id=req.case_id, from_staff=True, staff_first_name="Mette",
                       body="Hej Kim, kan du komme torsdag kl. 10?", sent_at=datetime.now(timezone.utc)))
        db.commit()

    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.lower())
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.locator("#beskeder-titel")).to_be_visible()
    expect(phone.get_by_text("Nye beskeder fra os: 1")).to_be_visible()
    phone.get_by_role("link", name="Læs og skriv beskeder").click()
    expect(phone.locator(".thread")).to_contain_text("Hej Kim, kan du komme torsdag kl. 10?")
    expect(phone.locator(".thread")).to_contain_text("Mette")
    axe(phone)
    phone.get_by_label("Skriv til os").fill("Ja, det passer fint.")
    phone.get_by_role("button", name="Send besked").click()
    expect(phone.locator(".thread")).to_contain_text("Ja, det passer fint.")
    expect(phone.get_by_text("Din besked er sendt.")).to_be_visible()
    axe(phone)
    with live_server.db() as db:
        assert db.exec(select(Message).where(Message.from_staff.is_(False))).one().body == "Ja, det passer fint."


def test_identified_request(live_server, phone, axe):
    phone.goto(live_server.url + "/behandling")
    fill_step1(phone, anonymous=False)
    phone.get_by_label("Dit navn").fill("Bo Hansen")
    phone.get_by_label("Telefonnummer").fill("12 34 56 78")
    phone.get_by_label("Telefon", exact=True).check()
    phone.get_by_label("CPR-nummer").fill("320190-1234")
    phone.get_by_role("button", name="Send henvendelsen").click()
    expect(phone.locator(".error-summary")).to_contain_text("rigtig fødselsdato")
    expect(phone.get_by_label("Dit navn")).to_have_value("Bo Hansen")
    axe(phone)
    phone.get_by_label("CPR-nummer").fill("010190-1234")
    phone.get_by_label("Ambulant behandling").check()
    phone.get_by_role("button", name="Send henvendelsen").click()
    take_code(phone)
    axe(phone)
    with live_server.db() as db:
        req = db.exec(select(TreatmentRequest)).one()
        assert (req.anonymous, req.cpr, req.preferred_contact, req.help_wanted) == (False, "010190-1234", "phone",
                                                                                    "outpatient")


def test_self_test_then_request_with_the_result(live_server, phone, axe):
    phone.goto(live_server.url + "/behandling")
    phone.get_by_role("link", name="Selvtest om alkohol").click()
    axe(phone)
    for i in range(10):
        phone.locator(f"#q{i}-4").check()  # the highest answer on every item
    phone.get_by_role("button", name="Se mit resultat").click()
    expect(phone.locator(".code-box")).to_contain_text("40 ud af 40 point")
    axe(phone)
    phone.get_by_role("button", name="Bed om behandling").click()
    fill_step1(phone)
    phone.get_by_label("Send resultatet med min henvendelse").check()
    phone.get_by_role("button", name="Send henvendelsen").click()
    take_code(phone)
    with live_server.db() as db:
        req = db.exec(select(TreatmentRequest)).one()
        assert (req.screening_kind, req.screening_score) == ("audit", 40)


def test_staff_handles_the_inbox(live_server, phone, axe):
    phone.goto(live_server.url + "/behandling")
    fill_step1(phone)
    phone.get_by_role("button", name="Send henvendelsen").click()
    take_code(phone)
    phone.get_by_role("link", name="Læs og skriv beskeder").click()
    phone.get_by_label("Skriv til os").fill("Hvornår hører jeg fra jer?")
    phone.get_by_role("button", name="Send besked").click()
    expect(phone.locator(".thread")).to_contain_text("Hvornår hører jeg fra jer?")
    phone.context.clear_cookies()

    with live_server.db() as db:
        make_staff(db, role="counsellor", username="mette", first_name="Mette")
    staff_sign_in(phone, live_server, "mette")
    phone.get_by_role("link", name="Indbakke").first.click()
    expect(phone.locator("h1")).to_have_text("Indbakke: henvendelser om behandling")
    expect(phone.get_by_text("1 ulæste")).to_be_visible()
    axe(phone)
    phone.locator("table a").first.click()
    expect(phone.locator(".thread")).to_contain_text("Hvornår hører jeg fra jer?")
    axe(phone)
    phone.get_by_label("Status", exact=True).select_option("visitation")
    phone.get_by_role("button", name="Gem status").click()
    expect(phone.get_by_text("Ændringen er gemt.")).to_be_visible()
    phone.get_by_label("Svar borgeren").fill("Vi ringer i morgen.")
    phone.get_by_role("button", name="Send svar").click()
    expect(phone.locator(".thread")).to_contain_text("Vi ringer i morgen.")
    axe(phone)
