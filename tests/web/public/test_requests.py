"""/behandling: the request form, the code hand-off, Min side, messages, free choice and deletion."""

import re

from sqlalchemy import func
from sqlmodel import select

from app.appointments.models import Appointment
from app.cases.models import CitizenCase
from app.core.models import WebSession
from app.messages.models import Message
from app.requests.models import TreatmentRequest
from tests.factories import app_engines, make_case, make_staff, sign_in_citizen, sign_in_staff

STEP1 = {"age": "30_plus", "area": "alcohol", "for_whom": "self", "anonymity": "anonymous"}


def count(db, model):
    db.rollback()
    db.expire_all()  # re-read what the app changed
    return db.exec(select(func.count()).select_from(model)).one()


def send(client, **extra):
    data = {**STEP1, "message": "Jeg drikker for meget.", **extra}
    return client.submit("/behandling/send", data)


def code_from(html):
    return re.search(r'name="code" value="([A-Z0-9-]+)"', html).group(1)


def test_step1_shows_the_form(client):
    page = client.get("/behandling")
    assert page.status_code == 200 and "Bed om behandling" in page.text


def test_step1_without_answers_shows_errors_linked_to_fields(client):
    page = client.submit("/behandling", {})
    assert page.status_code == 422
    for name in ("age", "area", "for_whom", "anonymity"):
        assert f'href="#{name}"' in page.text


def test_step1_leads_to_step2_and_stores_nothing(client, db):
    page = client.submit("/behandling", STEP1)
    assert page.status_code == 200 and "Trin 2 af 2" in page.text
    assert count(db, CitizenCase) == 0


def test_under_18_gets_the_youth_page_and_nothing_is_stored(client, db):
    for url, data in (("/behandling", {**STEP1, "age": "under_18"}),
                      ("/behandling/send", {**STEP1, "age": "under_18", "message": "hjælp"})):
        page = client.submit(url, data)
        assert page.status_code == 200 and "Hjælp til dig under 18 år" in page.text
    assert count(db, CitizenCase) == 0 and count(db, TreatmentRequest) == 0 and count(db, WebSession) == 0


def test_cpr_showing_under_18_gets_the_youth_page_and_nothing_is_stored(client, db):
    page = send(client, anonymity="identified", full_name="Ung Person", preferred_contact="portal",
                cpr="010110-4123")  # born 2010
    assert page.status_code == 200 and "Hjælp til dig under 18 år" in page.text
    assert count(db, CitizenCase) == 0 and count(db, TreatmentRequest) == 0


def test_gambling_points_elsewhere_and_stores_nothing(client, db):
    page = client.submit("/behandling", {**STEP1, "area": "gambling"})
    assert "StopSpillet" in page.text and "stopspillet.dk" in page.text
    assert count(db, CitizenCase) == 0


def test_age_18_to_29_mentions_move(client):
    assert "MOVE" in client.submit("/behandling", {**STEP1, "age": "18_29"}).text
    assert "MOVE" not in client.submit("/behandling", STEP1).text


def test_anonymous_drugs_asks_about_other_social_problems_and_explains_101a(client):
    page = client.submit("/behandling", {**STEP1, "area": "drugs"})
    assert "Har du andre sociale problemer" in page.text
    assert "14 dage gælder ikke" in page.text and "kan ikke klages over til Ankestyrelsen" in page.text
    assert "Har du andre sociale problemer" not in client.submit("/behandling", STEP1).text


def test_anonymous_drugs_without_the_answer_is_refused(client, db):
    page = send(client, area="drugs")
    assert page.status_code == 422 and 'href="#other_social_problems"' in page.text
    assert count(db, TreatmentRequest) == 0


def test_anonymous_request_gives_a_code_with_received_and_latest_start_date(client, db, clock):
    page = send(client, display_name="Kim")
    assert page.status_code == 200
    assert "Vi har modtaget din henvendelse" in page.text and 'class="code-box"' in page.text
    assert "mandag 23.11.2026" in page.text and "mandag 07.12.2026" in page.text
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    case = db.get(CitizenCase, req.case_id)
    assert case.anonymous and case.display_name == "Kim" and case.full_name is None
    assert req.deadline_on.isoformat() == "2026-12-07" and not req.section_101a
    assert client.get("/min-side").status_code == 200


def test_anonymous_drug_request_without_other_problems_is_101a_without_deadline(client, db):
    page = send(client, area="drugs", other_social_problems="no")
    assert page.status_code == 200 and "Behandlingen skal starte senest" not in page.text
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    assert req.section_101a and req.deadline_on is None
    assert "Gælder ikke" in client.get("/min-side").text


