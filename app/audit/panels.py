"""Min side: "Hvem har set mine oplysninger" – the case's own access log."""

from __future__ import annotations

from functools import partial

from app.audit.service import log_for_citizen
from app.core.panels import Panel

PANEL_LIMIT = 20


def access_log_panel(db, case, now, found) -> Panel:
    # Panels do not see the app's settings; the template calls this with
    # settings.show_staff_first_name_in_log, so the rule itself stays in log_for_citizen.
    # One line more than the panel shows tells it whether to link to the whole list.
    lines_for = partial(log_for_citizen, db, case.id, limit=PANEL_LIMIT + 1) if found["entries"] else _no_lines
    return Panel("public/trust/access_log_panel.html", {"lines_for": lines_for, "limit": PANEL_LIMIT}, order=900)


def _no_lines(**_settings) -> list:
    return []


def staff_access_log_panel(db, case, now) -> Panel:
    """The staff case page shows the same log, with first names, so colleagues can see who has been in."""
    return Panel("staff/trust/access_log_panel.html",
                 {"lines": log_for_citizen(db, case.id, show_first_name=True)[:PANEL_LIMIT]}, order=950)
