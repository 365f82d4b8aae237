"""Benchmark for /personale/statistik: 200,000 cases over 10 years, then time the page.

    .venv/bin/python bench/stats_bench.py                       # SQLite file var/bench_stats.db
    .venv/bin/python bench/stats_bench.py --pg postgresql+psycopg://user@host:port/db
    .venv/bin/python bench/stats_bench.py --cases 20000 --runs 3   # a quicker look
    .venv/bin/python bench/stats_bench.py --reuse --pg-only --pg URL  # PostgreSQL alone, no regeneration

The schema comes from the Alembic migrations (so the indexes measured are the real ones); rows go
in with bulk multi-row inserts. Then the page (default period: the last 12 months), a 10-year period
and one CSV are rendered through the whole app (middleware, sign-in, templates) several times; the
median is reported. The target is under 1 second. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from app.appointments.models import Appointment  # noqa: E402
from app.cases.models import CitizenCase  # noqa: E402
from app.complaints.models import Complaint  # noqa: E402
from app.core.clock import FixedClock  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.db import make_engine  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.requests.models import TreatmentRequest  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
YEARS = 10
CHUNK = 10_000

from app.booking.models import CounsellingBooking, CounsellingSession  # noqa: E402
from app.plans.models import Discharge, FollowUp, TreatmentPlan  # noqa: E402

REASONS = ["completed"] * 45 + ["referred"] * 10 + ["hospital"] * 3 + ["prison"] * 3 + ["moved"] * 5 + \
          ["no_show"] * 15 + ["expelled"] * 2 + ["own_wish"] * 12 + ["death"] * 1 + ["other"] * 4


def _cpr(rng: random.Random, received: datetime) -> str:
    born = date(received.year - rng.randint(18, 75), rng.randint(1, 12), rng.randint(1, 28))
    yy = born.year % 100
    seventh = rng.choice("0123") if born.year < 2000 else "4"
    return f"{born.day:02d}{born.month:02d}{yy:02d}-{seventh}{rng.randint(0, 999):03d}"


def generate(engine, n_cases: int, seed: int = 7, *, now: datetime = NOW, years: int = YEARS,
             first_id: int = 1) -> dict[str, int]:
    """Bulk-insert n_cases cases arriving evenly over the `years` before `now` (ids first_id.. on).

    Also used by bench/seed.py (the server-speed data set; one block of ids per municipality)."""
    NOW = now  # noqa: N806  (the rows below are dated relative to it)
    rng = random.Random(seed)
    start = NOW - timedelta(days=365 * years)
    span = (NOW - start).total_seconds()
    counts = dict.fromkeys(("citizen_case", "treatment_request", "appointment", "complaint", "discharge",
                            "treatment_plan", "follow_up", "counselling_session", "counselling_booking"), 0)
    tables = {"citizen_case": CitizenCase.__table__, "treatment_request": TreatmentRequest.__table__,
              "appointment": Appointment.__table__, "complaint": Complaint.__table__,
              "discharge": Discharge.__table__, "treatment_plan": TreatmentPlan.__table__,
              "follow_up": FollowUp.__table__}
    discharge_id = first_id - 1  # fewer discharges than cases: the blocks of ids never meet
    last_id = first_id + n_cases - 1
    with engine.begin() as conn:
        for first in range(first_id, last_id + 1, CHUNK):
            rows = {k: [] for k in tables}
            # Cases arrive in time order, as they do in a live system (ids follow arrival).
            ids = range(first, min(first + CHUNK, last_id + 1))
            arrivals = sorted(start + timedelta(seconds=(i - first_id + rng.random()) * span / n_cases) for i in ids)
            for case_id, received in zip(ids, arrivals):
                anonymous = rng.random() < 0.5
                area = rng.choices(("alcohol", "drugs", "medicine"), (55, 40, 5))[0]
                rows["citizen_case"].append(dict(
                    id=case_id, pseudonym=f"Bench {case_id}", code_selector=f"B{case_id:07d}", code_hash="x",
                    code_issued_at=received, anonymous=anonymous, is_relative=False, created_at=received))
                section_101a = anonymous and area == "drugs" and rng.random() < 0.5
                started = None
                if rng.random() < 0.85:
                    started = received.date() + timedelta(days=int(rng.expovariate(1 / 9)))
                if started and started > NOW.date():
                    started = None
                rows["treatment_request"].append(dict(
                    case_id=case_id, area=area, for_relative=False, anonymous=anonymous, section_101a=section_101a,
                    help_wanted="outpatient", preferred_contact="portal", message="",
                    cpr=None if anonymous else _cpr(rng, received), status="in_treatment" if started else "received",
                    received_at=received, deadline_on=None if section_101a else received.date() + timedelta(days=14),
                    started_on=started if rng.random() < 0.5 else None, updated_at=received))
                if started:
                    at = datetime(started.year, started.month, started.day, 9, tzinfo=timezone.utc)
                    rows["appointment"].append(dict(case_id=case_id, kind="individual", starts_at=at,
                                                    duration_minutes=60, location="", attendance="attended",
                                                    starts_treatment=True, in_follow_up=False, note="",
                                                    created_at=received))
                if rng.random() < 0.01:
                    closed = None if rng.random() < 0.3 else received + timedelta(days=30)
                    rows["complaint"].append(dict(case_id=case_id, subject="plan", text="", channel="portal",
                                                  received_at=received + timedelta(days=20), late=False,
                                                  status="received", reassessment="", outcome_text="",
                                                  closed_at=closed))
                if started:
                    ended = started + timedelta(days=rng.randint(60, 365))
                    revised = datetime(started.year, started.month, started.day, 10, tzinfo=timezone.utc)
                    rows["treatment_plan"].append(dict(
                        case_id=case_id, treatment_form="outpatient", aim="abstinence", medical="", under_30=False,
                        version_no=1, last_revised_at=revised, next_revision_on=started + timedelta(days=91),
                        created_at=revised))
                    if ended <= NOW.date():
                        discharge_id += 1
                        reason = rng.choice(REASONS)
                        rows["discharge"].append(dict(id=discharge_id, case_id=case_id, reason=reason, note="",
                                                      discharged_on=ended, created_at=revised))
                        if reason in ("completed", "referred", "hospital"):
                            for months in (1, 6):
                                due = ended + timedelta(days=30 * months)
                                status = "open" if due > NOW.date() else rng.choice(("done", "done", "declined",
                                                                                     "open"))
                                rows["follow_up"].append(dict(discharge_id=discharge_id, case_id=case_id,
                                                              months=months, due_on=due, status=status, note=""))
            for name, table in tables.items():
                if rows[name]:
                    conn.execute(table.insert(), rows[name])
                    counts[name] += len(rows[name])
        counts |= _counselling(conn, rng, start, range(first_id, last_id + 1), NOW)
    return counts


def _counselling(conn, rng, start, case_ids: range, NOW) -> dict[str, int]:  # noqa: N803
    """Weekly Åben Rådgivning over the period, 8 places each, filled from random cases."""
    sessions, bookings = [], []
    day = start.date()
    sid = case_ids.start - 1  # fewer sessions than cases: the blocks of ids never meet
    while day <= NOW.date():
        sid += 1
        at = datetime(day.year, day.month, day.day, 14, tzinfo=timezone.utc)
        used = rng.randint(3, 8)
        sessions.append(dict(id=sid, day=day, starts_at=at, ends_at=at + timedelta(hours=2), place="Sundhedscentret",
                             capacity=8, booked=used, relatives_only=False, video=False, status="open",
                             cancel_reason="", created_at=at))
        for i, case_id in enumerate(rng.sample(case_ids, used)):  # a case books a session once
            status = "booked" if at > NOW else rng.choice(("attended",) * 5 + ("no_show",))
            bookings.append(dict(session_id=sid, case_id=case_id, uid=f"bench-{sid}-{i}", sequence=0,
                                 as_relative=rng.random() < 0.15, video=False, walk_in=rng.random() < 0.1,
                                 status=status, created_at=at, changed_at=at))
        day += timedelta(days=7)
    conn.execute(CounsellingSession.__table__.insert(), sessions)
    conn.execute(CounsellingBooking.__table__.insert(), bookings)
    return {"counselling_session": len(sessions), "counselling_booking": len(bookings)}


def time_page(url: str, runs: int, base_url: str = "http://testserver") -> dict[str, float]:
    from app.main import create_app
    from sqlmodel import Session
    from tests.conftest import PortalClient
    from tests.factories import make_staff, sign_in_staff

    settings = Settings(environment="test", secret_key="bench-secret", database_url=url)
    app = create_app(settings, clock=FixedClock(NOW))
    with Session(app.state.engine, expire_on_commit=False) as db:
        user = make_staff(db, role="leader", username=f"bench-leader-{time.time_ns()}", first_name="Lone", now=NOW)
    results = {}
    with PortalClient(app, base_url=base_url) as client:
        sign_in_staff(client, user)
        for label, path in (("page, last 12 months", "/personale/statistik"),
                            ("page, 10 years", "/personale/statistik?fra=23.11.2016&til=23.11.2026"),
                            ("CSV henvendelser, 12 months", "/personale/statistik/henvendelser.csv")):
            client.get(path)  # warm-up (templates, query plans, caches)
            times = []
            for _ in range(runs if "10 years" not in label else min(runs, 3)):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.status_code
            results[label] = (statistics.median(times), len(times))
    app.state.engine.dispose()
    return results


def run(url: str, n_cases: int, runs: int, fresh: bool) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        if fresh:
            for p in path.parent.glob(path.name + "*"):
                p.unlink()
    elif fresh:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    print(f"\n== {url.split('@')[-1]}")
    if fresh:
        upgrade(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        counts = generate(engine, n_cases)
        if url.startswith("postgresql"):
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
                for table in ("discharge", "counselling_session"):  # explicit ids were inserted
                    if counts.get(table):
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                          f"(SELECT max(id) FROM {table}))"))
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        engine.dispose()
        print(f"generated in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
    for label, (seconds, n) in time_page(url, runs).items():
        verdict = "OK" if seconds < 1 else "over 1 s"
        print(f"{label:32s} median of {n}: {seconds * 1000:7.0f} ms  {verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default="var/bench_stats.db", help="SQLite file (default var/bench_stats.db)")
    parser.add_argument("--pg", help="PostgreSQL URL (its public schema is dropped and rebuilt!)")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="time an existing data set, generate nothing")
    parser.add_argument("--pg-only", action="store_true", help="leave SQLite out (with --pg)")
    args = parser.parse_args()
    if not (args.pg_only and args.pg):
        run(f"sqlite:///{args.sqlite}", args.cases, args.runs, fresh=not args.reuse)
    if args.pg:
        run(args.pg, args.cases, args.runs, fresh=not args.reuse)


if __name__ == "__main__":
    main()
