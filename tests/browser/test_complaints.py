"""On a phone, JS on and off, zero axe violations: the citizen complains about a decision, staff
uphold it and forward it to Ankestyrelsen, and the citizen sees each step on Min side."""

import pytest
from playwright.sync_api import expect

from app.core.clock import LOCAL_TZ, Clock
from tests.browser.conftest import _JS_OFF, js_is_on, staff_sign_in
from tests.factories.decisions import make_decision
from tests.factories import make_case, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_phone(browser, browser_context_args, js_enabled):
    """A second phone (the counsellor's), with JS on or off like the citizen's."""
    context = browser.new_context(**browser_context_args, java_script_enabled=js_enabled)
    if not js_enabled:
        _JS_OFF.add(context)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _sign_in_staff(page, live_server):
    staff_sign_in(page, live_server, "mette")
    expect(page.locator("h1")).to_contain_text("Goddag")


def test_citizen_complains_staff_uphold_and_forward_citizen_sees_it(live_server, phone, staff_phone, axe):
    now = Clock().now()
    with live_server.db() as db:
        make_staff(db, role="counsellor", username="mette", now=now)
        case, code = make_case(db, now=now)
        make_decision(db, case, now=now, tag="(demo)")
        pseudonym = case.pseudonym

    # The citizen signs in with the code and finds the decision with its reasons and guide.
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.locator("#afgoerelser-titel")).to_have_text("Afgørelser")
    expect(phone.get_by_text("Klagefrist:")).to_be_visible()
    axe(phone)

    # ... and complains: the deadline is shown before sending; no reasons are needed.
    phone.get_by_role("link", name="Klag over afgørelsen").click()
    expect(phone.locator("h1")).to_have_text("Sådan klager du")
    expect(phone.get_by_text("Klagefrist:").first).to_be_visible()
    expect(phone.get_by_role("radio").first).to_be_checked()  # the decision they came from
    axe(phone)
    phone.get_by_label("Hvorfor er du uenig?").fill("Jeg har brug for døgnbehandling.")
    phone.get_by_role("button", name="Send klagen").click()
    expect(phone.locator("h1")).to_have_text("Vi har modtaget din klage")
    axe(phone)

    # Staff: the complaints list, re-assessment (upheld), the case file, forwarding.
    _sign_in_staff(staff_phone, live_server)
    staff_phone.goto(live_server.url + "/personale/klager")
    expect(staff_phone.locator("h1")).to_have_text("Klager")
    axe(staff_phone)
    staff_phone.get_by_role("link", name=pseudonym).click()
    expect(staff_phone.get_by_text("Jeg har brug for døgnbehandling.")).to_be_visible()
    axe(staff_phone)
    staff_phone.get_by_label("Afgørelsen fastholdes").check()
    staff_phone.get_by_label("Resultatet af genvurderingen, skrevet til borgeren").fill(
        "Ambulant behandling er fortsat det rette tilbud.")
    staff_phone.get_by_role("button", name="Gem genvurderingen").click()
    expect(staff_phone.get_by_role("heading", name="Send til Ankestyrelsen")).to_be_visible()
    axe(staff_phone)
    staff_phone.get_by_role("link", name="Åbn sagens akter til udskrift").click()
    expect(staff_phone.locator("h1")).to_have_text("Sagens akter til Ankestyrelsen")
    expect(staff_phone.get_by_text("Jeg har brug for døgnbehandling.")).to_be_visible()
    axe(staff_phone)
    staff_phone.go_back()
    staff_phone.get_by_role("button", name="Registrér: sendt til Ankestyrelsen i dag").click()
    expect(staff_phone.locator(".alert")).to_contain_text("Videresendelsen til Ankestyrelsen er registreret")

    # The citizen sees every step on Min side.
    phone.goto(live_server.url + "/min-side")
    panel = phone.locator("#klager-titel").locator("..")
    expect(panel).to_contain_text("Vi har fastholdt afgørelsen")
    expect(panel).to_contain_text("Ambulant behandling er fortsat det rette tilbud.")
    expect(panel).to_contain_text("Sendt til Ankestyrelsen")
    axe(phone)


def test_counsellor_makes_a_decision_on_a_phone(live_server, staff_phone, axe):
    now = Clock().now()
    with live_server.db() as db:
        make_staff(db, role="counsellor", username="mette", now=now)
        case, _ = make_case(db, now=now)
    _sign_in_staff(staff_phone, live_server)
    staff_phone.goto(f"{live_server.url}/personale/sager/{case.id}/afgoerelser")
    axe(staff_phone)
    staff_phone.get_by_role("button", name="Gem afgørelsen").click()
    expect(staff_phone.locator(".error-summary")).to_contain_text("Skriv hvilke regler")
    axe(staff_phone)
    staff_phone.get_by_label("Type behandling").select_option("outpatient")
    staff_phone.get_by_label("Lovgrundlag").select_option("SEL § 101")
    staff_phone.get_by_label("Regler, der er anvendt").fill("Serviceloven § 101")
    staff_phone.get_by_label("Hovedhensyn").fill("Ugentlige samtaler passer bedst.")
    staff_phone.get_by_label("Væsentlige faktiske oplysninger").fill("Dagligt forbrug.")
    staff_phone.get_by_role("button", name="Gem afgørelsen").click()
    expect(staff_phone.locator(".alert")).to_contain_text("Afgørelsen er gemt")
    expect(staff_phone.locator("article").first).to_contain_text("Ugentlige samtaler passer bedst.")
    axe(staff_phone)


def test_counsellor_sends_a_decision_by_post_and_prints_the_letter(live_server, phone, axe):
    """For a citizen who cannot use Min side: register the posting day (a bad date is kept and
    explained), then the printable letter with the complaint deadline counted by the rule for post."""
    now = Clock().now()
    with live_server.db() as db:
        staff = make_staff(db, role="counsellor", username="mette", now=now)
        case, _ = make_case(db, now=now, anonymous=False, full_name="Jens Hansen")
        make_decision(db, case, now=now, staff=staff)
    staff_sign_in(phone, live_server, "mette")
    phone.goto(f"{live_server.url}/personale/sager/{case.id}/afgoerelser")
    axe(phone)
    phone.get_by_label("Dato brevet blev sendt").fill("31.02.2026")
    phone.get_by_role("button", name="Registrér som sendt med posten").click()
    expect(phone.locator(".form-error-message")).to_be_visible()
    expect(phone.get_by_label("Dato brevet blev sendt")).to_have_value("31.02.2026")  # what was typed is kept
    if js_is_on(phone):  # a POST answer: a JS-off page cannot be re-opened by URL for axe
        axe(phone)
    phone.get_by_label("Dato brevet blev sendt").fill(now.astimezone(LOCAL_TZ).strftime("%d.%m.%Y"))  # today
    phone.get_by_role("button", name="Registrér som sendt med posten").click()
    day = now.astimezone(LOCAL_TZ).strftime("%d.%m.%Y")
    expect(phone.get_by_text(f"Sendt med posten {day}.")).to_be_visible()
    axe(phone)
    phone.get_by_role("link", name="Se brevet").click()
    expect(phone.locator("body")).to_contain_text("Jens Hansen")
    from app.core.deadlines import Delivery, complaint_deadline
    last_day = complaint_deadline(now, Delivery.physical_post).strftime("%d.%m.%Y")  # the rule for post
    expect(phone.locator("body")).to_contain_text(f"Klagen skal være modtaget senest {last_day}")
    axe(phone)
