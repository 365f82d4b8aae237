"""The waiting list through HTTP: joining a full session with and without a code, a held place on
Min side with "Tag pladsen" / "Nej tak", leaving a list, and the staff's view of it."""

import re
from datetime import timedelta

from sqlmodel import SQLModel, func, select

from app.booking import service, waitlist
from app.booking.models import CounsellingBooking, WaitlistEntry, WaitlistOffer
from tests.factories import make_case, make_staff, sign_in_citizen, sign_in_staff
from tests.factories.booking import ANON_FORM, fresh, make_booking, make_session


def _full(db, now, capacity=1):
    session = make_session(db, now=now, capacity=capacity)
    holders = []
    for _ in range(capacity):
        case, code = make_case(db, now=now)
        holders.append((case, code, make_booking(db, session, now=now, case=case).booking))
    return session, holders


def _code(html):
    return re.search(r'name="code" value="([A-Z0-9-]+)"', html).group(1)


def _counts(db):
    fresh(db)
    return {t.name: db.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


def test_a_full_session_offers_the_waiting_list_on_its_page_and_on_the_list(client, db, clock):
    session, _ = _full(db, clock.now())
    page = client.get(f"/raadgivning/{session.id}").text
    assert f'href="/raadgivning/{session.id}/venteliste"' in page and "Skriv mig på ventelisten" in page
    assert f'href="/raadgivning/{session.id}/venteliste"' in client.get("/raadgivning").text


def test_joining_without_a_code_hands_over_a_code_and_min_side_shows_the_place_in_line(client, db, clock):
    session, _ = _full(db, clock.now())
    response = client.submit(f"/raadgivning/{session.id}/venteliste", ANON_FORM)
    assert response.status_code == 200 and "Du står på ventelisten" in response.text
    assert _code(response.text)
    min_side = client.get("/min-side").text
    assert "Du er nr. 1 på ventelisten" in min_side and "Forlad ventelisten" in min_side


def test_a_join_with_errors_keeps_what_was_typed_and_stores_nothing(client, db, clock):
    session, _ = _full(db, clock.now())
    before = _counts(db)
    response = client.submit(f"/raadgivning/{session.id}/venteliste",
                             {"who": "self", "age": "30plus", "identity": "identified", "full_name": "Karen Hansen",
                              "phone": "123"})
    assert response.status_code == 422
    assert 'value="Karen Hansen"' in response.text and "Telefonnummeret skal have 8 cifre" in response.text
    assert "error-summary" in response.text or "Der er en fejl" in response.text
    assert _counts(db) == before


def test_an_under_18_is_pointed_to_youth_services_and_nothing_is_stored(client, db, clock):
    session, _ = _full(db, clock.now())
    before = _counts(db)
    response = client.submit(f"/raadgivning/{session.id}/venteliste", {**ANON_FORM, "age": "under18"})
    assert response.status_code == 200 and _counts(db) == before


def test_a_session_with_free_places_says_book_instead(client, db, clock):
    session = make_session(db, now=clock.now(), capacity=4)
    assert "du kan booke en plads med det samme" in client.get(f"/raadgivning/{session.id}/venteliste").text
    response = client.submit(f"/raadgivning/{session.id}/venteliste", ANON_FORM)
    assert response.status_code == 422 and "du kan booke en plads med det samme" in response.text


def test_a_signed_in_identified_citizen_chooses_sms_or_email_notice(client, db, clock):
    session, _ = _full(db, clock.now())
    case, code = make_case(db, now=clock.now(), anonymous=False, full_name="Karen Hansen", phone="20304050")
    sign_in_citizen(client, code)
    form = client.get(f"/raadgivning/{session.id}/venteliste").text
    assert "Skal vi give dig besked" in form and 'name="age"' not in form
    missing = client.submit(f"/raadgivning/{session.id}/venteliste", {"who": "self"})
    assert missing.status_code == 422 and "Vælg, om vi skal give dig besked" in missing.text
    response = client.submit(f"/raadgivning/{session.id}/venteliste", {"who": "self", "notice": "yes"})
    assert response.status_code == 303 and response.headers["location"] == "/min-side"
    fresh(db)
    entry = db.exec(select(WaitlistEntry).where(WaitlistEntry.case_id == case.id)).one()
    assert entry.notify
    again = client.submit(f"/raadgivning/{session.id}/venteliste", {"who": "self", "notice": "yes"})
    assert again.status_code == 422 and "Du står allerede på ventelisten" in again.text


def test_a_freed_place_is_taken_from_min_side(client, db, clock):
    session, [(holder, _c, booking)] = _full(db, clock.now())
    case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    assert client.submit(f"/raadgivning/{session.id}/venteliste", {"who": "self"}).status_code == 303
    service.cancel_booking(db, case_id=holder.id, booking_id=booking.id, now=clock.now())
    db.commit()
    min_side = client.get("/min-side").text
    assert "Der er en plads til dig" in min_side and "Tag pladsen" in min_side and "Nej tak" in min_side
    response = client.submit(f"/min-side/venteliste/{session.id}/tag")
    assert response.status_code == 303
    fresh(db)
    assert db.exec(select(CounsellingBooking).where(CounsellingBooking.case_id == case.id)).one().status == "booked"
    after = client.get("/min-side").text
    assert "Pladsen er din" in after and "Afmeld tiden" in after and "Tag pladsen" not in after


def test_nej_tak_passes_the_place_on_and_leaving_removes_the_list_from_min_side(make_client, db, clock):
    session, [(holder, _c, booking)] = _full(db, clock.now())
    people = []
    for i in range(2):
        case, code = make_case(db, now=clock.now() + timedelta(seconds=i))
        c = make_client()
        sign_in_citizen(c, code)
        assert c.submit(f"/raadgivning/{session.id}/venteliste", {"who": "self"}).status_code == 303
        clock.advance(minutes=1)
        people.append((case, c))
    service.cancel_booking(db, case_id=holder.id, booking_id=booking.id, now=clock.now())
    db.commit()
    (first, c1), (second, c2) = people
    assert "Du er nr. 1 på ventelisten" in c2.get("/min-side").text
    assert c1.submit(f"/min-side/venteliste/{session.id}/nej").status_code == 303
    assert "Der er en plads til dig" in c2.get("/min-side").text
    assert c2.submit(f"/min-side/venteliste/{session.id}/forlad").status_code == 303
    assert "Venteliste til Åben Rådgivning" not in c2.get("/min-side").text
    fresh(db)
    assert db.exec(select(func.count()).select_from(WaitlistOffer).where(WaitlistOffer.state == "offered")).one() == 0


def test_another_case_cannot_take_a_place_held_for_someone_else(make_client, db, clock):
    session, [(holder, _c, booking)] = _full(db, clock.now())
    waiting, code = make_case(db, now=clock.now())
    waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False, case=waiting)
    service.cancel_booking(db, case_id=holder.id, booking_id=booking.id, now=clock.now())
    db.commit()
    _other, other_code = make_case(db, now=clock.now())
    c = make_client()
    sign_in_citizen(c, other_code)
    assert c.submit(f"/min-side/venteliste/{session.id}/tag").status_code == 404
    fresh(db)
    assert db.exec(select(WaitlistOffer.state)).one() == "offered"


