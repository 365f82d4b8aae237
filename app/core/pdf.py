"""PDFs the portal hands out: the citizen's copy of their data (app/export/files.py) and letters
(a decision or a deadline letter sent by Digital Post, app/decisions/letter.py, app/requests/flows.py).

DejaVu Sans (bundled, its licence next to it): Danish letters, dashes and quotes and most scripts a
citizen might type; a glyph the font lacks (an emoji) is left out, never an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from app.core.i18n import N_, Msg, format_long_day, translate_message

FONTS = Path(__file__).parent / "fonts"
# fpdf2 names the characters a font lacks in a warning: those are the citizen's words, never for a log.
logging.getLogger("fpdf").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    cmap = TTFont(str(FONTS / "DejaVuSans.ttf")).getBestCmap()
    bold = TTFont(str(FONTS / "DejaVuSans-Bold.ttf")).getBestCmap()
    return frozenset(set(cmap) & set(bold))


def printable(text: str) -> str:
    """What the font can draw: other characters (emoji, private use, controls) are left out."""
    glyphs = _glyphs()
    return "".join(ch if ord(ch) in glyphs or ch == "\n" else ("" if ord(ch) > 0x7F else " ") for ch in text)


class Pdf(FPDF):
    """A4 in DejaVu Sans with a footer line on every page."""

    def para(self, height: float, text: str) -> None:
        self.multi_cell(0, height, printable(text), new_x="LMARGIN", new_y="NEXT")

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
        self.cell(0, 5, printable(f"{self._footer_text} · {self.page_no()}"), align="C")


@dataclass(frozen=True)
class LetterText:
    """A letter as its parts: who sends it (address lines), to whom, when, a heading and sections
    (heading or "", text). `title` is the PDF's document title, which a mail client or a viewer can
    show outside the letter: it must be as neutral as the message's title."""

    title: str
    sender_lines: tuple[str, ...]
    recipient: str
    dated: str
    heading: str
    sections: tuple[tuple[str, str], ...]
    footer: str = ""
    lang: str = "da"


def centre_letter(centre, *, title: str, recipient: str, now: datetime, heading: str,
                  sections: tuple[tuple[str, str], ...], lang: str = "da") -> bytes:
    """A letter from the centre on its own letterhead (the address staff print on a posted letter)."""
    lines = (centre.name, centre.municipality, centre.address, centre.postcode_city,
             translate_message(lang, Msg(N_("Telefon %(phone)s"), phone=centre.phone)))
    return letter_pdf(LetterText(title=title, sender_lines=lines, recipient=recipient,
                                 dated=format_long_day(now, lang), heading=heading, sections=sections,
                                 footer=f"{centre.name} · {centre.municipality}", lang=lang), made_at=now)


def letter_pdf(letter: LetterText, *, made_at: datetime | None = None) -> bytes:
    pdf = Pdf(letter.footer)
    pdf.set_title(printable(letter.title))
    pdf.set_lang(letter.lang)
    if made_at is not None:
        # Fixed, so the same letter is the same bytes (a retry sends what was queued).
        pdf.set_creation_date(made_at)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.para(5, "\n".join(letter.sender_lines))
    pdf.ln(4)
    if letter.recipient:
        pdf.para(5, letter.recipient)
        pdf.ln(2)
    pdf.para(5, letter.dated)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 15)
    pdf.para(7, letter.heading)
    for heading, text in letter.sections:
        pdf.ln(3)
        if heading:
            pdf.set_font("DejaVu", "B", 12)
            pdf.para(6, heading)
        pdf.set_font("DejaVu", "", 10)
        pdf.para(5, text)
    return bytes(pdf.output())
