import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_staff, totp_code

pytestmark = pytest.mark.browser


def test_start_page_on_a_phone(live_server, phone, axe):
    phone.goto(live_server.url + "/")
    expect(phone.locator("h1")).to_contain_text("Hjælp til dig")
    expect(phone.get_by_role("link", name="Forlad siden hurtigt")).to_be_visible()
    axe(phone)


def test_start_page_fits_a_phone_and_reflows_at_200_percent_zoom(live_server, browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 640, "height": 800}})
    page = context.new_page()
    page.goto(live_server.url + "/")
    for width in (390, 320):  # 320 CSS px = 1280 px at 400 %; 640 px at 200 % zoom is 320 too
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_axe_helper_catches_a_violation(live_server, browser, browser_context_args, axe):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('h1').insertAdjacentHTML('afterend', '<img src=/favicon.ico>')")
    with pytest.raises(AssertionError):
        axe(page)
    context.close()


def test_language_switch_to_english(live_server, phone, axe):
    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("h1")).to_contain_text("Help for you")
    axe(phone)


def test_staff_sign_in_and_out(live_server, phone, axe):
    with live_server.db() as db:
        user = make_staff(db, role="counsellor", username="mette")
    phone.goto(live_server.url + "/personale")
    expect(phone.locator("h1")).to_have_text("Log ind som medarbejder")
    axe(phone)
    phone.get_by_label("Brugernavn").fill("mette")
    phone.get_by_label("Adgangskode").fill("wrong password")
    phone.get_by_role("button", name="Log ind").click()
    expect(phone.locator(".error-summary")).to_contain_text("Brugernavn eller adgangskode er forkert")
    expect(phone.get_by_label("Brugernavn")).to_have_value("mette")
    axe(phone)
    phone.get_by_label("Adgangskode").fill(PASSWORD)
    phone.get_by_role("button", name="Log ind").click()
    phone.get_by_label("Kode").fill(totp_code(user))  # the second factor (tests/browser/test_trust.py)
    phone.get_by_role("button", name="Log ind").click()
    expect(phone.locator("h1")).to_contain_text("Goddag, Mette")
    axe(phone)
    phone.get_by_role("button", name="Log ud").click()
    expect(phone.locator("h1")).to_have_text("Log ind som medarbejder")


def test_not_found_page(live_server, phone, axe):
    phone.goto(live_server.url + "/findes-ikke")
    expect(phone.locator("h1")).to_have_text("Siden findes ikke")
    axe(phone)


def test_status_page_error_summary_links_to_the_field(live_server, phone, axe):
    phone.goto(live_server.url + "/status")
    axe(phone)
    phone.get_by_label("Din personlige kode").fill("ABCD")
    phone.get_by_role("button", name="Gå til Min side").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("Koden ser ikke rigtig ud")
    expect(summary.locator("a")).to_have_attribute("href", "#code")
    axe(phone)
