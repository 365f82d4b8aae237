"""Staff side of Åben Rådgivning: schedule, lists, attendance, walk-ins, cancelling a session."""

from datetime import timedelta

from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.booking.models import CounsellingBooking, CounsellingSchedule, CounsellingSession
from app.cases.service import ContactDetails
from app.booking import service
from tests.factories.booking import fresh as _fresh, make_booking, make_session
from tests.factories import make_staff, sign_in_staff


def test_leader_adds_a_weekly_time_and_sessions_are_laid_out(client, db, clock):
    sign_in_staff(client, make_staff(db, role="leader"))
    bad = client.submit("/personale/raadgivning/skabeloner", {"weekday": "1", "start": "25.00", "place": "X",
                                                             "capacity": "8", "duration_minutes": "120"})
    assert bad.status_code == 422 and 'href="#start"' in bad.text and 'value="X"' in bad.text
    response = client.submit("/personale/raadgivning/skabeloner", {
        "weekday": "1", "start": "15.00", "duration_minutes": "120", "place": "Sundhedscentret", "capacity": "8"})
    assert response.status_code == 303
    _fresh(db)
    assert len(db.exec(select(CounsellingSession)).all()) == 8
    html = client.get("/personale/raadgivning").text
    assert "tirsdag 24.11.2026 15.00–17.00" in html and "0 / 8" in html


def test_deactivating_a_template_keeps_its_history_and_stops_new_sessions(client, db, clock):
    sign_in_staff(client, make_staff(db, role="admin"))
    client.submit("/personale/raadgivning/skabeloner", {
        "weekday": "1", "start": "15.00", "duration_minutes": "120", "place": "Sundhedscentret", "capacity": "8"})
    _fresh(db)
    tpl = db.exec(select(CounsellingSchedule)).one()
    assert 'value="15.00"' in client.get(f"/personale/raadgivning/skabeloner/{tpl.id}").text
    client.submit(f"/personale/raadgivning/skabeloner/{tpl.id}", {
        "weekday": "1", "start": "15.00", "duration_minutes": "120", "place": "Sundhedscentret", "capacity": "8"})
    clock.advance(weeks=2)
    assert client.submit("/personale/raadgivning/generer").status_code == 303
    _fresh(db)
    assert not db.get(CounsellingSchedule, tpl.id).active
    assert len(db.exec(select(CounsellingSession)).all()) == 8


def test_reception_cannot_change_the_schedule(client, db):
    sign_in_staff(client, make_staff(db, role="reception"))
    assert client.get("/personale/raadgivning").status_code == 200
    assert client.get("/personale/raadgivning/skabeloner/ny").status_code == 403
    assert client.submit("/personale/raadgivning/generer").status_code == 403


def test_session_list_shows_pseudonym_or_name_and_logs_the_access(client, db, clock):
    session = make_session(db, now=clock.now())
    anon = make_booking(db, session, now=clock.now())
    named = service.book_session(db, session_id=session.id, now=clock.now(), as_relative=True, anonymous=False,
                                 contact=ContactDetails(full_name="Ida Jensen", email="ida@example.dk"))
    db.commit()
    user = make_staff(db, role="reception")
    sign_in_staff(client, user)
    html = client.get(f"/personale/raadgivning/tider/{session.id}").text
    assert anon.case.pseudonym in html and "Ida Jensen" in html and named.case.pseudonym in html
    assert anon.code.display not in html
    _fresh(db)
    logged = {e.case_id for e in db.exec(select(AccessLogEntry).where(AccessLogEntry.staff_id == user.id))}
    assert logged == {anon.case.id, named.case.id}


def test_marking_attendance_and_cancelled_in_time(client, db, clock):
    session = make_session(db, now=clock.now(), capacity=2)
    a = make_booking(db, session, now=clock.now())
    b = make_booking(db, session, now=clock.now())
    sign_in_staff(client, make_staff(db, role="reception"))
    url = f"/personale/raadgivning/tider/{session.id}/fremmoede"
    assert client.submit(url, {"booking_id": str(a.booking.id), "status": "attended"}).status_code == 303
    assert client.submit(url, {"booking_id": str(b.booking.id), "status": "cancelled_in_time"}).status_code == 303
    assert client.submit(url, {"booking_id": str(b.booking.id), "status": "bogus"}).status_code == 303
    _fresh(db)
    assert db.get(CounsellingBooking, a.booking.id).status == "attended"
    assert db.get(CounsellingBooking, b.booking.id).status == "cancelled_in_time"
    assert db.get(CounsellingSession, session.id).booked == 1
    html = client.get(f"/personale/raadgivning/tider/{session.id}", headers={"HX-Request": "true"}).text
    assert html.lstrip().startswith('<div id="booking_list">')


