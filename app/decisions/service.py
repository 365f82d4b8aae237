"""Decisions (afgørelser) on type of treatment: reasons, the complaint guide and its deadline.

forvaltningsloven § 22/24: a decision carries the rules applied, the main considerations and the key
facts. § 25: a complaint guide naming where, how and by when to complain. retssikkerhedsloven § 67:
the citizen may complain within 4 weeks of being notified; the period ends on the same weekday four
weeks later and does not run while no complaint guide was given.

Where a complaint goes depends on the legal basis (one table, `COMPLAINT_ROUTES`):
- SEL § 101: the centre re-assesses; if it stands, complaint and case file go to Ankestyrelsen.
- SEL § 101 a: the centre re-assesses, but the decision cannot be brought before another authority.
- SUL § 141/§ 142 (health law): complaints go to Styrelsen for Patientklager; the portal does not
  collect them (the centre handles complaints under Serviceloven only, quality standard 2026).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from app.cases.models import CitizenCase
from app.core import deadlines
from app.core.clock import local_date, local_datetime
from app.core.errors import NotFound
from app.core.i18n import N_
from app.decisions.models import Decision, LegalBasis, TreatmentType

ANKESTYRELSEN_URL = "https://ast.dk"
PATIENTKLAGER_URL = "https://stpk.dk"

# Where a complaint about a decision goes.
ROUTE_ANKESTYRELSEN = "ankestyrelsen"  # re-assessed here, then forwarded if it stands
ROUTE_NO_APPEAL = "no_appeal"  # re-assessed here, never forwarded (SEL § 101 a)
ROUTE_PATIENTKLAGER = "patientklager"  # not handled here: Styrelsen for Patientklager

COMPLAINT_ROUTES = {
    LegalBasis.sel_101.value: ROUTE_ANKESTYRELSEN,
    LegalBasis.sel_101a.value: ROUTE_NO_APPEAL,
    LegalBasis.sul_141.value: ROUTE_PATIENTKLAGER,
    LegalBasis.sul_142.value: ROUTE_PATIENTKLAGER,
}


# Which legal bases fit which type of treatment. An refusal can be made under any of them.
ALLOWED_BASES = {
    TreatmentType.counselling.value: {LegalBasis.sel_101.value, LegalBasis.sul_141.value},
    TreatmentType.outpatient.value: {LegalBasis.sel_101.value, LegalBasis.sul_141.value},
    TreatmentType.residential.value: {LegalBasis.sel_101.value, LegalBasis.sul_141.value},
    TreatmentType.medical.value: {LegalBasis.sul_142.value},
    TreatmentType.anonymous_outpatient.value: {LegalBasis.sel_101a.value},
    TreatmentType.refused.value: {b.value for b in LegalBasis},
}

TEXT_MAX = 4000


class DecisionError(Exception):
    """Invalid input for a decision; `errors` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(errors))
        self.errors = errors


class DecisionAlreadyReplaced(Exception):
    """The decision has already been replaced by a newer one."""


@dataclass(frozen=True)
class DecisionInput:
    treatment_type: str = ""
    legal_basis: str = ""
    rules_applied: str = ""
    considerations: str = ""
    key_facts: str = ""


def complaint_route(legal_basis: str) -> str:
    return COMPLAINT_ROUTES.get(legal_basis, ROUTE_ANKESTYRELSEN)


def complaint_deadline(decision: Decision) -> date | None:
    """Last day to complain, or None when no deadline runs: no guide given, not yet notified,
    or no complaint deadline to keep (SEL § 101 a cannot be appealed; health-law complaints go
    to Styrelsen for Patientklager under its own rules)."""
    if not decision.complaint_guide.strip() or decision.notified_at is None:
        return None
    if complaint_route(decision.legal_basis) != ROUTE_ANKESTYRELSEN:
        return None
    return deadlines.complaint_deadline(decision.notified_at, decision.delivered_by)


def is_late(decision: Decision | None, received_at: datetime) -> bool:
    """A complaint is late only if a deadline ran and the day it arrived is after the last day."""
    deadline = complaint_deadline(decision) if decision is not None else None
    return deadline is not None and local_date(received_at) > deadline


