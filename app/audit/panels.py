"""Min side: "Hvem har set mine oplysninger" – the case's own access log."""

from __future__ import annotations

from functools import partial

from app.audit.service import log_for_citizen
from app.cases.panels import Panel, min_side_panel

PANEL_LIMIT = 20


@min_side_panel
def access_log_panel(db, case, now) -> Panel:
    # Panels do not see the app's settings; the template calls this with
    # settings.show_staff_first_name_in_log, so the rule itself stays in log_for_citizen.
    return Panel("public/trust/access_log_panel.html",
                 {"lines_for": partial(log_for_citizen, db, case.id), "limit": PANEL_LIMIT},
                 order=900)
