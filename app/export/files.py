"""The citizen's copy to keep: the same content as /min-side/mine-data as a PDF (to read and print)
and as JSON (machine-readable, GDPR art. 20). Built from the same ExportSections, so the three never
disagree.

The PDF uses DejaVu Sans (bundled, its licence next to it): Danish letters, dashes and quotes and
most scripts a citizen might type; a glyph the font lacks (an emoji) is left out, never an error.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF

from app.core.clock import local
from app.core.i18n import N_, Msg, format_day, format_time, translate_message
from app.export.service import ExportSection

FONTS = Path(__file__).parent / "fonts"
# fpdf2 names the characters a font lacks in a warning: those are the citizen's words, never for a log.
logging.getLogger("fpdf").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    cmap = TTFont(str(FONTS / "DejaVuSans.ttf")).getBestCmap()
    bold = TTFont(str(FONTS / "DejaVuSans-Bold.ttf")).getBestCmap()
    return frozenset(set(cmap) & set(bold))


def _printable(text: str) -> str:
    """What the font can draw: other characters (emoji, private use, controls) are left out."""
    glyphs = _glyphs()
    return "".join(ch if ord(ch) in glyphs or ch == "\n" else ("" if ord(ch) > 0x7F else " ") for ch in text)


@dataclass(frozen=True)
class Copy:
    """Everything in the copy, already read: the sections and the citizen's access log."""

    sections: list[ExportSection]
    log_lines: list  # audit.service.CitizenLogLine
    made_at: datetime
    centre_name: str
    lang: str


def _text(value: Any, lang: str) -> str:
    if value is True or value is False:
        return translate_message(lang, N_("Ja") if value else N_("Nej"))
    if isinstance(value, datetime):
        return f"{format_day(value, lang)} {translate_message(lang, N_('kl.'))} {format_time(value, lang)}"
    if isinstance(value, date):
        return format_day(value, lang)
    if isinstance(value, Msg):
        return translate_message(lang, value)
    if isinstance(value, list):
        return ", ".join(_text(v, lang) for v in value)
    return "–" if value is None else str(value)


def _json_value(value: Any, lang: str) -> Any:
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="seconds")  # with the Copenhagen offset
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Msg):
        return translate_message(lang, value)
    if isinstance(value, list):
        return [_json_value(v, lang) for v in value]
    return value


def _pairs(pairs, lang: str) -> dict[str, Any]:
    return {translate_message(lang, label): _json_value(value, lang) for label, value in pairs}


def as_json(copy: Copy) -> bytes:
    lang = copy.lang
    doc = {
        "made_at": local(copy.made_at).isoformat(timespec="seconds"),
        "centre": copy.centre_name,
        "language": lang,
        "sections": [{
            "title": translate_message(lang, s.title),
            **({"fields": _pairs(s.rows, lang)} if s.rows else {}),
            **({"records": [_pairs(r, lang) for r in s.records]} if s.records else {}),
        } for s in copy.sections],
        "access_log": [{
            "at": local(line.at).isoformat(timespec="seconds"),
            "role": translate_message(lang, line.role),
            **({"first_name": line.first_name} if line.first_name else {}),
            "what": translate_message(lang, line.what),
        } for line in copy.log_lines],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


class _Pdf(FPDF):
    def para(self, height: float, text: str) -> None:
        self.multi_cell(0, height, _printable(text), new_x="LMARGIN", new_y="NEXT")

    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self._footer_text = footer_text
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, _printable(f"{self._footer_text} · {self.page_no()}"), align="C")


def as_pdf(copy: Copy) -> bytes:
    lang = copy.lang
    tr = lambda text, **kw: translate_message(lang, Msg(text, **kw) if kw else text)  # noqa: E731
    made = _text(copy.made_at, lang)
    pdf = _Pdf(f"{copy.centre_name} · {tr(N_('Alt, vi har om dig'))} · {made}")
    pdf.set_title(tr(N_("Alt, vi har om dig")))
    pdf.set_lang(lang)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.para(8, tr(N_("Alt, vi har om dig")))
    pdf.set_font("DejaVu", "", 10)
    pdf.para(5, tr(N_("Her er alt, hvad portalen har gemt om din sag, pr. %(when)s."), when=made))
    pdf.ln(2)

    def pairs(rows):
        for label, value in rows:
            pdf.set_font("DejaVu", "B", 9)
            pdf.para(5, translate_message(lang, label))
            pdf.set_font("DejaVu", "", 10)
            pdf.para(5, _text(value, lang))

    for section in copy.sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 13)
        pdf.para(7, translate_message(lang, section.title))
        pairs(section.rows)
        for record in section.records:
            pdf.ln(1.5)
            pairs(record)
        if not section.rows and not section.records:
            pdf.set_font("DejaVu", "", 10)
            pdf.para(5, translate_message(lang, section.empty_text))
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 13)
    pdf.para(7, tr(N_("Hvem har set mine oplysninger")))
    pdf.set_font("DejaVu", "", 10)
    if not copy.log_lines:
        pdf.para(5, tr(N_("Ingen medarbejdere har set din sag endnu.")))
    for line in copy.log_lines:
        who = translate_message(lang, line.role) + (f" ({line.first_name})" if line.first_name else "")
        pdf.para(5, f"{_text(line.at, lang)} · {who} · {translate_message(lang, line.what)}")
    return bytes(pdf.output())
