"""Second factor rules, without HTTP."""

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from app.account import service
from app.account.models import RecoveryCode, StaffTotp
from app.core import sessions, throttle
from app.core.models import WebSession
from app.core.security import token_digest
from tests.factories import make_staff

POLICY = throttle.Policy(free=3, base_seconds=60, max_seconds=900)


def _enrolled(db, clock, **kw):
    user = make_staff(db, totp=False, **kw)
    secret = service.pending_secret(db, user)
    codes = service.confirm_enrolment(db, user, code=pyotp.TOTP(secret).at(clock.now()), client_key=f"enrol-{user.id}",
                                      now=clock.now(), policy=POLICY)
    db.commit()
    return user, secret, codes


def test_enrolment_keeps_the_pending_secret_until_confirmed(db, clock):
    user = make_staff(db, totp=False)
    first = service.pending_secret(db, user)
    assert service.pending_secret(db, user) == first
    assert user.totp_secret is None


def test_enrolment_needs_a_code_from_the_new_secret(db, clock):
    user = make_staff(db, totp=False)
    service.pending_secret(db, user)
    with pytest.raises(service.SecondFactorRejected) as err:
        service.confirm_enrolment(db, user, code="000000", client_key="c", now=clock.now(), policy=POLICY)
    assert err.value.reason in {"wrong"}
    assert user.totp_secret is None


def test_enrolment_gives_ten_recovery_codes_stored_only_as_argon2_hashes(db, clock):
    user, secret, codes = _enrolled(db, clock)
    assert user.totp_secret == secret
    assert len(codes) == 10 and len(set(codes)) == 10
    hashes = [r.code_hash for r in db.exec(select(RecoveryCode).where(RecoveryCode.staff_id == user.id))]
    assert len(hashes) == 10
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(c.replace("-", "") in h for c in codes for h in hashes)
    assert db.get(StaffTotp, user.id).pending_secret is None


def test_totp_code_is_accepted_once_and_refused_when_reused_within_its_window(db, clock):
    user, secret, _ = _enrolled(db, clock)
    clock.advance(seconds=60)
    code = pyotp.TOTP(secret).at(clock.now())
    assert service.check_second_factor(db, user, code=code, client_key="c", now=clock.now(), policy=POLICY) == "totp"
    with pytest.raises(service.SecondFactorRejected) as err:
        service.check_second_factor(db, user, code=code, client_key="c", now=clock.now(), policy=POLICY)
    assert err.value.reason == "reused"


def test_the_enrolment_code_cannot_be_reused_to_sign_in(db, clock):
    user, secret, _ = _enrolled(db, clock)
    with pytest.raises(service.SecondFactorRejected) as err:
        service.check_second_factor(db, user, code=pyotp.TOTP(secret).at(clock.now()), client_key=f"enrol-{user.id}",
                                    now=clock.now(), policy=POLICY)
    assert err.value.reason == "reused"


def test_code_from_an_old_window_is_refused(db, clock):
    user, secret, _ = _enrolled(db, clock)
    clock.advance(minutes=5)
    old = pyotp.TOTP(secret).at(clock.now() - timedelta(minutes=2))
    with pytest.raises(service.SecondFactorRejected) as err:
        service.check_second_factor(db, user, code=old, client_key="c", now=clock.now(), policy=POLICY)
    assert err.value.reason == "wrong"


def test_recovery_code_works_exactly_once(db, clock):
    user, _, codes = _enrolled(db, clock)
    assert service.check_second_factor(db, user, code=codes[3].lower(), client_key="c", now=clock.now(),
                                       policy=POLICY) == "recovery"
    with pytest.raises(service.SecondFactorRejected):
        service.check_second_factor(db, user, code=codes[3], client_key="c", now=clock.now(), policy=POLICY)
    assert service.unused_recovery_codes(db, user) == 9


def test_new_recovery_codes_make_the_old_ones_useless(db, clock):
    user, _, old = _enrolled(db, clock)
    service.new_recovery_codes(db, user, now=clock.now())
    with pytest.raises(service.SecondFactorRejected):
        service.check_second_factor(db, user, code=old[0], client_key="c", now=clock.now(), policy=POLICY)


