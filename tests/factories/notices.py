"""Sample context for every kind: what the other domains are expected to pass."""

from datetime import date, datetime, timezone

from app.core.i18n import Msg, N_
from app.notify.digest import DigestItem

STARTS = datetime(2026, 11, 26, 13, 30, tzinfo=timezone.utc)
ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Haderslev Kommune//DA\r\nBEGIN:VEVENT\r\n"
       b"UID:booking-1@example\r\nDTSTART:20261126T133000Z\r\nDTEND:20261126T143000Z\r\n"
       b"SUMMARY:Aftale - Haderslev Kommune\r\nLOCATION:Clausensvej 25\\, Haderslev\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")

SAMPLES = {
    "booking_confirmation": {"starts_at": STARTS, "place": "Clausensvej 25, 6100 Haderslev", "ics": ICS},
    "booking_reminder": {"starts_at": STARTS, "place": "Clausensvej 25, 6100 Haderslev", "ics": ICS},
    "booking_cancelled": {"starts_at": STARTS},
    "waitlist_offer": {"starts_at": STARTS, "held_until": STARTS.replace(hour=11)},
    "new_message": {},
    "deadline_letter": {},
    "plan_revision_due": {"due_on": date(2026, 12, 14)},
    "followup_calls_due": {"count": 3, "due_on": date(2026, 11, 24)},
    "staff_digest": {"items": [
        DigestItem(Msg(N_("Der er %(count)s opfølgningsopkald, der skal foretages."), count=2), 2),
        DigestItem("Tre ting venter", 3),
    ]},
}
