"""The rules for treatment plans, revisions and versions, MOVE gift cards, discharge and follow-up.

Plain functions: no HTTP, no templates. They flush, the caller's transaction commits.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.appointments import service as appointments
from app.appointments.models import Appointment, Attendance
from app.cases import service as cases
from app.cases.models import CitizenCase
from app.core.clock import local_date
from app.core.errors import NotFound
from app.core.i18n import N_
from app.plans.models import (
    FOLLOW_UP_REASONS, Aim, Discharge, DischargeReason, FollowUp, FollowUpStatus, GiftCard, GoalComment,
    GoalStatus, LifeArea, Medical, PlanGoal, PlanVersion, Proposal, TreatmentForm, TreatmentPlan,
)

REVISION_MONTHS = 3  # the plan is revised at least every 3 months (and whenever the service changes)
DUE_SOON_DAYS = 14
GIFT_CARD_MAX = 7
GIFT_CARD_KR = 200
FOLLOW_UP_MONTHS = (1, 6)
MAX_TEXT = 2000


class PlanError(Exception):
    """Invalid input: which field, and a message for the person who typed it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class StaleVersion(Exception):
    """The citizen agreed to a version that is no longer the latest."""


class AlreadyExists(Exception):
    pass


def insert_once(db: Session, row) -> None:
    """Insert a row whose uniqueness the database decides; a clash raises AlreadyExists and leaves the
    rest of the transaction intact (a savepoint)."""
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError as exc:
        raise AlreadyExists() from exc


# --- Dates -----------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """Calendar months; a day that does not exist in the target month becomes its last day
    (30.11 + 3 months = 28.02, or 29.02 in a leap year)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_revision_date(revised_at: datetime) -> date:
    """Three calendar months after the day of the revision, counted in Copenhagen (not UTC)."""
    return add_months(local_date(revised_at), REVISION_MONTHS)


def revision_state(plan: TreatmentPlan, today: date) -> str:
    if plan.next_revision_on < today:
        return "overdue"
    if plan.next_revision_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due"
    return "ok"


# --- Plans -----------------------------------------------------------------------------------

