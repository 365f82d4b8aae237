"""Staff second factor over HTTP: enrolment, sign-in with TOTP, and no staff page without it."""

import re

import pyotp
import pytest
from sqlmodel import select

from app.core.config import Settings
from app.staff.session import STAFF_COOKIE
from app.core.models import WebSession
from app.main import create_app
from tests.conftest import PortalClient, all_routes
from tests.factories import PASSWORD, make_staff, sign_in_staff, totp_code
from tests.web.staff.test_role_matrix import PUBLIC_STAFF_PATHS


def _password_only(client, user):
    response = client.submit("/personale/log-ind", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 303


def _url(path):
    return re.sub(r"\{[^}]+\}", "1", path)


def test_staff_2fa_is_required_by_default_and_cannot_be_turned_off_in_production():
    assert Settings().require_staff_2fa is True
    with pytest.raises(RuntimeError):
        Settings(environment="production", secret_key="s" * 32, require_staff_2fa=False).check()


def test_password_alone_leads_to_the_second_factor_page(client, db):
    user = make_staff(db)
    _password_only(client, user)
    response = client.get("/personale", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/personale/to-trin"
    page = client.get("/personale/to-trin")
    assert page.status_code == 200 and "Skriv koden fra din godkender-app" in page.text


def test_no_staff_route_is_reachable_with_only_the_password(app, client, db):
    """Walks every staff route the app serves: a password-only session is sent to /personale/to-trin."""
    user = make_staff(db, role="admin")
    _password_only(client, user)
    checked = 0
    for route in all_routes(app):
        if not route.path.startswith("/personale") or route.path in PUBLIC_STAFF_PATHS:
            continue
        if route.path.startswith("/personale/to-trin"):
            continue
        for method in route.methods & {"GET", "POST"}:
            response = (client.get(_url(route.path), follow_redirects=False) if method == "GET"
                        else client.submit(_url(route.path), {}))
            assert response.status_code == 303, (method, route.path, response.status_code)
            assert response.headers["location"] == "/personale/to-trin", (method, route.path)
            checked += 1
    assert checked >= 5


def test_second_factor_step_shows_nothing_but_the_code_form(client, db):
    user = make_staff(db)
    _password_only(client, user)
    page = client.get("/personale/to-trin").text
    assert "Personalemenu" not in page and "Min konto" not in page


def test_totp_code_completes_sign_in_and_issues_a_new_session_id(client, db, clock):
    user = make_staff(db)
    _password_only(client, user)
    before = client.cookies[STAFF_COOKIE]
    response = client.submit("/personale/to-trin", {"code": totp_code(user, clock.now())})
    assert response.status_code == 303 and response.headers["location"] == "/personale"
    assert client.cookies[STAFF_COOKIE] != before
    assert "Goddag, Mette" in client.get("/personale").text


def test_wrong_totp_code_re_renders_with_an_error_summary(client, db):
    user = make_staff(db)
    _password_only(client, user)
    response = client.submit("/personale/to-trin", {"code": "12345"})
    assert response.status_code == 422 and 'href="#code"' in response.text
    response = client.submit("/personale/to-trin", {"code": "000000" if totp_code(user) != "000000" else "111111"})
    assert response.status_code == 422 and "Koden passer ikke" in response.text


def test_totp_code_cannot_be_used_twice(make_client, db, clock):
    user = make_staff(db)
    first, second = make_client(), make_client()
    code = totp_code(user, clock.now())
    for c in (first, second):
        _password_only(c, user)
    assert first.submit("/personale/to-trin", {"code": code}).status_code == 303
    response = second.submit("/personale/to-trin", {"code": code})
    assert response.status_code == 422 and "allerede brugt" in response.text


def test_totp_step_is_throttled(client, db, clock, settings):
    user = make_staff(db)
    _password_only(client, user)
    wrong = "000000" if totp_code(user, clock.now()) != "000000" else "111111"
    for _ in range(settings.throttle_free_attempts + 1):
        client.submit("/personale/to-trin", {"code": wrong})
    response = client.submit("/personale/to-trin", {"code": totp_code(user, clock.now())})
    assert response.status_code == 429 and "For mange forkerte forsøg" in response.text


def test_enrolment_shows_a_qr_code_and_the_secret_then_recovery_codes_once(client, db, clock):
    user = make_staff(db, totp=False)
    _password_only(client, user)
    page = client.get("/personale/to-trin")
    assert page.status_code == 200 and "Sæt to-trins-login op" in page.text
    assert '<svg role="img"' in page.text and "style=" not in page.text
    secret = re.search(r'<p class="code-box" id="noegle">([A-Z2-7 ]+)</p>', page.text).group(1).replace(" ", "")
    assert client.get("/personale/to-trin").text.count(secret[:4] + " " + secret[4:8]) == 1  # same secret on reload
    response = client.submit("/personale/to-trin/tilmeld", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert response.status_code == 200 and "Koderne vises kun denne ene gang" in response.text
    codes = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", response.text)
    assert len(codes) == 10
    assert "Goddag, Mette" in client.get("/personale").text
    # The codes are nowhere to be seen again.
    assert codes[0] not in client.get("/personale/min-konto").text
    assert client.get("/personale/to-trin", follow_redirects=False).headers["location"] == "/personale"


def test_wrong_enrolment_code_keeps_the_same_secret_and_says_why(client, db):
    user = make_staff(db, totp=False)
    _password_only(client, user)
    secret = re.search(r'id="noegle">([A-Z2-7 ]+)<', client.get("/personale/to-trin").text).group(1)
    response = client.submit("/personale/to-trin/tilmeld", {"code": "abc"})
    assert response.status_code == 422 and secret in response.text and 'href="#code"' in response.text


def test_recovery_code_signs_in_once(client, make_client, db, clock):
    user = make_staff(db, totp=False)
    _password_only(client, user)
    secret = re.search(r'id="noegle">([A-Z2-7 ]+)<', client.get("/personale/to-trin").text).group(1).replace(" ", "")
    page = client.submit("/personale/to-trin/tilmeld", {"code": pyotp.TOTP(secret).at(clock.now())}).text
    code = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", page)[0]
    other = make_client()
    _password_only(other, user)
    assert other.submit("/personale/to-trin", {"code": code}).status_code == 303
    third = make_client()
    _password_only(third, user)
    assert third.submit("/personale/to-trin", {"code": code}).status_code == 422


def test_demo_setting_lets_the_password_alone_through(database_url, clock, db):
    application = create_app(Settings(environment="test", secret_key="t", database_url=database_url,
                                      require_staff_2fa=False), clock=clock)
    user = make_staff(db)
    with PortalClient(application, base_url="http://testserver") as c:
        sign_in_staff(c, user)
        assert "Goddag" in c.get("/personale").text
    application.state.engine.dispose()


def test_signed_out_visitor_gets_the_sign_in_page_from_the_second_factor_step(client):
    response = client.get("/personale/to-trin", follow_redirects=False)
    assert response.headers["location"] == "/personale/log-ind"
    assert client.submit("/personale/to-trin", {"code": "123456"}).headers["location"] == "/personale/log-ind"


def test_sessions_passed_only_the_password_are_marked_so_in_the_database(client, db):
    user = make_staff(db)
    _password_only(client, user)
    rows = db.exec(select(WebSession).where(WebSession.staff_id == user.id)).all()
    assert [r.second_factor_passed for r in rows] == [False]


def test_admin_can_reset_a_members_second_factor_and_the_member_enrols_again(make_client, db):
    admin = make_staff(db, role="admin", username="anne", first_name="Anne")
    member = make_staff(db, username="mette")
    admin_client, member_client = make_client(), make_client()
    sign_in_staff(admin_client, admin)
    sign_in_staff(member_client, member)
    assert "Nulstil to-trins-login" in admin_client.get("/personale/medarbejdere").text
    assert admin_client.submit(f"/personale/medarbejdere/{member.id}/to-trin/nulstil").status_code == 303
    assert member_client.get("/personale", follow_redirects=False).headers["location"] == "/personale/log-ind"
    _password_only(member_client, member)
    assert "Sæt to-trins-login op" in member_client.get("/personale/to-trin").text