def test_attendance_for_a_booking_of_another_session_is_404(client, db, clock):
    one = make_session(db, now=clock.now())
    other = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=2))
    a = make_booking(db, one, now=clock.now())
    sign_in_staff(client, make_staff(db, role="reception"))
    response = client.submit(f"/personale/raadgivning/tider/{other.id}/fremmoede",
                             {"booking_id": str(a.booking.id), "status": "attended"})
    assert response.status_code == 404


def test_walk_in_is_written_on_as_attended_without_a_code(client, db, clock):
    session = make_session(db, now=clock.now(), day=clock.now().date(), hour=9)  # already started
    sign_in_staff(client, make_staff(db, role="reception"))
    response = client.submit(f"/personale/raadgivning/tider/{session.id}/walk-in", {"nickname": "Bo", "who": "self"})
    assert response.status_code == 303
    html = client.get(response.headers["location"]).text
    assert "kalder sig Bo" in html and "uden booking" in html
    _fresh(db)
    booking = db.exec(select(CounsellingBooking)).one()
    assert booking.walk_in and booking.status == "attended"


def test_walk_in_on_a_full_session_is_explained(client, db, clock):
    session = make_session(db, now=clock.now(), capacity=1, booked=1)
    sign_in_staff(client, make_staff(db, role="reception"))
    response = client.submit(f"/personale/raadgivning/tider/{session.id}/walk-in", {"nickname": "Bo"})
    assert response.status_code == 422 and "ikke flere ledige pladser" in response.text
    assert 'value="Bo"' in response.text


def test_leader_cancels_a_session_with_a_reason(client, db, clock):
    session = make_session(db, now=clock.now())
    a = make_booking(db, session, now=clock.now())
    sign_in_staff(client, make_staff(db, role="leader"))
    url = f"/personale/raadgivning/tider/{session.id}/aflys"
    response = client.submit(url, {"reason": " "})
    assert response.status_code == 422 and 'href="#reason"' in response.text
    assert client.submit(url, {"reason": "Helligdag"}).status_code == 303
    _fresh(db)
    assert db.get(CounsellingSession, session.id).status == "cancelled"
    assert db.get(CounsellingBooking, a.booking.id).status == "session_cancelled"
    assert client.submit(url, {"reason": "Helligdag"}).status_code == 303  # twice: explained, not a 500


def test_reception_may_not_cancel_a_session(client, db, clock):
    session = make_session(db, now=clock.now())
    sign_in_staff(client, make_staff(db, role="reception"))
    assert client.submit(f"/personale/raadgivning/tider/{session.id}/aflys", {"reason": "x"}).status_code == 403


def test_todays_sessions_are_listed_first(client, db, clock):
    make_session(db, now=clock.now(), day=clock.now().date(), hour=15)
    sign_in_staff(client, make_staff(db, role="counsellor"))
    html = client.get("/personale/raadgivning").text
    today = html.index("I dag")
    assert html.index("mandag 23.11.2026 15.00–17.00") > today
    assert "Ingen Åben Rådgivning i dag" not in html


def test_staff_case_page_panel_lists_the_cases_bookings(app, db, clock):
    from app.cases.panels import build_staff_panels
    from app.house import house
    session = make_session(db, now=clock.now())
    result = make_booking(db, session, now=clock.now())
    panel = next(p for p in build_staff_panels(db, result.case, clock.now(), house().staff_case_panels)
                 if p.template == "staff/booking/case_panel.html")
    html = app.state.templates["da"].get_template(panel.template).render(p=panel.context)
    assert f"/personale/raadgivning/tider/{session.id}" in html and "Booket" in html


def test_staff_remove_a_flood_of_bookings_in_one_action_logged_and_the_places_freed(client, make_client, db, clock):
    from tests.factories.booking import ANON_FORM
    session = make_session(db, now=clock.now(), capacity=8)
    for _ in range(3):
        assert make_client().submit(f"/raadgivning/{session.id}", ANON_FORM).status_code == 200
    user = make_staff(db, role="reception")
    sign_in_staff(client, user)
    page = client.get(f"/personale/raadgivning/tider/{session.id}").text
    assert "Fjern de 3 bookinger fra forbindelse 1" in page
    tag = db.exec(select(CounsellingBooking.source_tag)).first()
    response = client.submit(f"/personale/raadgivning/tider/{session.id}/forbindelse", {"source": tag})
    assert response.status_code == 303
    _fresh(db)
    assert db.get(CounsellingSession, session.id).booked == 0
    removed = db.exec(select(AccessLogEntry).where(AccessLogEntry.staff_id == user.id,
                                                   AccessLogEntry.action == "remove_junk_booking")).all()
    assert len(removed) == 3
    assert "Fjernet af personalet" in client.get(f"/personale/raadgivning/tider/{session.id}").text
