"""Builders for decisions and complaints, through the services so the rules apply."""

from __future__ import annotations

from app.core.config import DEFAULT_CENTRE_FILE, load_centre
from app.decisions import service as decisions

CENTRE = load_centre(DEFAULT_CENTRE_FILE)

KINDS = {
    "SEL § 101": "outpatient",
    "SEL § 101 a": "anonymous_outpatient",
    "SUL § 141": "outpatient",
    "SUL § 142": "medical",
}


def decision_input(legal_basis: str = "SEL § 101", treatment_type: str | None = None, tag: str = "") -> decisions.DecisionInput:
    return decisions.DecisionInput(
        treatment_type=treatment_type or KINDS[legal_basis], legal_basis=legal_basis,
        rules_applied=f"Serviceloven § 101, stk. 1 {tag}".strip(),
        considerations=f"Behov for ugentlige samtaler {tag}".strip(),
        key_facts=f"Forbrug af cannabis dagligt i to år {tag}".strip(),
    )


def make_decision(db, case, *, now, staff=None, legal_basis: str = "SEL § 101", tag: str = "", commit=True):
    decision = decisions.make_decision(db, case=case, staff=staff, data=decision_input(legal_basis, tag=tag),
                                       centre=CENTRE, now=now)
    if commit:
        db.commit()
    return decision
