"""The waiting list of a full Åben Rådgivning session: join, leave, offers of freed places, taking one.

Rules, each enforced where a race cannot get past it:
- One entry per (session, case) (a unique constraint); the queue is ordered by the time joined.
- A freed place is held for the first person waiting: the offer takes the place with the same
  conditional UPDATE a booking uses (booking.service._take_place, CHECK booked <= capacity), so a held
  place counts as taken for everyone else and is never held for two people. Offers for one session are
  made after that UPDATE, which locks the session's row (PostgreSQL) or the database (SQLite), so two
  places freed at once are offered to two different people; the partial unique index on open offers per
  entry is the last word.
- An offer is held for the centre's setting (default 2 hours), never past the session's start minus
  1 hour; when less than `MIN_HOLD` of that remains, no offer is made and the place is free for anyone.
- Taking, declining and expiring an offer are conditional UPDATEs on its state: whichever comes first
  wins, once. Taking turns the held place into a booking without touching the counter; declining and
  expiry give the place back and offer it to the next person in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.booking import notifications
from app.booking.models import (
    ACTIVE, ON_LIST, CounsellingBooking, CounsellingSession, OfferState, SessionStatus, WaitlistEntry,
    WaitlistOffer, WaitStatus,
)
from app.booking.service import (
    BookingError, _check_fits, _has_active_booking, _id, _release_place, _take_place, get_session,
)
from app.cases import service as cases
from app.cases.models import CitizenCase
from app.core.codes import PersonalCode
from app.core.errors import NotFound
from app.notify import service as notify
from app.notify.config import current as notify_config

DEFAULT_HOLD = timedelta(hours=2)
BEFORE_START = timedelta(hours=1)  # an offer is never held past the start minus this
MIN_HOLD = timedelta(minutes=15)  # less time than this to answer is no real offer


class WaitlistError(Exception):
    """`reason`: not_full | on_list | booked | not_on_list | no_offer | too_late | started | cancelled |
    relatives_only"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def configured_hold() -> timedelta:
    """The centre's hold time (centre file: waitlist_hold_minutes)."""
    minutes = getattr(notify_config().centre, "waitlist_hold_minutes", None)
    return timedelta(minutes=minutes) if minutes else DEFAULT_HOLD


def hold_until(session: CounsellingSession, *, now: datetime, hold: timedelta) -> datetime | None:
    """Until when a place freed now is held, or None when too little time is left to offer it."""
    until = min(now + hold, session.starts_at - BEFORE_START)
    return until if until - now >= MIN_HOLD else None


def _entry(db: Session, session_id: int, case_id: int) -> WaitlistEntry | None:
    return db.exec(select(WaitlistEntry).where(WaitlistEntry.session_id == session_id,
                                               WaitlistEntry.case_id == case_id)
                   .execution_options(populate_existing=True)).first()


def _set_entry(db: Session, entry_id: int, *, from_: tuple[str, ...], to: str, now: datetime,
               joined_at: datetime | None = None) -> bool:
    values = {"status": to, "changed_at": now}
    if joined_at is not None:
        values["joined_at"] = joined_at
    return db.exec(update(WaitlistEntry).where(WaitlistEntry.id == entry_id, WaitlistEntry.status.in_(from_))
                   .values(**values).execution_options(synchronize_session=False)).rowcount == 1


def _set_offer(db: Session, offer_id: int, *, to: str, now: datetime, extra=(), **values) -> bool:
    """offered → `to`, only if still offered: the first of take/decline/expire wins, once."""
    return db.exec(update(WaitlistOffer)
                   .where(WaitlistOffer.id == offer_id, WaitlistOffer.state == OfferState.offered.value, *extra)
                   .values(state=to, decided_at=now, **values)
                   .execution_options(synchronize_session=False)).rowcount == 1


# --- Joining and leaving ---------------------------------------------------------------------------

@dataclass
class JoinResult:
    entry: WaitlistEntry
    session: CounsellingSession
    case: CitizenCase
    code: PersonalCode | None  # only when a new case was opened


