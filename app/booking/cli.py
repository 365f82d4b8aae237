"""`python -m app generate-sessions`: lay out Åben Rådgivning sessions ahead (for cron)."""

from __future__ import annotations


def cmd_generate_sessions(args) -> int:
    """Lay out Åben Rådgivning sessions for the coming weeks (idempotent; run it daily from cron)."""
    from app.booking.service import generate_sessions
    from app.core.clock import Clock
    from app.core.config import get_settings
    from app.core.db import make_engine, transaction
    engine = make_engine(get_settings().database_url)
    with transaction(engine) as db:
        created = generate_sessions(db, now=Clock().now(), weeks=args.weeks)
    engine.dispose()
    print(f"Åben Rådgivning: {created} nye tider lagt ud.")
    return 0


def add_generate_command(sub) -> None:
    generate = sub.add_parser("generate-sessions", help="lay out Åben Rådgivning sessions ahead (idempotent)")
    generate.add_argument("--weeks", type=int, default=8)
    generate.set_defaults(func=cmd_generate_sessions)
