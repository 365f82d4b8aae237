"""Commands contributed by domain modules (jobs, purge, ...). Each adds its own sub-parser here."""


def add_commands(sub) -> None:
    return None
