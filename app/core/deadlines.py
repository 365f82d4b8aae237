"""Every deadline the portal shows or enforces, counted as Danish law counts them. Nothing else in the
app adds days to a date to make a deadline.

- A complaint deadline that ends on a day the authority is closed – Saturday, Sunday, a public holiday,
  Grundlovsdag (5 June), 24 December or 31 December – runs to the next working day (Justitsministeriets
  vejledning nr. 9533 af 26. juni 2018 om beregning af klagefrister, pkt. 3). The public holidays come
  from the maintained `holidays` calendar (it knows Store Bededag was abolished from 2024); the three
  days that are closing days without being public holidays are named here, as the vejledning names them.
- The period starts on the day the decision reached the citizen: the day it was made available on
  Min side or in Digital Post; a letter by post is taken to arrive as Ankestyrelsen counts it (sent
  Monday, Tuesday or Friday: 5 days later; Wednesday: 7; Thursday: 6).
- Days are Copenhagen calendar days, so DST and UTC midnight never move a deadline.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from app.core.clock import local_date
from app.core.i18n import N_
from app.core.labels import LabelledEnum

COMPLAINT_PERIOD = timedelta(weeks=4)  # retssikkerhedsloven § 67
GUARANTEE_DAYS = 14  # sundhedsloven § 141 stk. 2, § 142; serviceloven § 101 stk. 4
GUARANTEE_PERIOD = timedelta(days=GUARANTEE_DAYS)
FORWARDING_PERIOD = timedelta(weeks=4)  # retssikkerhedsloven § 66: the complaint to Ankestyrelsen

# Closed for a deadline although not public holidays (the vejledning, pkt. 3).
CLOSING_DAYS = {(6, 5), (12, 24), (12, 31)}
# Ankestyrelsen: a letter sent on this weekday is received this many days later.
POST_DAYS = {0: 5, 1: 5, 2: 7, 3: 6, 4: 5}


class Delivery(LabelledEnum):
    """How a decision reached the citizen; it decides the day the complaint period starts."""
    min_side = "min_side", N_("Min side")
    digital_post = "digital_post", N_("Digital Post")
    physical_post = "physical_post", N_("Brev med posten")


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year, categories=("public",)))


def is_closing_day(day: date) -> bool:
    return day.weekday() >= 5 or (day.month, day.day) in CLOSING_DAYS or day in _public_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while is_closing_day(day):
        day += timedelta(days=1)
    return day


def received_on(sent_at: datetime, delivery: Delivery | str) -> date:
    """The day a decision counts as having reached the citizen."""
    day = local_date(sent_at)
    if Delivery(delivery) is not Delivery.physical_post:
        return day  # Min side and Digital Post: the day it was made available
    while day.weekday() >= 5:  # posted at a weekend: it goes with Monday's post
        day += timedelta(days=1)
    return day + timedelta(days=POST_DAYS[day.weekday()])


def complaint_deadline(sent_at: datetime, delivery: Delivery | str = Delivery.min_side) -> date:
    """The last day a complaint about a decision sent at `sent_at` is on time."""
    return next_working_day(received_on(sent_at, delivery) + COMPLAINT_PERIOD)


def guarantee_deadline(received_at: datetime) -> date:
    """The latest start of treatment: the Copenhagen date the request arrived + 14 days. A duty of the
    municipality, not a citizen's deadline: it is not moved past a weekend or a holiday."""
    return guarantee_deadline_for_day(local_date(received_at))


def guarantee_deadline_for_day(received_on: date) -> date:
    """guarantee_deadline for a request known only by its Copenhagen arrival day (the statistics)."""
    return received_on + GUARANTEE_PERIOD


def forwarding_deadline(complaint_received_at: datetime) -> date:
    """When Ankestyrelsen must have a maintained complaint and the case file: 4 weeks after it arrived
    (the municipality's own deadline, so not moved to a later working day)."""
    return local_date(complaint_received_at) + FORWARDING_PERIOD
