"""Decisions (afgørelser) on type of treatment, with reasons and a complaint guide.

Made by counsellors in the requests domain; complained about in the complaints domain.
A re-assessment that changes a decision creates a new row and marks the old one replaced:
both are kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, String, Text
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class TreatmentType(LabelledEnum):
    counselling = "counselling", N_("Rådgivning")
    outpatient = "outpatient", N_("Ambulant behandling")
    residential = "residential", N_("Døgnbehandling")
    medical = "medical", N_("Lægelig behandling")  # afrusning, substitution, antabus, trangdæmpende
    anonymous_outpatient = "anonymous_outpatient", N_("Anonym ambulant stofbehandling")  # SEL § 101 a
    refused = "refused", N_("Afslag på behandling")


class LegalBasis(LabelledEnum):
    sel_101 = "SEL § 101", N_("Serviceloven § 101 (behandling for stofmisbrug)")  # social treatment
    # anonymous outpatient drug treatment: no appeal, no 14-day guarantee
    sel_101a = "SEL § 101 a", N_("Serviceloven § 101 a (anonym ambulant stofbehandling)")
    sul_141 = "SUL § 141", N_("Sundhedsloven § 141 (behandling for alkoholmisbrug)")  # alcohol
    sul_142 = "SUL § 142", N_("Sundhedsloven § 142 (lægelig behandling)")  # with addictive medicines


class Decision(TenantOwned, table=True):
    __tablename__ = "decision"
    __table_args__ = (
        Index("ix_decision_case", "case_id"),
        CheckConstraint("delivered_by IN ('min_side', 'digital_post', 'physical_post')", name="ck_decision_delivered_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    request_id: int | None = Field(default=None)  # the treatment request it answers, if any
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    treatment_type: str = Field(max_length=30)
    legal_basis: str = Field(max_length=20)
    # forvaltningsloven § 22/24: the rules applied, the main considerations and the key facts.
    rules_applied: str = Field(sa_column=Column(Text, nullable=False))
    considerations: str = Field(sa_column=Column(Text, nullable=False))
    key_facts: str = Field(sa_column=Column(Text, nullable=False))
    # forvaltningsloven § 25: where, how and by when to complain. Empty = no guide was given,
    # and then the complaint deadline does not run.
    complaint_guide: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    decided_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # When and how the decision reached the citizen: the complaint period starts from it
    # (app.core.deadlines: Min side and Digital Post the same day, a letter by post later).
    notified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    delivered_by: str = Field(default="min_side", sa_column=Column(
        String(20), nullable=False, server_default="min_side"))
    replaces_id: int | None = Field(default=None, foreign_key="decision.id")
    replaced_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
