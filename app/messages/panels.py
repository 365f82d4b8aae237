"""The thread as a Min side panel (a count and a link) and as a section of the staff's case page."""

from __future__ import annotations

from app.core.panels import Panel
from app.messages import service


def messages_panel(db, case, now, found):
    """Min side: new messages from the centre, from the probes alone (no query of its own)."""
    return Panel("public/messages/panel.html", found, order=20)


def staff_messages_panel(db, case, now):
    """The case page's thread and reply form; once the page is shown, the citizen's messages are read."""
    return Panel("staff/messages/_case_panel.html", {"messages": service.thread(db, case.id)}, order=15,
                 seen=lambda: service.mark_read_by_staff(db, case_id=case.id, now=now))