def test_anonymous_drug_request_with_other_problems_keeps_the_guarantee(client, db):
    send(client, area="drugs", other_social_problems="yes")
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    assert not req.section_101a and req.deadline_on is not None


def test_identified_request_requires_name_and_validates_contact_and_cpr(client, db):
    page = send(client, anonymity="identified", preferred_contact="phone", email="ikke-en-mail", cpr="311399-1234",
                full_name="")
    assert page.status_code == 422
    for name in ("full_name", "phone", "email", "cpr"):
        assert f'href="#{name}"' in page.text
    assert 'value="ikke-en-mail"' in page.text  # what was typed is kept
    assert count(db, CitizenCase) == 0


def test_identified_request_stores_contact_details(client, db):
    page = send(client, anonymity="identified", full_name="Bo Hansen", phone="12 34 56 78", email="bo@example.dk",
                preferred_contact="email", cpr="0101901234", help_wanted=["outpatient", "medical"])
    assert page.status_code == 200
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    case = db.get(CitizenCase, req.case_id)
    assert (case.full_name, case.phone, case.email) == ("Bo Hansen", "12 34 56 78", "bo@example.dk")
    assert req.cpr == "010190-1234" and req.preferred_contact == "email" and req.help_wanted == "outpatient,medical"


def test_cpr_failing_modulus_11_is_accepted_when_the_date_is_real(client, db):
    # 010190-1235 fails the old modulus-11 check; numbers issued since 2007 may do so.
    page = send(client, anonymity="identified", full_name="Bo", preferred_contact="portal", cpr="010190-1235")
    assert page.status_code == 200


def test_self_test_result_is_attached_only_when_chosen(client, db):
    answers = {f"q{i}": "1" for i in range(8)} | {"q8": "2", "q9": "0"}
    result = client.submit("/behandling/selvtest/audit", answers)
    assert result.status_code == 200 and "10 ud af 40 point" in result.text
    encoded = re.search(r'name="screening" value="([^"]+)"', result.text).group(1)
    assert "10 ud af 40" in client.submit("/behandling", {**STEP1, "screening": encoded}).text
    send(client, screening=encoded)
    send(client, screening=encoded, attach_screening="1")
    db.rollback()
    db.expire_all()  # re-read what the app changed
    rows = db.exec(select(TreatmentRequest).order_by(TreatmentRequest.id)).all()
    assert [(r.screening_kind, r.screening_score) for r in rows] == [(None, None), ("audit", 10)]


def test_self_test_with_missing_answers_names_them(client):
    page = client.submit("/behandling/selvtest/dudit", {"q0": "4"})
    assert page.status_code == 422 and 'href="#q1"' in page.text and "© Karolinska" in page.text


def test_unknown_self_test_is_404(client):
    assert client.get("/behandling/selvtest/xyz").status_code == 404


def test_citizen_reads_a_staff_reply_and_answers(client, db, clock):
    send(client)
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    db.add(Message(case_id=req.case_id, from_staff=True, staff_first_name="Mette", body="Hej, vi ringer.",
                   sent_at=clock.now()))
    db.commit()
    assert "Nye beskeder fra os: 1" in client.get("/min-side").text
    page = client.get("/min-side/beskeder")
    assert "Mette" in page.text and "Hej, vi ringer." in page.text and "Testesen" not in page.text
    assert "Nye beskeder" not in client.get("/min-side").text
    assert client.submit("/min-side/beskeder", {"body": "Tak"}).status_code == 303
    assert client.submit("/min-side/beskeder", {"body": "   "}).status_code == 422
    htmx = client.submit("/min-side/beskeder", {"body": "Med htmx"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "<html" not in htmx.text and "Med htmx" in htmx.text
    db.rollback()
    db.expire_all()  # re-read what the app changed
    assert [m.body for m in db.exec(select(Message).where(Message.from_staff.is_(False)))] == ["Tak", "Med htmx"]


def test_reading_a_thread_with_nothing_unread_writes_nothing(app, client, db, clock):
    """Marking read is a write: a view with nothing new must not take the write lock for it."""
    from sqlalchemy import event
    case, code = make_case(db, now=clock.now())
    db.add(Message(case_id=case.id, from_staff=True, staff_first_name="Mette", body="Hej", sent_at=clock.now(),
                   read_at=clock.now()))
    db.commit()
    sign_in_citizen(client, code)
    writes: list[str] = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE CASE_MESSAGE", "UPDATE \"CASE_MESSAGE\"")):
            writes.append(statement)

    for engine in app_engines(app):
        event.listen(engine, "before_cursor_execute", seen)
    try:
        assert "Hej" in client.get("/min-side/beskeder").text
        assert writes == []
        db.add(Message(case_id=case.id, from_staff=True, staff_first_name="Mette", body="Nyt", sent_at=clock.now()))
        db.commit()
        assert "Nyt" in client.get("/min-side/beskeder").text
        assert len(writes) == 1  # the unread one is marked read
    finally:
        for engine in app_engines(app):
            event.remove(engine, "before_cursor_execute", seen)