def test_totp_step_is_throttled_per_staff_user_across_clients(db, clock):
    user, secret, _ = _enrolled(db, clock)
    for i in range(POLICY.free + 1):
        with pytest.raises(service.SecondFactorRejected):
            service.check_second_factor(db, user, code="000000", client_key=f"client-{i}", now=clock.now(),
                                        policy=POLICY)
    clock.advance(seconds=30)
    with pytest.raises(service.SecondFactorRejected) as err:
        service.check_second_factor(db, user, code=pyotp.TOTP(secret).at(clock.now()), client_key="fresh",
                                    now=clock.now(), policy=POLICY)
    assert err.value.reason == "throttled" and err.value.wait_seconds > 0


def test_totp_failures_from_one_address_never_slow_a_colleague_there(db, clock):
    # An office shares one address: one member's wrong codes must not keep the next member out.
    users = [_enrolled(db, clock, username=f"u{i}", first_name=f"U{i}") for i in range(POLICY.free + 2)]
    for _ in range(POLICY.free + 3):
        with pytest.raises(service.SecondFactorRejected):
            service.check_second_factor(db, users[0][0], code="000000", client_key="same", now=clock.now(),
                                        policy=POLICY)
    user, secret, _ = users[-1]
    clock.advance(seconds=30)
    assert service.check_second_factor(db, user, code=pyotp.TOTP(secret).at(clock.now()), client_key="same",
                                       now=clock.now(), policy=POLICY) == "totp"


def test_a_throttled_totp_answer_names_the_real_wait(db, clock):
    user, _, _ = _enrolled(db, clock)
    for _ in range(POLICY.free + 1):
        with pytest.raises(service.SecondFactorRejected):
            service.check_second_factor(db, user, code="000000", client_key="c", now=clock.now(), policy=POLICY)
    clock.advance(seconds=50)
    with pytest.raises(service.SecondFactorRejected) as err:
        service.check_second_factor(db, user, code="000000", client_key="c", now=clock.now(), policy=POLICY)
    assert err.value.reason == "throttled" and 9 <= err.value.wait_seconds <= 10


def test_a_unicode_digit_in_a_totp_code_is_malformed_not_an_error(db, clock):
    user, _, _ = _enrolled(db, clock)
    with pytest.raises(service.SecondFactorRejected) as err:
        service.check_second_factor(db, user, code="12345²", client_key="c", now=clock.now(), policy=POLICY)
    assert err.value.reason == "malformed"


def test_passing_the_second_factor_replaces_the_session_id(db, clock):
    user, _, _ = _enrolled(db, clock)
    old_token = sessions.start_session(db, kind=sessions.STAFF, staff_id=user.id, now=clock.now())
    old = db.get(WebSession, token_digest(old_token))
    new_token = service.pass_second_factor(db, old, now=clock.now())
    assert new_token != old_token
    assert old.ended_at is not None and old.second_factor_passed is False
    assert db.get(WebSession, token_digest(new_token)).second_factor_passed is True


def test_qr_code_svg_has_no_style_attribute_and_an_accessible_name():
    svg = service.qr_svg(service.provisioning_uri(pyotp.random_base32(), username="mette", issuer="RC"),
                         label="QR-kode")
    assert svg.startswith("<svg ") and 'role="img"' in svg and 'aria-label="QR-kode"' in svg
    assert "style" not in svg and "<?xml" not in svg


def test_ending_a_session_of_someone_else_is_not_found(db, clock):
    mine = make_staff(db, username="mine")
    other = make_staff(db, username="other", first_name="Ole")
    token = sessions.start_session(db, kind=sessions.STAFF, staff_id=other.id, now=clock.now())
    with pytest.raises(service.SessionNotFound):
        service.end_own_session(db, mine, session_id=token_digest(token), now=clock.now())
    assert db.get(WebSession, token_digest(token)).ended_at is None


def test_successful_codes_do_not_use_up_a_shared_office_address(db, clock):
    users = [_enrolled(db, clock, username=f"office{i}", first_name=f"O{i}") for i in range(POLICY.free + 3)]
    clock.advance(seconds=30)
    for user, secret, _ in users:
        assert service.check_second_factor(db, user, code=pyotp.TOTP(secret).at(clock.now()), client_key="office",
                                           now=clock.now(), policy=POLICY) == "totp"
