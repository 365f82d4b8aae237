"""Right of access: /min-side/mine-data shows everything held about the signed-in case – never the code."""

from app.core.domain import Domain
from app.house import house
from app.main import create_app
from tests.conftest import PortalClient
from app.audit.service import record_access
from app.export import service as export
from tests.factories import make_case, make_staff, sign_in_citizen


def test_export_needs_a_signed_in_citizen(client):
    response = client.get("/min-side/mine-data", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/status"


def test_export_shows_the_case_fields_and_never_the_code(client, db, clock):
    case, code = make_case(db, now=clock.now(), anonymous=False, display_name="Kim", full_name="Kim Jensen",
                           phone="12345678", email="kim@example.org")
    sign_in_citizen(client, code)
    page = client.get("/min-side/mine-data")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for value in (case.pseudonym, "Kim Jensen", "12345678", "kim@example.org", "23.11.2026"):
        assert value in page.text
    assert code.display not in page.text and code.selector not in page.text and case.code_hash not in page.text


def test_export_includes_this_cases_access_log_only(client, db, clock):
    staff = make_staff(db)
    mine, code = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    record_access(db, staff=staff, case_id=mine.id, action="decision", now=clock.now())
    record_access(db, staff=staff, case_id=other.id, action="send_message", now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    page = client.get("/min-side/mine-data").text
    assert "Traf en afgørelse i din sag" in page and "Skrev en besked til dig" not in page


def test_a_section_a_domain_declares_is_in_the_export(settings, clock, db):
    def extra(db_, case, now):
        return export.ExportSection("Dine aftaler", records=[[("Hvornår", now), ("Hvor", f"Rum {case.id}")]])

    extended = house().with_domains(Domain("test", export_sections=(extra,)))
    application = create_app(settings, clock=clock, house=extended)
    with PortalClient(application, base_url="http://testserver") as client:
        case, code = make_case(db, now=clock.now())
        sign_in_citizen(client, code)
        page = client.get("/min-side/mine-data").text
    application.state.engine.dispose()
    assert "Dine aftaler" in page and f"Rum {case.id}" in page and "23.11.2026 kl. 10.00" in page


def test_min_side_links_to_the_export(client, db, clock):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    assert 'href="/min-side/mine-data"' in client.get("/min-side").text
