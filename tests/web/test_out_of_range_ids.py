"""An id typed into a URL beyond the database's integer range is simply not found – never a 500
(PostgreSQL refuses such a number outright)."""

import re

from tests.conftest import all_routes
from tests.factories import make_case, make_staff, sign_in_citizen, sign_in_staff

HUGE = "99999999999999"


def _get_routes(app, prefix):
    return [r.path for r in all_routes(app) if "GET" in r.methods and "{" in r.path and r.path.startswith(prefix)]


def test_staff_pages_with_huge_ids_are_not_found(app, client, db):
    sign_in_staff(client, make_staff(db, role="admin", username="anne"))
    paths = _get_routes(app, "/personale")
    assert paths
    for path in paths:
        response = client.get(re.sub(r"\{[^}]+\}", HUGE, path), follow_redirects=False)
        assert response.status_code in (404, 422), (path, response.status_code)


def test_citizen_pages_with_huge_ids_are_not_found(app, client, db, clock):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    paths = [p for p in _get_routes(app, "/") if not p.startswith(("/personale", "/sprog/"))]
    assert paths
    for path in paths:
        response = client.get(re.sub(r"\{[^}]+\}", HUGE, path), follow_redirects=False)
        assert response.status_code in (404, 422), (path, response.status_code)
