"""The booking's part of Min side and of the staff case page."""

from __future__ import annotations

from app.booking import queries
from app.core.panels import Panel


def bookings_panel(db, case, now, found):
    """Always shown: even without bookings it offers to book a time."""
    return Panel("public/booking/panel.html", {
        "bookings": queries.bookings_of_case(db, case.id) if found["bookings"] else [],
        "notices": queries.notices_of_case(db, case.id) if found["notices"] else [],
        "now": now,
    }, order=20)


def staff_bookings_panel(db, case, now):
    rows = queries.bookings_of_case(db, case.id)
    if not rows:
        return None
    return Panel("staff/booking/case_panel.html", {"bookings": rows, "now": now}, order=40)


def waitlist_panel(db, case, now, found):
    """Shown while the citizen is on a waiting list or an offer ran out lately: a held place first."""
    from app.booking import waitlist  # kept out of the module's import for the booking panel's sake
    places = waitlist.places_of_case(db, case.id, now=now) if found["waitlist"] else []
    lapsed = waitlist.ended_offers_of_case(db, case.id, now=now) if found["lapsed"] else []
    if not places and not lapsed:
        return None
    return Panel("public/booking/waitlist_panel.html", {"places": places, "lapsed": lapsed, "now": now}, order=19)
