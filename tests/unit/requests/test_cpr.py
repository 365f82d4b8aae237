"""CPR numbers: format and a real date; the century from the 7th digit; no modulus-11 rule."""

from datetime import date

import pytest

from app.requests.cpr import age_on, birth_date, normalise_cpr


@pytest.mark.parametrize("cpr, born", [
    ("010190-1234", date(1990, 1, 1)),
    ("0101901234", date(1990, 1, 1)),
    ("010190-1235", date(1990, 1, 1)),  # fails modulus 11: still valid since 2007
    ("290200-4123", date(2000, 2, 29)),  # 7th digit 4, year ≤ 36 → 2000s
    ("010150-4123", date(1950, 1, 1)),  # 7th digit 4, year > 36 → 1900s
    ("010110-5123", date(2010, 1, 1)),  # 7th digit 5–8, year ≤ 57 → 2000s
    ("010160-5123", date(1860, 1, 1)),  # 7th digit 5–8, year > 57 → 1800s
    ("010199-9123", date(1999, 1, 1)),
])
def test_valid_cpr_gives_the_birth_date(cpr, born):
    assert birth_date(cpr) == born


@pytest.mark.parametrize("cpr", ["", "12345", "320190-1234", "311190-1234", "290201-1234", "0101901-234",
                                 "ab0190-1234", "010190-12345"])
def test_invalid_cpr_is_refused(cpr):
    assert birth_date(cpr) is None and normalise_cpr(cpr) is None


def test_normalised_form_and_age():
    assert normalise_cpr("0101901234") == "010190-1234"
    assert age_on(date(2008, 11, 24), date(2026, 11, 23)) == 17
    assert age_on(date(2008, 11, 23), date(2026, 11, 23)) == 18
