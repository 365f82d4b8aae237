from app.cases import service
from app.core import sessions
from app.core.models import WebSession
from app.core.security import token_digest
from tests.factories import make_case


def test_reissuing_a_code_ends_every_session_of_that_case_only(db, clock):
    case, old_code = make_case(db, now=clock.now())
    other, _ = make_case(db, now=clock.now())
    tokens = [sessions.start_session(db, kind=sessions.CITIZEN, case_id=case.id, now=clock.now()) for _ in range(2)]
    other_token = sessions.start_session(db, kind=sessions.CITIZEN, case_id=other.id, now=clock.now())
    new_code = service.reissue_code(db, case, now=clock.now())
    assert new_code.selector != old_code.selector
    assert all(db.get(WebSession, token_digest(t)).ended_at == clock.now() for t in tokens)
    assert db.get(WebSession, token_digest(other_token)).ended_at is None