def join_waitlist(
    db: Session, *, session_id: int, now: datetime, as_relative: bool, case: CitizenCase | None = None,
    anonymous: bool = True, contact: cases.ContactDetails = cases.ContactDetails(), notify_me: bool = False,
    language: str = "da",
) -> JoinResult:
    """Put a case on a full session's list (a new case and code when there is none). Joining again
    after leaving or an expired offer goes to the end of the list."""
    session = get_session(db, session_id)
    if session.status != SessionStatus.open.value:
        raise WaitlistError("cancelled")
    if session.starts_at <= now:
        raise WaitlistError("started")
    try:
        _check_fits(session, as_relative=as_relative, video=False)
    except BookingError:
        raise WaitlistError("relatives_only") from None
    if session.free > 0:
        raise WaitlistError("not_full")  # book the free place instead
    code = None
    if case is not None:
        if _has_active_booking(db, session_id, case.id):
            raise WaitlistError("booked")
        existing = _entry(db, session_id, case.id)
        if existing is not None:
            if existing.status in ON_LIST:
                raise WaitlistError("on_list")
            if existing.status == WaitStatus.booked.value and _has_active_booking(db, session_id, case.id):
                raise WaitlistError("booked")
            _set_entry(db, existing.id, from_=(existing.status,), to=WaitStatus.waiting.value, now=now, joined_at=now)
            existing.as_relative, existing.notify = as_relative, notify_me and not case.anonymous
            db.flush()
            db.refresh(existing)
            return JoinResult(existing, session, case, None)
    else:
        case, code = cases.open_case(db, now=now, anonymous=anonymous, is_relative=as_relative, contact=contact,
                                     language=language)
        notify_me = not anonymous  # they gave a phone or an e-mail address for this
    entry = WaitlistEntry(session_id=session_id, case_id=case.id, as_relative=as_relative,
                          notify=notify_me and not case.anonymous, joined_at=now, changed_at=now)
    try:
        with db.begin_nested():
            db.add(entry)
            db.flush()  # the unique (session, case) is the final word on joining twice
    except IntegrityError:
        raise WaitlistError("on_list") from None
    return JoinResult(entry, session, case, code)


def _own_entry(db: Session, *, case_id: int, session_id: int) -> WaitlistEntry:
    entry = _entry(db, _id(session_id), case_id)
    if entry is None:
        raise NotFound()
    return entry


def open_offer(db: Session, entry_id: int) -> WaitlistOffer | None:
    return db.exec(select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id,
                                               WaitlistOffer.state == OfferState.offered.value)
                   .execution_options(populate_existing=True)).first()


def leave_waitlist(db: Session, *, case_id: int, session_id: int, now: datetime,
                   hold: timedelta | None = None) -> WaitlistEntry:
    """Leave a list on Min side. A place held for the citizen goes to the next person."""
    entry = _own_entry(db, case_id=case_id, session_id=session_id)
    offer = open_offer(db, entry.id)
    gave_back = offer is not None and _give_back(db, offer, to=OfferState.declined.value, now=now, hold=hold)
    from_ = ON_LIST + ((WaitStatus.declined.value,) if gave_back else ())
    if not _set_entry(db, entry.id, from_=from_, to=WaitStatus.left.value, now=now):
        raise WaitlistError("not_on_list")
    db.refresh(entry)
    return entry


# --- Offers ----------------------------------------------------------------------------------------

def _first_waiting(db: Session, session_id: int) -> WaitlistEntry | None:
    """The next person in line; someone who has booked a place in the session meanwhile is passed over."""
    has_place = (select(CounsellingBooking.id)
                 .where(CounsellingBooking.session_id == WaitlistEntry.session_id,
                        CounsellingBooking.case_id == WaitlistEntry.case_id, CounsellingBooking.status.in_(ACTIVE))
                 .exists())
    return db.exec(select(WaitlistEntry)
                   .where(WaitlistEntry.session_id == session_id, WaitlistEntry.status == WaitStatus.waiting.value,
                          ~has_place)
                   .order_by(WaitlistEntry.joined_at, WaitlistEntry.id).limit(1)
                   .execution_options(populate_existing=True)).first()


