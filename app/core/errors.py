"""Domain exceptions that map to HTTP statuses in one place (app/main.py)."""


class NotFound(Exception):
    """The thing does not exist, or the caller may not know that it does."""
