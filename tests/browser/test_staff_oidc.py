"""Staff sign-in at the municipality's identity provider in a real Chromium, JS on and off, axe clean:
the button, the round trip through the test provider (tests/factories/oidc_op.py) and back to the staff
home – which also proves the SameSite=Strict staff cookie arrives after the cross-site return – and
the refusal page."""

from __future__ import annotations

import pytest

from app.core.clock import Clock
from app.core.config import Settings, StaffOidcSettings
from app.core.db import make_engine
from app.house import house
from app.main import create_app
from tests.browser.conftest import LiveServer
from tests.factories.oidc_op import CLIENT_ID, CLIENT_SECRET, TestProvider, person
from tests.factories.ports import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def oidc_live(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    house().metadata.create_all(engine)
    engine.dispose()
    port = free_port()
    provider = TestProvider.start(clock=Clock(), redirect_uri=f"http://127.0.0.1:{port}/personale/oidc/callback")
    oidc = StaffOidcSettings(issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             role_map=(("rp-counsellor", "counsellor"),), label="Haderslev Kommune")
    application = create_app(Settings(environment="test", secret_key="browser-test", database_url=url,
                                      staff_oidc=oidc))
    server = LiveServer(application, port)
    server.start()
    yield server, provider
    server.stop()
    provider.stop()
    application.state.engine.dispose()


def test_staff_sign_in_at_the_provider_lands_on_the_staff_home(phone, oidc_live, axe):
    server, provider = oidc_live
    provider.person = person(groups=["rp-counsellor"], amr=["pwd", "mfa"])
    phone.goto(server.url + "/personale/log-ind")
    axe(phone)
    phone.get_by_role("link", name="Log ind med Haderslev Kommune").click()
    phone.wait_for_url(server.url + "/personale")
    assert "Goddag, Sofie" in phone.content()
    axe(phone)


def test_a_member_without_a_portal_role_gets_the_refusal_page(phone, oidc_live, axe):
    server, provider = oidc_live
    provider.person = person(groups=["alle-ansatte"])
    phone.goto(server.url + "/personale/log-ind")
    phone.get_by_role("link", name="Log ind med Haderslev Kommune").click()
    phone.wait_for_url("**/personale/oidc/callback**")
    assert phone.get_by_role("heading", name="Login kunne ikke gennemføres").is_visible()
    assert "ingen rolle i portalen" in phone.content()
    axe(phone)
