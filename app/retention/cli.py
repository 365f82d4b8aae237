"""`python -m app purge`: run every retention rule once, in one transaction, and print counts only."""

from __future__ import annotations

import sys

from app.core.clock import Clock
from app.core.config import Settings, get_settings, load_centre
from app.core.db import make_engine, transaction


def purge(settings: Settings, clock: Clock, out=sys.stdout) -> dict[str, int]:
    import app.models  # noqa: F401  (every table known, so cascades and rules can run)
    import app.export.domain_sections  # noqa: F401  (retention holds, e.g. an open complaint)
    import app.retention.rules  # noqa: F401  (domain rules register themselves)
    from app.retention.service import PurgeContext, run_purge

    engine = make_engine(settings.database_url)
    try:
        with transaction(engine) as db:
            counts = run_purge(db, PurgeContext(now=clock.now(), centre=load_centre(settings.centre_file),
                                                settings=settings))
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
