"""The outbox page for leaders and the "Nyt fra os" notices on Min side, on a phone, JS on and off."""

import pytest
from playwright.sync_api import expect

from app.core.clock import Clock
from app.notify import service
from tests.browser.conftest import staff_sign_in
from tests.factories import make_case, make_staff

pytestmark = pytest.mark.browser


def test_leader_sees_channels_off_and_the_outbox(live_server, phone, axe):
    with live_server.db() as db:
        make_staff(db, role="leader", username="lars", first_name="Lars")
        case, _ = make_case(db, now=Clock().now(), anonymous=False, email="borger@example.dk")
        service.enqueue(db, case=case, kind="new_message", dedupe_key="message:1", now=Clock().now())
        db.commit()
    staff_sign_in(phone, live_server, "lars")
    phone.get_by_role("link", name="Notifikationer").first.click()
    expect(phone.locator("h1")).to_have_text("Notifikationer")
    expect(phone.get_by_role("status").filter(has_text="Der sendes ingen e-mails eller SMS")).to_be_visible()
    expect(phone.get_by_role("cell", name="I portalen").first).to_be_visible()
    axe(phone)


def test_citizen_sees_notices_on_min_side(live_server, phone, axe):
    with live_server.db() as db:
        case, code = make_case(db, now=Clock().now(), anonymous=False, email="borger@example.dk")
        service.enqueue(db, case=case, kind="deadline_letter", dedupe_key="deadline:1", now=Clock().now())
        db.commit()
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.get_by_role("heading", name="Nyt fra os")).to_be_visible()
    expect(phone.get_by_text("Der er nyt i din sag.")).to_be_visible()
    axe(phone)
