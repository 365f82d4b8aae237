"""Server-rendered SVG charts: geometry only (the figures come from the SQL in service.py).

Each chart has a title and a description for screen readers, and the page puts the same numbers
in a table next to it. Values hidden by the small-cell rule are drawn as gaps, labelled "<5"."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    value_text: str  # above the bar
    target_y: float | None = None  # a target line across the bar


@dataclass
class Chart:
    key: str
    title: str
    desc: str
    bars: list[Bar] = field(default_factory=list)
    line: list[tuple[float, float]] = field(default_factory=list)  # points of a line chart
    line_segments: list[str] = field(default_factory=list)  # SVG path data, broken at hidden values
    ticks: list[tuple[float, str]] = field(default_factory=list)  # y position, label
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT


def _nice_max(value: float) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if value <= step * 4:
            return step * 4 if value > 0 else 20
    return int(value) + 1


def _y(value: float, top_value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top_value)


def _ticks(top_value: float, suffix: str = "") -> list[tuple[float, str]]:
    return [(_y(top_value * i / 4, top_value), f"{int(top_value * i / 4)}{suffix}") for i in range(5)]


def _slots(n: int) -> tuple[float, float]:
    slot = (WIDTH - LEFT - RIGHT) / max(n, 1)
    return slot, slot * 0.7


def bar_chart(key: str, title: str, desc: str, labels: list[str], values: list[float | None],
              texts: list[str], *, percent: bool = False, targets: list[float | None] | None = None) -> Chart:
    """Bars (None = hidden by the small-cell rule); `targets` draws a target line across each bar."""
    top_value = 100 if percent else _nice_max(max([v for v in values if v is not None] or [0]))
    chart = Chart(key, title, desc, ticks=_ticks(top_value, " %" if percent else ""))
    slot, width = _slots(len(values))
    for i, (label, value, text) in enumerate(zip(labels, values, texts)):
        x = LEFT + i * slot + (slot - width) / 2
        y = _y(value or 0, top_value)
        target = targets[i] if targets else None
        chart.bars.append(Bar(round(x, 1), round(y, 1), round(width, 1), round(chart.baseline - y, 1), label, text,
                              round(_y(target, top_value), 1) if target is not None else None))
    return chart


def line_chart(key: str, title: str, desc: str, labels: list[str], values: list[float | None],
               texts: list[str]) -> Chart:
    """A percentage per month as a line; hidden months break the line."""
    chart = Chart(key, title, desc, ticks=_ticks(100, " %"))
    slot, _w = _slots(len(values))
    segment: list[str] = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts)):
        x = round(LEFT + i * slot + slot / 2, 1)
        chart.bars.append(Bar(x, chart.baseline, 0, 0, label, text))  # labels only
        if value is None:
            if segment:
                chart.line_segments.append(" ".join(segment))
            segment = []
            continue
        y = round(_y(value, 100), 1)
        chart.line.append((x, y))
        segment.append(f"{'M' if not segment else 'L'}{x},{y}")
    if segment:
        chart.line_segments.append(" ".join(segment))
    return chart


def page_charts(stats, lang: str) -> list[Chart]:
    """The page's charts: requests per month, share started within 14 days per month, and (when the
    plans data is there) completion rate against the targets."""
    from app.core.i18n import N_, translations
    from app.stats.tables import count_cell, month_label, rate_cell, rate_value

    _ = translations(lang).gettext
    labels = [month_label(m.month, _) for m in stats.months]
    charts = [
        bar_chart("graf-henvendelser", _(N_("Henvendelser pr. måned")),
                  _(N_("Søjlediagram over antallet af henvendelser i hver måned af perioden. Tallene står "
                       "også i tabellen under diagrammet.")),
                  labels, [m.requests if m.requests >= 5 else None for m in stats.months],
                  [count_cell(m.requests) for m in stats.months]),
        line_chart("graf-garanti", _(N_("Andel startet inden 14 dage pr. måned")),
                   _(N_("Kurve over andelen af henvendelser, der kom i gang inden for 14 dage, måned for måned. "
                        "Måneder med under 5 afgjorte henvendelser vises ikke. Tallene står også i tabellen.")),
                   labels, [rate_value(m.met, m.decided) for m in stats.months],
                   [rate_cell(m.met, m.decided, lang) for m in stats.months]),
    ]
    completion = stats.extra.get("completion")
    if completion is not None:
        from app.stats.tables import area_label
        rows = [c for c in completion if c.area in ("drugs", "alcohol")]
        charts.append(bar_chart(
            "graf-faerdig", _(N_("Færdigbehandlet mod målet")),
            _(N_("Søjlediagram over andelen af afsluttede forløb, der sluttede som færdigbehandlet, for stoffer og "
                 "alkohol. En vandret streg over hver søjle viser målet. Tallene står også i tabellen.")),
            [area_label(c.area, _) for c in rows], [rate_value(c.completed, c.ended) for c in rows],
            [rate_cell(c.completed, c.ended, lang) for c in rows], percent=True,
            targets=[c.target for c in rows]))
    return charts
