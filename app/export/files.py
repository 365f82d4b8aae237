"""The citizen's copy to keep: the same content as /min-side/mine-data as a PDF (to read and print)
and as JSON (machine-readable, GDPR art. 20). Built from the same ExportSections, so the three never
disagree.

The PDF is drawn with app.core.pdf (DejaVu Sans; a glyph the font lacks is left out, never an error).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.core.clock import local
from app.core.i18n import N_, Msg, format_day, format_time, translate_message
from app.core.pdf import Pdf
from app.export.service import ExportSection


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


def as_pdf(copy: Copy) -> bytes:
    lang = copy.lang
    tr = lambda text, **kw: translate_message(lang, Msg(text, **kw) if kw else text)  # noqa: E731
    made = _text(copy.made_at, lang)
    pdf = Pdf(f"{copy.centre_name} · {tr(N_('Alt, vi har om dig'))} · {made}")
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
