"""Statistics own no tables, only indexes that make the period queries fast on other domains' tables.

Declared here (not in the owning models) so the statistics' needs stay in one place; created by
the stats migration. The stats domain declares INDEXES among its models, so the house loads them."""

from __future__ import annotations

from sqlalchemy import Index

from app.plans.models import Discharge, FollowUp
from app.requests.models import TreatmentRequest

INDEXES = (
    # Requests are selected by the period they arrived in.
    Index("ix_treatment_request_received", TreatmentRequest.__table__.c.received_at),
    # Courses are selected by the day they ended.
    Index("ix_discharge_discharged_on", Discharge.__table__.c.discharged_on),
    # Follow-ups are counted by the day they fell due.
    Index("ix_follow_up_due_months", FollowUp.__table__.c.due_on, FollowUp.__table__.c.months,
          FollowUp.__table__.c.status),
)
