"""The centre's figures for a period, computed in SQL (GROUP BY, window functions).

Every function returns raw numbers; app/stats/tables.py turns them into the page's and the CSV's
cells and applies the small-cell rule. The guarantee is measured exactly as app/requests does it
(same start date, same 14 days, same exceptions): see `request_base`, proven equal to
`app.requests.service.guarantee_for` in tests/unit/stats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Date, Float, and_, case, cast, func, literal, not_, null, or_, select, union_all
from sqlalchemy import Integer as INT
from sqlmodel import Session

from app.appointments.models import Appointment
from app.cases.models import CitizenCase
from app.complaints.models import Complaint
from app.core.clock import local_date, local_datetime
from app.core.i18n import N_
from app.core.deadlines import GUARANTEE_DAYS, guarantee_deadline_for_day
from app.requests.models import TreatmentRequest
from app.requests.service import START_ATTENDANCE
from app.stats.sql import day_before, day_diff, local_day, month_key, tune_for_report, ymd_number

AREAS = ("alcohol", "drugs", "medicine", "unknown")  # "unknown": a course on a case with no request
AREA_ORDER = AREAS
AGE_GROUPS = ("under30", "30plus", "unknown")
ALL = "all"
# Quality standard 2026 / SMDB and NAB reporting: share of ended courses that end as completed.
COMPLETION_TARGETS = {"drugs": 40, "alcohol": 55}
BREACH_LIST_LIMIT = 100  # the page lists the latest breaches; the request table counts them all


class PeriodError(ValueError):
    def __init__(self, field: str, message):
        super().__init__(field)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Period:
    start: date  # inclusive, local dates
    end: date  # inclusive

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        return local_datetime(self.start, 0), local_datetime(self.end + timedelta(days=1), 0)

    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def default_period(*, now: datetime) -> Period:
    """The last 12 months: from the first day of the month 11 months back, to today."""
    today = local_date(now)
    y, m = today.year, today.month - 11
    if m < 1:
        y, m = y - 1, m + 12
    return Period(date(y, m, 1), today)


# --- Building blocks ------------------------------------------------------------------------------

def _age_group(cpr_col, on_day):
    """'under30' / '30plus' from the CPR number's birth date at `on_day`; 'unknown' without a CPR
    number (anonymous citizens: no age is stored for them)."""
    dd = func.cast(func.substr(cpr_col, 1, 2), INT)
    mm = func.cast(func.substr(cpr_col, 3, 2), INT)
    yy = func.cast(func.substr(cpr_col, 5, 2), INT)
    seventh = func.cast(func.substr(cpr_col, 8, 1), INT)
    century = case(
        (seventh <= 3, 1900),
        (seventh.in_((4, 9)), case((yy <= 36, 2000), else_=1900)),
        else_=case((yy <= 57, 2000), else_=1800))
    born = (century + yy) * 10000 + mm * 100 + dd
    return case(
        (or_(cpr_col.is_(None), func.length(cpr_col) != 11), literal("unknown")),
        (ymd_number(on_day) - born >= 300000, literal("30plus")),
        else_=literal("under30"))



def _least_date(a, b):
    return case((a.is_(None), b), (b.is_(None), a), (a <= b, a), else_=b)


def request_base(period: Period, *, today: date):
    """One row per request received in the period, with its start date, guarantee state and age group."""
    r, a = TreatmentRequest.__table__.c, Appointment.__table__.c
    lo, hi = period.utc_bounds
    arrived = (select(r.id, r.case_id, r.received_at, r.area, r.anonymous, r.cpr, r.started_on,
                      local_day(r.received_at).label("recv_day"),
                      not_(or_(r.section_101a, r.for_relative)).label("applies"),
                      r.free_choice_at.is_not(None).label("waived"))
               .where(r.received_at >= lo, r.received_at < hi).cte("req_arrived").prefix_with("MATERIALIZED"))
    e = arrived.c
    # The first treatment-starting appointment on or after the request's (local) day. The local
    # day grows with the timestamp, so min(local_day(t)) = local_day(min(t)); the one-day lower
    # bound lets the (case_id, starts_at) index narrow the search before the exact day test.
    # Its day is computed inside the subquery, over the one min(): the subquery runs once per request.
    first_day = (select(local_day(func.min(a.starts_at)))
                 .where(a.case_id == e.case_id, a.starts_treatment.is_(True), a.attendance.in_(START_ATTENDANCE),
                        a.starts_at >= day_before(e.received_at), local_day(a.starts_at) >= e.recv_day)
                 .scalar_subquery())
    inner = (select(e.id.label("id"), e.case_id.label("case_id"), e.area.label("area"),
                    e.anonymous.label("anonymous"), e.recv_day.label("recv_day"), e.applies.label("applies"),
                    e.waived.label("waived"), e.started_on.label("started_on"),
                    first_day.label("first_day"), _age_group(e.cpr, e.recv_day).label("age"))
             .cte("req_inner").prefix_with("MATERIALIZED"))
    i = inner.c
    # The start day and the days waited are computed once per row, then referred to by name.
    start_day = _least_date(i.started_on, i.first_day)
    timed = (select(*[i[n] for n in ("id", "case_id", "area", "anonymous", "recv_day", "applies", "waived", "age")],
                    start_day.label("start_day"),
                    case((start_day.is_not(None), day_diff(start_day, i.recv_day))).label("days"),
                    day_diff(literal(today, Date), i.recv_day).label("days_since"))
             .cte("req_timed").prefix_with("MATERIALIZED"))
    m = timed.c
    state = case(
        (not_(m.applies), literal("not_applicable")),
        (m.waived, literal("waived")),
        (m.days.is_not(None), case((m.days <= GUARANTEE_DAYS, literal("met")), else_=literal("breached"))),
        (m.days_since <= GUARANTEE_DAYS, literal("running")),
        else_=literal("breached"))
    return (select(m.id, m.case_id, m.area, m.anonymous, m.recv_day, m.start_day, m.age, m.days,
                   state.label("state"))
            .cte("req_base").prefix_with("MATERIALIZED"))


def _hist_percentiles(hist, part, value, count):
    """Median (mean of the two middle values for an even count) and 90th percentile (nearest rank)
    per group from a histogram of whole-day values: running totals (SUM() OVER ... ORDER BY value)
    find the value at each rank. The same SQL on SQLite and PostgreSQL, and it reads each case once."""
    n = func.cast(func.sum(count).over(partition_by=part), INT)  # integers: // is whole-number division
    cum = func.cast(func.sum(count).over(partition_by=part, order_by=value, rows=(None, 0)), INT)
    ranked = select(*part, value.label("v"), cum.label("cum"), n.label("n")).where(value.is_not(None)).subquery()
    k = ranked.c
    keys = [k[c.name] for c in part]
    lower = func.min(case((k.cum >= (k.n + 1) // 2, k.v)))
    upper = func.min(case((k.cum >= (k.n + 2) // 2, k.v)))
    return (select(*keys, func.max(k.n).label("n"), ((lower + upper) / 2.0).label("median"),
                   func.min(case((k.cum >= (9 * k.n + 9) // 10, k.v))).label("p90"))
            .group_by(*keys))


def _three_levels(hist, keys: tuple[str, str], sums: list[str], extra: list[str] = ()):
    """A small histogram rolled up three ways: per (area, age), per area, and all together."""
    a, g = hist.c[keys[0]], hist.c[keys[1]]
    def level(area, age):
        cols = [hist.c[x] for x in extra]
        return (select(area.label("g_area"), age.label("g_age"), *cols,
                       *[func.sum(hist.c[x]).label(x) for x in sums])
                .group_by(*([area] if area is a else []), *([age] if age is g else []), *cols))
    return union_all(level(a, g), level(a, literal(ALL)), level(literal(ALL), literal(ALL)))


def _num(x):
    return None if x is None else float(x)


def _sum_if(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


# --- Requests, waiting time and the 14-day guarantee ----------------------------------------------

@dataclass
class RequestFigures:
    area: str
    age: str
    requests: int = 0
    anonymous: int = 0
    started: int = 0  # requests with a start date: the cases behind the waiting-time figures
    median_days: float | None = None
    p90_days: int | None = None
    met: int = 0
    breached: int = 0  # decided = met + breached (running, waived and § 101 a are left out)

    @property
    def decided(self) -> int:
        return self.met + self.breached


def _request_statement(period: Period, today: date, breach_limit: int = BREACH_LIST_LIMIT):
    """One statement for the request table, the monthly trend and the breach list: the period's
    requests grouped into a small histogram (area, age, month, waiting days), then rolled up per
    (area, age), per area and in all (counts and percentiles), and per month; plus the latest
    `breach_limit` breaches. The period is read once; the rows are told apart by the first column."""
    base = request_base(period, today=today)
    b = base.c
    month = month_key(b.recv_day)
    hist = (select(b.area, b.age, month.label("month"), b.days, func.count().label("n"),
                   _sum_if(b.anonymous.is_(True)).label("anon"),
                   _sum_if(b.state == "met").label("met"), _sum_if(b.state == "breached").label("breached"))
            .group_by(b.area, b.age, month, b.days).cte("req_hist").prefix_with("MATERIALIZED"))
    counts = _three_levels(hist, ("area", "age"), ["n", "anon", "met", "breached"]).subquery("counts")
    by_days = _three_levels(hist, ("area", "age"), ["n"], extra=["days"]).subquery("by_days")
    pct = _hist_percentiles(by_days, (by_days.c.g_area, by_days.c.g_age), by_days.c.days, by_days.c.n)
    pct = pct.subquery("pct")
    groups = (select(literal("group").label("kind"), counts.c.g_area, counts.c.g_age, counts.c.n, counts.c.anon,
                     counts.c.met, counts.c.breached, pct.c.n.label("started"), pct.c.median, pct.c.p90)
              .select_from(counts.outerjoin(pct, and_(pct.c.g_area == counts.c.g_area,
                                                      pct.c.g_age == counts.c.g_age))))
    h = hist.c
    months = (select(literal("month"), literal(ALL), h.month, func.sum(h.n), func.sum(h.anon), func.sum(h.met),
                     func.sum(h.breached), cast(null(), INT), cast(null(), Float), cast(null(), INT))
              .group_by(h.month))
    # The latest breaches, limited before their pseudonyms are looked up. Their days travel as
    # YYYYMMDD integers in the integer columns (n: received, started: start, met: request id).
    latest = (select(b.id, b.case_id, b.area, b.recv_day, b.start_day).where(b.state == "breached")
              .order_by(b.recv_day.desc(), b.id.desc()).limit(breach_limit).subquery("breach_latest"))
    c = CitizenCase.__table__.c
    breaches = (select(literal("breach"), latest.c.area, c.pseudonym, ymd_number(latest.c.recv_day), cast(null(), INT),
                       latest.c.id, cast(null(), INT), ymd_number(latest.c.start_day), cast(null(), Float),
                       cast(null(), INT))
                .join_from(latest, CitizenCase.__table__, c.id == latest.c.case_id))
    return union_all(groups, months, breaches)


def _request_rows(db: Session, period: Period, today: date, breach_limit: int = BREACH_LIST_LIMIT):
    return db.execute(_request_statement(period, today, breach_limit)).all()


def request_figures(db: Session, *, period: Period, today: date, rows=None) -> list[RequestFigures]:
    found = {}
    for x in rows if rows is not None else _request_rows(db, period, today):
        if x.kind == "group":
            found[(x.g_area, x.g_age)] = RequestFigures(
                x.g_area, x.g_age, int(x.n or 0), int(x.anon or 0), int(x.started or 0), _num(x.median), x.p90,
                int(x.met or 0), int(x.breached or 0))
    return _ordered(found, RequestFigures)


def _ordered(rows: dict, cls) -> list:
    """Areas and age groups in a fixed order; areas with no rows at all are left out, totals always shown."""
    out = []
    for area in AREAS:
        if (area, ALL) not in rows:
            continue
        out += [rows[(area, age)] for age in AGE_GROUPS if (area, age) in rows]
        out.append(rows[(area, ALL)])
    out.append(rows.get((ALL, ALL)) or cls(ALL, ALL))
    return out


@dataclass
class Breach:
    pseudonym: str
    area: str
    received_on: date
    deadline: date
    start: date | None



def guarantee_breaches(db: Session, *, period: Period, today: date, limit: int = BREACH_LIST_LIMIT,
                       rows=None) -> list[Breach]:
    """Requests whose 14-day guarantee was not met (pseudonyms only), the latest first, at most `limit`
    (the count of all breaches is in the request table)."""
    found = [x for x in (rows if rows is not None else _request_rows(db, period, today, limit)) if x.kind == "breach"]
    found.sort(key=lambda x: (x.n, x.met), reverse=True)  # received day, then request id
    out = []
    for x in found:
        received = _ymd_date(x.n)
        out.append(Breach(x.g_age, x.g_area, received, guarantee_deadline_for_day(received),
                          _ymd_date(x.started)))
    return out


def _ymd_date(value) -> date | None:
    return None if value is None else date(int(value) // 10000, int(value) // 100 % 100, int(value) % 100)


@dataclass
class MonthFigures:
    month: str  # YYYY-MM
    requests: int = 0
    met: int = 0
    decided: int = 0


def monthly_requests(db: Session, *, period: Period, today: date, rows=None) -> list[MonthFigures]:
    found = {}
    for x in rows if rows is not None else _request_rows(db, period, today):
        if x.kind == "month":
            found[x.g_age] = MonthFigures(x.g_age, int(x.n), int(x.met), int(x.met) + int(x.breached))
    return [found.get(m) or MonthFigures(m) for m in period.months()]


# --- Complaints --------------------------------------------------------------------------------

COMPLAINT_AGE_BANDS = ((0, 27, "under4"), (28, 55, "4to8"), (56, None, "over8"))


@dataclass
class ComplaintFigures:
    open: int = 0
    under4: int = 0  # waited under 4 weeks
    four_to8: int = 0
    over8: int = 0
    median_days: float | None = None
    p90_days: int | None = None


def open_complaints(db: Session, *, today: date) -> ComplaintFigures:
    """Complaints still open (closed_at IS NULL) today, and how long they have waited (days since arrival)."""
    k = Complaint.__table__.c
    age = day_diff(literal(today, Date), local_day(k.received_at))
    hist = (select(literal(ALL).label("g_area"), literal(ALL).label("g_age"), age.label("age"),
                   func.count().label("n"))
            .where(k.closed_at.is_(None)).group_by(age).cte("complaint_hist"))
    h = hist.c
    row = db.execute(select(func.coalesce(func.sum(h.n), 0).label("n"), func.coalesce(func.sum(case((h.age < 28, h.n), else_=0)), 0).label("u4"),
                            func.coalesce(func.sum(case((and_(h.age >= 28, h.age < 56), h.n), else_=0)), 0).label("m48"),
                            func.coalesce(func.sum(case((h.age >= 56, h.n), else_=0)), 0).label("o8"))).one()
    fig = ComplaintFigures(int(row.n), int(row.u4), int(row.m48), int(row.o8))
    pct = db.execute(_hist_percentiles(hist, (h.g_area, h.g_age), h.age, h.n)).first()
    if pct is not None:
        fig.median_days, fig.p90_days = _num(pct.median), pct.p90
    return fig


# --- Everything for the page ---------------------------------------------------------------------

@dataclass
class Statistics:
    period: Period
    today: date
    requests: list[RequestFigures]
    breaches: list[Breach]
    months: list[MonthFigures]
    complaints: ComplaintFigures
    extra: dict = field(default_factory=dict)


PARTS = frozenset({"requests", "complaints", "courses", "revisions", "follow_ups", "counselling", "waitlist"})


def centre_statistics(db: Session, *, period: Period, now: datetime, parts: frozenset[str] = PARTS) -> Statistics:
    """The page's figures; `parts` limits the work to some of them (a CSV needs only its own table's),
    the others are left empty."""
    from app.stats import counselling, courses

    today = local_date(now)
    tune_for_report(db)
    stats = Statistics(period=period, today=today, requests=[], breaches=[], months=[], complaints=ComplaintFigures())
    if "requests" in parts:
        rows = _request_rows(db, period, today)
        stats.requests = request_figures(db, period=period, today=today, rows=rows)
        stats.breaches = guarantee_breaches(db, period=period, today=today, rows=rows)
        stats.months = monthly_requests(db, period=period, today=today, rows=rows)
    if "complaints" in parts:
        stats.complaints = open_complaints(db, today=today)
    stats.extra.update(completion=[], reasons={}, revisions=[], follow_ups=[], counselling=(0, []),
                       waitlist=None)
    if "courses" in parts:
        course_rows = courses.course_rows(db, period=period)
        stats.extra.update(completion=courses.completion(db, period=period, rows=course_rows),
                           reasons=courses.ended_by_reason(db, period=period, rows=course_rows))
    if "revisions" in parts:
        stats.extra["revisions"] = courses.overdue_revisions(db, today=today)
    if "follow_ups" in parts:
        stats.extra["follow_ups"] = courses.follow_ups(db, period=period, today=today)
    if "counselling" in parts:
        stats.extra["counselling"] = counselling.counselling_use(db, period=period, now=now)
    if "waitlist" in parts:
        stats.extra["waitlist"] = counselling.waitlist_use(db, period=period)
    return stats


def parse_period(raw_from: str | None, raw_to: str | None, *, now: datetime) -> Period:
    """From/to as dd.mm.åååå or åååå-mm-dd; empty fields fall back to the last 12 months."""
    default = default_period(now=now)
    start = _parse_day(raw_from, "fra") if raw_from else default.start
    end = _parse_day(raw_to, "til") if raw_to else default.end
    if start > end:
        raise PeriodError("til", N_("Slutdatoen skal ligge efter startdatoen."))
    if (end - start).days > 366 * 11:
        raise PeriodError("fra", N_("Vælg en periode på højst 10 år."))
    return Period(start, end)


def _parse_day(raw: str, name: str) -> date:
    text = raw.strip()
    try:
        if "." in text:
            d, m, y = (int(p) for p in text.split("."))
            day = date(y, m, d)
        else:
            day = date.fromisoformat(text)
    except (ValueError, TypeError):
        raise PeriodError(name, N_("Skriv datoen som dd.mm.åååå.")) from None
    if not 2000 <= day.year <= 2100:
        raise PeriodError(name, N_("Vælg en dato mellem år 2000 og 2100."))
    return day