def build_complaint_guide(centre, *, legal_basis: str, notified_at: datetime,
                          delivered_by: str = deadlines.Delivery.min_side) -> str:
    """The klagevejledning (forvaltningsloven § 25) as issued with the decision, in Danish."""
    route = complaint_route(legal_basis)
    where = (f"{centre.name}, {centre.municipality}, {centre.address}, {centre.postcode_city}, "
             f"telefon {centre.phone}")
    if route == ROUTE_PATIENTKLAGER:
        return (
            "Klagevejledning\n"
            "Afgørelsen er truffet efter sundhedsloven. Vil du klage over den eller over den lægelige "
            "behandling, skal du klage til Styrelsen for Patientklager, ikke til os. Det gør du på "
            f"{PATIENTKLAGER_URL}. Du behøver ikke begrunde klagen. Fristen er som udgangspunkt 2 år fra "
            "den dag, du blev klar over det, du vil klage over.\n"
            f"Vil du have hjælp til at klage, kan du kontakte {where}."
        )
    how = ("Du kan klage på Min side i Rusmiddelportalen (under Klage), ved at ringe til os, eller "
           "ved at skrive eller komme forbi. Du behøver ikke begrunde din klage.")
    if route == ROUTE_NO_APPEAL:
        return (
            "Klagevejledning\n"
            "Afgørelsen er truffet efter serviceloven § 101 a om anonym ambulant stofbehandling. Den kan "
            "ikke indbringes for anden administrativ myndighed (serviceloven § 101 a). Du kan ikke klage "
            "til Ankestyrelsen.\n"
            f"Du kan bede os om at se på afgørelsen igen: {where}. {how}"
        )
    deadline = deadlines.complaint_deadline(notified_at, delivered_by)
    return (
        "Klagevejledning\n"
        f"Hvor: Du klager til {where}.\n"
        f"Hvordan: {how}\n"
        f"Hvornår: Klagen skal være modtaget senest {deadline:%d.%m.%Y}, 4 uger efter at du fik "
        "afgørelsen (retssikkerhedsloven § 67).\n"
        "Hvad sker der så: Vi vurderer afgørelsen igen. Fastholder vi den, sender vi din klage og "
        "sagens akter til Ankestyrelsen senest 4 uger efter, at vi har modtaget klagen, og du får "
        "besked. Ankestyrelsen sender sin afgørelse til dig.\n"
        "Klager over den lægelige behandling skal sendes til Styrelsen for Patientklager "
        f"({PATIENTKLAGER_URL})."
    )


