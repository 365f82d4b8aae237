"""`python -m app jobs --once` sends what is due and exits (the cron form)."""

from datetime import timedelta

from sqlmodel import select

from app.__main__ import main
from app.notify import service
from app.notify.models import OutboxMessage
from tests.factories import make_case


def test_jobs_once_sends_due_messages_and_exits(db, clock, settings, channels_on, smtp_server, monkeypatch):
    long_ago = clock.now() - timedelta(days=3650)  # due whatever the machine's real clock says
    case, _ = make_case(db, now=long_ago, anonymous=False, email="a@example.dk")
    service.enqueue(db, case=case, kind="deadline_letter", dedupe_key="deadline:1", now=long_ago)
    db.commit()
    monkeypatch.setattr("app.core.config.get_settings", lambda: settings.with_(notify=channels_on.settings))

    assert main(["jobs", "--once"]) == 0

    assert [m["Subject"] for _, m in smtp_server.messages] == ["Der er nyt i din sag"]
    db.rollback()
    assert db.exec(select(OutboxMessage.status).where(OutboxMessage.channel == "email")).one() == "sent"
