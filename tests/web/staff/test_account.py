"""The staff member's own account: active sessions, ending them, changing the password."""

import re

from sqlmodel import select

from app.staff.session import STAFF_COOKIE
from app.core.models import WebSession
from tests.factories import PASSWORD, make_staff, sign_in_staff


def test_sessions_page_lists_only_my_active_sessions(make_client, db, clock):
    me = make_staff(db, username="mette")
    other = make_staff(db, username="ole", first_name="Ole")
    laptop, phone, theirs = make_client(), make_client(), make_client()
    sign_in_staff(laptop, me)
    clock.advance(minutes=1)
    sign_in_staff(phone, me)
    sign_in_staff(theirs, other)
    page = laptop.get("/personale/sessioner").text
    assert len(re.findall(r'/personale/sessioner/[0-9a-f]{64}/afslut', page)) == 2
    assert "Denne session" in page and "testclient" in page


def test_staff_can_end_one_of_their_own_sessions(make_client, db, clock):
    me = make_staff(db)
    laptop, phone = make_client(), make_client()
    sign_in_staff(laptop, me)
    clock.advance(minutes=1)
    sign_in_staff(phone, me)
    page = laptop.get("/personale/sessioner").text
    ids = re.findall(r'/personale/sessioner/([0-9a-f]{64})/afslut', page)
    # The newest (the phone's) is listed first; end it from the laptop.
    assert laptop.submit(f"/personale/sessioner/{ids[0]}/afslut").status_code == 303
    assert phone.get("/personale", follow_redirects=False).headers["location"] == "/personale/log-ind"
    assert laptop.get("/personale").status_code == 200


def test_staff_cannot_end_someone_elses_session(make_client, db):
    me = make_staff(db, username="mette")
    other = make_staff(db, username="ole", first_name="Ole")
    mine, theirs = make_client(), make_client()
    sign_in_staff(mine, me)
    sign_in_staff(theirs, other)
    their_id = db.exec(select(WebSession.id).where(WebSession.staff_id == other.id,
                                                  WebSession.ended_at.is_(None))).one()
    assert mine.submit(f"/personale/sessioner/{their_id}/afslut").status_code == 404
    assert theirs.get("/personale").status_code == 200


def test_changing_my_password_ends_my_other_sessions(make_client, db, clock):
    me = make_staff(db)
    laptop, phone = make_client(), make_client()
    sign_in_staff(laptop, me)
    clock.advance(minutes=1)
    sign_in_staff(phone, me)
    response = laptop.submit("/personale/min-konto/adgangskode", {
        "current_password": PASSWORD, "new_password": "a brand new password", "repeat_password": "a brand new password"})
    assert response.status_code == 303
    assert laptop.get("/personale").status_code == 200
    assert phone.get("/personale", follow_redirects=False).headers["location"] == "/personale/log-ind"
    fresh = make_client()
    assert fresh.submit("/personale/log-ind", {"username": me.username, "password": PASSWORD}).status_code == 422


def test_wrong_current_password_is_refused_with_a_message_by_the_field(client, db):
    sign_in_staff(client, make_staff(db))
    response = client.submit("/personale/min-konto/adgangskode", {
        "current_password": "not it at all", "new_password": "a brand new password",
        "repeat_password": "a brand new password"})
    assert response.status_code == 422
    assert 'href="#current_password"' in response.text and "nuværende adgangskode er forkert" in response.text


def test_new_passwords_must_match_and_be_long_enough(client, db):
    sign_in_staff(client, make_staff(db))
    response = client.submit("/personale/min-konto/adgangskode", {
        "current_password": PASSWORD, "new_password": "a brand new password", "repeat_password": "another"})
    assert response.status_code == 422 and 'href="#repeat_password"' in response.text
    response = client.submit("/personale/min-konto/adgangskode", {
        "current_password": PASSWORD, "new_password": "short", "repeat_password": "short"})
    assert response.status_code == 422 and "mindst 12 tegn" in response.text


def test_renewing_recovery_codes_shows_ten_new_codes(client, db):
    sign_in_staff(client, make_staff(db))
    response = client.submit("/personale/min-konto/gendannelseskoder")
    assert response.status_code == 200
    assert len(re.findall(r"<code>[0-9A-Z]{5}-[0-9A-Z]{5}</code>", response.text)) == 10
    assert "10 ubrugte gendannelseskoder" in client.get("/personale/min-konto").text


def test_staff_cookie_changes_when_the_second_factor_is_passed(client, db):
    user = make_staff(db)
    sign_in_staff(client, user)
    active = db.exec(select(WebSession).where(WebSession.staff_id == user.id, WebSession.ended_at.is_(None))).all()
    assert len(active) == 1 and active[0].second_factor_passed
    assert STAFF_COOKIE in client.cookies


def test_test_factory_signs_the_same_member_in_many_times_at_a_frozen_clock(make_client, db):
    me = make_staff(db)
    for _ in range(4):
        sign_in_staff(make_client(), me)
    active = db.exec(select(WebSession).where(WebSession.staff_id == me.id, WebSession.ended_at.is_(None))).all()
    assert len(active) == 4 and all(s.second_factor_passed for s in active)
