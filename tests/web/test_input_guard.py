"""The central input rules (app/core/input_guard.py): no control characters, no text longer than its column."""

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.core import throttle
from app.core.input_guard import TextTooLong, has_control_characters
from app.staff.models import StaffUser
from tests.factories import make_staff, sign_in_staff


@pytest.mark.parametrize("text", ["a\x00b", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f"])
def test_nul_and_other_control_characters_are_refused(text):
    assert has_control_characters(text)


@pytest.mark.parametrize("text", ["Hej\r\nmed dig", "kolonne\tkolonne", "æøå ÆØÅ", "\u0085\u2028", "😀", ""])
def test_tab_newline_carriage_return_and_any_printable_unicode_are_ordinary_text(text):
    assert not has_control_characters(text)


def test_nul_in_the_staff_username_is_a_danish_422_not_a_database_error(client):
    """PostgreSQL text cannot hold NUL: the request is refused before any service sees it."""
    response = client.submit("/personale/log-ind", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 422
    assert "usynligt styretegn" in response.text


def test_control_character_in_a_message_is_refused_and_nothing_is_stored(client, db, clock):
    from app.messages.models import Message as CaseMessage
    from tests.factories import make_case, sign_in_citizen
    _case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    before = db.scalar(select(func.count()).select_from(CaseMessage))
    response = client.submit("/min-side/beskeder", {"body": "Hej\x0bmed dig"})
    assert response.status_code == 422 and "styretegn" in response.text
    db.rollback()
    assert db.scalar(select(func.count()).select_from(CaseMessage)) == before


def test_multi_line_text_with_newlines_and_tabs_is_accepted(client, db, clock):
    from tests.factories import make_case, sign_in_citizen
    _case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    response = client.submit("/min-side/beskeder", {"body": "Hej\r\n\tmed dig"})
    assert response.status_code == 303


def test_control_character_in_a_query_parameter_is_refused(client):
    assert client.get("/behandling", params={"area": "alcohol\x00"}).status_code == 422


def test_text_longer_than_its_column_is_refused_on_every_database(app, db, clock):
    """SQLite would store it silently and PostgreSQL would fail: both refuse before writing."""
    user = make_staff(db, username="lang", now=clock.now())
    user.first_name = "x" * 61  # the column holds 60
    db.add(user)
    with pytest.raises(TextTooLong) as raised:
        db.flush()
    assert (raised.value.table, raised.value.column, raised.value.max_length) == ("staff_user", "first_name", 60)
    db.rollback()


def test_over_long_admin_input_gets_the_too_long_page_and_creates_nobody(client, db, clock):
    admin = make_staff(db, role="admin", username="chef", now=clock.now())
    sign_in_staff(client, admin)
    response = client.submit("/personale/medarbejdere", {
        "username": "lise", "first_name": "L" * 150, "full_name": "Lise Lang", "role": "counsellor",
        "password": "en lang nok adgangskode"})
    assert response.status_code == 422 and "for lang" in response.text
    db.rollback()
    assert db.scalar(select(func.count()).select_from(StaffUser)) == 1


def test_long_throttle_keys_are_hashed_to_fit_their_column(app, clock):
    """A typed username longer than the key column still counts against one row."""
    policy = throttle.Policy(free=1, base_seconds=1, max_seconds=10)
    key = "staff-user:" + "å" * 190
    with Session(app.state.engine) as db:
        throttle.record_failure(db, key, now=clock.now(), policy=policy)
        throttle.record_failure(db, key, now=clock.now(), policy=policy)
        assert throttle.is_paced(throttle.read_states(db, [key], now=clock.now())[key], policy)
        db.commit()
    assert all(len(k) <= throttle.KEY_LENGTH for k in throttle.fit_keys([key, "kort"]))
