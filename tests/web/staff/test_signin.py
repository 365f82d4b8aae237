from app.core.deps import STAFF_COOKIE
from tests.factories import PASSWORD, make_staff, sign_in_staff


def test_staff_signs_in_and_reaches_the_overview(client, db):
    user = make_staff(db, role="counsellor")
    sign_in_staff(client, user)
    page = client.get("/personale")
    assert page.status_code == 200 and "Goddag, Mette" in page.text


def test_wrong_password_gives_a_clear_message_and_keeps_the_username(client, db):
    make_staff(db, role="counsellor", username="mette")
    response = client.submit("/personale/log-ind", {"username": "mette", "password": "wrong password!"})
    assert response.status_code == 422
    assert "Brugernavn eller adgangskode er forkert" in response.text
    assert 'value="mette"' in response.text
    assert "wrong password!" not in response.text


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, db):
    response = client.submit("/personale/log-ind", {"username": "nobody", "password": "whatever12345"})
    assert response.status_code == 422 and "Brugernavn eller adgangskode er forkert" in response.text


def test_repeated_failures_are_throttled_even_with_the_right_password(client, db, clock):
    user = make_staff(db, role="counsellor", username="mette")
    for _ in range(6):
        client.submit("/personale/log-ind", {"username": "mette", "password": "wrong password!"})
    response = client.submit("/personale/log-ind", {"username": "mette", "password": PASSWORD})
    assert response.status_code == 422 and "For mange forsøg" in response.text
    clock.advance(minutes=20)
    sign_in_staff(client, user)


def test_disabled_staff_cannot_sign_in(client, db, clock):
    from app.staff.service import set_active
    user = make_staff(db, role="counsellor", username="mette")
    set_active(db, user, active=False, now=clock.now())
    db.commit()
    response = client.submit("/personale/log-ind", {"username": "mette", "password": PASSWORD})
    assert response.status_code == 422


def test_sign_out_ends_the_server_side_session(client, db):
    user = make_staff(db)
    sign_in_staff(client, user)
    cookie = client.cookies[STAFF_COOKIE]
    client.submit("/personale/log-ud")
    client.cookies.set(STAFF_COOKIE, cookie, path="/personale")
    assert client.get("/personale", follow_redirects=False).headers["location"] == "/personale/log-ind"


def test_idle_staff_session_times_out(client, db, clock, settings):
    sign_in_staff(client, make_staff(db))
    clock.advance(minutes=settings.staff_idle_minutes + 1)
    assert client.get("/personale", follow_redirects=False).status_code == 303


def test_staff_cookie_is_httponly_strict_and_scoped_to_the_back_office(client, db):
    user = make_staff(db)
    response = client.submit("/personale/log-ind", {"username": user.username, "password": PASSWORD})
    cookie = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(STAFF_COOKIE)][0]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/personale" in cookie


def test_admin_adds_and_disables_staff(client, db):
    admin = make_staff(db, role="admin", first_name="Anne")
    sign_in_staff(client, admin)
    response = client.submit("/personale/medarbejdere", {
        "username": "ny.behandler", "first_name": "Ny", "full_name": "Ny Behandler", "role": "counsellor",
        "password": "a-long-password-1",
    })
    assert response.status_code == 303
    page = client.get("/personale/medarbejdere").text
    assert "Ny Behandler" in page
    from app.staff.models import StaffUser
    from sqlmodel import select
    new = db.exec(select(StaffUser).where(StaffUser.username == "ny.behandler")).one()
    assert client.submit(f"/personale/medarbejdere/{new.id}/aktiv", {"active": "0"}).status_code == 303
    db.rollback()  # end the test session's snapshot to see the app's write
    assert db.get(StaffUser, new.id).active is False


def test_invalid_new_staff_keeps_what_was_typed(client, db):
    sign_in_staff(client, make_staff(db, role="admin", first_name="Anne"))
    response = client.submit("/personale/medarbejdere", {
        "username": "ok.name", "first_name": "Ny", "full_name": "Ny Behandler", "role": "counsellor", "password": "short",
    })
    assert response.status_code == 422
    assert "mindst 12 tegn" in response.text and 'value="Ny Behandler"' in response.text
    assert 'href="#password"' in response.text  # error summary links to the field
