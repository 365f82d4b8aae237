"""A demo server for the security scanners: demo data in a throwaway SQLite file, staff 2FA off,
throttling loosened so the scanners' thousands of requests reach the code behind the sign-in
forms instead of stopping at "too many attempts". Never use these settings outside a scan.

    python bench/scan_server.py --db var/scan/demo.db --port 8765
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from app.core.config import settings_from_env
from app.core.migrate import upgrade
from app.demo import load_demo
from app.main import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="var/scan/demo.db")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    settings = settings_from_env({"DATABASE_URL": f"sqlite:///{args.db}", "REQUIRE_STAFF_2FA": "false",
                                  "LOG_LEVEL": "WARNING"})
    settings = settings.with_(throttle_free_attempts=1_000_000)
    upgrade(settings.database_url)
    for line in load_demo(settings):
        print(line, flush=True)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(settings), host="127.0.0.1", port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
