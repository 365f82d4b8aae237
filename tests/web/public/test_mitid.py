"""MitID through NemLog-in, end to end over HTTP against a real SAML IdP (pysaml2's Server) run by the
test: AuthnRequest from /mitid/log-ind, the IdP's answer POSTed to /mitid/acs, the continuation.
Nothing of the portal's own checks is replaced: every refusal below is the portal's or pysaml2's."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.cases.models import CitizenCase
from app.core.config import Settings
from app.core.models import WebSession
from app.identity.models import CaseIdentity, MitidLogin, MitidSession
from app.requests.models import TreatmentRequest
from tests.factories import make_case, make_staff, sign_in_citizen, sign_in_staff
from tests.factories.mitid import CPR, CPR_STORED, NAME, identity, mitid_world
from tests.factories.saml_idp import LOA_LOW, OTHER_SP_ENTITY_ID, b64

REFUSED_TEXT = "Vi kunne ikke logge dig ind med MitID"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return mitid_world(tmp_path_factory.mktemp("mitid"))


@pytest.fixture
def settings(database_url, world) -> Settings:
    return Settings(environment="test", secret_key="test-secret", database_url=database_url,
                    throttle_pause_seconds=0.0, new_cases_per_connection_hour=10_000, mitid=world.settings)


def start(client, next_url="/min-side") -> str:
    response = client.submit("/mitid/log-ind", {"next": next_url})
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("http://idp.test/saml/sso?SAMLRequest=")
    return response.headers["location"]


def post_acs(client, saml_response: str):
    # A cross-site POST from NemLog-in's own page: its Origin, no CSRF token of ours.
    return client.post("/mitid/acs", data={"SAMLResponse": saml_response},
                       headers={"origin": "https://nemlog-in.example"}, follow_redirects=False)


def finish(client):
    return client.submit("/mitid/fortsaet")


def sign_in(client, world, next_url="/min-side", **answer):
    acs = post_acs(client, world.answer(start(client, next_url), **answer))
    assert acs.status_code == 200, acs.text
    assert 'action="/mitid/fortsaet"' in acs.text
    done = finish(client)
    assert done.status_code == 303, done.text
    return done


def rows(db, model, *where):
    db.rollback()
    return db.exec(select(model).where(*where)).all()


def count(db, model):
    db.rollback()
    return db.exec(select(func.count()).select_from(model)).one()


def test_a_good_assertion_signs_in_to_min_side_without_a_code(client, db, world):
    done = sign_in(client, world)
    assert done.headers["location"] == "/min-side"
    page = client.get("/min-side")
    assert page.status_code == 200 and NAME in page.text and "010170-••••" in page.text
    [link] = rows(db, CaseIdentity)
    assert (link.cpr, link.full_name, link.verified_by) == (CPR_STORED, NAME, "mitid")
    [case] = rows(db, CitizenCase)
    assert case.anonymous is False and case.full_name == NAME
    [mitid_session] = rows(db, MitidSession)
    assert mitid_session.cpr == CPR_STORED and mitid_session.name_id
    [event] = rows(db, AccessLogEntry, AccessLogEntry.action == "mitid_login")
    assert event.case_id == case.id and event.staff_role == "citizen" and CPR not in event.detail
    assert rows(db, MitidLogin) == []  # taken: the CPR number it held for a moment is gone


def _tampered(world, url):
    # The Response is signed as a whole; one changed attribute breaks that signature.
    xml = __import__("base64").b64decode(world.answer(url, sign_response=True)).decode()
    return b64(re.sub(r'IssueInstant="[^"]+"', 'IssueInstant="2020-01-01T00:00:00Z"', xml, count=1))


REFUSALS = {
    "wrong audience": lambda w, url: w.answer(url, sp_entity_id=OTHER_SP_ENTITY_ID),
    "expired": lambda w, url: w.answer(url, idp=w.idp_with(lifetime_minutes=-10)),
    "unsigned": lambda w, url: w.answer(url, sign_assertion=False, sign_response=False),
    "tampered": _tampered,
    "signed by another key": lambda w, url: w.answer(url, idp=w.forger()),
    "loa low": lambda w, url: w.answer(url, identity=identity(loa=LOA_LOW), loa=LOA_LOW),
    "not encrypted": lambda w, url: w.answer(url, encrypt=False),
    "wrong destination": lambda w, url: w.answer(url, destination="http://evil.example/acs"),
    "garbage": lambda w, url: "bm90IFNBTUw=",
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_bad_answer_is_refused_with_a_danish_page_and_nothing_stored(client, db, world, case):
    url = start(client)
    response = post_acs(client, REFUSALS[case](world, url))
    assert response.status_code == 400 and REFUSED_TEXT in response.text
    assert finish(client).status_code == 400  # nothing was parked for this browser to take
    assert count(db, CaseIdentity) == 0 and count(db, MitidSession) == 0 and count(db, CitizenCase) == 0
    assert count(db, WebSession) == 0 and count(db, AccessLogEntry) == 0
    assert all(login.answered_at is None and login.cpr is None for login in rows(db, MitidLogin))


def test_a_replayed_answer_is_refused(client, db, world, make_client):
    url = start(client)
    saml_response = world.answer(url)
    assert post_acs(client, saml_response).status_code == 200
    assert finish(client).status_code == 303
    # The same POST again, from this browser or an attacker's: the request was answered, the assertion used.
    for browser in (client, make_client()):
        again = post_acs(browser, saml_response)
        assert again.status_code == 400 and REFUSED_TEXT in again.text
    assert count(db, MitidSession) == 1


def test_an_answer_is_taken_only_by_the_browser_that_asked(client, db, world, make_client):
    url = start(client)
    other = make_client()
    assert post_acs(other, world.answer(url)).status_code == 200  # someone posts the answer elsewhere
    assert finish(other).status_code == 400  # that browser has no nonce for it
    assert count(db, MitidSession) == 0
    assert finish(client).status_code == 303  # the one that started it still gets in


def test_the_cpr_number_is_never_logged(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, world)
    post_acs(client, world.answer(start(client), encrypt=False))  # and a refusal
    client.get("/min-side")
    assert CPR not in caplog.text and CPR_STORED not in caplog.text and "010170" not in caplog.text


def test_a_mitid_citizen_with_cases_sees_all_of_them_and_no_one_elses(client, db, world, clock):
    older, _ = make_case(db, now=clock.now(), anonymous=False, full_name=NAME)
    newer, _ = make_case(db, now=clock.now(), anonymous=False, full_name=NAME)
    typed, _ = make_case(db, now=clock.now(), anonymous=False, full_name=NAME)  # only a typed CPR: not proof
    for case in (older, newer):
        db.add(CaseIdentity(case_id=case.id, cpr=CPR_STORED, full_name=NAME, verified_at=clock.now()))
    db.add(TreatmentRequest(case_id=typed.id, area="alcohol", anonymous=False, cpr=CPR_STORED,
                            received_at=clock.now(), updated_at=clock.now()))
    db.commit()
    sign_in(client, world)
    page = client.get("/mitid/sager")
    assert page.status_code == 200
    assert f'action="/mitid/sager/{older.id}"' in page.text or f'action="/mitid/sager/{newer.id}"' in page.text
    assert f"/mitid/sager/{typed.id}" not in page.text
    assert count(db, CitizenCase) == 3  # no new case: they had some
    for target in (older.id, newer.id):
        assert client.submit(f"/mitid/sager/{target}").status_code == 303
        assert client.get("/mitid/sager").text.count("den du ser nu") == 1
    assert client.submit(f"/mitid/sager/{typed.id}").status_code == 404


def test_a_code_session_cannot_list_or_switch_to_the_persons_cases(client, db, world, clock):
    case, code = make_case(db, now=clock.now(), anonymous=False, full_name=NAME)
    other, _ = make_case(db, now=clock.now(), anonymous=False, full_name=NAME)
    for c in (case, other):
        db.add(CaseIdentity(case_id=c.id, cpr=CPR_STORED, full_name=NAME, verified_at=clock.now()))
    db.commit()
    sign_in_citizen(client, code)  # the code may have been shared: it opens this case only
    page = client.get("/mitid/sager")
    assert page.status_code == 200 and f"/mitid/sager/{other.id}" not in page.text
    assert client.submit(f"/mitid/sager/{other.id}").status_code == 404


def _attach(client, world):
    consent = client.get("/mitid/knyt")
    assert consent.status_code == 200 and "CPR-nummer" in consent.text and "Medarbejderne kan se" in consent.text
    response = client.submit("/mitid/knyt")
    assert response.status_code == 303
    return response.headers["location"]


def test_attaching_an_anonymous_case_needs_the_code_session_and_mitid_at_once(client, db, world, clock):
    case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    url = _attach(client, world)
    assert post_acs(client, world.answer(url)).status_code == 200
    assert finish(client).headers["location"] == "/min-side"
    [link] = rows(db, CaseIdentity)
    assert link.case_id == case.id and link.cpr == CPR_STORED
    assert rows(db, CitizenCase)[0].anonymous is False
    assert rows(db, AccessLogEntry, AccessLogEntry.action == "mitid_attach")[0].case_id == case.id
    assert NAME in client.get("/min-side").text


def test_attaching_is_refused_when_the_code_session_ended_before_mitid_answered(client, db, world, clock):
    case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    url = _attach(client, world)
    client.submit("/min-side/log-ud")  # someone else's turn on a shared phone
    assert post_acs(client, world.answer(url)).status_code == 200
    refused = finish(client)
    assert refused.status_code == 400 and "knytte sagen til MitID" in refused.text
    assert count(db, CaseIdentity) == 0 and rows(db, CitizenCase)[0].anonymous is True


def test_attaching_is_refused_when_another_code_session_finishes_it(client, db, world, clock, make_client):
    case, code = make_case(db, now=clock.now())
    other_case, other_code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    url = _attach(client, world)
    sign_in_citizen(client, other_code)  # the browser now holds another case's session
    assert post_acs(client, world.answer(url)).status_code == 200
    assert finish(client).status_code == 400
    assert count(db, CaseIdentity) == 0


def test_attaching_needs_a_code_session_to_start(client):
    assert client.submit("/mitid/knyt").headers["location"] == "/status"


def test_logout_ends_the_portal_session_and_the_nemlog_in_session(client, db, world):
    sign_in(client, world)
    out = client.submit("/min-side/log-ud")
    assert out.status_code == 303 and out.headers["location"].startswith("http://idp.test/saml/slo?SAMLRequest=")
    assert "Signature=" in out.headers["location"]
    assert client.get("/min-side", follow_redirects=False).headers["location"] == "/status"
    assert rows(db, AccessLogEntry, AccessLogEntry.action == "mitid_logout")
    assert all(s.ended_at is not None for s in rows(db, WebSession))


def test_nemlog_in_can_end_our_session_when_the_citizen_signs_out_elsewhere(client, db, world):
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

    sign_in(client, world)
    [mine] = rows(db, MitidSession)
    _, request = world.idp.create_logout_request(
        "http://testserver/mitid/logout/svar", world.settings.sp_entity_id,
        name_id=NameID(text=mine.name_id, format=NAMEID_FORMAT_PERSISTENT), sign=False)
    info = world.idp.apply_binding(BINDING_HTTP_REDIRECT, str(request), "http://testserver/mitid/logout/svar",
                                   sign=True, sigalg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    url = dict(info["headers"])["Location"]
    answer = client.get(url.replace("http://testserver", ""), follow_redirects=False)
    assert answer.status_code == 303
    assert client.get("/min-side", follow_redirects=False).headers["location"] == "/status"
    # An unsigned one changes nothing.
    sign_in(client, world)
    forged = re.sub(r"&Signature=[^&]+", "", url)
    assert client.get(forged.replace("http://testserver", ""), follow_redirects=False).status_code == 404
    assert client.get("/min-side").status_code == 200


def test_the_service_provider_metadata_is_published_at_a_stable_url(client):
    response = client.get("/mitid/metadata")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/samlmetadata+xml")
    xml = response.text
    assert 'entityID="http://testserver/mitid/metadata"' in xml and 'AuthnRequestsSigned="true"' in xml
    assert 'use="encryption"' in xml and "http://testserver/mitid/acs" in xml
    assert "rsa-sha1" not in xml and "md5" not in xml and "rsa-sha256" in xml


def test_the_mitid_buttons_are_shown_and_may_send_the_form_to_nemlog_in(client):
    page = client.get("/status")
    assert "Log ind med MitID" in page.text and 'action="/mitid/log-ind"' in page.text
    assert "form-action 'self' http://idp.test" in page.headers["content-security-policy"]


def test_a_request_after_mitid_takes_name_and_cpr_from_mitid_and_is_marked_verified(client, db, world, make_client):
    sign_in(client, world, next_url="/behandling")
    step2 = client.submit("/behandling", {"age": "30_plus", "area": "alcohol", "for_whom": "self",
                                          "anonymity": "identified"})
    assert step2.status_code == 200 and NAME in step2.text and CPR_STORED in step2.text
    assert 'name="full_name"' not in step2.text and 'name="cpr"' not in step2.text
    sent = client.submit("/behandling/send", {
        "age": "30_plus", "area": "alcohol", "for_whom": "self", "anonymity": "identified",
        "full_name": "Someone Else", "cpr": "0202802222", "preferred_contact": "portal", "message": "Hjælp"})
    assert sent.status_code == 303 and sent.headers["location"] == "/min-side"
    [req] = rows(db, TreatmentRequest)
    assert (req.cpr, req.cpr_verified_by, req.anonymous) == (CPR_STORED, "mitid", False)
    assert count(db, CitizenCase) == 1  # on the person's own case
    staff = make_client()
    sign_in_staff(staff, make_staff(db))
    case_page = staff.get(f"/personale/sager/{req.case_id}")
    assert case_page.status_code == 200 and "Bekræftet med MitID" in case_page.text


def test_settings_refuse_loa_low():
    from app.core.config import MitidSettings
    with pytest.raises(RuntimeError, match="Low"):
        Settings(mitid=MitidSettings(accepted_loa=("https://data.gov.dk/concept/core/nsis/loa/Low",))).check()


def test_one_connection_cannot_fill_the_table_with_sign_in_starts(client, db, monkeypatch):
    from app.identity import service
    monkeypatch.setattr(service, "STARTS_PER_CONNECTION", 3)
    for _ in range(3):
        start(client)
    refused = client.submit("/mitid/log-ind", {"next": "/min-side"})
    assert refused.status_code == 429 and "meget mange MitID-login" in refused.text
    assert refused.headers["retry-after"]
    assert count(db, MitidLogin) == 3


def test_stale_sign_in_starts_are_removed_as_new_ones_come(client, db, clock):
    start(client)
    clock.advance(minutes=21)
    start(client)
    assert count(db, MitidLogin) == 1


def test_a_request_started_too_long_ago_is_refused(client, db, world, clock):
    url = start(client)
    clock.advance(minutes=16)  # the citizen left the MitID app for a while
    assert post_acs(client, world.answer(url)).status_code == 400
    assert count(db, MitidSession) == 0


def test_only_staff_can_make_a_verified_case_anonymous_again(client, db, world, make_client):
    sign_in(client, world)
    [link] = rows(db, CaseIdentity)
    assert client.submit(f"/personale/sager/{link.case_id}/mitid/fjern").headers["location"] == "/personale/log-ind"
    staff = make_client()
    sign_in_staff(staff, make_staff(db))
    assert staff.submit(f"/personale/sager/{link.case_id}/mitid/fjern").status_code == 303
    assert rows(db, CaseIdentity) == []
    case = rows(db, CitizenCase)[0]
    assert case.anonymous is True and case.full_name is None
    assert client.get("/min-side", follow_redirects=False).headers["location"] == "/status"  # its MitID session ended
    assert rows(db, AccessLogEntry, AccessLogEntry.action == "mitid_detach")


def test_mine_data_shows_what_mitid_told_us(client, world):
    sign_in(client, world)
    page = client.get("/min-side/mine-data")
    assert page.status_code == 200 and "CPR-nummer fra MitID" in page.text and CPR_STORED in page.text


def test_half_a_mitid_set_up_refuses_to_start_and_says_what_is_missing():
    from app.core.config import MitidSettings
    with pytest.raises(RuntimeError, match="MITID_IDP_METADATA"):
        Settings(mitid=MitidSettings(base_url="https://x.example", sign_key="k", sign_cert="c",
                                     encryption_key="k", encryption_cert="c")).check()


def test_unreadable_mitid_files_stop_the_start_with_a_clear_message(tmp_path, database_url):
    from app.core.config import MitidSettings
    from app.main import create_app
    broken = MitidSettings(base_url="https://x.example", sign_key=str(tmp_path / "none.key"),
                           sign_cert=str(tmp_path / "none.crt"), encryption_key=str(tmp_path / "none.key"),
                           encryption_cert=str(tmp_path / "none.crt"), idp_metadata=str(tmp_path / "none.xml"))
    with pytest.raises(RuntimeError, match="MitID-opsætningen kan ikke bruges"):
        create_app(Settings(environment="test", secret_key="test-secret", database_url=database_url, mitid=broken))
