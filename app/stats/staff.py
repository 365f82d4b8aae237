"""Statistics for leaders: /personale/statistik and a CSV of every table. Thin routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response

from app.audit.service import record_access
from app.core.deps import DB, Now
from app.staff.session import staff_session
from app.core.errors import NotFound
from app.core.web import language, render, translate
from app.staff.deps import Leader
from app.stats import service
from app.stats.charts import page_charts
from app.stats.tables import TABLE_PARTS, build_tables, targets_note

router = APIRouter(prefix="/personale/statistik", dependencies=[Depends(staff_session)])

DateText = Annotated[str, Query(max_length=20)]


@router.get("")
def statistics_page(request: Request, db: DB, now: Now, user: Leader, fra: DateText = "", til: DateText = ""):
    form = {"fra": fra, "til": til}
    try:
        period = service.parse_period(fra, til, now=now)
    except service.PeriodError as err:
        return render(request, "staff/stats/page.html", {
            "user": user, "form": form, "errors": {err.field: err.message},
            "stats": None}, status=422)
    record_access(db, staff=user, case_id=None, action="view_statistics", now=now)
    stats = service.centre_statistics(db, period=period, now=now)
    lang = language(request)
    return render(request, "staff/stats/page.html", {
        "user": user, "form": form, "errors": {}, "stats": stats,
        "tables": build_tables(stats, lang), "charts": page_charts(stats, lang), "targets_note": targets_note(lang),
        "query": f"?fra={period.start.isoformat()}&til={period.end.isoformat()}",
    })


@router.get("/{table}.csv")
def statistics_csv(request: Request, table: str, db: DB, now: Now, user: Leader, fra: DateText = "",
                   til: DateText = ""):
    try:
        period = service.parse_period(fra, til, now=now)
    except service.PeriodError as err:
        return PlainTextResponse(translate(request, err.message), status_code=422)
    if table not in TABLE_PARTS:
        raise NotFound()
    stats = service.centre_statistics(db, period=period, now=now, parts=frozenset({TABLE_PARTS[table]}))
    found = [t for t in build_tables(stats, language(request)) if t.key == table]
    record_access(db, staff=user, case_id=None, action="export_statistics", now=now, detail=table)
    filename = f"statistik-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(found[0].csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
