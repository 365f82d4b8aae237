"""Staff sign-in at the municipality's identity provider, against a real OpenID Connect provider on
loopback (tests/factories/oidc_op.py). Every refusal is the portal's own check at work."""

from __future__ import annotations

import logging
import pytest
from sqlalchemy import func
from sqlmodel import select

from app.core.config import StaffOidcSettings
from app.core.models import WebSession
from app.main import create_app
from app.staff import service as staff_service
from app.staff.models import StaffUser
from app.staff.oidc import OUTSTANDING_COOKIE
from app.staff.session import STAFF_COOKIE
from tests.conftest import PortalClient
from tests.factories import make_staff
from tests.factories.oidc_op import (
    CLIENT_ID, CLIENT_SECRET, NextToken, TestProvider, new_key, person, sign_in_oidc, through_provider, to_provider,
)

ROLE_MAP = (("rp-admin", "admin"), ("rp-leder", "leader"), ("rp-counsellor", "counsellor"),
            ("rp-reception", "reception"))


@pytest.fixture
def provider(clock):
    started = TestProvider.start(clock=clock)
    yield started
    started.stop()


def oidc_settings(provider, **changes) -> StaffOidcSettings:
    return StaffOidcSettings(**{"issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                "role_map": ROLE_MAP, "label": "Haderslev Kommune", **changes})


@pytest.fixture
def settings(settings, provider):
    """This module's app (conftest's app, client and make_client) signs staff in at the test provider."""
    return settings.with_(staff_oidc=oidc_settings(provider))


def staff_users(db) -> list[StaffUser]:
    db.rollback()
    db.expire_all()
    return list(db.exec(select(StaffUser).order_by(StaffUser.id)))


def open_sessions(db) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(WebSession).where(WebSession.ended_at.is_(None))).one()


def assert_signed_in(response):
    assert response.status_code == 200, response.text
    assert STAFF_COOKIE in response.cookies
    assert '<meta http-equiv="refresh" content="0;url=/personale">' in response.text


def assert_refused(client, response, db, text: str, status: int = 403):
    assert response.status_code == status, response.text
    assert text in response.text
    assert STAFF_COOKIE not in client.cookies
    assert open_sessions(db) == 0
    assert client.get("/personale", follow_redirects=False).headers["location"] == "/personale/log-ind"


# --- a good sign-in and the roles -------------------------------------------------------------------

def test_good_sign_in_lands_on_the_staff_home_with_the_mapped_role(client, provider, db):
    assert_signed_in(sign_in_oidc(client, provider, person(groups=["rp-counsellor"])))
    home = client.get("/personale", follow_redirects=False)
    assert home.status_code == 200 and "Goddag, Sofie" in home.text and "(Behandler)" in home.text
    [user] = staff_users(db)
    assert (user.role, user.oidc_subject, user.full_name, user.email) == \
        ("counsellor", "idp-0001", "Sofie Kommunesen", "sofie@kommune.test")


@pytest.mark.parametrize(("groups", "role"), [
    (["rp-admin"], "admin"), (["rp-leder"], "leader"), (["rp-counsellor"], "counsellor"),
    (["rp-reception"], "reception"), (["alle-ansatte", "rp-reception", "rp-leder"], "leader"),
])
def test_the_role_claim_maps_to_the_portal_role_and_the_strongest_wins(client, provider, db, groups, role):
    assert_signed_in(sign_in_oidc(client, provider, person(groups=groups)))
    assert [u.role for u in staff_users(db)] == [role]


def test_admin_group_opens_the_admin_page_and_counsellor_group_does_not(make_client, provider, db):
    admin, counsellor = make_client(), make_client()
    assert_signed_in(sign_in_oidc(admin, provider, person("idp-admin", groups=["rp-admin"], email="a@kommune.test",
                                                         preferred_username="anna")))
    assert_signed_in(sign_in_oidc(counsellor, provider, person("idp-behandler", groups=["rp-counsellor"],
                                                               email="b@kommune.test", preferred_username="bo")))
    assert admin.get("/personale/medarbejdere").status_code == 200
    assert counsellor.get("/personale/medarbejdere").status_code == 403


def test_a_group_that_maps_to_no_role_is_refused_and_nothing_is_created(client, provider, db):
    response = sign_in_oidc(client, provider, person(groups=["alle-ansatte"]))
    assert_refused(client, response, db, "Du har ikke adgang til Rusmiddelportalen")
    assert staff_users(db) == []


def test_no_role_claim_at_all_is_refused_and_nothing_is_created(client, provider, db):
    response = sign_in_oidc(client, provider, person(groups=None))
    assert_refused(client, response, db, "ingen rolle i portalen")
    assert staff_users(db) == []


def test_roles_are_updated_from_the_claim_on_every_sign_in(make_client, provider, db):
    assert_signed_in(sign_in_oidc(make_client(), provider, person(groups=["rp-counsellor"])))
    assert [u.role for u in staff_users(db)] == ["counsellor"]
    assert_signed_in(sign_in_oidc(make_client(), provider, person(groups=["rp-leder"], name="Sofie K. Hansen")))
    [user] = staff_users(db)
    assert (user.role, user.full_name) == ("leader", "Sofie K. Hansen")


def test_a_member_who_loses_every_portal_group_is_refused_and_keeps_nothing_new(make_client, provider, db):
    assert_signed_in(sign_in_oidc(make_client(), provider, person(groups=["rp-admin"])))
    later = make_client()
    response = sign_in_oidc(later, provider, person(groups=["alle-ansatte"]))
    assert response.status_code == 403 and "ingen rolle i portalen" in response.text
    assert [u.role for u in staff_users(db)] == ["admin"]  # unchanged; the next sign-in decides again
    assert STAFF_COOKIE not in later.cookies


def test_a_deactivated_member_is_refused(make_client, provider, db, clock):
    assert_signed_in(sign_in_oidc(make_client(), provider, person()))
    [user] = staff_users(db)
    staff_service.set_active(db, user, active=False, now=clock.now())
    db.commit()
    client = make_client()
    response = sign_in_oidc(client, provider, person(groups=["rp-admin"]))
    assert_refused(client, response, db, "Din bruger er deaktiveret")
    [user] = staff_users(db)
    assert (user.active, user.role) == (False, "counsellor")


def test_first_sign_in_links_the_existing_member_with_the_same_work_email(client, provider, db):
    existing = make_staff(db, role="reception", username="sofie", first_name="Sofie")
    existing.email = "Sofie@Kommune.test"
    db.add(existing)
    db.commit()
    assert_signed_in(sign_in_oidc(client, provider, person(groups=["rp-counsellor"])))
    [user] = staff_users(db)
    assert (user.id, user.username, user.oidc_subject, user.role) == (existing.id, "sofie", "idp-0001", "counsellor")


def test_an_email_linked_to_another_subject_is_refused(make_client, provider, db):
    assert_signed_in(sign_in_oidc(make_client(), provider, person("idp-0001")))
    client = make_client()
    response = sign_in_oidc(client, provider, person("idp-0002"))
    assert response.status_code == 403 and "kan ikke kobles sikkert" in response.text
    assert [u.oidc_subject for u in staff_users(db)] == ["idp-0001"]


def test_an_unverified_email_links_nobody(client, provider, db):
    existing = make_staff(db, role="admin", username="sofie", first_name="Sofie")
    existing.email = "sofie@kommune.test"
    db.add(existing)
    db.commit()
    assert_signed_in(sign_in_oidc(client, provider, person(email_verified=False, groups=["rp-reception"])))
    users = {u.username: u for u in staff_users(db)}
    assert users["sofie"].oidc_subject is None and users["sofie"].role == "admin"
    assert users["sofie-2"].oidc_subject == "idp-0001" and users["sofie-2"].email is None


def test_a_member_created_at_the_provider_cannot_sign_in_with_a_password(client, provider, db):
    assert_signed_in(sign_in_oidc(client, provider, person()))
    [user] = staff_users(db)
    for guess in ("", "sofie", user.password_hash):
        response = client.submit("/personale/log-ind", {"username": user.username, "password": guess})
        assert response.status_code == 422


# --- the ID token and the callback are checked ------------------------------------------------------

BAD_TOKENS = {
    "wrong_nonce": lambda provider: NextToken(claims={"nonce": "another-nonce"}),
    "no_nonce": lambda provider: NextToken(claims={"nonce": None}),
    "tampered": lambda provider: NextToken(tamper=True),
    "signed_with_another_key": lambda provider: NextToken(sign_with=new_key(provider.key.kid)),
    "unknown_key": lambda provider: NextToken(sign_with=new_key("not-in-the-jwks")),
    "wrong_audience": lambda provider: NextToken(claims={"aud": "another-client"}),
    "wrong_audience_with_our_azp": lambda provider: NextToken(claims={"aud": "another-client", "azp": CLIENT_ID}),
    "wrong_issuer": lambda provider: NextToken(claims={"iss": "http://127.0.0.1:1"}),
    "expired": lambda provider: NextToken(claims={"exp": int(provider.clock.now().timestamp()) - 120}),
    "no_subject": lambda provider: NextToken(claims={"sub": None}),
}


@pytest.mark.parametrize("bad", sorted(BAD_TOKENS))
def test_a_bad_id_token_is_refused_with_a_danish_page_and_no_session(client, provider, db, bad):
    provider.next_token = BAD_TOKENS[bad](provider)
    response = sign_in_oidc(client, provider, person(groups=["rp-admin"]))
    assert_refused(client, response, db, "Svaret fra kommunens login kunne ikke godkendes")
    assert staff_users(db) == []


def test_a_callback_with_another_state_is_refused(client, provider, db):
    provider.person = person()
    callback = through_provider(to_provider(client))
    forged = callback.replace("state=", "state=x")
    assert_refused(client, client.get(forged, follow_redirects=False), db, "Login-forsøget kunne ikke genkendes", 400)


def test_a_callback_from_another_browsers_sign_in_is_refused(make_client, provider, db):
    """Login CSRF: an attacker's own code and state, sent to a victim's browser, match no cookie there."""
    attacker, victim = make_client(), make_client()
    provider.person = person(groups=["rp-admin"])
    callback = through_provider(to_provider(attacker))
    to_provider(victim)  # the victim may even have a sign-in of their own under way
    assert_refused(victim, victim.get(callback, follow_redirects=False), db, "kunne ikke genkendes", 400)


def test_a_callback_cannot_be_used_twice(client, provider, db):
    provider.person = person()
    callback = through_provider(to_provider(client))
    assert_signed_in(client.get(callback, follow_redirects=False))
    again = client.get(callback, follow_redirects=False)
    assert again.status_code == 400 and "kunne ikke genkendes" in again.text
    assert open_sessions(db) == 1


def test_an_error_from_the_provider_is_refused(client, provider, db):
    location = to_provider(client)
    state = location.split("state=")[1].split("&")[0]
    response = client.get(f"/personale/oidc/callback?error=access_denied&state={state}", follow_redirects=False)
    assert_refused(client, response, db, "Kommunens login blev afbrudt eller afvist", 400)


def test_an_answer_naming_another_issuer_is_refused(client, provider, db):
    provider.person = person()
    callback = through_provider(to_provider(client))
    response = client.get(callback + "&iss=https%3A%2F%2Fevil.example", follow_redirects=False)
    assert_refused(client, response, db, "Kommunens login blev afbrudt eller afvist", 400)
    assert provider.token_requests == []  # the code never left the portal


def test_the_request_uses_pkce_s256_and_the_token_request_carries_the_verifier(client, provider):
    location = to_provider(client)
    assert "code_challenge_method=S256" in location and "nonce=" in location and "scope=openid" in location
    client.get(through_provider(location), follow_redirects=False)
    [token_request] = provider.token_requests
    assert len(token_request["code_verifier"]) >= 43


def test_the_outstanding_request_cookie_is_lax_httponly_short_lived_and_scoped(client, provider):
    response = client.get("/personale/oidc/log-ind", follow_redirects=False)
    header = response.headers["set-cookie"]
    assert header.startswith(f"{OUTSTANDING_COOKIE}=")
    lowered = header.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "path=/personale/oidc" in lowered
    assert "max-age=600" in lowered


def test_a_discovery_document_of_another_issuer_is_not_believed(settings, clock, provider):
    app = create_app(settings.with_(staff_oidc=oidc_settings(provider, issuer=provider.issuer + "/")), clock=clock)
    with PortalClient(app, base_url="http://testserver") as client:
        response = client.get("/personale/oidc/log-ind", follow_redirects=False)
        assert response.status_code == 503 and "Kommunens login svarer ikke" in response.text
    app.state.engine.dispose()


def test_a_provider_that_does_not_answer_gives_a_danish_page(client, provider, db):
    provider.stop()
    response = client.get("/personale/oidc/log-ind", follow_redirects=False)
    assert response.status_code == 503 and "Kommunens login svarer ikke lige nu" in response.text


# --- the second factor ------------------------------------------------------------------------------

def test_amr_without_mfa_still_requires_the_totp_step(client, provider, db):
    assert_signed_in(sign_in_oidc(client, provider, person(amr=["pwd"])))
    assert client.get("/personale", follow_redirects=False).headers["location"] == "/personale/to-trin"
    step = client.get("/personale/to-trin")
    assert step.status_code == 200 and "QR" in step.text  # a member created here enrols first
    db.rollback()
    assert db.exec(select(WebSession.second_factor_passed)).all() == [False]


def test_no_amr_at_all_still_requires_the_totp_step(client, provider, db):
    assert_signed_in(sign_in_oidc(client, provider, person(amr=None)))
    assert client.get("/personale", follow_redirects=False).headers["location"] == "/personale/to-trin"


def test_mfa_in_amr_counts_as_the_second_factor(client, provider, db):
    assert_signed_in(sign_in_oidc(client, provider, person(amr=["pwd", "mfa"])))
    assert client.get("/personale", follow_redirects=False).status_code == 200
    db.rollback()
    assert db.exec(select(WebSession.second_factor_passed)).all() == [True]


def test_an_acr_the_municipality_accepts_counts_as_the_second_factor(settings, clock, provider, db):
    app = create_app(settings.with_(staff_oidc=oidc_settings(provider, mfa_acr=("urn:kommune:loa:mfa",))), clock=clock)
    with PortalClient(app, base_url="http://testserver") as strong, \
            PortalClient(app, base_url="http://testserver") as weak:
        assert_signed_in(sign_in_oidc(strong, provider, person(amr=None, acr="urn:kommune:loa:mfa")))
        assert strong.get("/personale", follow_redirects=False).status_code == 200
        assert_signed_in(sign_in_oidc(weak, provider, person(amr=None, acr="urn:kommune:loa:pwd")))
        assert weak.get("/personale", follow_redirects=False).headers["location"] == "/personale/to-trin"
    app.state.engine.dispose()


# --- signing out, and nothing configured ------------------------------------------------------------

def test_sign_out_ends_the_session_and_the_old_cookie_no_longer_works(client, make_client, provider, db):
    assert_signed_in(sign_in_oidc(client, provider, person()))
    old_cookie = client.cookies[STAFF_COOKIE]
    assert client.get("/personale", follow_redirects=False).status_code == 200
    response = client.submit("/personale/log-ud")
    assert response.status_code == 303 and response.headers["location"] == "/personale/log-ind"
    thief = make_client()
    thief.cookies.set(STAFF_COOKIE, old_cookie, path="/personale")
    assert thief.get("/personale", follow_redirects=False).headers["location"] == "/personale/log-ind"
    db.rollback()
    assert db.exec(select(WebSession.ended_at)).one() is not None


def test_the_sign_in_page_shows_the_button_when_configured(client):
    page = client.get("/personale/log-ind")
    assert 'href="/personale/oidc/log-ind"' in page.text and "Log ind med Haderslev Kommune" in page.text
    assert 'name="password"' in page.text  # the password sign-in stays


def test_with_nothing_configured_the_button_is_absent_and_the_oidc_urls_answer_404(settings, clock):
    app = create_app(settings.with_(staff_oidc=StaffOidcSettings()), clock=clock)
    with PortalClient(app, base_url="http://testserver") as client:
        _nothing_configured(client)
    app.state.engine.dispose()


def _nothing_configured(client):
    page = client.get("/personale/log-ind")
    assert page.status_code == 200 and "/personale/oidc" not in page.text and "Log ind med" not in page.text
    for url in ("/personale/oidc/log-ind", "/personale/oidc/callback?code=x&state=y"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 404 and "Siden findes ikke" in response.text
        assert OUTSTANDING_COOKIE not in response.headers.get("set-cookie", "")


def test_the_log_names_no_token_code_state_subject_or_email(client, provider, caplog):
    caplog.set_level(logging.DEBUG)
    provider.person = person()
    location = to_provider(client)
    callback = through_provider(location)
    assert_signed_in(client.get(callback, follow_redirects=False))
    provider.next_token = NextToken(tamper=True)
    client.get(through_provider(to_provider(client)), follow_redirects=False)
    code = callback.split("code=")[1].split("&")[0]
    state = callback.split("state=")[1].split("&")[0]
    # The portal's own lines (the test's HTTP client logs the URLs it follows itself)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "app" or r.name.startswith("app."))
    assert "staff oidc sign-in: staff" in logged and "token rejected" in logged
    for secret in (code, state, "idp-0001", "sofie@kommune.test", "Sofie", "eyJ"):
        assert secret not in logged


def test_a_role_map_naming_a_role_the_portal_lacks_refuses_to_start(settings):
    import dataclasses
    from app.main import create_app
    wrong = dataclasses.replace(settings.staff_oidc, role_map=(("rp-boss", "boss"),))
    with pytest.raises(ValueError, match="unknown roles"):
        create_app(dataclasses.replace(settings, staff_oidc=wrong))