def _clean_text(value: str, field: str, *, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PlanError(field, message)
    if len(value) > MAX_TEXT:
        raise PlanError(field, N_("Teksten er for lang. Skriv højst 2000 tegn."))
    return value


def _check_plan_fields(treatment_form: str, aim: str, medical: list[str]) -> str:
    if treatment_form not in {f.value for f in TreatmentForm}:
        raise PlanError("treatment_form", N_("Vælg en behandlingsform."))
    if aim not in {a.value for a in Aim}:
        raise PlanError("aim", N_("Vælg det overordnede mål."))
    known = [m.value for m in Medical]
    if any(m not in known for m in medical):
        raise PlanError("medical", N_("Vælg kun de medicinske elementer på listen."))
    return ",".join(m for m in known if m in medical)


def get_plan(db: Session, case_id: int) -> TreatmentPlan | None:
    return db.exec(select(TreatmentPlan).where(TreatmentPlan.case_id == case_id)).first()


def goals_for(db: Session, plan_id: int) -> list[PlanGoal]:
    return list(db.exec(select(PlanGoal).where(PlanGoal.plan_id == plan_id).order_by(PlanGoal.id)))


def comments_for(db: Session, goal_ids: list[int]) -> dict[int, list[GoalComment]]:
    result: dict[int, list[GoalComment]] = {g: [] for g in goal_ids}
    if goal_ids:
        rows = db.exec(select(GoalComment).where(GoalComment.goal_id.in_(goal_ids))
                       .order_by(GoalComment.created_at, GoalComment.id))
        for c in rows:
            result[c.goal_id].append(c)
    return result


def snapshot(db: Session, plan: TreatmentPlan) -> dict:
    """What the plan says right now: the part a version keeps."""
    return {
        "treatment_form": plan.treatment_form,
        "aim": plan.aim,
        "medical": plan.medical_list,
        "under_30": plan.under_30,
        "next_revision_on": plan.next_revision_on.isoformat(),
        "goals": [
            {"id": g.id, "life_area": g.life_area, "citizen_words": g.citizen_words, "steps": g.steps,
             "status": g.status}
            for g in goals_for(db, plan.id) if g.proposal in (None, Proposal.accepted.value)
        ],
    }


def _save_version(db: Session, plan: TreatmentPlan, *, staff, reason: str, now: datetime) -> PlanVersion:
    version = PlanVersion(plan_id=plan.id, case_id=plan.case_id, version_no=plan.version_no,
                          staff_id=staff.id, staff_first_name=staff.first_name, reason=reason[:300],
                          snapshot=json.dumps(snapshot(db, plan), ensure_ascii=False, sort_keys=True),
                          next_revision_on=plan.next_revision_on, created_at=now)
    db.add(version)
    db.flush()  # the unique (plan_id, version_no) constraint settles two revisions at once
    return version


def create_plan(db: Session, *, case_id: int, staff, treatment_form: str, aim: str, medical: list[str],
                under_30: bool, now: datetime) -> TreatmentPlan:
    """Write the first plan for a case: version 1, first revision due in 3 months."""
    medical_csv = _check_plan_fields(treatment_form, aim, medical)
    cases.get_case(db, case_id)
    plan = TreatmentPlan(case_id=case_id, treatment_form=treatment_form, aim=aim, medical=medical_csv,
                         under_30=under_30, version_no=1, last_revised_at=now,
                         next_revision_on=next_revision_date(now), created_at=now)
    insert_once(db, plan)
    _save_version(db, plan, staff=staff, reason=N_("Planen er lavet"), now=now)
    return plan


def revise_plan(db: Session, *, plan: TreatmentPlan, staff, treatment_form: str, aim: str, medical: list[str],
                under_30: bool, reason: str, now: datetime) -> PlanVersion:
    """A revision: saves the plan as it now stands as a new version and sets the next revision date.
    Changing the service (form, medical elements) is only possible this way, so it always revises."""
    medical_csv = _check_plan_fields(treatment_form, aim, medical)
    reason = _clean_text(reason, "reason", required=True,
                         message=N_("Skriv kort, hvad der er ændret, eller hvorfor planen er revideret."))
    db.refresh(plan, with_for_update=True)
    plan.treatment_form, plan.aim, plan.medical, plan.under_30 = treatment_form, aim, medical_csv, under_30
    plan.version_no += 1
    plan.last_revised_at = now
    plan.next_revision_on = next_revision_date(now)
    db.add(plan)
    db.flush()
    return _save_version(db, plan, staff=staff, reason=reason, now=now)


def versions_for(db: Session, plan_id: int) -> list[PlanVersion]:
    return list(db.exec(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                        .order_by(PlanVersion.version_no.desc())))


def get_version(db: Session, plan_id: int, version_no: int) -> PlanVersion:
    row = db.exec(select(PlanVersion).where(PlanVersion.plan_id == plan_id,
                                            PlanVersion.version_no == version_no)).first()
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class Change:
    field: str  # treatment_form, aim, medical, under_30, next_revision_on, goal.<field>, goal
    goal_words: str | None
    old: object
    new: object


def compare_versions(old: PlanVersion, new: PlanVersion) -> list[Change]:
    """Field by field: what changed from one version to another (goals matched by their id)."""
    a, b = json.loads(old.snapshot), json.loads(new.snapshot)
    changes = [Change(k, None, a.get(k), b.get(k))
               for k in ("treatment_form", "aim", "medical", "under_30", "next_revision_on") if a.get(k) != b.get(k)]
    goals_a = {g["id"]: g for g in a["goals"]}
    goals_b = {g["id"]: g for g in b["goals"]}
    for gid in sorted(goals_a.keys() | goals_b.keys()):
        ga, gb = goals_a.get(gid), goals_b.get(gid)
        words = (gb or ga)["citizen_words"]
        if ga is None:
            changes.append(Change("goal.added", words, None, gb["citizen_words"]))
        elif gb is None:
            changes.append(Change("goal.removed", words, ga["citizen_words"], None))
        else:
            for key in ("life_area", "citizen_words", "steps", "status"):
                if ga[key] != gb[key]:
                    changes.append(Change(f"goal.{key}", words, ga[key], gb[key]))
    return changes


def agree_to_plan(db: Session, *, case_id: int, version_no: int, now: datetime) -> None:
    """The citizen says "Jeg er enig i planen" to the version they saw; a newer one must be read first."""
    result = db.execute(update(TreatmentPlan)
                        .where(TreatmentPlan.case_id == case_id, TreatmentPlan.version_no == version_no)
                        .values(agreed_version_no=version_no, agreed_at=now))
    if result.rowcount != 1:
        if get_plan(db, case_id) is None:
            raise NotFound()
        raise StaleVersion()
    db.expire_all()


def plans_due(db: Session, *, today: date) -> list[tuple[TreatmentPlan, CitizenCase]]:
    """Plans whose revision is overdue or due within 14 days, for cases not discharged; soonest first."""
    limit = today + timedelta(days=DUE_SOON_DAYS)
    discharged = select(Discharge.case_id)
    rows = db.exec(select(TreatmentPlan, CitizenCase).join(CitizenCase, CitizenCase.id == TreatmentPlan.case_id)
                   .where(TreatmentPlan.next_revision_on <= limit, TreatmentPlan.case_id.not_in(discharged))
                   .order_by(TreatmentPlan.next_revision_on, TreatmentPlan.id))
    return list(rows)


# --- Goals -----------------------------------------------------------------------------------

def _check_goal(life_area: str, citizen_words: str) -> str:
    if life_area not in {a.value for a in LifeArea}:
        raise PlanError("life_area", N_("Vælg hvilket område i livet målet handler om."))
    return _clean_text(citizen_words, "citizen_words", required=True,
                       message=N_("Skriv målet med dine egne ord."))


def _check_status(status: str) -> str:
    if status not in {s.value for s in GoalStatus}:
        raise PlanError("status", N_("Vælg en status."))
    return status


def get_goal(db: Session, *, case_id: int, goal_id: int) -> PlanGoal:
    """A goal only through its own case: another case's goal id is simply not found."""
    goal = db.get(PlanGoal, goal_id)
    if goal is None or goal.case_id != case_id:
        raise NotFound()
    return goal


def _require_plan(db: Session, case_id: int) -> TreatmentPlan:
    plan = get_plan(db, case_id)
    if plan is None:
        raise NotFound()
    return plan


def add_goal(db: Session, *, case_id: int, life_area: str, citizen_words: str, steps: str, status: str,
             now: datetime) -> PlanGoal:
    """The counsellor writes a goal down with the citizen (in the citizen's words)."""
    plan = _require_plan(db, case_id)
    words = _check_goal(life_area, citizen_words)
    goal = PlanGoal(plan_id=plan.id, case_id=case_id, life_area=life_area, citizen_words=words,
                    steps=_clean_text(steps, "steps", required=False, message=""),
                    status=_check_status(status or GoalStatus.not_started.value), created_at=now)
    db.add(goal)
    db.flush()
    return goal


def propose_goal(db: Session, *, case_id: int, life_area: str, citizen_words: str, now: datetime) -> PlanGoal:
    """The citizen proposes a goal in their own words; it waits for the counsellor."""
    plan = _require_plan(db, case_id)
    words = _check_goal(life_area, citizen_words)
    goal = PlanGoal(plan_id=plan.id, case_id=case_id, life_area=life_area, citizen_words=words,
                    proposal=Proposal.proposed.value, created_at=now)
    db.add(goal)
    db.flush()
    return goal


def update_goal(db: Session, *, goal: PlanGoal, citizen_words: str, steps: str, status: str) -> PlanGoal:
    goal.citizen_words = _clean_text(citizen_words, "citizen_words", required=True,
                                     message=N_("Skriv målet med dine egne ord."))
    goal.steps = _clean_text(steps, "steps", required=False, message="")
    goal.status = _check_status(status)
    db.add(goal)
    db.flush()
    return goal


def answer_proposal(db: Session, *, goal: PlanGoal, staff, accept: bool, comment: str,
                    now: datetime) -> PlanGoal:
    """The counsellor takes a proposed goal into the plan, or marks it to be talked about."""
    if goal.proposal is None:
        raise PlanError("decision", N_("Målet er ikke et forslag fra borgeren."))
    body = _clean_text(comment, "comment", required=not accept,
                       message=N_("Skriv en kort besked til borgeren om, hvad I skal tale om."))
    goal.proposal = (Proposal.accepted if accept else Proposal.discuss).value
    db.add(goal)
    if body:
        db.add(GoalComment(goal_id=goal.id, case_id=goal.case_id, by_citizen=False, staff_id=staff.id,
                           staff_first_name=staff.first_name, body=body, created_at=now))
    db.flush()
    return goal


def comment_on_goal(db: Session, *, goal: PlanGoal, body: str, now: datetime, staff=None) -> GoalComment:
    """A note on how a goal is going, from the citizen (staff=None) or the counsellor."""
    text = _clean_text(body, "body", required=True, message=N_("Skriv en kommentar."))
    comment = GoalComment(goal_id=goal.id, case_id=goal.case_id, by_citizen=staff is None,
                          staff_id=staff.id if staff else None,
                          staff_first_name=staff.first_name if staff else "", body=text, created_at=now)
    db.add(comment)
    db.flush()
    return comment


# --- MOVE gift cards -------------------------------------------------------------------------

@dataclass(frozen=True)
class EarnedCard:
    number: int
    appointment_id: int
    earned_at: datetime


def earned_cards(appointments: list[Appointment]) -> list[EarnedCard]:
    """One card for every second attendance, at most 7, none in the follow-up period.

    Attendances are counted in pairs. A no-show without cancellation voids the card of the pair in
    progress: if one attendance of the pair is already counted, that pair earns nothing; if none is,
    the next pair earns nothing. Either way the next pair after the voided one earns again. Cancelling
    in time (or the centre cancelling) changes nothing; planned appointments do not count yet.
    """
    cards: list[EarnedCard] = []
    in_pair = 0
    voided = False
    for appt in sorted(appointments, key=lambda a: (a.starts_at, a.id or 0)):
        if appt.in_follow_up:
            continue
        if appt.attendance == Attendance.no_show.value:
            voided = True
        elif appt.attendance == Attendance.attended.value:
            in_pair += 1
            if in_pair == 2:
                if not voided and len(cards) < GIFT_CARD_MAX:
                    cards.append(EarnedCard(len(cards) + 1, appt.id, appt.starts_at))
                in_pair, voided = 0, False
    return cards


@dataclass(frozen=True)
class CardDue:
    case: CitizenCase
    card: EarnedCard


def cards_due(db: Session) -> list[CardDue]:
    """Cards earned but not yet handed out, for under-30s' courses."""
    due: list[CardDue] = []
    rows = db.exec(select(TreatmentPlan, CitizenCase).join(CitizenCase, CitizenCase.id == TreatmentPlan.case_id)
                   .where(TreatmentPlan.under_30 == True).order_by(TreatmentPlan.case_id))  # noqa: E712
    for plan, case in rows:
        appts = list(db.exec(select(Appointment).where(Appointment.case_id == case.id)))
        given = set(db.exec(select(GiftCard.number).where(GiftCard.case_id == case.id)))
        due += [CardDue(case, c) for c in earned_cards(appts) if c.number not in given]
    return sorted(due, key=lambda d: d.card.earned_at)


def cards_for_case(db: Session, case_id: int) -> tuple[list[EarnedCard], dict[int, GiftCard]]:
    plan = get_plan(db, case_id)
    if plan is None or not plan.under_30:
        return [], {}
    appts = list(db.exec(select(Appointment).where(Appointment.case_id == case_id)))
    given = {g.number: g for g in db.exec(select(GiftCard).where(GiftCard.case_id == case_id))}
    return earned_cards(appts), given


def hand_out_card(db: Session, *, case_id: int, number: int, staff, now: datetime) -> GiftCard:
    """Record that card `number` was given. Only an earned card; each at most once (unique index)."""
    earned, _given = cards_for_case(db, case_id)
    card = next((c for c in earned if c.number == number), None)
    if card is None:
        raise NotFound()
    row = GiftCard(case_id=case_id, number=number, appointment_id=card.appointment_id, handed_out_at=now,
                   staff_id=staff.id)
    insert_once(db, row)
    return row


# --- Discharge and follow-up -----------------------------------------------------------------

def follow_up_dates(discharged_on: date) -> dict[int, date]:
    """BEK 1477/2019 § 4: 1 and 6 calendar months after discharge (month ends clamp)."""
    return {m: add_months(discharged_on, m) for m in FOLLOW_UP_MONTHS}


def get_discharge(db: Session, case_id: int) -> Discharge | None:
    return db.exec(select(Discharge).where(Discharge.case_id == case_id)).first()


def book_case_appointment(db: Session, *, case_id: int, now: datetime, **booking) -> Appointment:
    """Book an appointment on a case; one from the discharge on is a follow-up (earns no gift card)."""
    discharge = get_discharge(db, case_id)
    return appointments.book_appointment(db, case_id=case_id, now=now,
                                         discharged_at=discharge.created_at if discharge else None, **booking)


def discharge_case(db: Session, *, case_id: int, reason: str, note: str, declines_follow_up: bool, staff,
                   now: datetime) -> Discharge:
    """End the course. Completed, referred and hospital endings get follow-ups at 1 and 6 months;
    the citizen may decline them (they are then kept as declined, not left open)."""
    if reason not in {r.value for r in DischargeReason}:
        raise PlanError("reason", N_("Vælg årsagen til udskrivningen."))
    cases.get_case(db, case_id)
    note = (note or "").strip()
    if len(note) > 500:
        raise PlanError("note", N_("Noten er for lang. Skriv højst 500 tegn."))
    today = local_date(now)
    discharge = Discharge(case_id=case_id, reason=reason, note=note, discharged_on=today, staff_id=staff.id,
                          created_at=now)
    insert_once(db, discharge)
    # Appointments already booked for after the discharge belong to the follow-up (no gift cards there).
    db.execute(update(Appointment).where(Appointment.case_id == case_id,
                                         Appointment.starts_at >= now)
               .values(in_follow_up=True))
    if DischargeReason(reason) in FOLLOW_UP_REASONS:
        status = FollowUpStatus.declined if declines_follow_up else FollowUpStatus.open
        for months, due in follow_up_dates(today).items():
            db.add(FollowUp(discharge_id=discharge.id, case_id=case_id, months=months, due_on=due,
                            status=status.value, closed_at=now if declines_follow_up else None,
                            staff_id=staff.id if declines_follow_up else None))
        db.flush()
    return discharge


def follow_ups_for_case(db: Session, case_id: int) -> list[FollowUp]:
    return list(db.exec(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)))


