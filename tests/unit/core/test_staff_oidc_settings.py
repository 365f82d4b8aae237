"""The staff OpenID Connect settings: read from the environment, off by default, checked at start."""

import pytest

from app.core.config import Settings, StaffOidcSettings, settings_from_env

ENV = {
    "STAFF_OIDC_ISSUER": "https://login.haderslev.dk/realms/ansatte",
    "STAFF_OIDC_CLIENT_ID": "rusmiddelportalen",
    "STAFF_OIDC_CLIENT_SECRET": "s3cret",
    "STAFF_OIDC_ROLE_MAP": "rp-admin=admin, rp-behandler=counsellor,rp-leder = leader",
    "STAFF_OIDC_LABEL": "Haderslev Kommune",
    "STAFF_OIDC_MFA_ACR": "urn:kommune:mfa, http://schemas.microsoft.com/claims/multipleauthn",
}


def test_nothing_set_means_off():
    assert not settings_from_env({}).staff_oidc.enabled
    assert settings_from_env({}).staff_oidc.role_claim == "groups"


def test_the_settings_are_read_from_the_environment():
    oidc = settings_from_env(ENV).staff_oidc
    assert oidc.enabled and oidc.issuer == ENV["STAFF_OIDC_ISSUER"] and oidc.client_secret == "s3cret"
    assert oidc.role_map == (("rp-admin", "admin"), ("rp-behandler", "counsellor"), ("rp-leder", "leader"))
    assert oidc.label == "Haderslev Kommune" and oidc.mfa_acr == ("urn:kommune:mfa",
                                                                  "http://schemas.microsoft.com/claims/multipleauthn")
    assert settings_from_env({**ENV, "STAFF_OIDC_ROLE_CLAIM": "roles"}).staff_oidc.role_claim == "roles"


def test_a_role_map_entry_without_a_role_refuses_to_start():
    with pytest.raises(RuntimeError, match="gruppe=rolle"):
        settings_from_env({**ENV, "STAFF_OIDC_ROLE_MAP": "rp-admin"})


def test_an_issuer_without_a_role_map_refuses_to_start():
    with pytest.raises(RuntimeError, match="STAFF_OIDC_ROLE_MAP"):
        Settings(staff_oidc=StaffOidcSettings(issuer="https://x", client_id="y")).check()


def test_production_refuses_an_issuer_without_https_and_keeps_the_2fa_rule():
    oidc = StaffOidcSettings(issuer="http://login.kommune.test", client_id="y", role_map=(("a", "admin"),))
    production = Settings(environment="production", secret_key="x" * 40, staff_oidc=oidc)
    with pytest.raises(RuntimeError, match="https"):
        production.check()
    with pytest.raises(RuntimeError, match="REQUIRE_STAFF_2FA"):
        production.with_(require_staff_2fa=False).check()
    production.with_(staff_oidc=StaffOidcSettings(issuer="https://login.kommune.test", client_id="y",
                                                   role_map=(("a", "admin"),))).check()
