"""Min side "Hvem har set mine oplysninger": own case only; role, time and what; a first name only if set."""

from datetime import timedelta

from app.audit.service import record_access
from app.core.config import Settings
from app.main import create_app
from tests.conftest import PortalClient
from tests.factories import make_case, make_staff, sign_in_citizen


def _arrange(db, clock):
    mette = make_staff(db, role="counsellor", first_name="Mette")
    rikke = make_staff(db, role="reception", first_name="Rikke")
    mine, code = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    record_access(db, staff=mette, case_id=mine.id, action="view_case", now=clock.now())
    record_access(db, staff=mette, case_id=mine.id, action="edit_plan", now=clock.now() + timedelta(hours=1))
    record_access(db, staff=rikke, case_id=other.id, action="send_message", now=clock.now())
    db.commit()
    return code


def _panel(html):
    start = html.index('id="adgangslog"')
    return html[start:html.index("</section>", start)]


def test_citizen_sees_only_their_own_cases_log_entries(client, db, clock):
    code = _arrange(db, clock)
    sign_in_citizen(client, code)
    panel = _panel(client.get("/min-side").text)
    assert "Hvem har set mine oplysninger" in panel
    assert "Så din sag" in panel and "Ændrede din behandlingsplan" in panel
    assert "Skrev en besked til dig" not in panel and "Rikke" not in panel and "Reception" not in panel
    assert panel.index("Ændrede din behandlingsplan") < panel.index("Så din sag")  # newest first


def test_log_shows_date_time_role_and_first_name_when_the_centre_allows_it(client, db, clock):
    code = _arrange(db, clock)
    sign_in_citizen(client, code)
    panel = _panel(client.get("/min-side").text)
    assert "23.11.2026 kl. 10.00" in panel and "Behandler (Mette)" in panel
    assert "Testesen" not in panel  # never the full name


def test_log_hides_the_first_name_when_the_setting_is_off(database_url, clock, db):
    code = _arrange(db, clock)
    application = create_app(Settings(environment="test", secret_key="t", database_url=database_url,
                                      show_staff_first_name_in_log=False), clock=clock)
    with PortalClient(application, base_url="http://testserver") as c:
        sign_in_citizen(c, code)
        panel = _panel(c.get("/min-side").text)
    application.state.engine.dispose()
    assert "Behandler" in panel and "Mette" not in panel


def test_unvisited_case_says_nobody_has_looked_yet(client, db, clock):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    assert "Ingen medarbejdere har set din sag endnu" in client.get("/min-side").text
