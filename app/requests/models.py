"""Treatment requests (henvendelser om behandling) and the 14-day guarantee they start."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Text
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class Area(LabelledEnum):
    alcohol = "alcohol", N_("Alkohol")
    drugs = "drugs", N_("Stoffer")
    medicine = "medicine", N_("Medicin eller piller")  # pills / medicine taken other than prescribed


class HelpWanted(LabelledEnum):
    counselling = "counselling", N_("Rådgivning")
    outpatient = "outpatient", N_("Ambulant behandling")
    residential = "residential", N_("Døgnbehandling")
    medical = "medical", N_("Lægelig behandling")


class Contact(LabelledEnum):
    portal = "portal", N_("Kun via Min side")
    phone = "phone", N_("Telefon")
    email = "email", N_("E-mail")


class RequestStatus(LabelledEnum):
    received = "received", N_("Modtaget")
    visitation = "visitation", N_("Under visitation")
    offered = "offered", N_("Tilbud givet")
    in_treatment = "in_treatment", N_("I behandling")
    closed = "closed", N_("Afsluttet")


class TreatmentRequest(TenantOwned, table=True):
    __tablename__ = "treatment_request"
    __table_args__ = (
        Index("ix_treatment_request_case", "case_id"),
        Index("ix_treatment_request_deadline", "status", "deadline_on"),
        Index("ix_treatment_request_source", "source_tag"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    area: str = Field(max_length=20)
    for_relative: bool = Field(default=False)
    anonymous: bool = Field(default=True)
    # Anonymous drug treatment under SEL § 101 a: no 14-day guarantee, no appeal.
    section_101a: bool = Field(default=False)
    other_social_problems: str | None = Field(default=None, max_length=10)  # "yes" | "no" | "unsure"
    help_wanted: str = Field(default="", max_length=100)  # comma-separated HelpWanted values
    preferred_contact: str = Field(default=Contact.portal.value, max_length=10)
    cpr: str | None = Field(default=None, max_length=11)  # identified citizens only, DDMMYY-XXXX
    # "mitid" when name and CPR came from a NemLog-in assertion, not typed: staff may rely on them.
    cpr_verified_by: str | None = Field(default=None, max_length=10)
    message: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    screening_kind: str | None = Field(default=None, max_length=10)  # "audit" | "dudit", if attached
    screening_score: int | None = Field(default=None)
    status: str = Field(default=RequestStatus.received.value, max_length=20)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The latest start date (local contact date + 14 days); None when the guarantee does not apply.
    deadline_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    counsellor_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    started_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))  # recorded start
    free_choice_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    free_choice_by: str | None = Field(default=None, max_length=10)  # "citizen" | "staff"
    # Deadline letter: the centre cannot meet the deadline; the citizen was told why and when instead.
    delay_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delay_new_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    delay_notified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The connection it was sent from, hashed with the day (requests.service.source_tag): staff can
    # remove a flood from one connection in one action; it names no address and links nothing across
    # days. None: registered by staff, or sent again from Min side.
    source_tag: str | None = Field(default=None, max_length=16)