def open_follow_ups(db: Session) -> list[tuple[FollowUp, CitizenCase]]:
    return list(db.exec(select(FollowUp, CitizenCase).join(CitizenCase, CitizenCase.id == FollowUp.case_id)
                        .where(FollowUp.status == FollowUpStatus.open.value)
                        .order_by(FollowUp.due_on, FollowUp.id)))


def close_follow_up(db: Session, *, follow_up_id: int, outcome: str, note: str, staff, now: datetime) -> FollowUp:
    """Mark a follow-up call as done, or as declined by the citizen. Only an open one (atomic)."""
    if outcome not in (FollowUpStatus.done.value, FollowUpStatus.declined.value):
        raise PlanError("outcome", N_("Vælg, om opfølgningen er gennemført, eller om borgeren sagde nej tak."))
    note = (note or "").strip()[:500]
    if db.get(FollowUp, follow_up_id) is None:
        raise NotFound()
    result = db.execute(update(FollowUp).where(FollowUp.id == follow_up_id,
                                               FollowUp.status == FollowUpStatus.open.value)
                        .values(status=outcome, note=note, closed_at=now, staff_id=staff.id))
    if result.rowcount != 1:
        raise AlreadyExists()
    db.expire_all()
    return db.get(FollowUp, follow_up_id)


