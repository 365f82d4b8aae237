"""/raadgivning and the booking on Min side, through HTTP."""

import re
from datetime import timedelta

from icalendar import Calendar
from sqlmodel import SQLModel, func, select

from app.booking import service
from app.booking.models import BookingNotice, CounsellingBooking, CounsellingSession
from app.cases.models import CitizenCase
from tests.factories.booking import fresh as _fresh, ANON_FORM, make_booking, make_session
from tests.factories import make_case, sign_in_citizen


def _code(html):
    return re.search(r'name="code" value="([A-Z0-9-]+)"', html).group(1)


def _row_counts(db):
    _fresh(db)
    return {t.name: db.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


def test_list_shows_upcoming_sessions_with_free_places_and_full_ones_as_full(client, db, clock):
    make_session(db, now=clock.now(), capacity=8, booked=3)
    make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=2), capacity=2, booked=2)
    make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=3), relatives_only=True)
    html = client.get("/raadgivning").text
    assert "tirsdag 24.11.2026 kl. 15.00–17.00" in html
    assert "Ledige pladser: 5" in html and "Fuldt booket" in html and "Kun for pårørende" in html
    own = client.get("/raadgivning?for=self").text
    assert "Kun for pårørende" not in own


def test_anonymous_booking_hands_over_the_code_and_shows_the_booking_on_min_side(client, db, clock):
    session = make_session(db, now=clock.now())
    response = client.submit(f"/raadgivning/{session.id}", ANON_FORM)
    assert response.status_code == 200
    assert "Din tid er booket" in response.text and "Vi viser koden kun denne ene gang" in response.text
    assert "tirsdag 24.11.2026 kl. 15.00–17.00" in response.text
    assert "MOVE" not in response.text  # 30 or older
    min_side = client.get("/min-side").text
    assert "Åben Rådgivning" in min_side and "Afmeld tiden" in min_side
    _fresh(db)
    case = db.exec(select(CitizenCase)).one()
    assert case.anonymous and case.display_name == "Kim" and case.full_name is None


def test_under_30_hears_about_move(client, db, clock):
    session = make_session(db, now=clock.now())
    response = client.submit(f"/raadgivning/{session.id}", {**ANON_FORM, "age": "18-29"})
    assert "MOVE" in response.text


def test_under_18_gets_the_youth_services_page_and_nothing_is_stored(client, db, clock, app):
    session = make_session(db, now=clock.now())
    before = _row_counts(db)
    response = client.submit(f"/raadgivning/{session.id}", {
        "who": "self", "age": "under18", "identity": "identified", "full_name": "Emil Ung", "phone": "20304050"})
    assert response.status_code == 200
    assert app.state.centre.youth_services_name in response.text
    assert app.state.centre.youth_services_url in response.text
    assert "Emil" not in response.text
    assert _row_counts(db) == before
    assert "rp_borger" not in response.cookies


def test_identified_booking_validates_contact_details_and_keeps_what_was_typed(client, db, clock):
    session = make_session(db, now=clock.now())
    form = {"who": "self", "age": "30plus", "identity": "identified", "full_name": "Ida Jensen",
            "phone": "12 34", "email": "ida@"}
    response = client.submit(f"/raadgivning/{session.id}", form)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text and 'href="#phone"' in response.text
    assert "8 cifre" in response.text and "E-mailadressen ser ikke rigtig ud" in response.text
    assert 'value="Ida Jensen"' in response.text and 'value="12 34"' in response.text
    response = client.submit(f"/raadgivning/{session.id}", {**form, "email": "", "phone": ""})
    assert "telefonnummer eller en e-mailadresse" in response.text
    response = client.submit(f"/raadgivning/{session.id}", {**form, "phone": "+45 20 30 40 50", "email": ""})
    assert response.status_code == 200
    _fresh(db)
    case = db.exec(select(CitizenCase)).one()
    assert (case.anonymous, case.full_name, case.phone) == (False, "Ida Jensen", "20304050")