def offer_free_places(db: Session, session_id: int, *, now: datetime,
                      hold: timedelta | None = None) -> list[WaitlistOffer]:
    """Hold every free place of a session for the next people waiting. Called wherever a place
    frees (a cancellation, a staff removal, a move, more places) and after an offer ends."""
    session = db.exec(select(CounsellingSession).where(CounsellingSession.id == session_id)
                      .execution_options(populate_existing=True)).first()
    if session is None or session.status != SessionStatus.open.value:
        return []
    until = hold_until(session, now=now, hold=configured_hold() if hold is None else hold)
    if until is None:
        return []
    made = []
    while (entry := _first_waiting(db, session_id)) is not None:
        try:
            with db.begin_nested():
                _take_place(db, session_id, now=now)  # locks the session: offers are made one at a time
                if not _set_entry(db, entry.id, from_=(WaitStatus.waiting.value,), to=WaitStatus.offered.value,
                                  now=now):
                    raise _Retry()
                offer = WaitlistOffer(entry_id=entry.id, session_id=session_id, case_id=entry.case_id,
                                      offered_at=now, held_until=until)
                db.add(offer)
                db.flush()  # one open offer per entry: the partial unique index decides
        except BookingError:
            break  # no free place (left)
        except (_Retry, IntegrityError):
            continue  # someone else offered to this person first: try the next
        made.append(offer)
        if entry.notify:
            _announce(db, offer, session, now=now)
    return made


class _Retry(Exception):
    pass


def _offer_key(offer_id: int) -> str:
    return f"waitlist-offer:{offer_id}"


def _announce(db: Session, offer: WaitlistOffer, session: CounsellingSession, *, now: datetime) -> None:
    """Outside the portal only for identified citizens who asked (notify.enqueue checks the case too)."""
    case = db.get(CitizenCase, offer.case_id)
    notify.enqueue(db, case=case, kind="waitlist_offer", now=now, expires_at=offer.held_until,
                   context={"starts_at": session.starts_at, "held_until": offer.held_until},
                   dedupe_key=_offer_key(offer.id))


def _give_back(db: Session, offer: WaitlistOffer, *, to: str, now: datetime, hold: timedelta | None,
               extra=()) -> bool:
    """End an offer without a booking: the place goes back and on to the next person waiting."""
    if not _set_offer(db, offer.id, to=to, now=now, extra=extra):
        return False
    _release_place(db, offer.session_id)
    notify.cancel(db, now=now, dedupe_key=_offer_key(offer.id))
    entry_to = WaitStatus.declined.value if to == OfferState.declined.value else WaitStatus.expired.value
    _set_entry(db, offer.entry_id, from_=(WaitStatus.offered.value,), to=entry_to, now=now)
    offer_free_places(db, offer.session_id, now=now, hold=hold)
    return True


def take_offer(db: Session, *, case_id: int, session_id: int, now: datetime,
               hold: timedelta | None = None) -> CounsellingBooking:
    """"Tag pladsen": the held place becomes the citizen's booking, once, while the offer holds."""
    entry = _own_entry(db, case_id=case_id, session_id=session_id)
    offer = open_offer(db, entry.id)
    if offer is None:
        raise WaitlistError("no_offer")
    session = get_session(db, session_id)
    if offer.held_until <= now:
        raise WaitlistError("too_late")  # the expiry job gives it to the next person
    if session.status != SessionStatus.open.value:
        raise WaitlistError("cancelled")
    if _has_active_booking(db, session_id, case_id):  # booked it directly meanwhile: the held place goes on
        _give_back(db, offer, to=OfferState.declined.value, now=now, hold=hold)
        raise WaitlistError("booked")
    booking = CounsellingBooking(session_id=session_id, case_id=case_id, uid=uuid.uuid4().hex,
                                 as_relative=entry.as_relative, created_at=now, changed_at=now)
    gained = _days_gained(db, session, as_relative=entry.as_relative, now=now)
    try:
        with db.begin_nested():
            if not _set_offer(db, offer.id, to=OfferState.taken.value, now=now, days_gained=gained,
                              extra=(WaitlistOffer.held_until > now,)):
                raise WaitlistError("no_offer")  # declined, expired or taken in another tab a moment ago
            db.add(booking)
            db.flush()  # the place was counted when it was offered: no second UPDATE of `booked`
            db.exec(update(WaitlistOffer).where(WaitlistOffer.id == offer.id).values(booking_id=booking.id)
                    .execution_options(synchronize_session=False))
            _set_entry(db, entry.id, from_=(WaitStatus.offered.value,), to=WaitStatus.booked.value, now=now)
    except IntegrityError:
        raise WaitlistError("booked") from None
    notify.cancel(db, now=now, dedupe_key=_offer_key(offer.id))
    notifications.booked(db, booking, session, db.get(CitizenCase, case_id), now=now)
    return booking


