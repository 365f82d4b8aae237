"""A leader opens the statistics at a desktop, JS on and off: charts, tables, a period form with an
error message, and zero axe violations."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_staff, totp_code
from tests.factories.stats import build_complaints, build_counselling, build_courses, build_requests

pytestmark = pytest.mark.browser


def test_leader_reads_the_statistics_page_with_zero_axe_violations(live_server, phone, axe):
    with live_server.db() as db:
        build_requests(db)
        build_complaints(db)
        build_courses(db)
        build_counselling(db)
        db.commit()
        user = make_staff(db, role="leader", username="lone", first_name="Lone")
    phone.set_viewport_size({"width": 1280, "height": 900})  # leaders read statistics at a desktop
    phone.goto(live_server.url + "/personale/log-ind")
    phone.get_by_label("Brugernavn").fill("lone")
    phone.get_by_label("Adgangskode").fill(PASSWORD)
    phone.get_by_role("button", name="Log ind").click()
    phone.get_by_label("Kode").fill(totp_code(user))
    phone.get_by_role("button", name="Log ind").click()
    phone.get_by_label("Personalemenu").get_by_role("link", name="Statistik").click()
    expect(phone.locator("h1")).to_have_text("Statistik")

    phone.get_by_label("Fra").fill("01.01.2026")
    phone.get_by_label("Til og med").fill("23.11.2026")
    phone.get_by_role("button", name="Vis perioden").click()
    expect(phone.get_by_role("img", name="Henvendelser pr. måned")).to_be_visible()
    expect(phone.get_by_role("img", name="Færdigbehandlet mod målet")).to_be_visible()
    expect(phone.locator("#data-henvendelser")).to_contain_text("<5")
    expect(phone.locator("#data-faerdigbehandlet")).to_contain_text("66,7 %")
    axe(phone)

    phone.get_by_label("Fra").fill("31.02.2026")
    phone.get_by_role("button", name="Vis perioden").click()
    expect(phone.locator(".error-summary")).to_contain_text("Skriv datoen som dd.mm.åååå.")
    expect(phone.get_by_label("Fra")).to_have_value("31.02.2026")
    axe(phone)
