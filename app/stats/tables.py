"""The page's tables as cells of text — the same cells for the HTML page and the CSV download —
with the small-cell rule: a count under 5, and a rate, median or percentile computed from fewer
than 5 cases, is shown as "<5", so no figure can single out a person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.core.i18n import N_, format_day, translations
from app.plans.models import DischargeReason
from app.requests.models import Area
from app.stats.service import ALL, AREA_ORDER, BREACH_LIST_LIMIT, COMPLETION_TARGETS, Statistics

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
    row_headers: bool = True  # the first cell of each row names the row

    def csv(self) -> bytes:
        """UTF-8 with BOM, semicolons and decimal commas, the way Danish Excel opens it."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")


def area_label(area: str, gettext) -> str:
    if area == ALL:
        return gettext(N_("Alle områder"))
    if area == "unknown":
        return gettext(N_("Intet område registreret"))
    return gettext(Area(area).label)


def month_label(month: str, gettext) -> str:
    year, mon = month.split("-")
    return f"{gettext(MONTH_NAMES[int(mon) - 1])} {year}"


# The figures (app.stats.service.PARTS) each table is built from: a CSV computes only these.
TABLE_PARTS = {"henvendelser": "requests", "maaneder": "requests", "brud": "requests",
               "faerdigbehandlet": "courses", "forloeb": "courses", "revision": "revisions",
               "opfoelgning": "follow_ups", "raadgivning": "counselling", "venteliste": "waitlist",
               "klager": "complaints"}


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
        note=_(N_("De seneste først, højst %(n)s. Kun pseudonymer: listen er til opfølgning i ledelsen og må "
                  "ikke offentliggøres.")) % {"n": BREACH_LIST_LIMIT})
    for b in stats.breaches:
        t.rows.append([b.pseudonym, area_label(b.area, _), format_day(b.received_on, lang),
                       format_day(b.deadline, lang), format_day(b.start, lang) if b.start else _(N_("Ikke startet"))])
    tables.append(t)

    tables += _course_tables(stats, lang, _) + [_counselling_table(stats, lang, _), _waitlist_table(stats, lang, _)]

    c = stats.complaints
    t = Table("klager", _(N_("Åbne klager i dag")), [
        _(N_("Åbne klager")), _(N_("Under 4 uger")), _(N_("4–8 uger")), _(N_("Over 8 uger")),
        _(N_("Dage siden modtagelse, median")), _(N_("Dage siden modtagelse, 90 %-fraktil"))],
        row_headers=False, note=_(N_("Opgjort i dag, uanset den valgte periode.")))
    t.rows.append([count_cell(c.open), count_cell(c.under4), count_cell(c.four_to8), count_cell(c.over8),
                   days_cell(c.median_days, c.open, lang), days_cell(c.p90_days, c.open, lang)])
    tables.append(t)
    return tables


