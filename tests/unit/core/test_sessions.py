from datetime import timedelta

from sqlmodel import Session

from app.core import sessions
from app.core.security import token_digest
from app.core.models import WebSession
from tests.conftest import START
from tests.factories import make_case

IDLE = timedelta(minutes=20)
MAX = timedelta(hours=12)


def test_session_row_stores_only_a_digest_of_the_cookie_token(app):
    with Session(app.state.engine) as db:
        case, _ = make_case(db, now=START)
        token = sessions.start_session(db, kind="citizen", case_id=case.id, now=START)
        assert db.get(WebSession, token) is None
        assert db.get(WebSession, token_digest(token)) is not None


def test_idle_session_expires(app):
    with Session(app.state.engine) as db:
        case, _ = make_case(db, now=START)
        token = sessions.start_session(db, kind="citizen", case_id=case.id, now=START)
        assert sessions.load_session(db, token, kind="citizen", now=START + IDLE, idle=IDLE, max_age=MAX)
        later = START + IDLE + IDLE + timedelta(seconds=1)
        assert sessions.load_session(db, token, kind="citizen", now=later, idle=IDLE, max_age=MAX) is None


def test_session_of_one_kind_is_not_accepted_as_the_other(app):
    with Session(app.state.engine) as db:
        case, _ = make_case(db, now=START)
        token = sessions.start_session(db, kind="citizen", case_id=case.id, now=START)
        assert sessions.load_session(db, token, kind="staff", now=START, idle=IDLE, max_age=MAX) is None


def test_ending_all_case_sessions_revokes_every_browser(app):
    with Session(app.state.engine) as db:
        case, _ = make_case(db, now=START)
        tokens = [sessions.start_session(db, kind="citizen", case_id=case.id, now=START) for _ in range(3)]
        assert sessions.end_case_sessions(db, case.id, now=START) == 3
        assert all(sessions.load_session(db, t, kind="citizen", now=START, idle=IDLE, max_age=MAX) is None
                   for t in tokens)