def _days_gained(db: Session, session: CounsellingSession, *, as_relative: bool, now: datetime) -> int | None:
    """How many days sooner than the first later session the citizen could have booked right now
    (None when there is none in the sessions laid out): known at the moment the place is taken, so
    it is stored with the offer."""
    later = db.exec(select(CounsellingSession.day).where(
        CounsellingSession.starts_at > session.starts_at, CounsellingSession.status == SessionStatus.open.value,
        CounsellingSession.booked < CounsellingSession.capacity,
        *(() if as_relative else (CounsellingSession.relatives_only == False,)))  # noqa: E712
        .order_by(CounsellingSession.starts_at).limit(1)).first()
    return None if later is None else (later - session.day).days


def decline_offer(db: Session, *, case_id: int, session_id: int, now: datetime,
                  hold: timedelta | None = None) -> WaitlistEntry:
    """"Nej tak": the place goes to the next person, and the citizen is off this list."""
    entry = _own_entry(db, case_id=case_id, session_id=session_id)
    offer = open_offer(db, entry.id)
    if offer is None or not _give_back(db, offer, to=OfferState.declined.value, now=now, hold=hold):
        raise WaitlistError("no_offer")
    db.refresh(entry)
    return entry


def expire_offers(db: Session, *, now: datetime, hold: timedelta | None = None, config=None, **_) -> int:
    """A job: offers not taken in time end (each exactly once: the state UPDATE) and the place is
    offered to the next person."""
    if hold is None and config is not None and getattr(config.centre, "waitlist_hold_minutes", None):
        hold = timedelta(minutes=config.centre.waitlist_hold_minutes)
    due = db.exec(select(WaitlistOffer).where(WaitlistOffer.state == OfferState.offered.value,
                                              WaitlistOffer.held_until <= now)
                  .order_by(WaitlistOffer.held_until, WaitlistOffer.id)).all()
    ended = 0
    for offer in due:
        if _give_back(db, offer, to=OfferState.expired.value, now=now, hold=hold,
                      extra=(WaitlistOffer.held_until <= now,)):
            ended += 1
    db.flush()
    return 0  # nothing queued by this job itself (the next offers' notices are counted by the outbox)


def session_cancelled(db: Session, session_id: int, *, now: datetime) -> None:
    """The centre cancelled the session: open offers are withdrawn (the counter was reset with the
    bookings) and the list ends."""
    for offer in db.exec(select(WaitlistOffer).where(WaitlistOffer.session_id == session_id,
                                                     WaitlistOffer.state == OfferState.offered.value)).all():
        if _set_offer(db, offer.id, to=OfferState.withdrawn.value, now=now):
            notify.cancel(db, now=now, dedupe_key=_offer_key(offer.id))
    db.exec(update(WaitlistEntry).where(WaitlistEntry.session_id == session_id, WaitlistEntry.status.in_(ON_LIST))
            .values(status=WaitStatus.ended.value, changed_at=now).execution_options(synchronize_session=False))


def change_capacity(db: Session, *, session_id: int, capacity: int, now: datetime,
                    hold: timedelta | None = None) -> list[WaitlistOffer]:
    """Staff change a session's number of places; never below what is booked or held. New places
    go to the waiting list first."""
    get_session(db, session_id)
    if not 1 <= capacity <= 100:
        raise WaitlistError("capacity")
    done = db.exec(update(CounsellingSession)
                   .where(CounsellingSession.id == session_id, CounsellingSession.booked <= capacity,
                          CounsellingSession.status == SessionStatus.open.value)
                   .values(capacity=capacity).execution_options(synchronize_session=False)).rowcount == 1
    if not done:
        raise WaitlistError("capacity_below")
    return offer_free_places(db, session_id, now=now, hold=hold)


# --- Reads -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MyPlace:
    entry: WaitlistEntry
    session: CounsellingSession
    offer: WaitlistOffer | None
    position: int  # 1 = next in line (0 while a place is offered)