def _course_tables(stats: Statistics, lang: str, _) -> list[Table]:
    titles = {"faerdigbehandlet": _(N_("Færdigbehandlede forløb mod målet")),
              "forloeb": _(N_("Afsluttede forløb efter årsag")),
              "revision": _(N_("Behandlingsplaner, hvor revisionen er overskredet")),
              "opfoelgning": _(N_("Opfølgning 1 og 6 måneder efter udskrivning"))}

    t1 = Table("faerdigbehandlet", titles["faerdigbehandlet"], [
        _(N_("Område")), _(N_("Alder")), _(N_("Afsluttede forløb")), _(N_("Færdigbehandlet")),
        _(N_("Andel færdigbehandlet")), _(N_("Målsætning")), _(N_("Målet nået"))],
        note=_(N_("Forløb afsluttet (udskrevet) i perioden. Alder ved udskrivningen ud fra CPR-nummeret; "
                  "anonyme borgere står under »Ukendt alder«.")))
    for c in stats.extra["completion"]:
        reached = "–"
        if c.target is not None and c.ended >= SMALL:
            reached = _(N_("Ja")) if 100 * c.completed >= c.target * c.ended else _(N_("Nej"))
        t1.rows.append([area_label(c.area, _), _(AGE_LABELS[c.age]), count_cell(c.ended), count_cell(c.completed),
                        rate_cell(c.completed, c.ended, lang), f"{c.target} %" if c.target else "–", reached])

    reasons = stats.extra["reasons"]
    areas = [a for a in (*AREA_ORDER, ALL) if any(k[1] == a for k in reasons) or a == ALL]
    t2 = Table("forloeb", titles["forloeb"], [_(N_("Årsag"))] + [area_label(a, _) for a in areas])
    for reason in DischargeReason:
        t2.rows.append([_(reason.label)] + [count_cell(reasons.get((reason.value, a), 0)) for a in areas])

    t3 = Table("revision", titles["revision"], [
        _(N_("Område")), _(N_("Aktive planer")), _(N_("Revision overskredet")), _(N_("Andel overskredet")),
        _(N_("Mere end 30 dage over"))],
        note=_(N_("Opgjort i dag, uanset den valgte periode. En plan revideres mindst hver 3. måned.")))
    for r in stats.extra["revisions"]:
        t3.rows.append([area_label(r.area, _), count_cell(r.active), count_cell(r.overdue),
                        rate_cell(r.overdue, r.active, lang), count_cell(r.overdue_30)])

    t4 = Table("opfoelgning", titles["opfoelgning"], [
        _(N_("Opfølgning")), _(N_("Forfaldne i perioden")), _(N_("Gennemført")), _(N_("Sagt nej tak")),
        _(N_("Mangler")), _(N_("Andel gennemført"))])
    for f in stats.extra["follow_ups"]:
        t4.rows.append([_(N_("Efter 1 måned")) if f.months == 1 else _(N_("Efter 6 måneder")), count_cell(f.due),
                        count_cell(f.done), count_cell(f.declined), count_cell(f.missing),
                        rate_cell(f.done, f.due, lang)])
    return [t1, t2, t3, t4]


WHO_LABELS = {"citizen": N_("Borgere"), "relative": N_("Pårørende"), ALL: N_("I alt")}


def _counselling_table(stats: Statistics, lang: str, _) -> Table:
    title = _(N_("Åben Rådgivning"))
    sessions, rows = stats.extra["counselling"]
    t = Table("raadgivning", title, [
        _(N_("Hvem")), _(N_("Forventet")), _(N_("Mødt")), _(N_("Udeblevet")), _(N_("Udeblivelser")),
        _(N_("Heraf uden booking"))],
        note=_(N_("Afholdte rådgivningstider i perioden: %(n)s. Forventet er mødt plus udeblevet; "
                  "afbud tæller ikke med.")) % {"n": count_cell(sessions)})
    for r in rows:
        t.rows.append([_(WHO_LABELS[r.who]), count_cell(r.expected), count_cell(r.attended), count_cell(r.no_show),
                       rate_cell(r.no_show, r.expected, lang), count_cell(r.walk_in)])
    return t


def _waitlist_table(stats: Statistics, lang: str, _) -> Table:
    w = stats.extra.get("waitlist")
    t = Table("venteliste", _(N_("Ventelister til Åben Rådgivning")), [
        _(N_("Tilbudte pladser")), _(N_("Taget")), _(N_("Udløbet")), _(N_("Nej tak")), _(N_("Andel taget")),
        _(N_("Dage tidligere, gennemsnit"))], row_headers=False,
        note=_(N_("Pladser, der blev ledige og tilbudt den første på ventelisten i perioden. Dage tidligere: hvor "
                  "mange dage før den næste tid med ledig plads, borgeren kom til.")))
    if w is not None:
        t.rows.append([count_cell(w.made), count_cell(w.taken), count_cell(w.expired), count_cell(w.declined),
                       rate_cell(w.taken, w.made, lang), days_cell(w.days_gained, w.taken, lang)])
    return t


def targets_note(lang: str) -> str:
    _ = translations(lang).gettext
    return _(N_("Mål: mindst %(drugs)s %% af stofforløbene og %(alcohol)s %% af alkoholforløbene afsluttes "
                "som færdigbehandlet.")) % {"drugs": COMPLETION_TARGETS["drugs"],
                                           "alcohol": COMPLETION_TARGETS["alcohol"]}
