"""Two rules for every piece of text a request brings, kept in one place so no form can forget them.

1. No invisible control characters. NUL cannot be stored in PostgreSQL text at all, and the other C0
   characters (and DEL) only arrive from pasted or forged input. Tab, newline and carriage return are
   ordinary text. Such input is refused with a Danish message, never silently changed.
2. No text longer than its column. PostgreSQL refuses over-long VARCHARs with an error and SQLite
   would store them silently; both now get the same clear refusal before anything is written.
"""

from __future__ import annotations

import re
from datetime import date

from fastapi import Request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ControlCharacters(Exception):
    """A form field or query parameter holds a control character (see rule 1)."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class TextTooLong(Exception):
    """A text is longer than the column it would be stored in (see rule 2)."""

    def __init__(self, table: str, column: str, max_length: int):
        super().__init__(f"{table}.{column} > {max_length}")
        self.table, self.column, self.max_length = table, column, max_length


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


async def refuse_control_characters(request: Request) -> None:
    """App-wide dependency: query parameters and (for form posts) every text field."""
    for name, value in request.query_params.multi_items():
        if has_control_characters(name) or has_control_characters(value):
            raise ControlCharacters(name)
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return
    form = await request.form()  # already parsed (and cached) by the CSRF check
    for name, value in form.multi_items():
        if has_control_characters(name) or (isinstance(value, str) and has_control_characters(value)):
            raise ControlCharacters(name)


def _check_lengths(session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            length = getattr(column.type, "length", None)  # String, or SQLModel's AutoString around one
            if not length:
                continue
            if attr.key in state.unmodified and obj not in session.new:
                continue
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and len(value) > length:
                raise TextTooLong(column.table.name, column.name, length)


def install_length_check() -> None:
    """Check every flushed ORM row against its VARCHAR lengths (once per process)."""
    if not event.contains(OrmSession, "before_flush", _check_lengths):
        event.listen(OrmSession, "before_flush", _check_lengths)


_ASCII_NUMBER = re.compile(r"[0-9]{1,9}")


def form_number(value: str) -> int | None:
    """A number (an id, a page) typed or picked in a form: ASCII digits only, at most nine, else None.

    Not str.isdigit(): it is true for "²" and "①", which int() refuses (a 500), and int() reads
    other scripts' digits ("١٢") that no form of ours offers."""
    return int(value) if _ASCII_NUMBER.fullmatch(value) else None


_ASCII_DATE = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})|(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def form_date(value: str) -> date | None:
    """A date typed (23.11.2026, 23-11-2026, 23/11/2026) or picked (<input type=date>: 2026-11-23), or None.
    ASCII digits only, for the same reason as form_number; an impossible date (31.02.2026) is None."""
    match = _ASCII_DATE.fullmatch((value or "").strip())
    if not match:
        return None
    day, month, year = (match.group(1, 2, 3) if match.group(1) else reversed(match.group(4, 5, 6)))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
