"""The diary's chart: genstande per ISO week for the last 12 weeks against the citizen's own weekly goal,
drawn with the statistics page's chart geometry (app.stats.charts). Titles are msgids, translated where shown."""

from __future__ import annotations

from app.core.i18n import N_
from app.online.diary import units_text
from app.stats.charts import Chart, bar_chart

TITLE = N_("Genstande pr. uge de sidste 12 uger")
DESC = N_("Søjlediagram over, hvor mange genstande der er skrevet i dagbogen i hver af de sidste 12 uger. "
          "En vandret streg viser dit mål, hvis du har sat et. Tallene står også i tabellen under diagrammet.")


def diary_chart(weeks, goal, _request=None, key: str = "graf-dagbog") -> Chart:
    target = None if goal is None else goal.weekly_units
    return bar_chart(key, TITLE, DESC, [str(w.number) for w in weeks],
                     [w.units if w.days_written else None for w in weeks],
                     [units_text(w.units_tenths) if w.days_written else "" for w in weeks],
                     targets=[target] * len(weeks) if target is not None else None)
