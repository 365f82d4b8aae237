"""/status: the personal code signs a citizen in to their own case, and nothing else."""

import time

from sqlmodel import select

from app.cases import service
from app.core.codes import _check_char
from app.cases.citizen_session import CITIZEN_COOKIE
from app.core.models import Throttle
from app.main import create_app
from tests.conftest import PortalClient
from tests.factories import make_case, sign_in_citizen


def test_right_code_opens_min_side(client, db, clock):
    case, code = make_case(db, now=clock.now(), display_name="Kim")
    sign_in_citizen(client, code)
    page = client.get("/min-side")
    assert page.status_code == 200 and "Hej Kim." in page.text


def test_code_typed_sloppily_still_works(client, db, clock):
    _, code = make_case(db, now=clock.now())
    response = client.submit("/status", {"code": code.display.lower().replace("-", " ")})
    assert response.status_code == 303


def test_wrong_code_gets_a_clear_message_and_is_not_echoed(client, db, clock):
    _, code = make_case(db, now=clock.now())
    wrong = service.generate_code().display
    response = client.submit("/status", {"code": wrong})
    assert response.status_code == 422
    assert "Vi kunne ikke finde en sag" in response.text and wrong not in response.text


def test_typo_is_reported_without_spending_a_guess(client, db, clock):
    response = client.submit("/status", {"code": "ABCD-EFGH"})
    assert response.status_code == 422 and "Tjek for tastefejl" in response.text
    assert db.exec(select(Throttle)).all() == []


def test_min_side_without_a_session_goes_to_status(client):
    response = client.get("/min-side", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/status"


def test_session_cookie_holds_no_code(client, db, clock):
    _, code = make_case(db, now=clock.now())
    response = client.submit("/status", {"code": code.display})
    cookie = response.headers["set-cookie"]
    for part in (code.compact, code.selector, code.verifier, code.display):
        assert part not in cookie
    citizen_cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(CITIZEN_COOKIE))
    # Strict: a link from another site (or a forged form) never arrives signed in
    assert "HttpOnly" in citizen_cookie and "samesite=strict" in citizen_cookie.lower()


