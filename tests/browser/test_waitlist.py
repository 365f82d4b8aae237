"""The waiting list in a real browser on a phone, JavaScript on and off, zero axe violations:
join a full session's list without a code → a place frees → take it from Min side."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.booking import service
from app.booking.models import CounsellingBooking, WaitlistOffer
from app.core.clock import Clock
from tests.factories import make_case
from tests.factories.booking import make_booking, make_session

pytestmark = pytest.mark.browser


def test_join_the_list_a_place_frees_and_take_it_from_min_side(live_server, phone, axe):
    now = Clock().now()
    with live_server.db() as db:
        session = make_session(db, now=now, day=Clock().today() + timedelta(days=2), capacity=1)
        holder, _ = make_case(db, now=now)
        booking = make_booking(db, session, now=now, case=holder).booking
    phone.goto(live_server.url + "/raadgivning")
    expect(phone.get_by_text("Fuldt booket")).to_be_visible()
    axe(phone)
    phone.get_by_role("link", name="Skriv mig på ventelisten").click()
    expect(phone.locator("h1")).to_have_text("Skriv dig på ventelisten")
    axe(phone)
    # A missing answer: the error summary names it and what was typed stays.
    phone.get_by_label("Til mig selv").check()
    phone.get_by_label("Fornavn eller kaldenavn").fill("Kim")
    phone.get_by_role("button", name="Skriv mig på ventelisten").click()
    expect(phone.locator(".error-summary a[href='#age']")).to_be_visible()
    expect(phone.get_by_label("Fornavn eller kaldenavn")).to_have_value("Kim")
    axe(phone)
    phone.get_by_label("30 år eller ældre").check()
    phone.get_by_label("Ja, jeg vil være anonym").check()
    phone.get_by_role("button", name="Skriv mig på ventelisten").click()
    expect(phone.locator("h1")).to_have_text("Du står på ventelisten")
    code = phone.locator(".code-box").inner_text().split()[-1]
    axe(phone)
    phone.get_by_label("Skriv de sidste 4 tegn af koden").fill(code[-4:].lower())
    phone.get_by_role("button", name="Jeg har gemt koden").click()
    expect(phone.locator("h1")).to_have_text("Min side")
    expect(phone.get_by_text("Du er nr. 1 på ventelisten")).to_be_visible()
    axe(phone)

    with live_server.db() as db:  # the one with the place cancels it
        service.cancel_booking(db, case_id=holder.id, booking_id=booking.id, now=Clock().now())
        db.commit()
    phone.reload()
    expect(phone.get_by_role("heading", name="Der er en plads til dig")).to_be_visible()
    axe(phone)
    phone.get_by_role("button", name="Tag pladsen").click()
    expect(phone.locator("h1")).to_have_text("Min side")
    expect(phone.get_by_text("Pladsen er din")).to_be_visible()
    expect(phone.get_by_role("button", name="Afmeld tiden")).to_be_visible()
    expect(phone.get_by_role("button", name="Tag pladsen")).to_have_count(0)
    axe(phone)
    with live_server.db() as db:
        offer = db.exec(select(WaitlistOffer)).one()
        assert offer.state == "taken"
        assert db.get(CounsellingBooking, offer.booking_id).session_id == session.id


def test_say_no_thanks_and_leave_another_list(live_server, phone, axe):
    now = Clock().now()
    with live_server.db() as db:
        first = make_session(db, now=now, day=Clock().today() + timedelta(days=2), capacity=1)
        second = make_session(db, now=now, day=Clock().today() + timedelta(days=3), capacity=1)
        holder, _ = make_case(db, now=now)
        held = make_booking(db, first, now=now, case=holder).booking
        make_booking(db, second, now=now, case=holder)
        _case, code = make_case(db, now=now)
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    for s in (first, second):
        phone.goto(f"{live_server.url}/raadgivning/{s.id}/venteliste")
        phone.get_by_label("Til mig selv").check()
        phone.get_by_role("button", name="Skriv mig på ventelisten").click()
        expect(phone.get_by_text("Du står nu på ventelisten")).to_be_visible()
    with live_server.db() as db:
        service.cancel_booking(db, case_id=holder.id, booking_id=held.id, now=Clock().now())
        db.commit()
    phone.reload()
    axe(phone)
    phone.get_by_role("button", name="Nej tak").click()
    expect(phone.get_by_text("Tak for svaret")).to_be_visible()
    phone.get_by_role("button", name="Forlad ventelisten").click()
    expect(phone.get_by_text("Du står ikke længere på ventelisten.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Venteliste til Åben Rådgivning")).to_have_count(0)
    axe(phone)
