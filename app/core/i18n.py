"""Languages: Danish source strings, English from a Babel catalogue compiled in memory at start-up."""

from __future__ import annotations

import gettext as _gettext
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from app.core.clock import local

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"
LANG_COOKIE = "sprog"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


class Msg:
    """A message with values to fill in after translation, e.g. Msg(N_("Vent %(minutes)s"), minutes=3)."""

    def __init__(self, text: str, **params):
        self.text = text
        self.params = params

    def __eq__(self, other):
        return isinstance(other, Msg) and (self.text, self.params) == (other.text, other.params)

    def __repr__(self):
        return f"Msg({self.text!r}, {self.params!r})"


def wait_message(variants: dict[str, str], seconds: float) -> Msg:
    """The real wait in plain words: "Vent 10 sekunder", "Vent 2 minutter" – never "minut(ter)".

    variants holds one sentence per form ("second", "seconds", "minute", "minutes"), each with %(n)s
    where a number goes: whole sentences translate better than glued pieces."""
    seconds = max(1, int(-(-seconds // 1)))  # whole seconds, rounded up, as Retry-After says
    if seconds < 60:
        return Msg(variants["second" if seconds == 1 else "seconds"], n=seconds)
    minutes = -(-seconds // 60)
    return Msg(variants["minute" if minutes == 1 else "minutes"], n=minutes)


# The staff side's throttled answer (sign-in, second factor, current password).
TOO_MANY_ATTEMPTS = {
    "second": N_("For mange forkerte forsøg. Vent 1 sekund, og prøv igen."),
    "seconds": N_("For mange forkerte forsøg. Vent %(n)s sekunder, og prøv igen."),
    "minute": N_("For mange forkerte forsøg. Vent 1 minut, og prøv igen."),
    "minutes": N_("For mange forkerte forsøg. Vent %(n)s minutter, og prøv igen."),
}


def translate_message(lang: str, message) -> str:
    """Translate a plain msgid or a Msg; used by templates as tr()."""
    if message is None:
        return ""
    if isinstance(message, Msg):
        return translations(lang).gettext(message.text) % message.params
    return translations(lang).gettext(str(message))


@lru_cache
def translations(lang: str) -> _gettext.NullTranslations:
    po_path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf)


def pick_language(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGUAGES else DEFAULT_LANGUAGE


def format_day(value: date | datetime | None, lang: str = "da") -> str:
    """23.11.2026 in Danish, 23/11/2026 in English; datetimes are shown in Copenhagen time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return value.strftime("%d.%m.%Y") if lang == "da" else value.strftime("%d/%m/%Y")


def format_time(value: datetime | None, lang: str = "da") -> str:
    if value is None:
        return ""
    value = local(value)
    return value.strftime("%H.%M") if lang == "da" else value.strftime("%H:%M")


def format_weekday(value: date | datetime, lang: str = "da") -> str:
    if isinstance(value, datetime):
        value = local(value).date()
    return _weekday_names(lang)[value.weekday()]


@lru_cache
def _weekday_names(lang: str) -> tuple[str, ...]:
    # Babel's format_date parses its pattern on every call; a page shows a weekday per date.
    names = get_day_names("wide", context="format", locale=lang)
    return tuple(names[day] for day in range(7))


def format_long_day(value: date | datetime, lang: str = "da") -> str:
    """'mandag 23.11.2026' — the weekday helps people on the phone."""
    return f"{format_weekday(value, lang)} {format_day(value, lang)}"
