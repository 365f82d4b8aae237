"""Alembic environment: the URL comes from the app's settings unless the caller passed a connection."""

from logging.config import fileConfig

from alembic import context

from app.core.config import get_settings
from app.core.db import make_engine
from app.models import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Batch mode copies a table and drops the old one; with foreign keys on, SQLite would
            # first delete its rows and cascade to every child table. Off for the migration (only
            # possible outside a transaction), and checked afterwards.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        _run(conn)
        if conn.dialect.name == "sqlite":
            broken = conn.connection.driver_connection.execute("PRAGMA foreign_key_check").fetchall()
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows with broken references")
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
