"""Staff: inbox sorted by deadline, the case page, request actions, replies, reissuing a lost code."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from app.audit.models import AccessLogEntry
from app.cases.models import CitizenCase
from app.messages.models import Message
from app.requests import flows, service
from app.requests.models import TreatmentRequest
from tests.factories import make_staff, sign_in_citizen, sign_in_staff


def submit(db, now, **kw):
    intake = service.Intake(**{"area": "alcohol", "for_relative": False, "anonymous": True, **kw})
    case, code, req = flows.submit_request(db, intake=intake, now=now)
    db.commit()
    return case, code, req


@pytest.fixture
def staff(client, db):
    user = make_staff(db, role="counsellor", first_name="Mette")
    sign_in_staff(client, user)
    return user


def actions(db, case_id):
    db.rollback()
    db.expire_all()  # re-read what the app changed
    return [e.action for e in db.exec(select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
                                      .order_by(AccessLogEntry.id))]


def test_inbox_sorts_by_deadline_highlights_and_filters(client, db, clock, staff):
    c_new, _, _ = submit(db, clock.now())
    c_urgent, _, _ = submit(db, clock.now() - timedelta(days=12))
    c_over, _, _ = submit(db, clock.now() - timedelta(days=20), area="drugs", anonymous=False, full_name="Bo Hansen")
    db.add(Message(case_id=c_new.id, body="Hej", sent_at=clock.now()))
    db.commit()
    page = client.get("/personale/indbakke").text
    order = [page.index(c.pseudonym) for c in (c_over, c_urgent, c_new)]
    assert order == sorted(order)
    assert "tag-error" in page and "Overskredet" in page and "tag-warn" in page and "2 dage tilbage" in page
    assert "1 ulæste" in page and "Bo Hansen" in page
    drugs = client.get("/personale/indbakke?area=drugs").text
    assert c_over.pseudonym in drugs and c_new.pseudonym not in drugs
    assert c_new.pseudonym not in client.get("/personale/indbakke?status=closed").text
    assert client.get("/personale/indbakke?area=bogus&status=bogus").status_code == 200


def test_case_page_shows_the_pseudonym_never_the_code_and_logs_the_read(client, db, clock, staff):
    case, code, _ = submit(db, clock.now())
    page = client.get(f"/personale/sager/{case.id}")
    assert page.status_code == 200 and case.pseudonym in page.text
    assert code.display not in page.text and code.compact not in page.text
    assert f"/personale/sager/{case.id}/afgoerelser" in page.text and f"/personale/sager/{case.id}/aftaler" in page.text
    assert actions(db, case.id) == ["view_case"]


def test_staff_reply_shows_first_name_to_the_citizen_and_marks_read(client, make_client, db, clock, staff):
    case, code, _ = submit(db, clock.now())
    db.add(Message(case_id=case.id, body="Hjælp", sent_at=clock.now()))
    db.commit()
    client.get(f"/personale/sager/{case.id}")
    db.rollback()
    db.expire_all()  # re-read what the app changed
    assert db.exec(select(Message)).one().read_at is not None
    assert client.submit(f"/personale/sager/{case.id}/beskeder", {"body": "Vi ringer i morgen."}).status_code == 303
    assert client.submit(f"/personale/sager/{case.id}/beskeder", {"body": ""}).status_code == 422
    htmx = client.submit(f"/personale/sager/{case.id}/beskeder", {"body": "Og i dag"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "<html" not in htmx.text
    citizen = make_client()
    sign_in_citizen(citizen, code)
    thread = citizen.get("/min-side/beskeder").text
    assert "Vi ringer i morgen." in thread and "Mette" in thread and "Testesen" not in thread
    assert actions(db, case.id).count("send_message") == 2


def test_request_actions_are_saved_and_logged(client, db, clock, staff):
    case, _, req = submit(db, clock.now())
    base = f"/personale/sager/{case.id}/henvendelser/{req.id}"
    assert client.submit(f"{base}/status", {"status": "visitation"}).status_code == 303
    assert client.submit(f"{base}/status", {"status": "nonsense"}).status_code == 422
    assert client.submit(f"{base}/behandler", {"counsellor_id": str(staff.id)}).status_code == 303
    assert client.submit(f"{base}/behandler", {"counsellor_id": "99999"}).status_code == 422
    bad = client.submit(f"{base}/fristbrev", {"reason": "", "new_date": ""})
    assert bad.status_code == 422 and f'href="#reason-{req.id}"' in bad.text
    assert client.submit(f"{base}/fristbrev", {"reason": "Ferie", "new_date": "2026-12-14"}).status_code == 303
    assert client.submit(f"{base}/start", {"started_on": "30.11.2026"}).status_code == 303
    assert client.submit(f"{base}/frit-valg").status_code == 303
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.get(TreatmentRequest, req.id)
    assert req.counsellor_id == staff.id and req.status == "in_treatment"
    assert req.delay_reason == "Ferie" and str(req.started_on) == "2026-11-30" and req.free_choice_by == "staff"
    assert actions(db, case.id) == ["request_status", "assign_counsellor", "deadline_letter", "record_start",
                                    "free_choice"]


def test_staff_registers_a_new_request_with_a_new_clock(client, db, clock, staff):
    case, _, _ = submit(db, clock.now())
    clock.advance(days=40)
    sign_in_staff(client, staff)  # the old staff session timed out
    assert client.submit(f"/personale/sager/{case.id}/henvendelser", {"area": "alcohol"}).status_code == 303
    assert client.submit(f"/personale/sager/{case.id}/henvendelser", {"area": "x"}).status_code == 422
    db.rollback()
    db.expire_all()  # re-read what the app changed
    deadlines = sorted(r.deadline_on.isoformat() for r in db.exec(select(TreatmentRequest)))
    assert deadlines == ["2026-12-07", "2027-01-16"]


def test_reissued_code_is_shown_once_to_staff_and_the_old_code_and_sessions_stop(client, make_client, db, clock, staff):
    case, old_code, _ = submit(db, clock.now())
    citizen = make_client()
    sign_in_citizen(citizen, old_code)
    confirm = client.get(f"/personale/sager/{case.id}/ny-kode")
    assert confirm.status_code == 200 and 'class="code-box"' not in confirm.text
    page = client.submit(f"/personale/sager/{case.id}/ny-kode")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    new = re.search(r'class="code-box">([A-Z0-9-]+)<', page.text).group(1)
    assert citizen.get("/min-side", follow_redirects=False).status_code == 303
    assert citizen.submit("/status", {"code": old_code.display}).status_code == 422
    assert citizen.submit("/status", {"code": new}).status_code == 303
    assert "reissue_code" in actions(db, case.id)
    assert new not in client.get(f"/personale/sager/{case.id}").text


STAFF_CASE_ROUTES = [
    ("GET", "/personale/sager/{case}"), ("GET", "/personale/sager/{case}/ny-kode"),
    ("POST", "/personale/sager/{case}/ny-kode"), ("POST", "/personale/sager/{case}/beskeder"),
    ("POST", "/personale/sager/{case}/henvendelser"),
    ("POST", "/personale/sager/{case}/henvendelser/{req}/status"),
    ("POST", "/personale/sager/{case}/henvendelser/{req}/behandler"),
    ("POST", "/personale/sager/{case}/henvendelser/{req}/start"),
    ("POST", "/personale/sager/{case}/henvendelser/{req}/fristbrev"),
    ("POST", "/personale/sager/{case}/henvendelser/{req}/frit-valg"),
]


@pytest.mark.parametrize("method, path", STAFF_CASE_ROUTES)
def test_staff_routes_with_an_unknown_case_or_another_cases_request_give_404(client, db, clock, staff, method, path):
    case_a, _, req_a = submit(db, clock.now())
    case_b, _, req_b = submit(db, clock.now())
    data = {"status": "closed", "counsellor_id": str(staff.id), "started_on": "2026-11-24", "reason": "x",
            "new_date": "2026-12-24", "body": "x", "area": "alcohol"}
    urls = [path.format(case=99999, req=req_a.id)]
    if "{req}" in path:
        urls.append(path.format(case=case_a.id, req=req_b.id))  # B's request through A's case
    for url in urls:
        response = client.get(url) if method == "GET" else client.submit(url, data)
        assert response.status_code == 404, url
    db.rollback()
    db.expire_all()  # re-read what the app changed
    assert db.get(TreatmentRequest, req_b.id).status == "received"
    assert db.get(CitizenCase, case_b.id).code_selector == case_b.code_selector


def test_reception_cannot_open_case_pages(client, db, clock):
    case, _, _ = submit(db, clock.now())
    sign_in_staff(client, make_staff(db, role="reception", username="rikke", first_name="Rikke"))
    assert client.get(f"/personale/sager/{case.id}").status_code == 403
    assert client.get("/personale/indbakke").status_code == 403


def test_inbox_pages_with_prev_and_next_links_that_keep_the_filter(client, db, clock, staff, monkeypatch):
    monkeypatch.setattr(service, "INBOX_PAGE_SIZE", 2)
    cases = [submit(db, clock.now() - timedelta(days=10 - i))[0] for i in range(5)]  # soonest deadline first
    submit(db, clock.now(), area="drugs", other_social_problems="yes")  # filtered out below
    first = client.get("/personale/indbakke?area=alcohol").text
    assert [c.pseudonym in first for c in cases] == [True, True, False, False, False]
    assert "Side 1 af 3 (5 henvendelser)" in first and 'rel="prev"' not in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert next_url == "/personale/indbakke?area=alcohol&side=2"
    second = client.get(next_url).text
    assert [c.pseudonym in second for c in cases] == [False, False, True, True, False]
    assert 'href="/personale/indbakke?area=alcohol&amp;side=1" rel="prev"' in second
    last = client.get("/personale/indbakke?area=alcohol&side=999").text  # beyond the end: the last page
    assert cases[4].pseudonym in last and "Side 3 af 3" in last and 'rel="next"' not in last
    assert "Side 1 af 3" in client.get("/personale/indbakke?area=alcohol&side=abc").text


def test_inbox_without_more_than_one_page_shows_no_pager(client, db, clock, staff):
    submit(db, clock.now())
    assert "Sider i indbakken" not in client.get("/personale/indbakke").text


def test_inbox_views_are_logged_at_most_once_a_minute_per_member_of_staff(client, db, clock, staff):
    def inbox_views():
        db.rollback()
        return len(db.exec(select(AccessLogEntry).where(AccessLogEntry.action == "view_inbox",
                                                        AccessLogEntry.staff_id == staff.id)).all())
    client.get("/personale/indbakke")
    clock.advance(seconds=30)
    client.get("/personale/indbakke?side=2")
    assert inbox_views() == 1
    clock.advance(seconds=31)
    client.get("/personale/indbakke")
    assert inbox_views() == 2
