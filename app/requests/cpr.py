"""CPR numbers: format DDMMYY-XXXX with a real birth date. No modulus-11 check (not used since 2007)."""

from __future__ import annotations

import re
from datetime import date

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def birth_date(cpr: str) -> date | None:
    """The birth date a CPR number encodes (century from the 7th digit), or None if it is not valid."""
    match = _CPR.match((cpr or "").strip().replace(" ", ""))
    if not match:
        return None
    dd, mm, yy, serial = int(match[1]), int(match[2]), int(match[3]), match[4]
    seventh = int(serial[0])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:  # 5–8
        century = 2000 if yy <= 57 else 1800
    try:
        return date(century + yy, mm, dd)
    except ValueError:
        return None


def normalise_cpr(cpr: str) -> str | None:
    """DDMMYY-XXXX, or None when it is not a valid CPR number."""
    if birth_date(cpr) is None:
        return None
    digits = re.sub(r"\D", "", cpr)
    return f"{digits[:6]}-{digits[6:]}"


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
