"""Parsing and validating the /behandling form (two steps) and the self-screening form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.core.i18n import N_, Msg
from app.requests import screening
from app.requests.cpr import age_on, birth_date, normalise_cpr
from app.requests.models import Area, Contact, HelpWanted
from app.requests.service import Intake

AGES = ("under_18", "18_29", "30_plus")
AREAS = tuple(a.value for a in Area) + ("gambling",)
STEP1_FIELDS = ("age", "area", "for_whom", "anonymity")
STEP2_FIELDS = ("display_name", "full_name", "phone", "email", "cpr", "other_social_problems",
                "preferred_contact", "message", "attach_screening")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ]{8,15}$")


@dataclass
class Step1:
    age: str
    area: str
    for_relative: bool
    anonymous: bool

    @property
    def under_18(self) -> bool:
        return self.age == "under_18"

    @property
    def move(self) -> bool:
        return self.age == "18_29"

    @property
    def asks_101a(self) -> bool:
        return self.anonymous and not self.for_relative and self.area == Area.drugs.value


@dataclass
class Parsed:
    form: dict
    errors: dict = field(default_factory=dict)
    step1: Step1 | None = None
    intake: Intake | None = None
    cpr_under_18: bool = False


def parse_step1(form: dict) -> Parsed:
    out = Parsed(form={k: (form.get(k) or "") for k in STEP1_FIELDS})
    f = out.form
    if f["age"] not in AGES:
        out.errors["age"] = N_("Vælg en alder.")
    if f["area"] not in AREAS:
        out.errors["area"] = N_("Vælg, hvad det handler om.")
    if f["for_whom"] not in ("self", "relative"):
        out.errors["for_whom"] = N_("Vælg, om det er for dig selv eller som pårørende.")
    if f["anonymity"] not in ("anonymous", "identified"):
        out.errors["anonymity"] = N_("Vælg, om du vil være anonym eller oplyse dit navn.")
    if not out.errors:
        out.step1 = Step1(f["age"], f["area"], f["for_whom"] == "relative", f["anonymity"] == "anonymous")
    return out


def parse_step2(form: dict, help_wanted: list[str], *, today: date) -> Parsed:
    """The whole request: step 1's answers (carried as hidden fields) and step 2's."""
    out = parse_step1(form)
    if out.step1 is None or out.step1.under_18 or out.step1.area == "gambling":
        return out
    s1 = out.step1
    f = out.form
    f.update({k: (form.get(k) or "").strip() for k in STEP2_FIELDS})
    f["screening"] = form.get("screening") or ""
    f["help_wanted"] = [h for h in help_wanted if h in {x.value for x in HelpWanted}]
    e = out.errors
    cpr = None
    if s1.anonymous:
        f["preferred_contact"] = Contact.portal.value
        if len(f["display_name"]) > 60:
            e["display_name"] = N_("Skriv højst 60 tegn.")
    else:
        if not f["full_name"]:
            e["full_name"] = N_("Skriv dit navn.")
        elif len(f["full_name"]) > 120:
            e["full_name"] = N_("Skriv højst 120 tegn.")
        if f["phone"] and not _PHONE.match(f["phone"]):
            e["phone"] = N_("Skriv et telefonnummer med 8 cifre, fx 12 34 56 78.")
        if f["email"] and (not _EMAIL.match(f["email"]) or len(f["email"]) > 200):
            e["email"] = N_("Skriv en e-mailadresse som navn@eksempel.dk.")
        if f["preferred_contact"] not in {c.value for c in Contact}:
            e["preferred_contact"] = N_("Vælg, hvordan vi skal kontakte dig.")
        elif f["preferred_contact"] == "phone" and not f["phone"] and "phone" not in e:
            e["phone"] = N_("Skriv dit telefonnummer, så vi kan ringe til dig.")
        elif f["preferred_contact"] == "email" and not f["email"] and "email" not in e:
            e["email"] = N_("Skriv din e-mailadresse, så vi kan skrive til dig.")
        if f["cpr"]:
            cpr = normalise_cpr(f["cpr"])
            if cpr is None:
                e["cpr"] = N_("Skriv CPR-nummeret som ddmmåå-xxxx med en rigtig fødselsdato.")
            elif not s1.for_relative and age_on(birth_date(cpr), today) < 18:
                out.cpr_under_18 = True
    if s1.asks_101a and f["other_social_problems"] not in ("yes", "no", "unsure"):
        e["other_social_problems"] = N_("Svar på, om du har andre sociale problemer.")
    if len(f["message"]) > 4000:
        e["message"] = N_("Skriv højst 4000 tegn.")
    decoded = screening.decode(f["screening"])
    if e or out.cpr_under_18:
        return out
    attach = decoded is not None and f["attach_screening"] == "1"
    out.intake = Intake(
        area=s1.area, for_relative=s1.for_relative, anonymous=s1.anonymous,
        other_social_problems=f["other_social_problems"] if s1.asks_101a else None,
        help_wanted=tuple(f["help_wanted"]), preferred_contact=f["preferred_contact"],
        display_name=(f["display_name"] or None) if s1.anonymous else None,
        full_name=None if s1.anonymous else f["full_name"], phone=None if s1.anonymous else (f["phone"] or None),
        email=None if s1.anonymous else (f["email"] or None), cpr=cpr, message=f["message"],
        screening_kind=decoded[0] if attach else None,
        screening_score=screening.score(decoded[0], decoded[2]) if attach else None,
    )
    return out


@dataclass
class ScreeningResult:
    kind: str
    sex: str | None
    answers: list[int]
    total: int
    band: str
    explanation: str
    encoded: str


def parse_screening(kind: str, form: dict) -> tuple[ScreeningResult | None, dict, dict]:
    """Returns (result, typed form, errors)."""
    items = screening.TESTS[kind]
    typed = {f"q{i}": form.get(f"q{i}") or "" for i in range(len(items))}
    typed["sex"] = form.get("sex") or ""
    errors = {}
    try:
        answers = screening.parse_answers(kind, [typed[f"q{i}"] for i in range(len(items))])
    except screening.ScreeningError as err:
        for i in err.missing:
            errors[f"q{i}"] = Msg(N_("Svar på spørgsmål %(n)s."), n=i + 1)
        return None, typed, errors
    sex = typed["sex"] if typed["sex"] in ("male", "female") else None
    total = screening.score(kind, answers)
    return ScreeningResult(kind, sex, answers, total, screening.band(kind, total, sex),
                           screening.explanation(kind, total, sex), screening.encode(kind, answers, sex)), typed, errors
