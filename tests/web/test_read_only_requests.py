"""GET requests read without the database's write lock, so pages never queue behind a writer."""

import time

import pytest
from sqlalchemy import text

from app.core.db import make_engine
from tests.factories import make_case, sign_in_citizen
from tests.factories.signed_in_pages import SIGNED_IN_PAGES, WRITES_ON_VIEW, open_signed_in


def test_pages_answer_while_another_transaction_holds_the_write_lock(client, db, clock, settings):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    writer = make_engine(settings.database_url).connect()
    tx = writer.begin()  # on SQLite the app's engine begins with BEGIN IMMEDIATE: the write lock
    if not settings.is_sqlite:
        # EXCLUSIVE blocks every writer of these tables but lets plain readers through.
        writer.execute(text("LOCK TABLE web_session, citizen_case IN EXCLUSIVE MODE"))
    try:
        started = time.perf_counter()
        assert client.get("/min-side").status_code == 200
        assert client.get("/healthz").status_code == 200
        assert time.perf_counter() - started < 2
    finally:
        tx.rollback()
        writer.close()


@pytest.mark.parametrize("page", sorted(SIGNED_IN_PAGES.keys() - WRITES_ON_VIEW))
def test_signed_in_pages_answer_while_another_transaction_holds_the_write_lock(client, db, clock, settings, page):
    path = open_signed_in(client, db, clock, page)
    writer = make_engine(settings.database_url).connect()
    tx = writer.begin()
    if not settings.is_sqlite:
        writer.execute(text("LOCK TABLE web_session, citizen_case IN EXCLUSIVE MODE"))
    try:
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        assert time.perf_counter() - started < 2
    finally:
        tx.rollback()
        writer.close()


def test_session_activity_is_still_recorded_from_get_requests(client, db, clock):
    from app.core.models import WebSession
    from sqlmodel import select
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    clock.advance(minutes=5)
    assert client.get("/min-side").status_code == 200
    db.rollback()
    row = db.exec(select(WebSession)).one()
    assert row.last_seen_at == clock.now()


def test_access_log_rows_are_written_from_get_requests(app, db, clock):
    """A staff page view is a GET, yet it must leave an access-log row."""
    from sqlmodel import Session, select
    from app.audit.models import AccessLogEntry
    from app.audit.service import record_access
    from app.core.db import READ_ONLY
    from tests.factories import make_staff
    staff = make_staff(db, role="counsellor")
    case, _ = make_case(db, now=clock.now())
    with Session(app.state.engine) as request_db:
        request_db.connection(execution_options=READ_ONLY)
        request_db.get(type(case), case.id)
        record_access(request_db, staff=staff, case_id=case.id, action="view_case", now=clock.now())
        request_db.commit()
    db.rollback()
    assert [e.action for e in db.exec(select(AccessLogEntry))] == ["view_case"]
