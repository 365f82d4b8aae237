"""PreparedRead runs a statement on the driver's cursor: its rows must be exactly what SQLAlchemy
would have returned (types converted both ways), on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import timedelta

import pytest
from sqlalchemy import bindparam, event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.booking import queries
from app.booking.models import CounsellingBooking, CounsellingSession
from app.booking.queries import BookingRecord, SessionRecord
from app.cases.queries import CaseRecord
from app.cases.models import CitizenCase
from app.core.db import count_of
from app.core.models import WebSession
from app.core.prepared import PreparedRead
from app.core import sessions
from tests.factories.booking import make_booking, make_session
from tests.factories import make_case

SESSIONS_SINCE = PreparedRead(select(WebSession.__table__).where(WebSession.created_at >= bindparam("since"))
                              .order_by(WebSession.created_at), sessions.SignedIn)


@dataclass(frozen=True, slots=True)
class SessionCount:
    sessions: int


def _sessions(db, clock):
    case, _ = make_case(db, now=clock.now())
    for minutes in (0, 5, 10):
        sessions.start_session(db, kind="citizen", case_id=case.id, now=clock.now() + timedelta(minutes=minutes),
                               user_agent="Firefox")
    db.execute(WebSession.__table__.update().values(second_factor_passed=True)
               .where(WebSession.created_at == clock.now()))
    db.commit()


def test_rows_equal_sqlalchemys_own_with_dates_booleans_and_nulls(db, clock):
    _sessions(db, clock)
    since = clock.now() + timedelta(minutes=5)  # a datetime parameter: the driver needs it converted
    expected = db.connection().execute(SESSIONS_SINCE.statement, {"since": since}).all()
    rows = SESSIONS_SINCE.all(db, since=since)
    assert [astuple(r) for r in rows] == [tuple(r) for r in expected] and len(rows) == 2
    assert rows[0].created_at == since and rows[0].created_at.tzinfo is not None
    assert rows[0].second_factor_passed is False and rows[0].ended_at is None
    everything = SESSIONS_SINCE.all(db, since=clock.now())
    assert everything[0].second_factor_passed is True


def test_records_of_two_tables_keep_their_like_named_columns_apart(db, clock):
    first, second = make_session(db, now=clock.now()), make_session(db, now=clock.now(), hour=17)
    case, _ = make_case(db, now=clock.now())
    db.commit()
    for session in (second, first):
        make_booking(db, session, now=clock.now(), case=case)
    pairs = queries.bookings_of_case(db, case.id)
    assert [(s.id, s.status, s.place) for _, s in pairs] == [(first.id, first.status, first.place),
                                                           (second.id, second.status, second.place)]
    stored = {b.id: b for b in db.exec(select(CounsellingBooking).where(CounsellingBooking.case_id == case.id))}
    assert {b.id for b, _ in pairs} == set(stored) and all(b.status == stored[b.id].status for b, _ in pairs)
    assert all(b.session_id == s.id for b, s in pairs)


def test_a_missing_parameter_is_an_error_not_a_null(db):
    with pytest.raises(TypeError, match="since"):
        SESSIONS_SINCE.all(db)


def test_a_statement_with_an_in_list_is_refused(db):
    in_list = PreparedRead(select(WebSession.id).where(WebSession.id.in_(bindparam("ids", expanding=True))), tuple)
    with pytest.raises(ValueError, match="expanding"):
        in_list.all(db, ids=["a"])


def test_the_columns_must_be_exactly_the_records_fields(db):
    partial = PreparedRead(select(CounsellingBooking.__table__), BookingRecord, SessionRecord)
    with pytest.raises(ValueError, match="exactly"):
        partial.all(db)
    too_many = PreparedRead(select(CounsellingBooking.__table__, CounsellingSession.__table__), BookingRecord)
    with pytest.raises(ValueError, match="left over"):
        too_many.all(db)
    other_order = PreparedRead(select(CounsellingSession.__table__, CounsellingBooking.__table__),
                               BookingRecord, SessionRecord)
    with pytest.raises(ValueError, match="BookingRecord"):
        other_order.all(db)


def test_a_record_class_is_required(db):
    with pytest.raises(TypeError, match="record"):
        PreparedRead(select(WebSession.id))
    with pytest.raises(TypeError, match="record"):
        PreparedRead(select(WebSession.id), str).all(db)


def test_statement_listeners_still_see_each_run(db, clock):
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    connection = db.connection()
    event.listen(connection.engine, "before_cursor_execute", listener)
    try:
        SESSIONS_SINCE.all(db, since=clock.now())
    finally:
        event.remove(connection.engine, "before_cursor_execute", listener)
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT")


def test_columns_after_the_tables_come_as_the_next_record_or_a_tuple(db, clock):
    case, _ = make_case(db, now=clock.now())
    db.commit()
    statement = select(CitizenCase.__table__, count_of(WebSession, WebSession.case_id == CitizenCase.id)
                       .label("sessions")).where(CitizenCase.id == bindparam("case_id"))
    record, extra = PreparedRead(statement, CaseRecord, SessionCount).first(db, case_id=case.id)
    assert record.id == case.id and record.pseudonym == case.pseudonym and extra.sessions == 0
    record, rest = PreparedRead(statement, CaseRecord, tuple).first(db, case_id=case.id)
    assert record.id == case.id and rest == (0,)


def test_a_dropped_connection_raises_sqlalchemys_error_and_is_invalidated(app, clock):
    with app.state.engine.connect() as connection:
        connection.connection.dbapi_connection.close()  # what a database restart does to it
        with pytest.raises(DBAPIError) as raised:
            SESSIONS_SINCE.all(connection, since=clock.now())
        assert raised.value.connection_invalidated and connection.invalidated


def test_a_failing_statement_raises_sqlalchemys_error_and_keeps_the_connection(app):
    broken = PreparedRead(select(WebSession.id).where(WebSession.id == bindparam("session_id"))
                          .where(text("no_such_column = 1")), tuple)
    with app.state.engine.connect() as connection:
        with pytest.raises(DBAPIError) as raised:
            broken.all(connection, session_id="x")
        assert not raised.value.connection_invalidated and not connection.invalidated
