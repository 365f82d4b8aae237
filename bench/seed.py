"""Data set for the server-speed benchmark (bench/load.py): the demo centre plus 10,000 cases.

    .venv/bin/python bench/seed.py                                   # SQLite file var/bench_speed.db
    .venv/bin/python bench/seed.py --pg postgresql+psycopg://postgres@127.0.0.1:55432/rp_bench
    .venv/bin/python bench/seed.py --sessions-only                   # fresh cookies, same data

The schema comes from the Alembic migrations. The cases are bulk-inserted by bench/stats_bench.py's
generator (over the last year, so the staff inbox is full of open requests), then given varied
request statuses and message threads; the demo centre (staff, schedules, upcoming Åben Rådgivning,
demo requests) is loaded by app/demo.py. Finally one citizen signs in with a real personal code and
one counsellor passes both sign-in factors, through the app's own service functions; their signed
cookies are written to a JSON file (default var/bench_speed.json) for bench/load.py.
The PostgreSQL database's public schema is dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text, update  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.stats_bench import generate  # noqa: E402
from app.account import service as account  # noqa: E402
from app.booking import service as booking  # noqa: E402
from app.cases import service as cases  # noqa: E402
from app.core import sessions, throttle  # noqa: E402
from app.core.clock import Clock  # noqa: E402
from app.core.config import Settings, load_centre  # noqa: E402
from app.core.db import make_engine, transaction  # noqa: E402
from app.cases.citizen_session import CITIZEN_COOKIE  # noqa: E402
from app.staff.session import STAFF_COOKIE  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.core.security import Signer  # noqa: E402
from app.core.tenancy import Tenancy, set_fallback, use_tenant  # noqa: E402
from app.core.web import CSRF_COOKIE  # noqa: E402
from app.demo import load_demo  # noqa: E402
from app.messages import service as messages  # noqa: E402
from app.messages.models import Message  # noqa: E402
from app.requests import flows as request_flows  # noqa: E402
from app.requests import service as requests  # noqa: E402
from app.requests.models import TreatmentRequest  # noqa: E402
from app.staff import service as staff_service  # noqa: E402
from app.staff.models import StaffUser  # noqa: E402
from app.tenants.cli import ensure_portal_role, role_url  # noqa: E402
from app.tenants.service import tenancy_by_slug  # noqa: E402

BENCH_SECRET = "bench-speed-secret-not-for-production"
COUNSELLOR = ("behandler", "demo-behandler-2026")  # from app/demo.py
# Explicit ids from the generator: PostgreSQL's sequences must be moved past them.
EXPLICIT_ID_TABLES = ("citizen_case", "discharge", "counselling_session")
# Of every ten requests: closed, visitation, visitation, offered; the rest keep the generator's status.
STATUS_BY_LAST_DIGIT = {0: "closed", 1: "visitation", 2: "visitation", 3: "offered"}


# The server and the sign-ins connect as a role that owns no table (as in production and in the
# tests), so row-level security binds them; the schema owner only seeds.
APP_ROLE = "rp_bench_app"


def for_first_tenant(url: str) -> None:
    """This process works for the first municipality (the bench measures one; app.core.tenancy)."""
    engine = make_engine(url)
    with Session(engine) as db:
        set_fallback(tenancy_by_slug(db, "standard", load_centre(Settings().centre_file)))
    engine.dispose()


def app_role_url(owner_url: str) -> str:
    """The URL the server uses: on PostgreSQL the owner's with APP_ROLE, which gets the portal's grants."""
    if owner_url.startswith("sqlite"):
        return owner_url
    engine = make_engine(owner_url)
    with engine.begin() as conn:
        ensure_portal_role(conn, APP_ROLE)
    engine.dispose()
    return role_url(owner_url, APP_ROLE)


def reset(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def vary_and_talk(engine, case_ids: range, now, seed: int = 11) -> dict[str, int]:
    """Request statuses in every state, and message threads on a third of the cases (some unread)."""
    rng = random.Random(seed)
    rows = []
    for case_id in case_ids:
        if rng.random() >= 1 / 3:
            continue
        at = now - timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600))
        for i in range(rng.randint(1, 4)):
            from_staff = i % 2 == 1
            sent = at + timedelta(hours=i * 5)
            read = None if (i == 0 and rng.random() < 0.3) else sent + timedelta(hours=1)
            rows.append(dict(case_id=case_id, from_staff=from_staff, staff_first_name="Mette" if from_staff else None,
                             body="Kan I ringe efter kl. 16?" if not from_staff else "Ja, vi ringer i morgen.",
                             sent_at=sent, read_at=read))
    with engine.begin() as conn:
        for digit, status in STATUS_BY_LAST_DIGIT.items():
            # Portable modulo: SQLite and PostgreSQL both have %.
            conn.execute(update(TreatmentRequest).where(text(f"case_id % 10 = {digit}"),
                                                        TreatmentRequest.case_id.between(case_ids.start, case_ids.stop - 1))
                         .values(status=status))
        conn.execute(Message.__table__.insert(), rows)
    return {"case_message": len(rows)}


def fix_sequences(engine) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in EXPLICIT_ID_TABLES:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def analyse(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def citizen_case(db: Session, now) -> str:
    """A citizen with a request, a message thread and a booked Åben Rådgivning; returns the typed code."""
    intake = requests.Intake(area="alcohol", for_relative=False, anonymous=True, display_name="Bench",
                             message="Jeg vil gerne have hjælp.")
    case, code, _req = request_flows.submit_request(db, intake=intake, now=now - timedelta(days=3))
    messages.send_citizen_message(db, case_id=case.id, body="Kan I ringe efter kl. 16?", now=now - timedelta(days=2))
    staff = db.exec(select(StaffUser).where(StaffUser.username == COUNSELLOR[0])).one()
    messages.send_staff_message(db, case_id=case.id, staff=staff, now=now - timedelta(days=1),
                                body="Hej. Tak for din henvendelse. Kom til Åben Rådgivning.")
    free = booking.next_free_sessions(db, now=now, as_relative=False)
    if free:
        booking.book_session(db, session_id=free[0].id, now=now, as_relative=False, case=case)
    return code.display


def make_sessions(url: str, secret: str = BENCH_SECRET) -> dict[str, str]:
    """Sign in one citizen (by code) and one counsellor (password and second factor), as the app does."""
    for_first_tenant(url)
    engine = make_engine(url)
    now = Clock().now()
    signer = Signer(secret)
    policy = throttle.Policy(5, 1.0, 900.0)
    with transaction(engine) as db:
        code = citizen_case(db, now)
    with transaction(engine) as db:
        case = asyncio.run(cases.authenticate_code(db, code, client_key="bench", now=now, policy=policy))
        citizen_token = sessions.start_session(db, kind=sessions.CITIZEN, case_id=case.id, now=now)
        user = asyncio.run(staff_service.authenticate_staff(db, username=COUNSELLOR[0], password=COUNSELLOR[1],
                                                            client_key="bench", now=now, policy=policy))
        password_token = sessions.start_session(db, kind=sessions.STAFF, staff_id=user.id, now=now,
                                                user_agent="wrk")
        row = sessions.load_session(db, password_token, kind=sessions.STAFF, now=now, idle=timedelta(hours=1),
                                    max_age=timedelta(hours=12))
        staff_token = account.pass_second_factor(db, row, now=now)
    engine.dispose()
    # A browser that has visited before also carries its CSRF binding cookie.
    csrf = f"{CSRF_COOKIE}=bench-csrf-binding"
    return {
        "citizen": f"{CITIZEN_COOKIE}={signer.sign_cookie(citizen_token)}; {csrf}",
        "staff": f"{STAFF_COOKIE}={signer.sign_cookie(staff_token)}; {csrf}",
        "anonymous": csrf,
    }


def more_tenants(engine, n_tenants: int, n_cases: int, now, counts: dict[str, int]) -> dict[str, int]:
    """Municipalities 2..n_tenants with n_cases cases each (blocks of ids), so that the measured one
    (the first, answering at 127.0.0.1) is one among many (issue 20)."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE tenant SET host = '127.0.0.1' WHERE id = 1"))
        ids = [conn.execute(text("INSERT INTO tenant (slug, name, host) VALUES (:slug, :name, :host) RETURNING id"),
                            {"slug": f"kommune-{k}", "name": f"Kommune {k}", "host": f"kommune-{k}.bench.invalid"}
                            ).scalar_one() for k in range(2, n_tenants + 1)]
    centre = load_centre(Settings().centre_file)
    for k, tenant_id in enumerate(ids, start=1):
        first = k * n_cases + 1
        with use_tenant(Tenancy(tenant_id, f"kommune-{k + 1}", None, centre)):
            more = generate(engine, n_cases, seed=7 + k, now=now, years=1, first_id=first)
            more |= vary_and_talk(engine, range(first, first + n_cases), now, seed=11 + k)
        counts = {name: counts.get(name, 0) + more.get(name, 0) for name in counts.keys() | more.keys()}
        print(f"  municipality {k + 1} of {n_tenants}: {n_cases:,} cases", flush=True)
    return counts


