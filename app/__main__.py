"""python -m app serve | migrate | demo | create-staff | purge ..."""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import sys

from app.core.config import get_settings


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def cmd_migrate(args) -> int:
    from app.core.migrate import upgrade
    settings = get_settings()
    upgrade(settings.migration_database_url or settings.database_url)
    print("Databasen er opdateret (alembic upgrade head).")
    return 0


def _freeze_startup_objects() -> None:
    # Everything built at start-up (modules, templates, SQL statements) lives as long as the process:
    # moved out of the collector's reach, a full collection no longer walks it in the middle of a
    # request (a tail-latency spike under load).
    gc.collect()
    gc.freeze()


def worker_app():
    """The application of one worker of `serve --workers N` (N > 1): uvicorn imports this in each
    worker process it starts, so every worker builds its own app (own engine and pool, own event
    loop) from the same environment, and freezes what it built."""
    settings = get_settings()
    _configure_logging(settings.log_level)
    from app.main import create_app
    application = create_app(settings)
    _freeze_startup_objects()
    return application


def cmd_serve(args) -> int:
    import uvicorn
    settings = get_settings()
    _configure_logging(settings.log_level)
    if args.workers < 1:
        print("--workers skal være mindst 1.", file=sys.stderr)
        return 2
    if args.migrate:  # once, before any worker starts (workers never migrate)
        cmd_migrate(args)
    # access_log off: uvicorn's lines carry client addresses; our middleware logs without them.
    options = dict(host=args.host, port=args.port, access_log=False, proxy_headers=False,
                   log_level=settings.log_level.lower())
    if args.workers == 1:
        from app.main import create_app
        application = create_app(settings)
        _freeze_startup_objects()
        uvicorn.run(application, **options)
        return 0
    # Several processes on one socket, each with its own app: uvicorn's supervisor binds the port,
    # spawns the workers (each imports worker_app), restarts one that dies and stops all on SIGTERM.
    # Nothing a request relies on lives in a worker's memory (sessions, CSRF bindings, throttles and
    # locks are rows; see README "Several workers"), so any worker can answer any request.
    import socket

    from uvicorn.supervisors import Multiprocess
    config = uvicorn.Config("app.__main__:worker_app", factory=True, workers=args.workers, **options)
    listener = config.bind_socket()
    # uvicorn binds this socket with protocol 0, so asyncio does not set TCP_NODELAY on the
    # connections the workers accept (it does on the sockets of the one-process server): a response
    # written in two parts then waits ≈ 40 ms for the client's delayed ACK. Set on the listening
    # socket, Linux gives it to every accepted connection.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[listener]).run()
    return 0


# Commands that run across every municipality themselves, or need none.
ACROSS_TENANTS = {"serve", "migrate", "tenants", "db-grant", "jobs", "purge", "demo"}


def use_kommune(args) -> None:
    """A command that works on one municipality's data runs for the one `--kommune` names (or the
    only one there is): the whole process is that tenant's."""
    from app.core.config import load_centre
    from app.core.db import make_engine
    from app.core.tenancy import set_fallback
    from app.tenants.service import TenantError, tenancy_by_slug
    from sqlmodel import Session
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as db:
            set_fallback(tenancy_by_slug(db, args.kommune, load_centre(settings.centre_file)))
    except TenantError as err:
        sys.exit(f"Fejl: {err}")
    finally:
        engine.dispose()


def cmd_demo(args) -> int:
    from app.demo import load_demo
    cmd_migrate(args)
    use_kommune(args)
    for line in load_demo(get_settings()):
        print(line)
    return 0


def cmd_create_staff(args) -> int:
    from app.core.clock import Clock
    from app.core.db import make_engine, transaction
    from app.staff import service
    password = args.password or getpass.getpass("Adgangskode (mindst 12 tegn): ")
    engine = make_engine(get_settings().database_url)
    try:
        with transaction(engine) as db:
            user = service.create_staff(db, username=args.username, first_name=args.first_name,
                                        full_name=args.full_name, role=args.role, password=password,
                                        now=Clock().now(), email=args.email or "")
            print(f"Oprettet: {user.username} ({user.role})")
    except service.StaffError as err:
        print(f"Fejl ({err.field}): {err.message}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Rusmiddelportalen")
    parser.add_argument("--kommune", help="the municipality (tenant) a command works on, by its short name; "
                                          "needed only when the installation serves more than one")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes on the one port (default 1); each has its own database pool")
    serve.add_argument("--no-migrate", dest="migrate", action="store_false", help="skip alembic upgrade")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="alembic upgrade head").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="migrate and load the Haderslev demo data").set_defaults(func=cmd_demo)

    staff = sub.add_parser("create-staff", help="create a staff user")
    staff.add_argument("username")
    staff.add_argument("--first-name", required=True)
    staff.add_argument("--full-name", required=True)
    staff.add_argument("--role", required=True, choices=["reception", "counsellor", "leader", "admin"])
    staff.add_argument("--password", help="omit to be asked")
    staff.add_argument("--email", help="work address for alerts and the daily digest (optional)")
    staff.set_defaults(func=cmd_create_staff)

    from app.house import house
    for add_command in house().commands:  # jobs, purge, generate-sessions, ... (the domains declare them)
        add_command(sub)

    args = parser.parse_args(argv)
    if args.command not in ACROSS_TENANTS:
        use_kommune(args)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
