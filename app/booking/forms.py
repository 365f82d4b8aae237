"""The citizen's booking form: what was typed, checked, with a message per field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.cases.service import ContactDetails
from app.core.i18n import N_

FIELDS = ("who", "mode", "age", "identity", "nickname", "full_name", "phone", "email")
AGES = ("under18", "18-29", "30plus")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_DROP = re.compile(r"[\s\-().]")


@dataclass
class BookingForm:
    typed: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    as_relative: bool = False
    video: bool = False
    under_18: bool = False
    under_30: bool = False
    anonymous: bool = True
    contact: ContactDetails = ContactDetails()


def normalise_phone(value: str) -> str | None:
    """A Danish phone number as 8 digits (a +45/0045 prefix is allowed), or None."""
    digits = _PHONE_DROP.sub("", value)
    if digits.startswith("+45"):
        digits = digits[3:]
    elif digits.startswith("0045"):
        digits = digits[4:]
    return digits if re.fullmatch(r"[0-9]{8}", digits) else None  # not \d: it matches any script's digits


def parse_booking_form(raw: dict[str, str], *, relatives_only: bool, video_offered: bool,
                       signed_in: bool) -> BookingForm:
    typed = {k: (raw.get(k) or "").strip()[:200] for k in FIELDS}
    if relatives_only:
        typed["who"] = "relative"
    form = BookingForm(typed=typed)
    errors = form.errors
    if typed["who"] not in ("self", "relative"):
        errors["who"] = N_("Vælg, om du booker til dig selv eller som pårørende.")
    form.as_relative = typed["who"] == "relative"
    if video_offered:
        if typed["mode"] not in ("in_person", "video"):
            errors["mode"] = N_("Vælg, om du vil komme, eller om vi skal tale på video.")
        form.video = typed["mode"] == "video"
    if signed_in:
        return form  # the case exists already: age and contact details were given then
    if typed["age"] not in AGES:
        errors["age"] = N_("Vælg din alder. Vi spørger, fordi vi kun kan hjælpe voksne her.")
    form.under_18 = typed["age"] == "under18"
    form.under_30 = typed["age"] in ("under18", "18-29")
    if typed["identity"] not in ("anonymous", "identified"):
        errors["identity"] = N_("Vælg, om du vil være anonym eller give dit navn.")
    form.anonymous = typed["identity"] != "identified"
    if form.anonymous:
        form.contact = ContactDetails(display_name=typed["nickname"][:80] or None)
        return form
    phone = email = None
    if not typed["full_name"]:
        errors["full_name"] = N_("Skriv dit navn – eller vælg at være anonym.")
    if typed["phone"]:
        phone = normalise_phone(typed["phone"])
        if phone is None:
            errors["phone"] = N_("Telefonnummeret skal have 8 cifre, fx 20 30 40 50.")
    if typed["email"]:
        email = typed["email"] if _EMAIL.match(typed["email"]) else None
        if email is None:
            errors["email"] = N_("E-mailadressen ser ikke rigtig ud. Den skal ligne navn@eksempel.dk.")
    if not typed["phone"] and not typed["email"]:
        errors["phone"] = N_("Skriv et telefonnummer eller en e-mailadresse, så vi kan give dig besked.")
    name = typed["full_name"][:120]
    form.contact = ContactDetails(display_name=name.split(" ")[0][:80] if name else None, full_name=name or None,
                                  phone=phone, email=email)
    return form