def test_missing_choices_are_explained(client, db, clock):
    session = make_session(db, now=clock.now(), video=True)
    response = client.submit(f"/raadgivning/{session.id}", {})
    assert response.status_code == 422
    for field in ("who", "mode", "age", "identity"):
        assert f'href="#{field}"' in response.text


def test_full_session_offers_the_next_free_ones_and_keeps_the_form(client, db, clock):
    session = make_session(db, now=clock.now(), capacity=1)
    later = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=7))
    make_booking(db, session, now=clock.now())
    # A form opened before the last place went:
    response = client.submit(f"/raadgivning/{session.id}", {**ANON_FORM, "nickname": "Sofie"})
    assert response.status_code == 422
    assert "ikke flere ledige pladser" in response.text
    assert f'name="other_session" value="{later.id}"' in response.text and 'value="Sofie"' in response.text
    # Picking one of the offered times books it without typing anything again.
    response = client.submit(f"/raadgivning/{session.id}", {**ANON_FORM, "other_session": str(later.id)})
    assert response.status_code == 200 and "Din tid er booket" in response.text
    _fresh(db)
    assert db.get(CounsellingSession, later.id).booked == 1


def test_started_and_cancelled_sessions_are_explained_never_a_500(client, db, clock):
    started = make_session(db, now=clock.now(), day=clock.now().date(), hour=9)
    response = client.submit(f"/raadgivning/{started.id}", ANON_FORM)
    assert response.status_code == 422 and "allerede begyndt" in response.text
    cancelled = make_session(db, now=clock.now())
    service.cancel_session(db, session_id=cancelled.id, reason="Helligdag", now=clock.now())
    db.commit()
    response = client.submit(f"/raadgivning/{cancelled.id}", ANON_FORM)
    assert response.status_code == 422 and "aflyst" in response.text
    assert "Helligdag" in client.get(f"/raadgivning/{cancelled.id}").text
    assert client.get("/raadgivning/999999").status_code == 404
    assert client.submit("/raadgivning/999999", ANON_FORM).status_code == 404


def test_relatives_only_session_books_as_relative(client, db, clock):
    session = make_session(db, now=clock.now(), relatives_only=True)
    page = client.get(f"/raadgivning/{session.id}").text
    assert 'name="who" value="relative"' in page
    response = client.submit(f"/raadgivning/{session.id}", {**ANON_FORM, "who": "self"})
    assert response.status_code == 200 and "Dig som pårørende" in response.text
    _fresh(db)
    assert db.exec(select(CounsellingBooking)).one().as_relative


def test_signed_in_citizen_books_another_time_on_the_same_case_and_cannot_double_book(client, db, clock):
    first = make_session(db, now=clock.now())
    second = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=7))
    case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    page = client.get(f"/raadgivning/{second.id}").text
    assert "Du er logget ind med din kode" in page and 'name="age"' not in page
    response = client.submit(f"/raadgivning/{first.id}", {"who": "self"})
    assert response.status_code == 303 and response.headers["location"] == "/min-side"
    response = client.submit(f"/raadgivning/{second.id}", {"who": "self"})
    assert response.status_code == 303
    response = client.submit(f"/raadgivning/{first.id}", {"who": "self"})
    assert response.status_code == 422 and "allerede booket en plads" in response.text
    _fresh(db)
    assert {b.case_id for b in db.exec(select(CounsellingBooking))} == {case.id}
    assert db.exec(select(func.count()).select_from(CitizenCase)).one() == 1


def _booked_client(client, db, clock, **session_kw):
    session = make_session(db, now=clock.now(), **session_kw)
    case, code = make_case(db, now=clock.now())
    result = make_booking(db, session, now=clock.now(), case=case)
    sign_in_citizen(client, code)
    return session, result.booking


def test_cancel_with_the_code_frees_the_place_at_once(client, db, clock):
    session, booking = _booked_client(client, db, clock, capacity=1)
    response = client.submit(f"/min-side/raadgivning/{booking.id}/afmeld")
    assert response.status_code == 303
    _fresh(db)
    assert db.get(CounsellingSession, session.id).booked == 0
    assert db.get(CounsellingBooking, booking.id).status == "cancelled"
    assert "Afmeldt" in client.get("/min-side").text


