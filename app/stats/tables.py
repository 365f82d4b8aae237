"""The page's tables as cells of text — the same cells for the HTML page and the CSV download —
with the small-cell rule: a count under 5, and a rate, median or percentile computed from fewer
than 5 cases, is shown as "<5", so no figure can single out a person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.core.i18n import N_, format_day, translations
from app.requests.models import AREA_LABELS, Area
from app.stats.service import ALL, COMPLETION_TARGETS, Statistics

SMALL = 5
MASK = "<5"

AGE_LABELS = {"under30": N_("Under 30 år"), "30plus": N_("30 år og derover"),
              "unknown": N_("Ukendt alder (anonym)"), ALL: N_("Alle aldre")}
MONTH_NAMES = (N_("jan."), N_("feb."), N_("mar."), N_("apr."), N_("maj"), N_("jun."), N_("jul."), N_("aug."),
               N_("sep."), N_("okt."), N_("nov."), N_("dec."))


def _decimal(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    if text.endswith("." + "0" * digits):
        text = text.split(".")[0]
    return text.replace(".", ",") if lang == "da" else text


def count_cell(n: int) -> str:
    return MASK if n < SMALL else str(n)


def rate_cell(part: int, whole: int, lang: str) -> str:
    if whole < SMALL:
        return MASK
    return f"{_decimal(100 * part / whole, lang)} %"


def days_cell(value: float | None, cases: int, lang: str) -> str:
    if cases < SMALL or value is None:
        return MASK
    return _decimal(value, lang)


def rate_value(part: int, whole: int) -> float | None:
    """The rate for a chart, or None when it must not be shown."""
    return None if whole < SMALL else 100 * part / whole


@dataclass
class Table:
    key: str  # the CSV's name: /personale/statistik/{key}.csv
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    available: bool = True
    row_headers: bool = True  # the first cell of each row names the row

    def csv(self) -> bytes:
        """UTF-8 with BOM, semicolons and decimal commas, the way Danish Excel opens it."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")


def area_label(area: str, gettext) -> str:
    return gettext(N_("Alle områder")) if area == ALL else gettext(AREA_LABELS[Area(area)])


def month_label(month: str, gettext) -> str:
    year, mon = month.split("-")
    return f"{gettext(MONTH_NAMES[int(mon) - 1])} {year}"


def build_tables(stats: Statistics, lang: str) -> list[Table]:
    _ = translations(lang).gettext
    tables = []

    t = Table("henvendelser", _(N_("Henvendelser, ventetid og behandlingsgaranti")), [
        _(N_("Område")), _(N_("Alder")), _(N_("Henvendelser")), _(N_("Anonyme")),
        _(N_("Startet")), _(N_("Dage til start, median")), _(N_("Dage til start, 90 %-fraktil")),
        _(N_("Startet inden 14 dage")), _(N_("Garantien ikke overholdt"))],
        note=_(N_("Alder kendes kun for borgere, der har givet deres CPR-nummer; anonyme borgere står under "
                  "»Ukendt alder«. Startet inden 14 dage regnes af de henvendelser, hvor garantien gælder og "
                  "fristen er afgjort (ikke anonym stofbehandling efter § 101 a, ikke frit valg).")))
    for r in stats.requests:
        t.rows.append([area_label(r.area, _), _(AGE_LABELS[r.age]), count_cell(r.requests),
                       rate_cell(r.anonymous, r.requests, lang), count_cell(r.started),
                       days_cell(r.median_days, r.started, lang), days_cell(r.p90_days, r.started, lang),
                       rate_cell(r.met, r.decided, lang), count_cell(r.breached)])
    tables.append(t)

    t = Table("maaneder", _(N_("Henvendelser pr. måned")), [
        _(N_("Måned")), _(N_("Henvendelser")), _(N_("Startet inden 14 dage"))])
    for m in stats.months:
        t.rows.append([month_label(m.month, _), count_cell(m.requests), rate_cell(m.met, m.decided, lang)])
    tables.append(t)

    t = Table("brud", _(N_("Henvendelser, hvor garantien ikke blev overholdt")), [
        _(N_("Sag")), _(N_("Område")), _(N_("Henvendelse")), _(N_("Frist")), _(N_("Start"))],
        note=_(N_("Kun pseudonymer. Listen er til opfølgning i ledelsen og må ikke offentliggøres.")))
    for b in stats.breaches:
        t.rows.append([b.pseudonym, area_label(b.area, _), format_day(b.received_on, lang),
                       format_day(b.deadline, lang), format_day(b.start, lang) if b.start else _(N_("Ikke startet"))])
    tables.append(t)

    for build in EXTRA_TABLES:
        tables.append(build(stats, lang))

    c = stats.complaints
    t = Table("klager", _(N_("Åbne klager i dag")), [
        _(N_("Åbne klager")), _(N_("Under 4 uger")), _(N_("4–8 uger")), _(N_("Over 8 uger")),
        _(N_("Dage siden modtagelse, median")), _(N_("Dage siden modtagelse, 90 %-fraktil"))],
        row_headers=False, note=_(N_("Opgjort i dag, uanset den valgte periode.")))
    t.rows.append([count_cell(c.open), count_cell(c.under4), count_cell(c.four_to8), count_cell(c.over8),
                   days_cell(c.median_days, c.open, lang), days_cell(c.p90_days, c.open, lang)])
    tables.append(t)
    return tables


# Tables for data from other domains (plans, booking) register here; see app/stats/extra.py.
EXTRA_TABLES: list = []


def targets_note(lang: str) -> str:
    _ = translations(lang).gettext
    return _(N_("Mål: mindst %(drugs)s %% af stofforløbene og %(alcohol)s %% af alkoholforløbene afsluttes "
                "som færdigbehandlet.")) % {"drugs": COMPLETION_TARGETS["drugs"],
                                           "alcohol": COMPLETION_TARGETS["alcohol"]}
