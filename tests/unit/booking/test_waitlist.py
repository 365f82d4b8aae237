"""The waiting list's rules, without HTTP: who is offered a freed place, for how long, and that a place
is never held for two people nor booked twice."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from app.booking import service, waitlist
from app.booking.models import (
    ACTIVE, CounsellingBooking, CounsellingSession, OfferState, WaitlistEntry, WaitlistOffer, WaitStatus,
)
from app.cases.service import ContactDetails
from app.notify.models import OutboxMessage
from app.notify.wording import is_neutral
from tests.factories import make_case
from tests.factories.booking import make_booking, make_session

HOLD = timedelta(hours=2)


def _full(db, now, capacity=2, **kw):
    """A session whose places are all booked, and the cases holding them."""
    session = make_session(db, now=now, capacity=capacity, **kw)
    holders = [make_case(db, now=now)[0] for _ in range(capacity)]
    bookings = [make_booking(db, session, now=now, case=c).booking for c in holders]
    return session, bookings


def _waiting(db, session, now, n=1, **kw):
    cases = []
    for _ in range(n):
        case, _code = make_case(db, now=now, **kw)
        waitlist.join_waitlist(db, session_id=session.id, now=now, as_relative=False, case=case,
                               notify_me=True)
        db.commit()
        cases.append(case)
        now = now + timedelta(seconds=1)  # the queue is by time joined
    return cases


def _one_freed(db, now, *, waiting):
    """A full session with people waiting, and the first booking just cancelled (committed)."""
    session, bookings = _full(db, now)
    cases = _waiting(db, session, now, n=waiting)
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=now)
    db.commit()
    return session, bookings, cases


def _counter_is_bookings_plus_offers(db, session_id):
    db.expire_all()
    session = db.get(CounsellingSession, session_id)
    active = db.exec(select(func.count()).select_from(CounsellingBooking).where(
        CounsellingBooking.session_id == session_id, CounsellingBooking.status.in_(ACTIVE))).one()
    held = waitlist.held_places(db, session_id)
    assert session.booked == active + held <= session.capacity
    return active, held


def _offers(db, session_id, state=OfferState.offered.value):
    db.expire_all()
    return db.exec(select(WaitlistOffer).where(WaitlistOffer.session_id == session_id,
                                               WaitlistOffer.state == state)).all()


def test_a_case_joins_a_full_sessions_list_once(db, clock):
    session, _ = _full(db, clock.now())
    case, _ = make_case(db, now=clock.now())
    waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False, case=case)
    db.commit()
    with pytest.raises(waitlist.WaitlistError) as err:
        waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False, case=case)
    assert err.value.reason == "on_list"
    db.rollback()
    db.add(WaitlistEntry(session_id=session.id, case_id=case.id, joined_at=clock.now(), changed_at=clock.now()))
    with pytest.raises(IntegrityError):  # the database holds the rule too
        db.flush()


def test_joining_a_session_with_free_places_is_refused_book_instead(db, clock):
    session = make_session(db, now=clock.now(), capacity=3)
    case, _ = make_case(db, now=clock.now())
    with pytest.raises(waitlist.WaitlistError) as err:
        waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False, case=case)
    assert err.value.reason == "not_full"


def test_joining_without_a_code_opens_a_case_and_gives_one(db, clock):
    session, _ = _full(db, clock.now())
    result = waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False,
                                    anonymous=True, contact=ContactDetails(display_name="Kim"))
    assert result.code is not None and result.case.anonymous and not result.entry.notify


def test_a_citizen_can_be_on_several_lists(db, clock):
    first, _ = _full(db, clock.now())
    second, _ = _full(db, clock.now(), day=clock.now().date() + timedelta(days=2))
    case, _ = make_case(db, now=clock.now())
    for s in (first, second):
        waitlist.join_waitlist(db, session_id=s.id, now=clock.now(), as_relative=False, case=case)
    db.commit()
    places = waitlist.places_of_case(db, case.id, now=clock.now())
    assert [p.session.id for p in places] == [first.id, second.id] and [p.position for p in places] == [1, 1]


def test_a_freed_place_is_offered_to_the_first_person_waiting_and_nobody_else_can_book_it(db, clock):
    session, bookings = _full(db, clock.now())
    first, second = _waiting(db, session, clock.now(), n=2)
    clock.advance(minutes=5)
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=clock.now())
    db.commit()
    [offer] = _offers(db, session.id)
    assert offer.case_id == first.id
    assert _counter_is_bookings_plus_offers(db, session.id) == (1, 1)
    stranger, _ = make_case(db, now=clock.now())
    with pytest.raises(service.BookingError) as err:
        service.book_session(db, session_id=session.id, now=clock.now(), as_relative=False, case=stranger)
    assert err.value.reason == "full"


def test_the_offer_is_held_for_the_setting_and_never_past_the_start_minus_one_hour(db, clock):
    session, bookings = _full(db, clock.now())
    _waiting(db, session, clock.now(), n=2)
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=clock.now())
    assert _offers(db, session.id)[0].held_until == clock.now() + HOLD  # the default: 2 hours
    # 1 h 30 min before the start: held only until 1 hour before.
    late = session.starts_at - timedelta(minutes=90)
    service.cancel_booking(db, case_id=bookings[1].case_id, booking_id=bookings[1].id, now=late)
    latest = max(_offers(db, session.id), key=lambda o: o.id)
    assert latest.held_until == session.starts_at - timedelta(hours=1)


def test_no_offer_when_less_than_the_minimum_is_left_before_start_minus_one_hour(db, clock):
    session, bookings = _full(db, clock.now())
    _waiting(db, session, clock.now())
    late = session.starts_at - timedelta(minutes=70)
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=late)
    db.commit()
    assert _offers(db, session.id) == []
    assert _counter_is_bookings_plus_offers(db, session.id) == (1, 0)  # free for anyone now


def test_the_hold_time_is_the_centres_setting(db, clock):
    session, bookings = _full(db, clock.now())
    _waiting(db, session, clock.now())
    service._release_place(db, session.id)
    [offer] = waitlist.offer_free_places(db, session.id, now=clock.now(), hold=timedelta(minutes=30))
    assert offer.held_until == clock.now() + timedelta(minutes=30)


def test_taking_the_offer_books_the_held_place_without_taking_a_second(db, clock):
    session, bookings, [first] = _one_freed(db, clock.now(), waiting=1)
    clock.advance(minutes=30)
    booking = waitlist.take_offer(db, case_id=first.id, session_id=session.id, now=clock.now())
    db.commit()
    assert booking.status == "booked" and booking.case_id == first.id
    assert _counter_is_bookings_plus_offers(db, session.id) == (2, 0)
    [taken] = _offers(db, session.id, OfferState.taken.value)
    assert taken.booking_id == booking.id
    with pytest.raises(waitlist.WaitlistError) as err:  # a second click
        waitlist.take_offer(db, case_id=first.id, session_id=session.id, now=clock.now())
    assert err.value.reason == "no_offer"


def test_declining_passes_the_place_to_the_next_person(db, clock):
    session, bookings, (first, second) = _one_freed(db, clock.now(), waiting=2)
    waitlist.decline_offer(db, case_id=first.id, session_id=session.id, now=clock.now())
    db.commit()
    [offer] = _offers(db, session.id)
    assert offer.case_id == second.id
    assert db.exec(select(WaitlistEntry.status).where(WaitlistEntry.case_id == first.id)).one() == "declined"
    assert _counter_is_bookings_plus_offers(db, session.id) == (1, 1)


def test_an_offer_not_taken_in_time_expires_once_and_goes_to_the_next(db, clock):
    session, bookings, (first, second) = _one_freed(db, clock.now(), waiting=2)
    clock.advance(minutes=119)
    waitlist.expire_offers(db, now=clock.now())
    assert [o.case_id for o in _offers(db, session.id)] == [first.id]  # not yet
    clock.advance(minutes=1)
    with pytest.raises(waitlist.WaitlistError) as err:
        waitlist.take_offer(db, case_id=first.id, session_id=session.id, now=clock.now())
    assert err.value.reason == "too_late"
    waitlist.expire_offers(db, now=clock.now())
    waitlist.expire_offers(db, now=clock.now())  # a second runner, or the next tick: nothing more
    db.commit()
    assert len(_offers(db, session.id, OfferState.expired.value)) == 1
    [offer] = _offers(db, session.id)
    assert offer.case_id == second.id and offer.held_until == clock.now() + HOLD
    assert _counter_is_bookings_plus_offers(db, session.id) == (1, 1)
    # The first person can join again, at the back of the list.
    assert [p.session.id for p in waitlist.places_of_case(db, first.id, now=clock.now())] == []
    waitlist.join_waitlist(db, session_id=session.id, now=clock.now(), as_relative=False,
                           case=db.get(type(first), first.id))


def test_the_expiry_job_runs_in_the_jobs_runner(app, db, clock):
    session, bookings, (first, second) = _one_freed(db, clock.now(), waiting=2)
    from app.notify.config import current
    from app.notify.runner import run_jobs
    clock.advance(hours=3)
    run_jobs(app.state.engine, config=current(), now=clock.now(), house=app.state.house)
    run_jobs(app.state.engine, config=current(), now=clock.now(), house=app.state.house)
    assert len(_offers(db, session.id, OfferState.expired.value)) == 1
    assert [o.case_id for o in _offers(db, session.id)] == [second.id]


def test_staff_removal_attendance_and_a_move_offer_the_freed_place(db, clock):
    now = clock.now()
    session, bookings = _full(db, now, capacity=3)
    cases = _waiting(db, session, now, n=3)
    service.mark_attendance(db, session_id=session.id, booking_id=bookings[0].id, status="cancelled_in_time", now=now)
    other = make_session(db, now=now, day=now.date() + timedelta(days=3))
    service.move_booking(db, case_id=bookings[1].case_id, booking_id=bookings[1].id, to_session_id=other.id, now=now)
    db.commit()
    assert sorted(o.case_id for o in _offers(db, session.id)) == sorted(c.id for c in cases[:2])
    _counter_is_bookings_plus_offers(db, session.id)


def test_staff_removing_a_flood_offers_the_places(db, clock):
    now = clock.now()
    session = make_session(db, now=now, capacity=2)
    for _ in range(2):
        service.book_session(db, session_id=session.id, now=now, as_relative=False, source="flood")
    db.commit()
    cases = _waiting(db, session, now, n=2)
    service.remove_bookings_from_source(db, session_id=session.id, tag="flood", now=now)
    db.commit()
    assert sorted(o.case_id for o in _offers(db, session.id)) == sorted(c.id for c in cases)
    assert _counter_is_bookings_plus_offers(db, session.id) == (0, 2)


def test_more_places_go_to_the_waiting_list_first_and_never_below_what_is_taken(db, clock):
    session, _ = _full(db, clock.now())
    cases = _waiting(db, session, clock.now(), n=3)
    offers = waitlist.change_capacity(db, session_id=session.id, capacity=4, now=clock.now())
    db.commit()
    assert sorted(o.case_id for o in offers) == sorted(c.id for c in cases[:2])
    assert _counter_is_bookings_plus_offers(db, session.id) == (2, 2)
    with pytest.raises(waitlist.WaitlistError) as err:
        waitlist.change_capacity(db, session_id=session.id, capacity=3, now=clock.now())
    assert err.value.reason == "capacity_below"


def test_leaving_the_list_with_a_held_place_passes_it_on(db, clock):
    session, bookings, (first, second) = _one_freed(db, clock.now(), waiting=2)
    waitlist.leave_waitlist(db, case_id=first.id, session_id=session.id, now=clock.now())
    db.commit()
    assert [o.case_id for o in _offers(db, session.id)] == [second.id]
    assert waitlist.places_of_case(db, first.id, now=clock.now()) == []


def test_a_cancelled_session_withdraws_offers_and_ends_the_list(db, clock):
    session, bookings, (first, second) = _one_freed(db, clock.now(), waiting=2)
    service.cancel_session(db, session_id=session.id, reason="Helligdag", now=clock.now())
    db.commit()
    assert _offers(db, session.id) == [] and len(_offers(db, session.id, OfferState.withdrawn.value)) == 1
    with pytest.raises(waitlist.WaitlistError):
        waitlist.take_offer(db, case_id=first.id, session_id=session.id, now=clock.now())
    assert {e.status for e in db.exec(select(WaitlistEntry))} == {WaitStatus.ended.value}


def test_only_one_open_offer_per_entry_in_the_database(db, clock):
    session, bookings, [first] = _one_freed(db, clock.now(), waiting=1)
    [offer] = _offers(db, session.id)
    db.add(WaitlistOffer(entry_id=offer.entry_id, session_id=session.id, case_id=first.id,
                         offered_at=clock.now(), held_until=clock.now() + HOLD))
    with pytest.raises(IntegrityError):
        db.flush()


def test_an_identified_citizen_who_asked_is_told_in_neutral_words_an_anonymous_one_is_not(db, clock):
    session, bookings = _full(db, clock.now())
    named, = _waiting(db, session, clock.now(), anonymous=False, full_name="Karen Hansen", phone="20304050")
    anonymous, = _waiting(db, session, clock.now() + timedelta(seconds=5))
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=clock.now())
    service.cancel_booking(db, case_id=bookings[1].case_id, booking_id=bookings[1].id, now=clock.now())
    db.commit()
    rows = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "waitlist_offer")).all()
    assert rows and {r.case_id for r in rows} == {named.id}
    assert all(is_neutral(r.subject, r.body) for r in rows)
    # Taking the place withdraws what was not sent yet.
    waitlist.take_offer(db, case_id=named.id, session_id=session.id, now=clock.now())
    db.commit()
    assert not [r for r in db.exec(select(OutboxMessage).where(OutboxMessage.kind == "waitlist_offer"))
                if r.status == "pending"]


def test_offer_figures_count_made_taken_expired_and_days_gained(db, clock):
    now = clock.now()
    session, bookings = _full(db, now)
    later = make_session(db, now=now, day=now.date() + timedelta(days=8), capacity=5)  # the next free time
    first, second, third = _waiting(db, session, now, n=3)
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=now)
    waitlist.take_offer(db, case_id=first.id, session_id=session.id, now=now)
    service.cancel_booking(db, case_id=bookings[1].case_id, booking_id=bookings[1].id, now=now)
    waitlist.expire_offers(db, now=now + timedelta(hours=3))
    db.commit()
    figures = waitlist.offer_figures(db, start=now - timedelta(days=1), end=now + timedelta(days=1))
    assert (figures.made, figures.taken, figures.expired) == (3, 1, 1)
    assert figures.days_gained == (later.day - session.day).days == 7


def test_someone_already_booked_in_the_session_is_never_offered_a_second_place(db, clock):
    """Defensive: a person on the list who booked in the too-late window is passed over if a place is
    offered after all (here a place released by hand, as nothing in the app frees one that way)."""
    session, bookings = _full(db, clock.now(), capacity=2)
    first, second = _waiting(db, session, clock.now(), n=2)
    late = session.starts_at - timedelta(minutes=70)  # too late for an offer: free for anyone
    service.cancel_booking(db, case_id=bookings[0].case_id, booking_id=bookings[0].id, now=late)
    service.book_session(db, session_id=session.id, now=late, as_relative=False, case=first)
    db.commit()
    service._release_place(db, session.id)  # a place frees while there is still time to offer it
    [offer] = waitlist.offer_free_places(db, session.id, now=clock.now())
    assert offer.case_id == second.id