def test_move_from_min_side(client, db, clock):
    session, booking = _booked_client(client, db, clock)
    later = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=7))
    page = client.get(f"/min-side/raadgivning/{booking.id}/flyt").text
    assert f'value="{later.id}"' in page and f'value="{session.id}"' not in page
    assert client.submit(f"/min-side/raadgivning/{booking.id}/flyt", {}).status_code == 422
    response = client.submit(f"/min-side/raadgivning/{booking.id}/flyt", {"session_id": str(later.id)})
    assert response.status_code == 303
    _fresh(db)
    assert (db.get(CounsellingSession, session.id).booked, db.get(CounsellingSession, later.id).booked) == (0, 1)
    assert "mandag 30.11.2026" in client.get("/min-side").text


def test_ics_uid_is_stable_across_a_move_and_sequence_grows(client, db, clock):
    session, booking = _booked_client(client, db, clock)
    later = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=7))
    response = client.get(f"/min-side/raadgivning/{booking.id}/kalender.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    before = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(before["DTSTART"].dt.tzinfo) == "Europe/Copenhagen" and before["DTSTART"].dt.hour == 15
    assert "BEGIN:VTIMEZONE" in response.text and "TZID:Europe/Copenhagen" in response.text
    client.submit(f"/min-side/raadgivning/{booking.id}/flyt", {"session_id": str(later.id)})
    _fresh(db)
    moved = db.exec(select(CounsellingBooking).where(CounsellingBooking.session_id == later.id)).one()
    after = Calendar.from_ical(client.get(f"/min-side/raadgivning/{moved.id}/kalender.ics").content).walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].dt.date() == later.day and str(after["STATUS"]) == "CONFIRMED"
    client.submit(f"/min-side/raadgivning/{moved.id}/afmeld")
    cancelled = Calendar.from_ical(client.get(f"/min-side/raadgivning/{moved.id}/kalender.ics").content).walk("VEVENT")[0]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) > int(after["SEQUENCE"])


def test_a_cancelled_booking_is_sent_as_method_cancel_with_the_same_uid(client, db, clock):
    """Calendars act on METHOD:CANCEL (RFC 5546); under METHOD:PUBLISH some keep the event."""
    session, booking = _booked_client(client, db, clock)
    booked = Calendar.from_ical(client.get(f"/min-side/raadgivning/{booking.id}/kalender.ics").content)
    assert str(booked["METHOD"]) == "PUBLISH"
    client.submit(f"/min-side/raadgivning/{booking.id}/afmeld")
    cancelled = Calendar.from_ical(client.get(f"/min-side/raadgivning/{booking.id}/kalender.ics").content)
    assert str(cancelled["METHOD"]) == "CANCEL"
    before, after = booked.walk("VEVENT")[0], cancelled.walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"]) and int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["STATUS"]) == "CANCELLED"


def test_another_cases_booking_gives_404_everywhere(client, db, clock):
    session = make_session(db, now=clock.now())
    other = make_booking(db, session, now=clock.now())
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    bid = other.booking.id
    assert client.get(f"/min-side/raadgivning/{bid}/kalender.ics").status_code == 404
    assert client.get(f"/min-side/raadgivning/{bid}/flyt").status_code == 404
    assert client.submit(f"/min-side/raadgivning/{bid}/afmeld").status_code == 404
    assert client.submit(f"/min-side/raadgivning/{bid}/flyt", {"session_id": str(session.id)}).status_code == 404
    _fresh(db)
    assert db.get(CounsellingBooking, bid).status == "booked"


