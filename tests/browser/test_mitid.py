"""MitID in a browser on a phone, JS on and off, through the test IdP's own pages on loopback: sign in,
Min side, the person's cases, attaching an anonymous case, single logout. Zero axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.core.config import Settings
from app.core.db import make_engine
from app.house import house
from app.identity.models import CaseIdentity
from app.main import create_app
from tests.browser.conftest import LiveServer, assert_accessible, js_is_on
from tests.factories import make_case
from tests.factories.mitid import CPR_STORED, NAME, mitid_world
from tests.factories.ports import free_port
from tests.factories.saml_idp_server import IdpServer
from app.core.clock import Clock

pytestmark = pytest.mark.browser


@pytest.fixture
def mitid_server(tmp_path):
    port, idp_port = free_port(), free_port()
    world = mitid_world(tmp_path / "saml", base_url=f"http://127.0.0.1:{port}", idp_base=f"http://127.0.0.1:{idp_port}")
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    house().metadata.create_all(engine)
    engine.dispose()
    application = create_app(Settings(environment="test", secret_key="browser-test", database_url=url,
                                      mitid=world.settings))
    server = LiveServer(application, port)
    with IdpServer(world, idp_port):
        server.start()
        yield server
        server.stop()
    application.state.engine.dispose()


def through_nemlog_in(page):
    """The test IdP's two pages, then our continuation (by itself with JS, one press without)."""
    expect(page.locator("h1")).to_have_text("Test-MitID")
    page.get_by_role("button", name="Log ind som Test Testesen").click()
    page.get_by_role("button", name="Send til tjenesten").click()
    if not js_is_on(page):
        expect(page.locator("h1")).to_have_text("Du er logget ind med MitID")
        check_html(page)
        page.get_by_role("button", name="Fortsæt").click()


def check_html(page):
    """axe on a page that was the answer to a POST (it cannot be re-opened by its URL): the same HTML
    in a JS-on page of the same site."""
    html = page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    other = context.new_page()
    other.goto(page.url.split("/mitid")[0] + "/healthz")
    other.set_content(html)
    assert_accessible(other)  # a JS-on context: axe runs on this very page
    context.close()


def test_sign_in_with_mitid_see_min_side_and_sign_out_everywhere(mitid_server, phone, axe):
    phone.goto(mitid_server.url + "/status")
    axe(phone)
    phone.get_by_role("button", name="Log ind med MitID").click()
    through_nemlog_in(phone)
    expect(phone.locator("h1")).to_have_text("Min side")
    expect(phone.locator("#mitid-titel")).to_be_visible()
    expect(phone.locator("main")).to_contain_text(NAME)
    axe(phone)
    phone.get_by_role("link", name="Se alle dine sager").click()
    expect(phone.locator("h1")).to_have_text("Dine sager")
    axe(phone)
    phone.goto(mitid_server.url + "/min-side")
    phone.get_by_role("button", name="Log ud").click()  # via NemLog-in's single logout and back
    expect(phone.locator(".alert-info")).to_contain_text("Du er logget ud af Min side og MitID")
    axe(phone)
    phone.goto(mitid_server.url + "/min-side")
    expect(phone.locator("h1")).to_have_text("Min side")  # the code form's heading
    expect(phone.get_by_label("Din personlige kode")).to_be_visible()


def test_attach_an_anonymous_case_to_mitid_with_consent(mitid_server, phone, axe):
    with mitid_server.db() as db:
        case, code = make_case(db, now=Clock().now())
    phone.goto(mitid_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.locator("#mitid-titel")).to_have_text("Vil du bruge MitID?")
    axe(phone)
    phone.get_by_role("link", name="Læs mere og knyt sagen til MitID").click()
    expect(phone.locator("h1")).to_have_text("Knyt din sag til MitID")
    axe(phone)
    phone.get_by_role("button", name="Ja, knyt min sag til MitID").click()
    through_nemlog_in(phone)
    expect(phone.locator("h1")).to_have_text("Min side")
    expect(phone.locator("main")).to_contain_text(NAME)
    with mitid_server.db() as db:
        link = db.exec(select(CaseIdentity)).one()
        assert (link.case_id, link.cpr) == (case.id, CPR_STORED)


def test_request_treatment_with_mitid_fills_name_and_cpr(mitid_server, phone, axe):
    phone.goto(mitid_server.url + "/behandling")
    phone.get_by_role("button", name="Log ind med MitID").click()
    through_nemlog_in(phone)
    expect(phone.locator("h1")).to_have_text("Bed om behandling")
    phone.get_by_label("Alkohol", exact=True).check()
    phone.get_by_label("Mig selv", exact=True).check()
    phone.get_by_label("30 år eller mere", exact=True).check()
    phone.get_by_label("Nej, jeg oplyser mit navn").check()
    phone.get_by_role("button", name="Fortsæt").click()
    expect(phone.locator("main")).to_contain_text(CPR_STORED)
    axe(phone) if js_is_on(phone) else check_html(phone)
    phone.get_by_label("Kun via Min side").check()
    phone.get_by_role("button", name="Send henvendelsen").click()
    expect(phone.locator(".alert-info")).to_contain_text("Vi har modtaget din henvendelse")
    axe(phone)