def validate_decision(case: CitizenCase, data: DecisionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.treatment_type not in {t.value for t in TreatmentType}:
        errors["treatment_type"] = N_("Vælg hvilken type behandling afgørelsen gælder.")
    if data.legal_basis not in {b.value for b in LegalBasis}:
        errors["legal_basis"] = N_("Vælg det lovgrundlag, afgørelsen er truffet efter.")
    elif data.treatment_type in ALLOWED_BASES and data.legal_basis not in ALLOWED_BASES[data.treatment_type]:
        errors["legal_basis"] = N_("Lovgrundlaget passer ikke til den type behandling.")
    elif data.legal_basis == LegalBasis.sel_101a.value and not case.anonymous:
        errors["legal_basis"] = N_("Serviceloven § 101 a gælder kun anonym behandling.")
    for name, message in (
        ("rules_applied", N_("Skriv hvilke regler afgørelsen bygger på.")),
        ("considerations", N_("Skriv de hovedhensyn, der har været afgørende.")),
        ("key_facts", N_("Skriv de faktiske oplysninger, der har været væsentlige.")),
    ):
        value = getattr(data, name).strip()
        if not value:
            errors[name] = message
        elif len(value) > TEXT_MAX:
            errors[name] = N_("Teksten er for lang (højst 4000 tegn).")
    return errors


def make_decision(
    db: Session, *, case: CitizenCase, staff, data: DecisionInput, centre, now: datetime,
    replaces: Decision | None = None,
) -> Decision:
    """Record a decision with its reasons and complaint guide; it is on Min side from `now`.

    With `replaces`, the old decision is marked replaced in the same transaction (both are kept)."""
    errors = validate_decision(case, data)
    if errors:
        raise DecisionError(errors)
    if replaces is not None:
        if replaces.case_id != case.id:
            raise NotFound()
        # Conditional update: two re-assessments racing cannot both replace the same decision.
        result = db.execute(update(Decision).where(Decision.id == replaces.id, Decision.replaced_at.is_(None))
                            .values(replaced_at=now))
        if not result.rowcount:
            raise DecisionAlreadyReplaced()
        db.refresh(replaces)
    decision = Decision(
        case_id=case.id, staff_id=staff.id if staff is not None else None,
        treatment_type=data.treatment_type, legal_basis=data.legal_basis,
        rules_applied=data.rules_applied.strip(), considerations=data.considerations.strip(),
        key_facts=data.key_facts.strip(),
        complaint_guide=build_complaint_guide(centre, legal_basis=data.legal_basis, notified_at=now),
        decided_at=now, notified_at=now, replaces_id=replaces.id if replaces is not None else None,
    )
    db.add(decision)
    db.flush()
    return decision


POST_BACKDATE_DAYS = 7  # a letter posted last week can still be recorded; older is a mistake


def may_send_by_post(case: CitizenCase, decision: Decision) -> bool:
    """A named citizen's decision that so far only reached Min side. Anonymous cases have no address."""
    return (not case.anonymous and decision.replaced_at is None
            and decision.delivered_by == deadlines.Delivery.min_side.value)


def record_sent_by_post(db: Session, *, case: CitizenCase, decision: Decision, posted_on: date | None, centre,
                        now: datetime) -> Decision:
    """The decision also went out as a letter (the citizen cannot use Min side or Digital Post): from
    now on its complaint period follows the post rule (app.core.deadlines.received_on) – later than
    Min side's, so in the citizen's favour – and its complaint guide names that later last day."""
    if not may_send_by_post(case, decision):
        raise DecisionError({"posted_on": N_("Denne afgørelse kan ikke registreres som sendt med posten.")})
    today = local_date(now)
    if posted_on is None:
        raise DecisionError({"posted_on": N_("Skriv datoen, brevet blev sendt, fx 23.11.2026.")})
    if posted_on > today or posted_on < local_date(decision.decided_at) or \
            (today - posted_on).days > POST_BACKDATE_DAYS:
        raise DecisionError({"posted_on": N_("Datoen skal være fra afgørelsens dag til i dag (højst en uge tilbage).")})
    sent_at = local_datetime(posted_on, 12) if posted_on != today else now
    guide = build_complaint_guide(centre, legal_basis=decision.legal_basis, notified_at=sent_at,
                                  delivered_by=deadlines.Delivery.physical_post)
    # Conditional: two members of staff recording the same letter change it once.
    done = db.execute(update(Decision).where(Decision.id == decision.id,
                                             Decision.delivered_by == deadlines.Delivery.min_side.value)
                      .values(delivered_by=deadlines.Delivery.physical_post.value, notified_at=sent_at,
                              complaint_guide=guide)).rowcount
    if not done:
        raise DecisionError({"posted_on": N_("Denne afgørelse kan ikke registreres som sendt med posten.")})
    db.refresh(decision)
    return decision


def record_delivered_by_digital_post(db: Session, *, decision_id: int, made_available_at: datetime,
                                     centre) -> bool:
    """The decision's letter is in the citizen's Digital Post from `made_available_at`: from then on the
    complaint period counts from that day (app.core.deadlines: Digital Post, the day it was made
    available), and the guide shown with it names that last day. Conditional: a letter already
    recorded as posted keeps the post rule; recording twice changes nothing. True if it changed."""
    decision = db.get(Decision, decision_id)
    if decision is None:
        return False  # the case is gone (retention) while its letter was on its way
    guide = build_complaint_guide(centre, legal_basis=decision.legal_basis, notified_at=made_available_at,
                                  delivered_by=deadlines.Delivery.digital_post)
    done = db.execute(update(Decision).where(Decision.id == decision_id,
                                             Decision.delivered_by == deadlines.Delivery.min_side.value)
                      .values(delivered_by=deadlines.Delivery.digital_post.value, notified_at=made_available_at,
                              complaint_guide=guide)).rowcount
    return bool(done)


def decisions_for_case(db: Session, case_id: int) -> list[Decision]:
    """Newest first, replaced ones included (they are part of the case)."""
    return list(db.exec(select(Decision).where(Decision.case_id == case_id)
                        .order_by(Decision.decided_at.desc(), Decision.id.desc())))


def active_decisions(db: Session, case_id: int) -> list[Decision]:
    return [d for d in decisions_for_case(db, case_id) if d.replaced_at is None]


def get_case_decision(db: Session, *, case_id: int, decision_id: int) -> Decision:
    """A decision only through its own case: another case's id is simply not found."""
    decision = db.exec(select(Decision).where(Decision.id == decision_id, Decision.case_id == case_id)).first()
    if decision is None:
        raise NotFound()
    return decision


def replacement_of(db: Session, decision: Decision) -> Decision | None:
    return db.exec(select(Decision).where(Decision.replaces_id == decision.id)).first()