def test_min_side_booking_pages_need_the_code(client):
    response = client.get("/min-side/raadgivning/1/kalender.ics", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/status"


def test_cancelled_session_shows_on_min_side_with_the_reason(client, db, clock):
    session, booking = _booked_client(client, db, clock)
    service.cancel_session(db, session_id=session.id, reason="Lukket 2. juledag", now=clock.now())
    db.commit()
    html = client.get("/min-side").text
    assert "Vi har aflyst Åben Rådgivning" in html and "Lukket 2. juledag" in html and "Aflyst af os" in html
    assert db.exec(select(func.count()).select_from(BookingNotice)).one() == 1


def test_api_lists_upcoming_sessions_without_personal_data(client, db, clock):
    session = make_session(db, now=clock.now(), capacity=3)
    make_booking(db, session, now=clock.now())
    full = make_session(db, now=clock.now(), day=clock.now().date() + timedelta(days=2), capacity=1, booked=1)
    data = client.get("/api/v1/raadgivning").json()
    assert [d["id"] for d in data] == [session.id, full.id]
    assert data[0]["free_places"] == 2 and not data[0]["full"] and data[1]["full"]
    assert data[0]["starts_at"].startswith("2026-11-24T14:00:00")
    assert set(data[0]) == {"id", "day", "starts_at", "ends_at", "place", "capacity", "free_places", "full",
                            "cancelled", "relatives_only", "video", "booking_url"}


def test_api_is_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/raadgivning" in doc["paths"]
    assert "SessionOut" in doc["components"]["schemas"]
    assert client.get("/docs").status_code == 404


def test_sessions_page_in_english(client, db, clock):
    make_session(db, now=clock.now(), capacity=8, booked=7)
    client.cookies.set("sprog", "en")
    html = client.get("/raadgivning").text
    assert "Tuesday 24/11/2026 at 15:00–17:00" in html and "Free places: 1" in html


def test_absurd_ids_are_not_found_never_a_500(client, db, clock):
    session = make_session(db, now=clock.now())
    huge = "9" * 30
    assert client.get(f"/raadgivning/{huge}").status_code in (404, 422)
    assert client.submit(f"/raadgivning/{session.id}", {**ANON_FORM, "other_session": huge}).status_code == 404


def test_one_address_cannot_book_up_a_session_and_gets_a_plain_danish_answer(make_client, db, clock):
    session = make_session(db, now=clock.now(), capacity=8)
    statuses = [make_client().submit(f"/raadgivning/{session.id}", ANON_FORM).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 422, 422]  # every browser here shares the test's one address
    refused = make_client().submit(f"/raadgivning/{session.id}", ANON_FORM)
    assert "fra den samme forbindelse" in refused.text and 'value="Kim"' in refused.text
    _fresh(db)
    assert db.get(CounsellingSession, session.id).booked == 3


def test_a_citizen_with_a_code_books_a_place_whatever_others_at_their_address_took(make_client, db, clock):
    session = make_session(db, now=clock.now(), capacity=8)
    for _ in range(4):  # the address's share (3) is used up by others
        make_client().submit(f"/raadgivning/{session.id}", ANON_FORM)
    case, code = make_case(db, now=clock.now())
    citizen = make_client()
    sign_in_citizen(citizen, code)
    response = citizen.submit(f"/raadgivning/{session.id}", {"who": "self", "age": "30plus"})
    assert response.status_code == 303
    _fresh(db)
    assert db.get(CounsellingSession, session.id).booked == 4


def test_bookings_without_a_code_open_at_most_a_few_cases_an_hour_per_connection(settings, db, clock):
    from app.core.config import Settings
    from app.main import create_app
    from tests.conftest import PortalClient
    cap = Settings().new_cases_per_connection_hour
    app = create_app(settings.with_(new_cases_per_connection_hour=cap), clock=clock)
    sessions = [make_session(db, now=clock.now(), capacity=8, hour=h) for h in (9, 11, 13, 15, 17, 19)]
    statuses = []
    for s in sessions:
        with PortalClient(app, base_url="http://testserver") as browser:
            statuses.append(browser.submit(f"/raadgivning/{s.id}", ANON_FORM).status_code)
            if statuses[-1] == 429:
                assert "Prøv igen om 60 minutter, eller ring til os" in browser.submit(
                    f"/raadgivning/{s.id}", ANON_FORM).text
    assert statuses == [200] * cap + [429]
    app.state.engine.dispose()
