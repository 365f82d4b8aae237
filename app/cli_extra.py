"""Commands contributed by domain modules (jobs, purge, ...). Each adds its own sub-parser here."""


def add_commands(sub) -> None:
    from app.notify.cli import add_jobs_command
    add_jobs_command(sub)
    from app.retention.cli import add_purge_command
    add_purge_command(sub)
