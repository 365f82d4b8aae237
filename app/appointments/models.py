"""Appointments on a case (individual, group, video, medical), with attendance.

Shared by the requests domain (the first appointment starts treatment and meets the guarantee)
and the plans domain (attendance, MOVE gift cards).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class AppointmentKind(LabelledEnum):
    individual = "individual", N_("Samtale")
    group = "group", N_("Gruppe")
    video = "video", N_("Videosamtale")
    medical = "medical", N_("Lægekonsultation")


class Attendance(LabelledEnum):
    planned = "planned", N_("Planlagt")
    attended = "attended", N_("Mødt")
    no_show = "no_show", N_("Udeblevet uden afbud")  # did not come and did not cancel
    cancelled_in_time = "cancelled_in_time", N_("Aflyst med afbud")  # the citizen cancelled beforehand
    cancelled_by_centre = "cancelled_by_centre", N_("Aflyst af centret")


class Appointment(TenantOwned, table=True):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_case_start", "case_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    kind: str = Field(max_length=20, default=AppointmentKind.individual.value)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_minutes: int = Field(default=60)
    location: str = Field(default="", max_length=200)
    video_url: str | None = Field(default=None, max_length=300)
    attendance: str = Field(max_length=24, default=Attendance.planned.value)
    # True for the appointment that starts treatment (measured for the 14-day guarantee).
    starts_treatment: bool = Field(default=False)
    in_follow_up: bool = Field(default=False)  # during the 6-month follow-up after discharge
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
