"""Each role reaches only what it may: derived from the routes themselves, so new routes are covered."""

import re

import pytest

from app.staff.session import staff_session, staff_session_password_only
from app.staff.access import dependency_calls, allowed_roles
from tests.conftest import all_routes
from tests.factories import make_staff, sign_in_staff

ROLES = ["reception", "counsellor", "leader", "admin"]
# Sign-in and sign-out: the password's, and the municipality's identity provider's (app/staff/oidc.py;
# 404 unless configured, refused without the browser's own outstanding request).
PUBLIC_STAFF_PATHS = {"/personale/log-ind", "/personale/log-ud", "/personale/oidc/log-ind", "/personale/oidc/callback"}
# Routes every signed-in member of staff may reach whatever their role (own account pages).
OWN_ACCOUNT_PATHS = re.compile(r"^/personale(/to-trin.*|/min-konto.*|/sessioner.*)?$")
# The second-factor step: a session that has passed the password only (app/account/staff.py).
SECOND_FACTOR_PATHS = re.compile(r"^/personale/to-trin(/.*)?$")


def staff_routes(app) -> list:
    routes = [route for route in all_routes(app)
              if route.path.startswith("/personale") and route.path not in PUBLIC_STAFF_PATHS]
    assert len(routes) > 40, f"only {len(routes)} staff routes: the loops below would prove little"
    return routes


def test_every_staff_route_requires_a_staff_session(app):
    for route in staff_routes(app):
        calls = list(dependency_calls(route.dependant))
        if SECOND_FACTOR_PATHS.match(route.path):
            assert staff_session_password_only in calls and staff_session not in calls, route.path
        else:
            assert staff_session in calls, route.path


def test_every_staff_route_declares_its_roles(app):
    checked = 0
    for route in staff_routes(app):
        if OWN_ACCOUNT_PATHS.match(route.path):
            continue
        assert allowed_roles(route), f"{route.path} has no role check"
        checked += 1
    assert checked > 30


def _url(path):
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_routes(app, client, db, role):
    sign_in_staff(client, make_staff(db, role=role, username=f"user-{role}"))
    checked = 0
    for route in staff_routes(app):
        allowed = allowed_roles(route)
        if allowed is None:
            continue
        for method in route.methods & {"GET", "POST"}:
            response = (client.get(_url(route.path), follow_redirects=False) if method == "GET"
                        else client.submit(_url(route.path), {}))
            checked += 1
            assert response.status_code < 500, (role, method, route.path)
            if role in allowed:
                assert response.status_code != 403, (role, method, route.path)
            else:
                assert response.status_code == 403, (role, method, route.path)
    assert checked > 40


def test_signed_out_visitor_is_sent_to_sign_in_from_every_staff_route(app, client):
    for route in staff_routes(app):  # staff_routes is never empty
        for method in route.methods & {"GET", "POST"}:
            response = (client.get(_url(route.path), follow_redirects=False) if method == "GET"
                        else client.submit(_url(route.path), {}))
            assert response.status_code == 303 and response.headers["location"].startswith("/personale/"), route.path


def test_citizen_session_does_not_open_staff_pages(app, client, db, clock):
    from tests.factories import make_case, sign_in_citizen
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    assert client.get("/personale", follow_redirects=False).status_code == 303
