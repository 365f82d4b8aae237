"""MOVE gift cards: one per second attendance, at most 7, a no-show without cancellation voids the card
of the pair in progress, none in the 6-month follow-up."""

from datetime import datetime, timedelta, timezone

import pytest

from app.appointments.models import Appointment
from app.plans import service

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
CODES = {"A": "attended", "N": "no_show", "C": "cancelled_in_time", "X": "cancelled_by_centre", "P": "planned"}


def appts(pattern: str, follow_up_from: int | None = None) -> list[Appointment]:
    """'AANA' -> appointments a week apart; positions from follow_up_from on are in follow-up."""
    return [Appointment(id=i + 1, case_id=1, starts_at=T0 + timedelta(weeks=i), attendance=CODES[ch],
                        in_follow_up=follow_up_from is not None and i >= follow_up_from, created_at=T0)
            for i, ch in enumerate(pattern)]


@pytest.mark.parametrize("pattern, follow_up_from, earned_at", [
    ("", None, []),
    ("A", None, []),
    ("AA", None, [2]),                       # every second attendance
    ("AAA", None, [2]),
    ("AAAA", None, [2, 4]),
    ("ACA", None, [3]),                      # a cancellation in time changes nothing
    ("AXA", None, [3]),                      # nor does the centre cancelling
    ("APA", None, [3]),                      # a planned appointment does not count yet
    ("ANA", None, []),                       # no-show in the middle of a pair voids that pair's card
    ("ANAAA", None, [5]),                    # ... and the next pair earns again
    ("NAA", None, []),                       # no-show before a pair starts voids the next pair
    ("NAAAA", None, [5]),
    ("AANAA", None, [2]),                    # earned cards are never taken back
    ("ANNA", None, []),                      # two no-shows in one pair still void only that pair
    ("A" * 14, None, [2, 4, 6, 8, 10, 12, 14]),  # at most 7 ...
    ("A" * 20, None, [2, 4, 6, 8, 10, 12, 14]),  # ... and never more
    ("ANA" + "A" * 16, None, [5, 7, 9, 11, 13, 15, 17]),  # a voided pair does not count toward the 7
    ("AAAA", 2, [2]),                        # none for appointments in the follow-up
    ("AAAN", 2, [2]),                        # a follow-up no-show is ignored too
    ("AAA", 3, [2]),
])
def test_gift_card_rule(pattern, follow_up_from, earned_at):
    cards = service.earned_cards(appts(pattern, follow_up_from))
    assert [c.appointment_id for c in cards] == earned_at
    assert [c.number for c in cards] == list(range(1, len(earned_at) + 1))
    assert service.GIFT_CARD_KR == 200


def test_cards_are_counted_in_time_order_not_booking_order():
    rows = appts("AAN")
    rows.reverse()  # booked in another order: N at the end in time still comes after the pair
    assert [c.appointment_id for c in service.earned_cards(rows)] == [2]
