"""python -m app jobs [--once] [--interval S]: the notification runner, for cron or as a service."""

from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger("app.notify")


def cmd_jobs(args) -> int:
    from app.core.config import get_settings
    from app.house import house
    from app.main import create_app
    from app.notify.config import current
    from app.notify.runner import run_once, worker_name
    from app.tenants.service import each_tenant

    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # The jobs and digest sections come from the house; the app is built so the notify module is
    # configured exactly as the web workers see it.
    app = create_app(settings)
    engine, clock, config = app.state.engine, app.state.clock, current()
    default_centre = app.state.tenant_hosts.default_centre  # the installation's CENTRE_FILE, read once
    stop = threading.Event()
    # SIGTERM (systemd, docker stop) and Ctrl-C finish the current pass, then exit.
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    worker = worker_name()
    channels = [name for name, on in (("e-mail", config.settings.email_on), ("sms", config.settings.sms_on),
                                             ("digital post", config.settings.digital_post_on)) if on]
    log.info("jobs runner %s started; channels: %s", worker, ", ".join(channels) or "none (portal only)")
    try:
        while True:
            for _tenant in each_tenant(engine, default_centre):  # each municipality's jobs and outbox
                result = run_once(engine, config=config, clock=clock, worker=worker, house=house())
                if result.claimed or result.queued or result.expired:
                    log.info("queued %s, sent %s, retry later %s, failed %s, expired %s", result.queued,
                             result.sent, result.retried, result.failed, result.expired)
            if args.once or stop.wait(args.interval):
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        engine.dispose()
    return 0


def add_jobs_command(sub) -> None:
    jobs = sub.add_parser("jobs", help="send due notifications and run scheduled jobs (digests)")
    jobs.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
    jobs.add_argument("--interval", type=float, default=60.0, help="seconds between passes (default 60)")
    jobs.set_defaults(func=cmd_jobs)