def seed(url: str, n_cases: int, tenants: int = 1) -> dict[str, int]:
    reset(url)
    upgrade(url)
    for_first_tenant(url)
    engine = make_engine(url)
    now = Clock().now()
    counts = generate(engine, n_cases, now=now, years=1)
    counts |= vary_and_talk(engine, range(1, n_cases + 1), now)
    if tenants > 1:
        counts = more_tenants(engine, tenants, n_cases, now, counts)
    fix_sequences(engine)
    engine.dispose()
    for line in load_demo(Settings(database_url=url)):
        print(line)
    engine = make_engine(url)
    analyse(engine)
    engine.dispose()
    return counts


def write_cookies(out: Path, url: str, secret: str) -> dict:
    info = {"database_url": url, "secret_key": secret, "cookies": make_sessions(url, secret)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, indent=2))
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", default="var/bench_speed.db", help="SQLite file (default var/bench_speed.db)")
    parser.add_argument("--pg", help="PostgreSQL URL instead (its public schema is dropped and rebuilt!)")
    parser.add_argument("--cases", type=int, default=10_000, help="per municipality")
    parser.add_argument("--tenants", type=int, default=1, help="municipalities (PostgreSQL); the first is measured")
    parser.add_argument("--out", default="var/bench_speed.json", help="where the cookies are written")
    parser.add_argument("--secret", default=BENCH_SECRET, help="SECRET_KEY the server will run with")
    parser.add_argument("--sessions-only", action="store_true", help="only sign in again (fresh cookies)")
    args = parser.parse_args()
    url = args.pg or f"sqlite:///{args.sqlite}"
    if not args.sessions_only:
        t0 = time.perf_counter()
        counts = seed(url, args.cases, args.tenants)
        print(f"seeded {url.split('@')[-1]} in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
    info = write_cookies(Path(args.out), app_role_url(url), args.secret)
    print(f"cookies written to {args.out} (SECRET_KEY={args.secret}):")
    for who, cookie in info["cookies"].items():
        print(f"  {who:9s} Cookie: {cookie}")


if __name__ == "__main__":
    main()
