"""Min side asks the database little: one statement of probes tells every panel whether it has anything
to show (app.cases.panels), and a probe never hides a panel that has something to show."""

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from app.audit.service import record_access
from app.house import house
from app.cases.models import CitizenCase
from app.demo import load_demo
from app.messages import service as messages
from app.requests.service import add_request
from tests.factories import app_engines, make_case, make_staff, sign_in_citizen


@pytest.fixture
def statements(app) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    for engine in app_engines(app):
        event.listen(engine, "before_cursor_execute", count)
    yield seen
    for engine in app_engines(app):
        event.remove(engine, "before_cursor_execute", count)


def test_min_side_for_a_new_request_runs_a_handful_of_statements(client, db, clock, statements):
    case, code = make_case(db, now=clock.now())
    add_request(db, case=case, area="alcohol", now=clock.now())
    db.commit()
    sign_in_citizen(client, code)
    statements.clear()
    html = client.get("/min-side").text
    assert "Din henvendelse om behandling" in html and "Beskeder" in html and "Åben Rådgivning" in html
    assert "Hvem har set mine oplysninger" in html
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # the session, the case with its probes, the request; 16 whatever the case held before probes
    assert len(selects) == 3, selects


def _shown(panel, db, case, now, found):
    """What a panel shows, comparably: its template and its context without functions; a context
    that is just the probe values (the messages panel) is compared as the template only."""
    p = panel.fn(db, case, now, found)
    if p is None:
        return None
    context = {} if p.context is found else {k: v for k, v in p.context.items() if not callable(v)}
    return p.template, context


def test_every_probe_is_at_least_as_wide_as_its_panel(settings, db, clock):
    """Each panel called as if every probe had found something shows the same as with the probes'
    real values, for every case in the demo centre (requests, bookings, plans, decisions, complaints,
    messages, notices, log entries, appointments that start a treatment)."""
    list(load_demo(settings, clock))
    now = clock.now()
    cases = db.exec(select(CitizenCase)).all()
    assert len(cases) >= 3
    shown_somewhere = set()
    for case in cases:
        _case, found = house().min_side.case_with_probes(db, case.id)
        for panel, values in zip(house().min_side.panels, found):
            real = _shown(panel, db, case, now, values)
            assert real == _shown(panel, db, case, now, {name: 1 for name in panel.probes}), (case.id, values)
            if real is not None:
                shown_somewhere.add(real[0])
    assert {"public/plans/_panel.html", "public/requests/panel_requests.html"} <= shown_somewhere


def test_message_counts_come_from_the_probes(client, db, clock):
    case, code = make_case(db, now=clock.now())
    staff = make_staff(db)
    messages.send_citizen_message(db, case_id=case.id, body="Kan I ringe til mig?", now=clock.now())
    messages.send_staff_message(db, case_id=case.id, staff=staff, body="Hej, vi har fået din henvendelse.",
                                now=clock.now())
    messages.send_staff_message(db, case_id=case.id, staff=staff, body="Vi ringer i morgen.", now=clock.now())
    db.commit()
    _case, found = house().min_side.case_with_probes(db, case.id)
    by_name = {k: v for values in found for k, v in values.items()}
    assert by_name["unread"] == 2 and by_name["count"] == 3
    sign_in_citizen(client, code)
    assert "Nye beskeder fra os: 2" in client.get("/min-side").text


def test_access_log_panel_links_to_the_whole_list_only_beyond_twenty_lines(client, db, clock):
    mette = make_staff(db, role="counsellor", first_name="Mette")
    case, code = make_case(db, now=clock.now())
    for minute in range(20):
        record_access(db, staff=mette, case_id=case.id, action="view_case", now=clock.now() + timedelta(minutes=minute))
    db.commit()
    sign_in_citizen(client, code)
    assert "Se hele listen" not in client.get("/min-side").text
    record_access(db, staff=mette, case_id=case.id, action="view_case", now=clock.now() + timedelta(hours=1))
    db.commit()
    assert "Se hele listen" in client.get("/min-side").text