def test_min_side_posts_need_the_code(client, db, clock):
    session, _ = _full(db, clock.now())
    for action in ("tag", "nej", "forlad"):
        response = client.submit(f"/min-side/venteliste/{session.id}/{action}")
        assert response.status_code in (303, 401, 403) and response.headers.get("location", "") != "/min-side"


def test_staff_see_the_waiting_list_and_the_offers_out_with_their_expiry(client, db, clock):
    session, [(holder, _c, booking)] = _full(db, clock.now())
    first, _ = make_case(db, now=clock.now(), display_name="Kim")
    second, _ = make_case(db, now=clock.now())
    for i, case in enumerate((first, second)):
        waitlist.join_waitlist(db, session_id=session.id, now=clock.now() + timedelta(seconds=i), as_relative=False,
                               case=case)
    service.cancel_booking(db, case_id=holder.id, booking_id=booking.id, now=clock.now())
    db.commit()
    staff = make_staff(db, role="reception", now=clock.now())
    sign_in_staff(client, staff)
    page = client.get(f"/personale/raadgivning/tider/{session.id}").text
    assert "Venteliste" in page and first.pseudonym in page and second.pseudonym in page
    assert "Plads holdt til" in page and "kl. 12.00" in page  # 09.00 UTC + 2 h, shown in Copenhagen time
    assert "Gem antal pladser" not in page  # reception runs the list; leaders change places


def test_a_leader_adds_places_and_they_go_to_the_waiting_list(client, db, clock):
    session, _ = _full(db, clock.now())
    waiting, _ = make_case(db, now=clock.now())
    waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False, case=waiting)
    db.commit()
    leader = make_staff(db, role="leader", now=clock.now())
    sign_in_staff(client, leader)
    bad = client.submit(f"/personale/raadgivning/tider/{session.id}/pladser", {"capacity": "0"})
    assert bad.status_code == 422 and "mellem 1 og 100" in bad.text
    assert client.submit(f"/personale/raadgivning/tider/{session.id}/pladser",
                         {"capacity": "2"}).status_code == 303
    fresh(db)
    assert db.exec(select(WaitlistOffer.case_id)).one() == waiting.id
