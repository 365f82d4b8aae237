"""Each figure on the hand-built data set in tests/factories/stats.py, with the answers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from app.requests.models import TreatmentRequest
from app.requests.service import guarantee_for
from app.stats import service
from app.stats.service import Period
from tests.factories.stats import TODAY, build_complaints, build_requests

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
PERIOD = Period(date(2026, 1, 1), TODAY)


@pytest.fixture
def data(db):
    reqs = build_requests(db)
    build_complaints(db)
    db.commit()
    return reqs


def by_group(rows):
    return {(r.area, r.age): r for r in rows}


def test_request_counts_anonymous_share_and_waiting_time_per_area_and_age(db, data):
    rows = by_group(service.request_figures(db, period=PERIOD, today=TODAY))
    total = rows[("all", "all")]
    assert (total.requests, total.anonymous) == (13, 8)  # the request of 31.12.2025 is outside the period
    # Waiting times 1, 2, 3, 3, 4, 7, 8, 14, 18, 30: median (4 + 7) / 2, 90th percentile the 9th value.
    assert (total.started, total.median_days, total.p90_days) == (10, 5.5, 18)
    alcohol = rows[("alcohol", "all")]
    assert (alcohol.requests, alcohol.anonymous, alcohol.started) == (7, 2, 5)
    assert (alcohol.median_days, alcohol.p90_days) == (8, 18)  # 3, 7, 8, 14, 18
    assert (alcohol.met, alcohol.breached, alcohol.decided) == (4, 2, 6)
    young = rows[("alcohol", "under30")]
    assert (young.requests, young.started, young.median_days, young.p90_days) == (3, 3, 14, 18)
    assert (young.met, young.breached) == (2, 1)
    older = rows[("alcohol", "30plus")]
    assert (older.requests, older.met, older.breached) == (2, 1, 1)
    assert rows[("alcohol", "unknown")].requests == 2  # anonymous: no age is stored
    drugs = rows[("drugs", "all")]
    assert (drugs.requests, drugs.anonymous, drugs.median_days, drugs.p90_days) == (6, 6, 3, 30)
    # § 101 a has no guarantee and free choice waives it: nothing decided for drugs.
    assert (drugs.met, drugs.breached) == (0, 0)
    assert [(r.area, r.age) for r in service.request_figures(db, period=PERIOD, today=TODAY)] == [
        ("alcohol", "under30"), ("alcohol", "30plus"), ("alcohol", "unknown"), ("alcohol", "all"),
        ("drugs", "unknown"), ("drugs", "all"), ("all", "all")]


def test_guarantee_state_in_sql_equals_the_requests_domain_rule(db, data):
    base = service.request_base(PERIOD, today=TODAY)
    sql_states = {row.id: row.state for row in db.execute(base.select())}
    assert len(sql_states) == 13
    for req_id, state in sql_states.items():
        req = db.get(TreatmentRequest, req_id)
        assert guarantee_for(db, req, now=NOW).state.value == state, req_id


def test_breaches_list_gives_pseudonyms_deadlines_and_starts_latest_first(db, data):
    breaches = service.guarantee_breaches(db, period=PERIOD, today=TODAY)
    assert [(b.pseudonym, b.received_on, b.deadline, b.start) for b in breaches] == [
        (_pseudonym(db, data["A5"]), date(2026, 4, 1), date(2026, 4, 15), None),
        (_pseudonym(db, data["A3"]), date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 20)),
    ]
    assert len(service.guarantee_breaches(db, period=PERIOD, today=TODAY, limit=1)) == 1


def _pseudonym(db, req):
    from app.cases.models import CitizenCase
    return db.get(CitizenCase, req.case_id).pseudonym


def test_monthly_trend_counts_requests_and_started_within_14_days(db, data):
    months = {m.month: m for m in service.monthly_requests(db, period=PERIOD, today=TODAY)}
    assert list(months) == [f"2026-{m:02d}" for m in range(1, 12)]
    assert (months["2026-03"].requests, months["2026-03"].met, months["2026-03"].decided) == (3, 2, 3)
    assert (months["2026-04"].requests, months["2026-04"].met, months["2026-04"].decided) == (2, 1, 2)
    assert (months["2026-05"].requests, months["2026-05"].met) == (1, 1)
    assert (months["2026-06"].requests, months["2026-06"].decided) == (6, 0)
    assert months["2026-11"].requests == 1
    assert months["2026-01"].requests == 0


def test_open_complaints_and_how_long_they_have_waited(db, data):
    fig = service.open_complaints(db, today=TODAY)
    assert (fig.open, fig.under4, fig.four_to8, fig.over8) == (5, 2, 2, 1)  # the closed one does not count
    assert (fig.median_days, fig.p90_days) == (30, 60)


def test_default_period_is_the_last_twelve_months():
    assert service.default_period(now=NOW) == Period(date(2025, 12, 1), TODAY)


@pytest.mark.parametrize("raw_from, raw_to, field", [
    ("32.01.2026", "", "fra"), ("01.02.2026", "01.01.2026", "til"), ("01.01.1900", "", "fra"), ("abc", "", "fra")])
def test_bad_period_is_refused_with_a_message(raw_from, raw_to, field):
    with pytest.raises(service.PeriodError) as err:
        service.parse_period(raw_from, raw_to, now=NOW)
    assert err.value.field == field


def test_an_empty_period_gives_zero_counts_and_no_percentiles(db):
    stats = service.centre_statistics(db, period=PERIOD, now=NOW)
    total = stats.requests[-1]
    assert (total.area, total.requests, total.started, total.median_days, total.p90_days) == ("all", 0, 0, None, None)
    assert stats.breaches == [] and stats.complaints.open == 0
    assert [c.ended for c in stats.extra["completion"]] == [0]


def test_a_first_appointment_late_in_the_evening_counts_on_its_copenhagen_day(db):
    """22.30 UTC in summer is 00.30 the next day in Copenhagen: day 15, the guarantee is broken;
    21.30 UTC is still day 14. The SQL start day equals the requests domain's rule."""
    from app.appointments.models import Appointment
    from tests.factories.stats import make_request, utc
    reqs = []
    for hour in (21, 22):
        req = make_request(db, area="alcohol", received_at=utc(2026, 7, 1, 8))
        at = utc(2026, 7, 15, hour, 30)
        db.add(Appointment(case_id=req.case_id, starts_at=at, starts_treatment=True, created_at=at))
        reqs.append(req)
    db.commit()
    rows = {row.id: row for row in db.execute(service.request_base(PERIOD, today=TODAY).select())}
    on_time, late = rows[reqs[0].id], rows[reqs[1].id]
    assert (str(on_time.start_day)[:10], on_time.days, on_time.state) == ("2026-07-15", 14, "met")
    assert (str(late.start_day)[:10], late.days, late.state) == ("2026-07-16", 15, "breached")
    for req in reqs:
        assert guarantee_for(db, req, now=NOW).state.value == rows[req.id].state