def test_free_choice_waives_the_deadline(client, db):
    send(client)
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    assert client.get(f"/min-side/henvendelser/{req.id}/frit-valg").status_code == 200
    assert client.submit(f"/min-side/henvendelser/{req.id}/frit-valg").status_code == 303
    assert "Frit valg – fristen gælder ikke" in client.get("/min-side").text


def test_deleting_an_unvisited_anonymous_request_deletes_the_case_and_ends_sessions(client, db):
    page = send(client)
    code = code_from(page.text)
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    assert "Vil du slette" in client.get(f"/min-side/henvendelser/{req.id}/slet").text
    response = client.submit(f"/min-side/henvendelser/{req.id}/slet")
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert count(db, TreatmentRequest) == 0 and count(db, CitizenCase) == 0
    assert client.get("/min-side", follow_redirects=False).status_code == 303
    assert client.submit("/status", {"code": code}).status_code == 422


def test_deleting_keeps_the_case_when_something_else_hangs_off_it(client, db, clock):
    send(client)
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    db.add(Appointment(case_id=req.case_id, starts_at=clock.now(), created_at=clock.now()))
    db.commit()
    assert client.submit(f"/min-side/henvendelser/{req.id}/slet").status_code == 303
    assert count(db, TreatmentRequest) == 0 and count(db, CitizenCase) == 1
    assert client.get("/min-side", follow_redirects=False).status_code == 303  # signed out


def test_a_visited_request_cannot_be_deleted(client, db):
    send(client)
    db.rollback()
    db.expire_all()  # re-read what the app changed
    req = db.exec(select(TreatmentRequest)).one()
    req.status = "visitation"
    db.add(req)
    db.commit()
    assert client.get(f"/min-side/henvendelser/{req.id}/slet").status_code == 404
    assert client.submit(f"/min-side/henvendelser/{req.id}/slet").status_code == 404
    assert count(db, TreatmentRequest) == 1


def test_min_side_routes_never_reach_another_case(client, make_client, db, clock):
    other = make_client()
    send(other)
    db.rollback()
    db.expire_all()  # re-read what the app changed
    theirs = db.exec(select(TreatmentRequest)).one()
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    for path in (f"/min-side/henvendelser/{theirs.id}/frit-valg", f"/min-side/henvendelser/{theirs.id}/slet"):
        assert client.get(path).status_code == 404
        assert client.submit(path).status_code == 404
    assert client.submit("/min-side/beskeder", {"body": "Hej fra den anden sag"}).status_code == 303
    db.rollback()
    db.expire_all()  # re-read what the app changed
    assert db.exec(select(Message)).one().case_id != theirs.case_id
    assert "Hej fra den anden sag" not in other.get("/min-side/beskeder").text
    db.rollback()
    db.expire_all()  # re-read what the app changed
    assert db.get(TreatmentRequest, theirs.id).free_choice_at is None


def test_empty_message_with_htmx_shows_the_error_in_the_thread(client, db):
    send(client)
    response = client.submit("/min-side/beskeder", {"body": " "}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Skriv en besked, før du sender." in response.text
    assert "<html" not in response.text and count(db, Message) == 0


def test_too_long_message_is_refused_and_kept(client, db):
    page = send(client, message="x" * 4001)
    assert page.status_code == 422 and 'href="#message"' in page.text and "x" * 4001 in page.text
    assert count(db, TreatmentRequest) == 0


def test_min_side_names_the_primary_counsellor_by_first_name_only(client, make_client, db):
    send(client)
    assert "Din behandler" not in client.get("/min-side").text  # nobody assigned yet
    db.rollback()
    req = db.exec(select(TreatmentRequest)).one()
    counsellor = make_staff(db, role="counsellor", first_name="Mette")  # full name "Mette Testesen"
    staff = make_client()
    sign_in_staff(staff, counsellor)
    assigned = staff.submit(f"/personale/sager/{req.case_id}/henvendelser/{req.id}/behandler",
                            {"counsellor_id": str(counsellor.id)})
    assert assigned.status_code == 303
    page = client.get("/min-side").text
    assert re.search(r"<dt>Din behandler</dt><dd>Mette</dd>", page) and "Testesen" not in page
    assert staff.submit(f"/personale/sager/{req.case_id}/henvendelser/{req.id}/behandler",
                        {"counsellor_id": ""}).status_code == 303
    assert "Din behandler" not in client.get("/min-side").text  # unassigned again
