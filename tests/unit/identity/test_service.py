"""The portal's MitID rules without HTTP (app/identity/service.py and flows.py), with the real
service provider and the in-process IdP: an answer is parked once, taken once, by its own browser."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from app.cases.models import CitizenCase
from app.identity import flows, service
from app.identity.models import CaseIdentity, MitidAssertion, MitidLogin
from app.identity.saml import ServiceProvider
from tests.factories import make_case
from tests.factories.mitid import CPR_STORED, NAME, mitid_world

LOA = ("https://data.gov.dk/concept/core/nsis/loa/Substantial",)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return mitid_world(tmp_path_factory.mktemp("mitid-unit"))


@pytest.fixture(scope="module")
def provider(world):
    return ServiceProvider(world.settings)


def _start(db, provider, clock, nonce="nonce-1", **kw):
    return service.start_login(db, provider, now=clock.now(), browser_nonce=nonce, came_from="/min-side",
                               client_key="test", **kw)


def test_an_answer_is_parked_on_its_login_and_taken_once_by_the_browser_that_started_it(db, provider, world, clock):
    url = _start(db, provider, clock)
    login = service.accept_response(db, provider, now=clock.now(), saml_response=world.answer(url), accepted_loa=LOA)
    assert (login.cpr, login.full_name) == (CPR_STORED, NAME) and login.name_id
    assert db.exec(select(MitidAssertion)).one()
    assert service.take_answer(db, now=clock.now(), browser_nonce="another browser") is None
    taken = service.take_answer(db, now=clock.now(), browser_nonce="nonce-1")
    assert taken is not None and taken.cpr == CPR_STORED
    assert service.take_answer(db, now=clock.now(), browser_nonce="nonce-1") is None
    assert db.exec(select(MitidLogin)).all() == []  # the CPR number it held is gone with it


def test_an_answer_not_taken_within_minutes_is_not_taken_at_all(db, provider, world, clock):
    url = _start(db, provider, clock)
    service.accept_response(db, provider, now=clock.now(), saml_response=world.answer(url), accepted_loa=LOA)
    clock.advance(minutes=6)
    assert service.take_answer(db, now=clock.now(), browser_nonce="nonce-1") is None


def test_a_second_answer_to_the_same_request_is_a_replay(db, provider, world, clock):
    url = _start(db, provider, clock)
    first = world.answer(url)
    service.accept_response(db, provider, now=clock.now(), saml_response=first, accepted_loa=LOA)
    with pytest.raises(service.Refused) as refused:
        service.accept_response(db, provider, now=clock.now(), saml_response=world.answer(url), accepted_loa=LOA)
    assert refused.value.reason == "unknown_request"


def test_the_purge_forgets_stale_logins_and_expired_assertion_ids(db, provider, world, clock):
    url = _start(db, provider, clock)
    service.accept_response(db, provider, now=clock.now(), saml_response=world.answer(url), accepted_loa=LOA)
    _start(db, provider, clock, nonce="nonce-2")
    # The assertion's expiry is the IdP's (real) time plus its lifetime; the purge runs an hour after it.
    expiry = db.exec(select(MitidAssertion.not_on_or_after)).one()
    later = max(expiry, clock.now()) + timedelta(hours=1)
    assert service.forget_old_logins(db, SimpleNamespace(now=later)) == 3
    assert db.exec(select(MitidLogin)).all() == [] and db.exec(select(MitidAssertion)).all() == []


def test_a_first_mitid_sign_in_opens_an_identified_case_and_a_later_one_finds_it(db, clock):
    login = MitidLogin(id="x", browser_digest="d", cpr=CPR_STORED, full_name=NAME, created_at=clock.now())
    case = flows.case_for_sign_in(db, login, now=clock.now())
    assert case.anonymous is False and case.full_name == NAME
    assert flows.case_for_sign_in(db, login, now=clock.now()).id == case.id
    renamed = MitidLogin(id="y", browser_digest="d", cpr=CPR_STORED, full_name="Test Nyt-Navn", created_at=clock.now())
    flows.case_for_sign_in(db, renamed, now=clock.now())
    assert db.get(CaseIdentity, case.id).full_name == "Test Nyt-Navn"  # the register's name wins


def test_attaching_needs_the_very_code_session_that_asked(db, clock):
    case, _ = make_case(db, now=clock.now())
    login = MitidLogin(id="x", browser_digest="d", purpose="attach", attach_case_id=case.id, attach_session_id="s1",
                       cpr=CPR_STORED, full_name=NAME, created_at=clock.now())
    for session in (None, SimpleNamespace(id="s2", case_id=case.id), SimpleNamespace(id="s1", case_id=case.id + 1)):
        with pytest.raises(service.Refused):
            flows.attach_case(db, login, code_session=session, now=clock.now())
    flows.attach_case(db, login, code_session=SimpleNamespace(id="s1", case_id=case.id), now=clock.now())
    assert db.get(CaseIdentity, case.id).cpr == CPR_STORED and db.get(CitizenCase, case.id).anonymous is False
    with pytest.raises(service.Refused):
        flows.attach_case(db, login, code_session=SimpleNamespace(id="s1", case_id=case.id), now=clock.now())
