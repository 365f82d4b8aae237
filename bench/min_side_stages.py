"""Where one /min-side request's time goes: each stage of the page timed on its own, in one thread.

    .venv/bin/python bench/seed.py                  # once: data set and cookies (var/bench_speed.json)
    .venv/bin/python bench/min_side_stages.py       # microseconds per stage, mean of 1,000 runs

Calls the same functions the route does (app.cases.citizen_session.citizen_page → the session check, the case,
the probes, each panel, the template), with a request built from the signed-in citizen's cookie,
so there is no HTTP, middleware or event loop in the figures: compare with bench/load.py for those.
Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--info", default="var/bench_speed.json", help="written by bench/seed.py")
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    os.chdir(ROOT)
    info = json.loads(Path(args.info).read_text())
    os.environ.update(DATABASE_URL=info["database_url"], SECRET_KEY=info["secret_key"], APP_ENV="production",
                      LOG_LEVEL="WARNING")
    from sqlmodel import Session
    from starlette.requests import Request

    from app.cases import panels
    from app.cases import citizen_session
    from app.core.db import PAGE_CONNECTION
    from app.core.web import render
    from app.main import create_app

    app = create_app()
    scope = {"type": "http", "method": "GET", "path": "/min-side", "headers": [(b"cookie", info["cookies"]["citizen"].encode())],
             "app": app, "query_string": b"", "state": {"csrf_binding": "bench", "flash": None}, "scheme": "http",
             "server": ("127.0.0.1", 80), "root_path": ""}
    spent: dict[str, float] = {}

    def timed(stage, fn):
        started = time.perf_counter()
        result = fn()
        spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - started
        return result

    warm_up = 50
    for run in range(args.n + warm_up):
        if run == warm_up:
            spent.clear()
        request, now = Request(scope), app.state.clock.now()

        def open_page():  # as app.core.read_path.read_page does
            connection = app.state.page_engine.connect()
            transaction = connection.begin()
            session = Session(bind=connection, expire_on_commit=False)
            session.info[PAGE_CONNECTION] = connection
            return connection, transaction, session

        connection, transaction, db = timed("open connection", open_page)
        web_session = timed("session check", lambda: citizen_session.citizen_session(request, db, now))
        case, found = timed("case and probes", lambda: panels.case_with_probes(db, web_session.case_id))
        shown = []
        for panel, values in zip(panels._PANELS, found):
            result = timed(f"panel {panel.fn.__name__}", lambda: panel.fn(db, case, now, values))
            shown += [result] if result else []
        timed("template", lambda: render(request, "public/cases/min_side.html",
                                         {"case": case, "panels": shown, "signed_in": True}))
        timed("commit and close", lambda: (db.close(), transaction.commit(), connection.close()))
    print("| stage | µs |\n|---|---:|")
    for stage, seconds in spent.items():
        print(f"| {stage} | {seconds / args.n * 1e6:,.0f} |")
    print(f"| **total** | **{sum(spent.values()) / args.n * 1e6:,.0f}** |")


if __name__ == "__main__":
    main()