def places_of_case(db: Session, case_id: int, *, now: datetime) -> list[MyPlace]:
    """The citizen's lists on Min side: still waiting or offered, and sessions not yet started."""
    rows = db.exec(select(WaitlistEntry, CounsellingSession)
                   .join(CounsellingSession, CounsellingSession.id == WaitlistEntry.session_id)
                   .where(WaitlistEntry.case_id == case_id, WaitlistEntry.status.in_(ON_LIST),
                          CounsellingSession.starts_at > now)
                   .order_by(CounsellingSession.starts_at)).all()
    out = []
    for entry, session in rows:
        offer = open_offer(db, entry.id) if entry.status == WaitStatus.offered.value else None
        position = 0 if offer else db.exec(select(func.count()).select_from(WaitlistEntry).where(
            WaitlistEntry.session_id == entry.session_id, WaitlistEntry.status == WaitStatus.waiting.value,
            (WaitlistEntry.joined_at < entry.joined_at)
            | ((WaitlistEntry.joined_at == entry.joined_at) & (WaitlistEntry.id < entry.id)))).one() + 1
        out.append(MyPlace(entry, session, offer, position))
    return out


def ended_offers_of_case(db: Session, case_id: int, *, now: datetime, since: timedelta = timedelta(days=2)):
    """Offers that ran out recently, so Min side can say what happened."""
    return db.exec(select(WaitlistOffer, CounsellingSession)
                   .join(CounsellingSession, CounsellingSession.id == WaitlistOffer.session_id)
                   .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
                   .where(WaitlistOffer.case_id == case_id, WaitlistOffer.state == OfferState.expired.value,
                          WaitlistEntry.status == WaitStatus.expired.value,
                          WaitlistOffer.decided_at > now - since, CounsellingSession.starts_at > now)).all()


def session_waitlist(db: Session, session_id: int) -> list[tuple[WaitlistEntry, CitizenCase, WaitlistOffer | None]]:
    """Staff: everyone on a session's list in order, with the open offer if any."""
    rows = db.exec(select(WaitlistEntry, CitizenCase)
                   .join(CitizenCase, CitizenCase.id == WaitlistEntry.case_id)
                   .where(WaitlistEntry.session_id == session_id, WaitlistEntry.status.in_(ON_LIST))
                   .order_by(WaitlistEntry.status.desc(), WaitlistEntry.joined_at, WaitlistEntry.id)).all()
    return [(e, c, open_offer(db, e.id) if e.status == WaitStatus.offered.value else None) for e, c in rows]


def waiting_counts(db: Session, session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = db.exec(select(WaitlistEntry.session_id, func.count()).where(
        WaitlistEntry.session_id.in_(session_ids), WaitlistEntry.status.in_(ON_LIST))
        .group_by(WaitlistEntry.session_id)).all()
    return dict(rows)


def held_places(db: Session, session_id: int) -> int:
    return db.exec(select(func.count()).select_from(WaitlistOffer).where(
        WaitlistOffer.session_id == session_id, WaitlistOffer.state == OfferState.offered.value)).one()


@dataclass(frozen=True)
class OfferFigures:
    made: int
    taken: int
    expired: int
    declined: int
    days_gained: float | None  # mean days sooner than the next session they could have booked instead


def offer_figures(db: Session, *, start: datetime, end: datetime) -> OfferFigures:
    """The statistics page: offers made in [start, end) and what came of them."""
    rows = db.exec(select(WaitlistOffer.state, func.count()).where(
        WaitlistOffer.offered_at >= start, WaitlistOffer.offered_at < end).group_by(WaitlistOffer.state)).all()
    counts = dict(rows)
    gained = db.exec(select(func.avg(WaitlistOffer.days_gained)).where(
        WaitlistOffer.state == OfferState.taken.value, WaitlistOffer.days_gained.is_not(None),
        WaitlistOffer.offered_at >= start, WaitlistOffer.offered_at < end)).one()
    gained = None if gained is None else round(float(gained), 1)
    return OfferFigures(made=sum(counts.values()), taken=counts.get(OfferState.taken.value, 0),
                        expired=counts.get(OfferState.expired.value, 0),
                        declined=counts.get(OfferState.declined.value, 0), days_gained=gained)