# --- What the pages show ---------------------------------------------------------------------

@dataclass
class PlanOverview:
    case: CitizenCase
    plan: TreatmentPlan | None
    goals: list[PlanGoal]
    comments: dict[int, list[GoalComment]]
    versions: list[PlanVersion]
    discharge: Discharge | None
    revision_state: str | None

    @property
    def agreed_to_latest(self) -> bool:
        return self.plan is not None and self.plan.agreed_version_no == self.plan.version_no

    @property
    def proposals(self) -> list[PlanGoal]:
        return [g for g in self.goals if g.proposal == Proposal.proposed.value]


def plan_overview(db: Session, *, case_id: int, today: date) -> PlanOverview:
    """Everything the staff plan page and the citizen's plan page show, for one case."""
    case = cases.get_case(db, case_id)
    plan = get_plan(db, case_id)
    goals = goals_for(db, plan.id) if plan else []
    return PlanOverview(
        case=case, plan=plan, goals=goals, comments=comments_for(db, [g.id for g in goals]),
        versions=versions_for(db, plan.id) if plan else [], discharge=get_discharge(db, case_id),
        revision_state=revision_state(plan, today) if plan else None,
    )


# The enum whose labels show a version's field (the versions page).
ENUM_OF_FIELD = {
    "treatment_form": TreatmentForm, "aim": Aim, "medical": Medical, "goal.life_area": LifeArea,
    "goal.status": GoalStatus,
}
