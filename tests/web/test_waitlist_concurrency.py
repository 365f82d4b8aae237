"""A place is never held for two people and never booked twice, under real concurrency: transactions
in threads at once against the same database (SQLite file with its one writer, or PostgreSQL when
TEST_DATABASE_URL is set), and HTTP against a live server (in a thread; on PostgreSQL also 2 uvicorn
worker processes).

Races: a citizen taking the place while the expiry job ends the offer; a double click on "Tag
pladsen"; several places freed at once; a cancellation while strangers storm the same full session."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from app.booking import service, waitlist
from app.booking.models import ACTIVE, CounsellingBooking, CounsellingSession, WaitlistOffer
from app.core.clock import Clock
from app.core.db import transaction
from tests.conftest import PG_URL, form_token
from tests.factories import make_case
from tests.factories.booking import fresh, make_booking, make_session
from tests.factories.servers import thread_server, worker_processes

ROUNDS = 8


def _at_once(*jobs):
    """Run each job in its own thread and transaction, released at the same moment."""
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        try:
            return job()
        except (service.BookingError, waitlist.WaitlistError) as err:
            return err

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _in_transaction(engine, fn):
    def job():
        with transaction(engine) as db:
            return fn(db)
    return job


def _invariant(db, session_id):
    """The counter is bookings + open offers, within capacity; nobody holds two places."""
    fresh(db)
    session = db.get(CounsellingSession, session_id)
    active = db.exec(select(CounsellingBooking.case_id).where(
        CounsellingBooking.session_id == session_id, CounsellingBooking.status.in_(ACTIVE))).all()
    held = db.exec(select(WaitlistOffer.case_id).where(
        WaitlistOffer.session_id == session_id, WaitlistOffer.state == "offered")).all()
    assert session.booked == len(active) + len(held) <= session.capacity
    assert len(set(active) | set(held)) == len(active) + len(held), "a case holds two places"
    return active, held


def _full_with_waiting(db, now, *, capacity=1, waiting=2):
    session = make_session(db, now=now, capacity=capacity)
    holders = []
    for _ in range(capacity):
        case, code = make_case(db, now=now)
        holders.append((case, code, make_booking(db, session, now=now, case=case).booking))
    people = []
    for i in range(waiting):
        case, code = make_case(db, now=now)
        waitlist.join_waitlist(db, session_id=session.id, now=now + timedelta(seconds=i), as_relative=False, case=case)
        db.commit()
        people.append((case, code))
    return session, holders, people


@pytest.mark.timeout(120)
def test_taking_a_place_while_the_expiry_job_ends_the_offer_gives_it_to_exactly_one(app, db, clock):
    engine = app.state.engine
    for _ in range(ROUNDS):
        now = clock.now()
        session, [(_h, _hc, holder)], [(first, _), (second, _)] = _full_with_waiting(db, now)
        service.cancel_booking(db, case_id=holder.case_id, booking_id=holder.id, now=now)
        db.commit()
        held_until = now + waitlist.DEFAULT_HOLD
        take, expire = _at_once(
            _in_transaction(engine, lambda d: waitlist.take_offer(d, case_id=first.id, session_id=session.id,
                                                                  now=held_until - timedelta(seconds=1))),
            _in_transaction(engine, lambda d: waitlist.expire_offers(d, now=held_until + timedelta(seconds=1))),
        )
        active, held = _invariant(db, session.id)
        if isinstance(take, waitlist.WaitlistError):  # the job came first: the next person has it
            assert take.reason == "no_offer" and active == [] and held == [second.id]
        else:  # the citizen came first: the job found nothing to end
            assert active == [first.id] and held == []
        clock.advance(minutes=1)


@pytest.mark.timeout(120)
def test_a_double_click_on_tag_pladsen_books_once(app, db, clock):
    engine = app.state.engine
    for _ in range(ROUNDS):
        now = clock.now()
        session, [(_h, _hc, holder)], [(first, _)] = _full_with_waiting(db, now, waiting=1)
        service.cancel_booking(db, case_id=holder.case_id, booking_id=holder.id, now=now)
        db.commit()
        results = _at_once(*[_in_transaction(engine, lambda d: waitlist.take_offer(
            d, case_id=first.id, session_id=session.id, now=now)) for _ in range(2)])
        assert sorted(type(r).__name__ for r in results) == ["CounsellingBooking", "WaitlistError"]
        assert _invariant(db, session.id) == ([first.id], [])
        clock.advance(minutes=1)


@pytest.mark.timeout(120)
def test_places_freed_at_once_go_to_different_people(app, db, clock):
    engine = app.state.engine
    now = clock.now()
    session, holders, people = _full_with_waiting(db, now, capacity=5, waiting=7)
    _at_once(*[_in_transaction(engine, lambda d, b=b: service.cancel_booking(
        d, case_id=b.case_id, booking_id=b.id, now=now)) for _c, _code, b in holders])
    active, held = _invariant(db, session.id)
    assert active == [] and sorted(held) == sorted(c.id for c, _ in people[:5])  # the first five, once each


@pytest.mark.timeout(120)
def test_a_cancellation_amid_a_storm_of_direct_bookings_still_goes_to_the_waiting_list(app, db, clock):
    engine = app.state.engine
    now = clock.now()
    session, [(_h, _hc, holder)], [(first, _), _second] = _full_with_waiting(db, now)
    strangers = [make_case(db, now=now)[0] for _ in range(8)]
    jobs = [_in_transaction(engine, lambda d: service.cancel_booking(d, case_id=holder.case_id,
                                                                     booking_id=holder.id, now=now))]
    jobs += [_in_transaction(engine, lambda d, c=c: service.book_session(
        d, session_id=session.id, now=now, as_relative=False, case=c)) for c in strangers]
    results = _at_once(*jobs)
    assert all(isinstance(r, service.BookingError) and r.reason == "full" for r in results[1:])
    assert _invariant(db, session.id) == ([], [first.id])


# --- Through HTTP --------------------------------------------------------------------------------

def _sign_in(base: str, code_display: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=60)
    page = c.get("/status")
    response = c.post("/status", data={"code": code_display, "csrf_token": form_token(page.text)})
    assert response.status_code == 303, response.text
    return c


def _http_race(base: str, db, session_id: int, people, holders, now):
    """A place freed earlier is held for the first person, who clicks "Tag pladsen" twice (two tabs)
    at the same moment as the last holder cancels on their Min side: one booking for the first
    person, the freed second place held for the second person, nothing twice."""
    (first, first_code), (second, _) = people
    (h1, _h1_code, b1), (h2, h2_code, b2) = holders
    with Session(db.get_bind()) as other:
        service.cancel_booking(other, case_id=h1.id, booking_id=b1.id, now=now)
        other.commit()
    clients = [_sign_in(base, first_code.display), _sign_in(base, first_code.display), _sign_in(base, h2_code.display)]
    token = {id(c): form_token(c.get("/min-side").text) for c in clients}
    urls = [f"/min-side/venteliste/{session_id}/tag"] * 2 + [f"/min-side/raadgivning/{b2.id}/afmeld"]
    start = threading.Barrier(len(clients))

    def click(pair):
        c, url = pair
        start.wait()
        return c.post(url, data={"csrf_token": token[id(c)]})

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        responses = list(pool.map(click, zip(clients, urls)))
    for c in clients:
        c.close()
    assert [r.status_code for r in responses] == [303, 303, 303]
    active, held = _invariant(db, session_id)
    assert active == [first.id] and held == [second.id]


@pytest.mark.timeout(120)
def test_two_clicks_on_tag_pladsen_against_a_live_server_book_once(app, db, clock):
    now = clock.now()
    session, holders, people = _full_with_waiting(db, now, capacity=2)
    with thread_server(app) as base:
        _http_race(base, db, session.id, people, holders, now)


@pytest.mark.postgres_only
@pytest.mark.timeout(240)
def _two_worker_processes_on_postgresql(database_url, db):
    now = Clock().now()  # the workers use the real clock
    session, holders, people = _full_with_waiting(db, now, capacity=2)
    with worker_processes(database_url) as base:
        _http_race(base, db, session.id, people, holders, now)


if PG_URL:
    test_two_clicks_on_tag_pladsen_with_two_worker_processes_on_postgresql = _two_worker_processes_on_postgresql

