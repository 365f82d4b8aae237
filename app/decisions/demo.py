"""Demo data: one identified case with a decision on outpatient drug treatment (SEL § 101)."""

from __future__ import annotations

from sqlmodel import select

from app.cases import service as cases
from app.core.config import get_settings, load_centre
from app.decisions import service
from app.decisions.models import Decision
from app.staff.models import StaffUser

DEMO_NAME = "Demo Afgørelse"


def load_decision_demo(db, now) -> list[str]:
    existing = db.exec(select(Decision.id).join(cases.CitizenCase, cases.CitizenCase.id == Decision.case_id)
                       .where(cases.CitizenCase.full_name == DEMO_NAME)).first()
    if existing is not None:
        return ["Demo-sag med afgørelse findes allerede (koden blev vist, da den blev oprettet)."]
    case, code = cases.open_case(db, now=now, anonymous=False, contact=cases.ContactDetails(
        display_name="Demo", full_name=DEMO_NAME, phone="12 34 56 78"))
    counsellor = db.exec(select(StaffUser).where(StaffUser.username == "behandler")).first()
    service.make_decision(db, case=case, staff=counsellor, centre=load_centre(get_settings().centre_file), now=now,
                          data=service.DecisionInput(
                              treatment_type="outpatient", legal_basis="SEL § 101",
                              rules_applied="Serviceloven § 101, stk. 1 og 4, og Haderslev Kommunes kvalitetsstandard 2026.",
                              considerations="Du ønsker at passe dit arbejde under behandlingen, og du har et stabilt "
                                             "netværk. Ambulant behandling med ugentlige samtaler er derfor det rette tilbud.",
                              key_facts="Dagligt forbrug af hash i 3 år. Ingen tidligere behandling. Samtale ved Åben "
                                        "Rådgivning den 16.11.2026."))
    return [f"Demo-sag med afgørelse ({case.pseudonym}): kode {code.display} – log ind på /status og se /klage."]


