"""The personal code: the only key an anonymous citizen has.

Format: 20 Crockford base32 characters shown as five groups of four, e.g. ``K7QM-2XHD-9RTV-P4BN-WE3A``.
The first 6 characters are the *selector* (stored in clear, unique, finds the row); the next 13
are the *verifier* (65 bits, stored only as an argon2id hash); the last is a check character that
catches most typing mistakes before a guess is spent. Input is case-insensitive and forgives
spaces, dashes and the confusable letters O/o (0) and I/i/L/l (1).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SELECTOR_LEN = 6
VERIFIER_LEN = 13
CODE_LEN = SELECTOR_LEN + VERIFIER_LEN + 1
VERIFIER_BITS = VERIFIER_LEN * 5
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DROP = str.maketrans("", "", " -_.\t\u00a0\u2010\u2011\u2012\u2013\u2014")


@dataclass(frozen=True)
class PersonalCode:
    selector: str
    verifier: str
    check: str

    @property
    def compact(self) -> str:
        return self.selector + self.verifier + self.check

    @property
    def display(self) -> str:
        c = self.compact
        return "-".join(c[i:i + 4] for i in range(0, CODE_LEN, 4))

    @property
    def last_group(self) -> str:
        return self.compact[-4:]


def _check_char(body: str) -> str:
    # Position-weighted sum mod 31 (prime): catches any single substitution and adjacent swaps.
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
    return ALPHABET[total % 31]


def generate_code(randbelow=secrets.randbelow) -> PersonalCode:
    body = "".join(ALPHABET[randbelow(32)] for _ in range(SELECTOR_LEN + VERIFIER_LEN))
    return PersonalCode(body[:SELECTOR_LEN], body[SELECTOR_LEN:], _check_char(body))


def normalise(text: str | None) -> str | None:
    """The compact upper-case form, or None when the input cannot be a code."""
    if not text:
        return None
    cleaned = text.upper().translate(_DROP).translate(_CONFUSABLE)
    if len(cleaned) != CODE_LEN or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def normalise_group(text: str | None) -> str:
    """A typed group of the code, cleaned the same way as a whole code."""
    return (text or "").upper().translate(_DROP).translate(_CONFUSABLE)


def parse_code(text: str | None) -> PersonalCode | None:
    """Parse typed input; None when it is malformed or the check character does not match."""
    compact = normalise(text)
    if compact is None:
        return None
    body, check = compact[:-1], compact[-1]
    if _check_char(body) != check:
        return None
    return PersonalCode(body[:SELECTOR_LEN], body[SELECTOR_LEN:], check)


_COLOURS = ["Blå", "Grøn", "Gul", "Rød", "Hvid", "Grå", "Lilla", "Orange", "Brun", "Sort", "Lyserød", "Turkis"]
_ANIMALS = ["Ugle", "Ræv", "Hare", "Sæl", "Svane", "Odder", "Grævling", "Spurv", "Hjort", "Mus", "Stær",
            "Lærke", "Egern", "Måge", "Pindsvin", "Bæver", "Krage", "Ørn", "Falk", "Stork"]


def generate_pseudonym(randbelow=secrets.randbelow) -> str:
    """What staff call an anonymous citizen, e.g. "Blå Ugle 42". Never derived from the code."""
    return f"{_COLOURS[randbelow(len(_COLOURS))]} {_ANIMALS[randbelow(len(_ANIMALS))]} {10 + randbelow(90)}"
