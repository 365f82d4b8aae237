"""Browser flows for issue 7 on a phone, JS on and off, zero axe violations: staff 2FA enrolment and
sign-in with TOTP, and the citizen's "Hvem har set mine oplysninger"."""

import json
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from app.audit.service import record_access
from tests.browser.conftest import js_is_on
from tests.factories import PASSWORD, make_case, make_staff

pytestmark = pytest.mark.browser


def _password(page, url):
    page.goto(url + "/personale/log-ind")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_staff_enrols_in_two_factor_then_signs_in_with_a_totp_code(live_server, phone, axe):
    with live_server.db() as db:
        make_staff(db, role="counsellor", username="mette", totp=False)
    _password(phone, live_server.url)
    expect(phone.locator("h1")).to_have_text("Sæt to-trins-login op")
    expect(phone.get_by_role("img", name="QR-kode til godkender-appen")).to_be_visible()
    axe(phone)
    secret = phone.locator("#noegle").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    phone.get_by_label("Kode med 6 cifre").fill("12")
    phone.get_by_role("button", name="Bekræft og fortsæt").click()
    expect(phone.locator(".error-summary")).to_contain_text("Skriv de 6 cifre")
    assert phone.locator("#noegle").inner_text().replace(" ", "") == secret  # same secret after an error

    phone.get_by_label("Kode med 6 cifre").fill(totp.now())
    phone.get_by_role("button", name="Bekræft og fortsæt").click()
    expect(phone.locator("h1")).to_have_text("Dine gendannelseskoder")
    codes = phone.locator(".recovery-codes code")
    expect(codes).to_have_count(10)
    if js_is_on(phone):  # a POST answer: a JS-off page cannot be re-opened by URL for axe
        axe(phone)
    phone.get_by_role("link", name="Jeg har gemt koderne – fortsæt").click()
    expect(phone.locator("h1")).to_contain_text("Goddag, Mette")
    phone.get_by_role("button", name="Log ud").click()

    _password(phone, live_server.url)
    expect(phone.locator("h1")).to_have_text("Skriv koden fra din godkender-app")
    axe(phone)
    # The enrolment code is spent; the next step's code is accepted for clock drift.
    phone.get_by_label("Kode").fill(totp.at(time.time() + 30))
    phone.get_by_role("button", name="Log ind").click()
    expect(phone.locator("h1")).to_contain_text("Goddag, Mette")

    phone.goto(live_server.url + "/personale/sessioner")
    expect(phone.locator("h1")).to_have_text("Mine sessioner")
    expect(phone.get_by_text("Denne session")).to_be_visible()
    axe(phone)
    phone.goto(live_server.url + "/personale/min-konto")
    expect(phone.get_by_text("9 ubrugte gendannelseskoder").or_(phone.get_by_text("10 ubrugte gendannelseskoder"))).to_be_visible()
    axe(phone)


def test_citizen_sees_who_has_looked_at_their_case(live_server, phone, axe):
    with live_server.db() as db:
        staff = make_staff(db, role="counsellor", first_name="Mette")
        case, code = make_case(db, now=live_server.app.state.clock.now())
        other, _ = make_case(db, now=live_server.app.state.clock.now())
        record_access(db, staff=staff, case_id=case.id, action="view_case", now=live_server.app.state.clock.now())
        record_access(db, staff=staff, case_id=other.id, action="send_message", now=live_server.app.state.clock.now())
        db.commit()
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    panel = phone.locator("#adgangslog")
    expect(panel.get_by_role("heading", name="Hvem har set mine oplysninger")).to_be_visible()
    expect(panel.locator("tbody tr")).to_have_count(1)
    expect(panel).to_contain_text("Behandler (Mette)")
    expect(panel).to_contain_text("Så din sag")
    expect(panel).not_to_contain_text("Skrev en besked til dig")
    axe(phone)
    phone.get_by_role("link", name="Se alt, vi har om dig").click()
    expect(phone.locator("h1")).to_have_text("Alt, vi har om dig")
    expect(phone.locator("body")).to_contain_text(case.pseudonym)
    assert code.display not in phone.content()
    assert re.search(r"Så din sag", phone.content())
    axe(phone)
    # The copies to take away (GDPR art. 15 and 20): plain links, so they download with JS off too.
    with phone.expect_download() as pdf:
        phone.get_by_role("link", name="Hent som PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    with phone.expect_download() as copy:
        phone.get_by_role("link", name="Hent som JSON").click()
    assert copy.value.suggested_filename.endswith(".json")
    data = json.loads(open(copy.value.path(), encoding="utf-8").read())
    assert case.pseudonym in json.dumps(data, ensure_ascii=False) and code.display not in json.dumps(data)
