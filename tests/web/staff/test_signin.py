import time

from app.staff.session import STAFF_COOKIE
from app.main import create_app
from app.staff.staff import DEVICE_COOKIE
from tests.conftest import PortalClient
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


def _guess(client, username="mette"):
    return client.submit("/personale/log-ind", {"username": username, "password": "wrong password!"})


def test_guessing_at_a_username_paces_it_and_its_owner_gets_in_at_their_turn(client, db, clock):
    user = make_staff(db, role="counsellor", username="mette")
    for _ in range(6):
        assert _guess(client).status_code == 422
    started = time.perf_counter()
    sign_in_staff(client, user)  # the first paced turn is one second after the last failure
    assert time.perf_counter() - started >= 0.9


def test_a_username_whose_queue_is_full_answers_429_with_the_real_wait(settings, db, clock):
    app = create_app(settings.with_(throttle_queue_seconds=0.0), clock=clock)
    make_staff(db, role="counsellor", username="mette")
    with PortalClient(app, base_url="http://testserver") as client:
        for _ in range(6):
            _guess(client)
        response = client.submit("/personale/log-ind", {"username": "mette", "password": PASSWORD})
        assert response.status_code == 429 and response.headers["retry-after"] == "1"
        assert "For mange forkerte forsøg. Vent 1 sekund, og prøv igen." in response.text
    app.state.engine.dispose()


def test_a_browser_that_signed_in_before_gets_in_while_others_guess_at_its_username(settings, db, clock):
    """The device cookie: its attempts are paced on their own key, which a guesser cannot fill."""
    app = create_app(settings.with_(throttle_queue_seconds=0.0), clock=clock)
    user = make_staff(db, role="counsellor", username="mette")
    with PortalClient(app, base_url="http://testserver") as owner, \
            PortalClient(app, base_url="http://testserver") as guesser:
        sign_in_staff(owner, user)
        assert owner.cookies.get(DEVICE_COOKIE, path="/personale/log-ind")
        owner.submit("/personale/log-ud")
        statuses = [_guess(guesser).status_code for _ in range(10)]
        assert statuses[-1] == 429
        assert guesser.submit("/personale/log-ind", {"username": "mette", "password": PASSWORD}).status_code == 429
        response = owner.submit("/personale/log-ind", {"username": "mette", "password": PASSWORD})
        assert response.status_code == 303
    app.state.engine.dispose()


def test_a_guesser_at_the_office_address_does_not_slow_colleagues_correct_sign_ins(client, make_client, db, clock):
    colleagues = [make_staff(db, username=f"kollega{i}", first_name=f"K{i}") for i in range(10)]

    def timed_sign_in(user) -> float:
        started = time.perf_counter()
        sign_in_staff(make_client(), user)
        return time.perf_counter() - started

    # What a sign-in costs on this machine right now (a busy CI host makes it slower, not the rule).
    baseline = max(timed_sign_in(user) for user in colleagues[:2])
    for _ in range(client.app.state.settings.throttle_free_attempts + 1):  # the address is paced now
        _guess(client, username="admin")  # every client in this test shares one address
    for user in colleagues[2:]:
        # The test pause is 0, and a waited turn costs at least 1 s: not even slowed.
        assert timed_sign_in(user) < baseline + 0.8


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
