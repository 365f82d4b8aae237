"""`python -m app purge`: run every retention rule once, in one transaction, and print counts only."""

from __future__ import annotations

import sys

from app.core.clock import Clock
from app.core.config import Settings, get_settings, load_centre
from app.core.db import make_engine, transaction


def purge(settings: Settings, clock: Clock, out=sys.stdout) -> dict[str, int]:
    from app.house import house
    from app.retention.service import PurgeContext, run_purge
    from app.tenants.service import each_tenant

    plan = house()  # every table known (cascades), every domain's rules and holds
    engine = make_engine(settings.database_url)
    counts: dict[str, int] = {}
    try:
        # Each municipality by its own retention settings, in its own transaction.
        for tenancy in each_tenant(engine, load_centre(settings.centre_file)):
            with transaction(engine) as db:
                ctx = PurgeContext(now=clock.now(), centre=tenancy.centre, settings=settings,
                                   holds=plan.retention_holds)
                for name, count in run_purge(db, ctx, plan.purge_rules).items():
                    counts[name] = counts.get(name, 0) + count
    finally:
        engine.dispose()
    for name, count in counts.items():
        print(f"{name}: {count}", file=out)
    print(f"i alt: {sum(counts.values())}", file=out)
    return counts


def cmd_purge(args) -> int:
    purge(get_settings(), Clock())
    return 0


def add_purge_command(sub) -> None:
    sub.add_parser("purge", help="delete what the retention rules say (prints counts only)").set_defaults(
        func=cmd_purge)