def test_signing_in_again_ends_the_browsers_earlier_session(client, db, clock):
    _, first = make_case(db, now=clock.now())
    _, second = make_case(db, now=clock.now())
    sign_in_citizen(client, first)
    earlier = client.cookies[CITIZEN_COOKIE]
    sign_in_citizen(client, second)
    assert client.cookies[CITIZEN_COOKIE] != earlier
    client.cookies.set(CITIZEN_COOKIE, earlier)  # the first case's cookie, kept by someone
    assert client.get("/min-side", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session(client, db, clock):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    cookie = client.cookies[CITIZEN_COOKIE]
    assert client.submit("/min-side/log-ud").status_code == 303
    client.cookies.set(CITIZEN_COOKIE, cookie)
    assert client.get("/min-side", follow_redirects=False).status_code == 303


def test_idle_citizen_session_times_out(client, db, clock, settings):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    clock.advance(minutes=settings.citizen_idle_minutes + 1)
    assert client.get("/min-side", follow_redirects=False).status_code == 303


def test_quick_exit_ends_the_citizen_session(client, db, clock):
    _, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    cookie = client.cookies[CITIZEN_COOKIE]
    client.get("/forlad", follow_redirects=False)
    client.cookies.set(CITIZEN_COOKIE, cookie)
    assert client.get("/min-side", follow_redirects=False).status_code == 303


def test_reissued_code_ends_old_code_and_its_sessions(client, make_client, db, clock):
    case, old = make_case(db, now=clock.now())
    sign_in_citizen(client, old)
    new = service.reissue_code(db, case, now=clock.now())
    db.commit()
    assert client.get("/min-side", follow_redirects=False).status_code == 303
    other = make_client()
    assert other.submit("/status", {"code": old.display}).status_code == 422
    sign_in_citizen(other, new)


def _guess_at(selector: str | None = None) -> str:
    guess = service.generate_code()
    body = (selector or guess.selector) + guess.verifier
    return body + _check_char(body)


def test_many_wrong_guesses_from_one_address_get_nowhere_and_the_right_code_there_still_gets_in(
        client, db, clock):
    _, code = make_case(db, now=clock.now())
    statuses = [client.submit("/status", {"code": service.generate_code().display}).status_code
                for _ in range(60)]
    assert statuses == [422] * 60
    sign_in_citizen(client, code)  # same client, same address, no waiting out a window


def test_a_paced_address_is_answered_after_a_pause_and_the_right_code_still_gets_in(settings, db, clock):
    """A client guessing as fast as it can gets one answer per pause (0.5–1.5 × the setting): the flood
    slows itself down, and a citizen at the same address is slowed by one pause, never refused."""
    app = create_app(settings.with_(throttle_pause_seconds=0.3), clock=clock)
    _, code = make_case(db, now=clock.now())
    with PortalClient(app, base_url="http://testserver") as client:
        for _ in range(settings.throttle_free_attempts + 1):
            assert client.submit("/status", {"code": service.generate_code().display}).status_code == 422
        started = time.perf_counter()
        assert client.submit("/status", {"code": service.generate_code().display}).status_code == 422
        assert time.perf_counter() - started >= 0.15
        started = time.perf_counter()
        assert client.submit("/status", {"code": code.display}).status_code == 303
        assert time.perf_counter() - started >= 0.15
    app.state.engine.dispose()


def test_a_code_whose_queue_of_turns_is_full_answers_429_with_the_real_wait_in_words(settings, db, clock):
    app = create_app(settings.with_(throttle_code_interval_seconds=0.1, throttle_queue_seconds=0.2), clock=clock)
    _, code = make_case(db, now=clock.now())
    with PortalClient(app, base_url="http://testserver") as client:
        statuses = [client.submit("/status", {"code": _guess_at(code.selector)}).status_code for _ in range(12)]
        assert statuses[:settings.throttle_free_attempts + 1] == [422] * (settings.throttle_free_attempts + 1)
        assert 429 in statuses
        response = client.submit("/status", {"code": _guess_at(code.selector)})
        assert response.status_code == 429 and response.headers["retry-after"] == "1"
        assert "Vent 1 sekund, og prøv igen" in response.text and "minut(ter)" not in response.text
    app.state.engine.dispose()


def test_a_paused_guess_holds_no_database_slot_while_it_pauses(settings, db, clock):
    """With a single database slot, an ordinary page is served while a throttled code guess waits out
    its pause: a flood of paused guesses cannot starve the pages everyone else needs."""
    import asyncio

    import httpx

    from app.core.web import CSRF_COOKIE

    app = create_app(settings.with_(throttle_pause_seconds=2.0, db_concurrency=1), clock=clock)

    async def scenario() -> tuple[int, float, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as guesser, \
                httpx.AsyncClient(transport=transport, base_url="http://testserver") as reader:
            await guesser.get("/healthz")
            token = app.state.signer.csrf_token(guesser.cookies[CSRF_COOKIE])

            async def guess():
                return await guesser.post("/status", data={"csrf_token": token,
                                                           "code": service.generate_code().display})
            for _ in range(6):  # the free failures: after these the address is paced
                assert (await guess()).status_code == 422

            async def timed_guess():
                started = time.perf_counter()
                response = await guess()
                return response.status_code, time.perf_counter() - started

            async def timed_page():
                await asyncio.sleep(0.1)  # the guess is paused by now
                started = time.perf_counter()
                response = await reader.get("/raadgivning")
                assert response.status_code == 200
                return time.perf_counter() - started

            (status, guess_took), page_took = await asyncio.gather(timed_guess(), timed_page())
            return status, guess_took, page_took

    # In its own thread: the browser tests may leave an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as worker:
        status, guess_took, page_took = worker.submit(lambda: asyncio.run(scenario())).result()
    app.state.engine.dispose()
    assert status == 422 and guess_took >= 0.95  # paused 2 s × 0.5–1.5
    assert page_took < 0.5 * guess_took  # not queued behind the paused guess
