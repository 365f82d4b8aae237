"""Åben Rådgivning in a real browser on a phone, JavaScript on and off, zero axe violations."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.booking.models import CounsellingBooking, CounsellingSession
from app.core.clock import Clock
from tests.factories.booking import make_booking, make_session
from tests.factories import make_case

pytestmark = pytest.mark.browser


def _tomorrow(db, **kw):
    now = Clock().now()
    return make_session(db, now=now, day=Clock().today() + timedelta(days=1), **kw)


def test_book_anonymously_and_confirm_the_code(live_server, phone, axe):
    with live_server.db() as db:
        session = _tomorrow(db, capacity=8)
    phone.goto(live_server.url + "/raadgivning")
    expect(phone.locator("h1")).to_have_text("Åben Rådgivning")
    expect(phone.get_by_text("Ledige pladser: 8")).to_be_visible()
    axe(phone)
    phone.get_by_role("link", name="Book en plads").first.click()
    expect(phone.locator("h1")).to_have_text("Book en plads til Åben Rådgivning")
    axe(phone)
    # Forgetting the anonymity choice: the error summary links to it and what was typed stays.
    phone.get_by_label("Til mig selv").check()
    phone.get_by_label("30 år eller ældre").check()
    phone.get_by_label("Fornavn eller kaldenavn").fill("Kim")
    phone.get_by_role("button", name="Book pladsen").click()
    expect(phone.locator(".error-summary a[href='#identity']")).to_be_visible()
    expect(phone.get_by_label("Fornavn eller kaldenavn")).to_have_value("Kim")
    axe(phone)
    phone.get_by_label("Ja, jeg vil være anonym").check()
    phone.get_by_role("button", name="Book pladsen").click()
    expect(phone.locator("h1")).to_have_text("Din tid er booket")
    code = phone.locator(".code-box").inner_text().split()[-1]
    axe(phone)
    phone.get_by_label("Skriv de sidste 4 tegn af koden").fill(code[-4:].lower())
    phone.get_by_role("button", name="Jeg har gemt koden").click()
    expect(phone.locator("h1")).to_have_text("Min side")
    expect(phone.get_by_role("button", name="Afmeld tiden")).to_be_visible()
    axe(phone)
    with live_server.db() as db:
        assert db.get(CounsellingSession, session.id).booked == 1


def test_book_as_relative(live_server, phone, axe):
    with live_server.db() as db:
        _tomorrow(db)
        relatives = make_session(db, now=Clock().now(), day=Clock().today() + timedelta(days=2), relatives_only=True)
    phone.goto(live_server.url + "/raadgivning")
    phone.get_by_role("link", name="Som pårørende").click()
    expect(phone.get_by_text("Kun for pårørende").first).to_be_visible()
    axe(phone)
    phone.locator(f"a[href^='/raadgivning/{relatives.id}']").click()
    phone.get_by_label("18–29 år").check()
    phone.get_by_label("Nej, jeg giver mit navn").check()
    phone.get_by_role("textbox", name="Dit navn").fill("Ida Jensen")
    phone.get_by_label("Telefonnummer").fill("20 30 40 50")
    axe(phone)
    phone.get_by_role("button", name="Book pladsen").click()
    expect(phone.locator("h1")).to_have_text("Din tid er booket")
    expect(phone.locator(".facts")).to_contain_text("Dig som pårørende")
    expect(phone.locator(".facts")).not_to_contain_text("MOVE")  # MOVE is for the citizen's own course
    with live_server.db() as db:
        booking = db.exec(select(CounsellingBooking)).one()
        assert booking.as_relative and booking.session_id == relatives.id


def test_cancel_with_the_code_via_status(live_server, phone, axe):
    with live_server.db() as db:
        session = _tomorrow(db, capacity=1)
        case, code = make_case(db, now=Clock().now())
        make_booking(db, session, now=Clock().now(), case=case)
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display.lower().replace("-", " "))
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.locator("h1")).to_have_text("Min side")
    axe(phone)
    phone.get_by_role("button", name="Afmeld tiden").click()
    expect(phone.get_by_role("status")).to_contain_text("Din tid er afmeldt")
    expect(phone.locator(".booking-list")).to_contain_text("Afmeldt")
    axe(phone)
    with live_server.db() as db:
        assert db.get(CounsellingSession, session.id).booked == 0


def test_a_session_that_filled_up_offers_the_next_times_without_retyping(live_server, phone, axe):
    with live_server.db() as db:
        session = _tomorrow(db, capacity=1)
        later = make_session(db, now=Clock().now(), day=Clock().today() + timedelta(days=7))
    phone.goto(f"{live_server.url}/raadgivning/{session.id}")
    phone.get_by_label("Til mig selv").check()
    phone.get_by_label("30 år eller ældre").check()
    phone.get_by_label("Ja, jeg vil være anonym").check()
    phone.get_by_label("Fornavn eller kaldenavn").fill("Sofie")
    with live_server.db() as db:  # someone else takes the last place meanwhile
        make_booking(db, db.get(CounsellingSession, session.id), now=Clock().now())
    phone.get_by_role("button", name="Book pladsen").click()
    expect(phone.locator("#booking")).to_contain_text("Der er ikke flere ledige pladser")
    expect(phone.get_by_label("Fornavn eller kaldenavn")).to_have_value("Sofie")
    axe(phone)
    phone.locator(f"input[name='other_session'][value='{later.id}']").check()
    phone.get_by_role("button", name="Book pladsen").click()
    expect(phone.locator("h1")).to_have_text("Din tid er booket")
