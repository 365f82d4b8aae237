"""Treatment plans (behandlingsplaner), their goals, immutable versions, MOVE gift cards handed out,
discharges (udskrivninger) and the follow-up calls after them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, Column, Index, Text, UniqueConstraint, event
from sqlmodel import Field

from app.core.db import UTCDateTime
from app.core.i18n import N_
from app.core.labels import LabelledEnum
from app.core.tenancy import TenantOwned


class Aim(LabelledEnum):
    abstinence = "abstinence", N_("Stoffrihed / ophør")
    reduction = "reduction", N_("Reduktion af forbruget")
    stabilisation = "stabilisation", N_("Stabilisering")


class TreatmentForm(LabelledEnum):
    counselling = "counselling", N_("Rådgivning")
    outpatient = "outpatient", N_("Ambulant behandling")
    day = "day", N_("Dagbehandling")
    residential = "residential", N_("Døgnbehandling")
    anonymous_outpatient = "anonymous_outpatient", N_("Anonym ambulant behandling")
    move = "move", N_("MOVE / MOVE+ for unge under 30")


class Medical(LabelledEnum):
    substitution = "substitution", N_("Substitutionsbehandling")
    antabus = "antabus", N_("Antabus")
    craving = "craving", N_("Trangdæmpende medicin")
    detox = "detox", N_("Afrusning / abstinensbehandling")


class LifeArea(LabelledEnum):
    substance = "substance", N_("Rusmidler")
    physical = "physical", N_("Fysisk helbred")
    mental = "mental", N_("Psykisk helbred")
    social = "social", N_("Socialt liv og familie")
    work = "work", N_("Arbejde, uddannelse og økonomi")
    housing = "housing", N_("Bolig")


class GoalStatus(LabelledEnum):
    not_started = "not_started", N_("Ikke begyndt")
    in_progress = "in_progress", N_("I gang")
    reached = "reached", N_("Nået")
    changed = "changed", N_("Ændret")
    dropped = "dropped", N_("Droppet")


class Proposal(LabelledEnum):
    """A goal the citizen proposed: waiting, accepted into the plan, or to be talked about."""

    proposed = "proposed", N_("Dit forslag – venter på din behandler")
    accepted = "accepted", N_("Taget med i planen")
    discuss = "discuss", N_("Vi taler om det næste gang")


class TreatmentPlan(TenantOwned, table=True):
    __tablename__ = "treatment_plan"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE", unique=True)
    treatment_form: str = Field(max_length=30)
    aim: str = Field(max_length=20)
    medical: str = Field(default="", max_length=120)  # comma-separated Medical values
    # MOVE gift cards are for under-30s; kept here so the case itself needs no age.
    under_30: bool = Field(default=False)
    version_no: int = Field(default=0)  # the latest revision's number
    last_revised_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    next_revision_on: date
    agreed_version_no: int | None = Field(default=None)  # the version the citizen said "enig" to
    agreed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def medical_list(self) -> list[str]:
        return [m for m in self.medical.split(",") if m]


class PlanGoal(TenantOwned, table=True):
    __tablename__ = "plan_goal"
    __table_args__ = (Index("ix_plan_goal_case", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="treatment_plan.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    life_area: str = Field(max_length=20)
    citizen_words: str = Field(sa_column=Column(Text, nullable=False))  # the goal in the citizen's own words
    steps: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default=GoalStatus.not_started.value, max_length=20)
    proposal: str | None = Field(default=None, max_length=20)  # set when the citizen proposed it
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class GoalComment(TenantOwned, table=True):
    __tablename__ = "plan_goal_comment"
    __table_args__ = (Index("ix_plan_goal_comment_goal", "goal_id"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="plan_goal.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    by_citizen: bool = Field(default=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    staff_first_name: str = Field(default="", max_length=60)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PlanVersion(TenantOwned, table=True):
    """One revision of a plan as it stood: who, when, why and what. Never updated (a trigger says so)."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "version_no", name="uq_plan_version_no"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="treatment_plan.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE", index=True)
    version_no: int
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    staff_first_name: str = Field(max_length=60)
    reason: str = Field(default="", max_length=300)
    snapshot: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    next_revision_on: date
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# Immutability in the database too (the service has no update path; this stops raw SQL).
# Deleting stays possible so a case can still be purged when its retention period ends.
PLAN_VERSION_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER plan_version_immutable BEFORE UPDATE ON plan_version "
        "BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION plan_version_immutable() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'plan versions are immutable'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER plan_version_immutable BEFORE UPDATE ON plan_version "
        "FOR EACH ROW EXECUTE FUNCTION plan_version_immutable()",
    ],
}
class ImmutableVersion(Exception):
    """A plan version was about to be changed: versions are written once."""


@event.listens_for(PlanVersion, "before_update")
def _refuse_version_update(_mapper, _connection, _target):
    raise ImmutableVersion("plan versions are immutable")


for _dialect, _statements in PLAN_VERSION_TRIGGERS.items():
    for _sql in _statements:
        event.listen(PlanVersion.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))


class GiftCard(TenantOwned, table=True):
    """A MOVE gift card handed out. Cards earned are computed from attendance; one row per card given."""

    __tablename__ = "gift_card"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_gift_card_case_number"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    number: int  # 1..7
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", ondelete="SET NULL")
    handed_out_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")


class DischargeReason(LabelledEnum):
    completed = "completed", N_("Færdigbehandlet")
    referred = "referred", N_("Udskrevet til andet tilbud")
    hospital = "hospital", N_("Hospital")
    prison = "prison", N_("Kriminalforsorgen")
    moved = "moved", N_("Flyttet kommune")
    no_show = "no_show", N_("Udeblevet")
    expelled = "expelled", N_("Bortvist")
    own_wish = "own_wish", N_("Stoppet efter eget ønske")
    death = "death", N_("Død")
    other = "other", N_("Anden årsag")


# BEK 1477/2019 § 4: follow-up 1 and 6 months after these endings.
FOLLOW_UP_REASONS = frozenset({DischargeReason.completed, DischargeReason.referred, DischargeReason.hospital})


class Discharge(TenantOwned, table=True):
    __tablename__ = "discharge"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE", unique=True)
    reason: str = Field(max_length=20)
    note: str = Field(default="", max_length=500)
    discharged_on: date
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class FollowUpStatus(LabelledEnum):
    open = "open", N_("Mangler")
    done = "done", N_("Gennemført")
    declined = "declined", N_("Borgeren har sagt nej tak")


class FollowUp(TenantOwned, table=True):
    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("discharge_id", "months", name="uq_follow_up_discharge_months"),
        Index("ix_follow_up_status_due", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    discharge_id: int = Field(foreign_key="discharge.id", ondelete="CASCADE")
    case_id: int = Field(foreign_key="citizen_case.id", ondelete="CASCADE")
    months: int  # 1 or 6
    due_on: date
    status: str = Field(default=FollowUpStatus.open.value, max_length=20)
    note: str = Field(default="", max_length=500)
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
