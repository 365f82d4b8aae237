"""The diary's arithmetic, plain functions: Danish standard units (genstande) and ISO weeks.

One genstand is 12 g of alcohol; a drink's alcohol is its volume × strength × 0.789 g/ml (the density
of ethanol). Days are calendar dates in Europe/Copenhagen, so a week is Monday–Sunday whatever the
clock does at the change to and from summer time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.core.i18n import N_

GRAMS_PER_UNIT = 12
ETHANOL_DENSITY = 0.789  # g/ml


def units(volume_cl: float, percent: float) -> float:
    """Genstande in a drink: volume (cl) × strength (%) × 0.789 / 12, unrounded."""
    millilitres = volume_cl * 10
    return millilitres * (percent / 100) * ETHANOL_DENSITY / GRAMS_PER_UNIT


def tenths(value: float) -> int:
    """A number of genstande as whole tenths, rounded half up (what the diary stores)."""
    return int(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) * 10)


@dataclass(frozen=True)
class Drink:
    key: str
    label: str
    volume_cl: float
    percent: float

    @property
    def units(self) -> float:
        return units(self.volume_cl, self.percent)


# The helper's drinks: what people count in, with the strength most of them have.
DRINKS = (
    Drink("beer33", N_("Øl, 33 cl (4,6 %)"), 33, 4.6),
    Drink("beer50", N_("Stor øl, 50 cl (4,6 %)"), 50, 4.6),
    Drink("strong33", N_("Stærk øl, 33 cl (7 %)"), 33, 7),
    Drink("wine12", N_("Glas vin, 12 cl (12 %)"), 12, 12),
    Drink("wine75", N_("Flaske vin, 75 cl (12 %)"), 75, 12),
    Drink("shot4", N_("Snaps eller shot, 4 cl (40 %)"), 4, 40),
    Drink("spirits70", N_("Flaske spiritus, 70 cl (40 %)"), 70, 40),
)
BY_KEY = {d.key: d for d in DRINKS}
MAX_COUNT = 100  # of one kind of drink in a day
MAX_UNITS = 500  # a day's total (the database holds it too)


class DiaryError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


_NUMBER = re.compile(r"^[0-9]{1,4}([.,][0-9]{1,2})?$")


def parse_amount(field: str, text: str, *, maximum: float) -> float | None:
    """A count typed on a phone ("2", "1,5", "") as a number; '' is None."""
    text = (text or "").strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        raise DiaryError(field, N_("Skriv et tal, fx 2 eller 1,5."))
    value = float(text.replace(",", "."))
    if value > maximum:
        raise DiaryError(field, N_("Tallet er for stort. Tjek, om der er en tastefejl."))
    return value


def day_units(counts: dict[str, str], other_units: str) -> tuple[float | None, str]:
    """The day's genstande from the helper's counts and the genstande typed directly, and the helper's
    counts as stored ("beer33=2,wine75=1"). None when nothing was typed at all (not the same as 0)."""
    total, typed, kept = 0.0, False, []
    for drink in DRINKS:
        value = parse_amount(drink.key, counts.get(drink.key, ""), maximum=MAX_COUNT)
        if value is None:
            continue
        typed = True
        total += value * drink.units
        if value:
            kept.append(f"{drink.key}={value:g}")
    direct = parse_amount("other_units", other_units, maximum=MAX_UNITS)
    if direct is not None:
        typed = True
        total += direct
        if direct:
            kept.append(f"units={direct:g}")
    if total > MAX_UNITS:
        raise DiaryError("other_units", N_("Tallet er for stort. Tjek, om der er en tastefejl."))
    return (total if typed else None), ",".join(kept)


def units_text(tenths: int) -> str:
    """Genstande written the Danish way: 12 or 12,5."""
    whole, part = divmod(tenths, 10)
    return f"{whole}" if not part else f"{whole},{part}"


def counts_of(drinks: str) -> dict[str, str]:
    """The helper's counts back from what was stored, for the form (decimal comma)."""
    out = {}
    for part in drinks.split(","):
        key, _, value = part.partition("=")
        if key and value:
            out[key] = value.replace(".", ",")
    return out


# --- weeks ----------------------------------------------------------------------------------------

def week_start(day: date) -> date:
    """The Monday of the day's ISO week."""
    return day - timedelta(days=day.weekday())


def week_key(day: date) -> str:
    """The ISO week as written in a URL: 2026-W53."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


_WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")


def parse_week(text: str) -> date | None:
    """The Monday of an ISO week written as 2026-W53; None if it is no real week."""
    match = _WEEK.match(text or "")
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]


def last_weeks(today: date, n: int = 12) -> list[date]:
    """The Mondays of the last n ISO weeks, oldest first, this week last."""
    this = week_start(today)
    return [this - timedelta(weeks=n - 1 - i) for i in range(n)]


def parse_day(text: str, *, today: date, earliest: date) -> date | None:
    """A day in a URL (2026-12-07) the diary may hold: not in the future, not before `earliest`."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if len(text) != 10 or day > today or day < earliest:
        return None
    return day
