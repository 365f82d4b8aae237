"""Staff sign-in at the municipality's identity provider: the rules, without HTTP (claims as the
adapter hands them over once the ID token is checked)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.core.config import StaffOidcSettings
from app.core.models import WebSession
from app.core.security import token_digest
from app.staff import oidc_service
from app.staff.models import StaffUser
from app.staff.oidc_service import OidcRefused, RoleMap, passed_mfa, sign_in_with_claims, start_oidc_session
from tests.factories import make_staff

CONFIG = StaffOidcSettings(issuer="https://login.kommune.test", client_id="portal",
                           role_map=(("rp-admin", "admin"), ("rp-leder", "leader"), ("rp-behandler", "counsellor"),
                                     ("rp-reception", "reception"), ("rp-ledelse", "leader")))


def claims(sub="sub-1", **extra):
    return {"sub": sub, "given_name": "Ida", "name": "Ida Holm", "email": "ida@kommune.test", "groups": ["rp-behandler"],
            **extra}


def test_the_strongest_mapped_role_wins():
    roles = RoleMap.of(CONFIG)
    assert roles.role_for({"groups": ["rp-reception", "rp-admin", "rp-behandler"]}) == "admin"
    assert roles.role_for({"groups": ["rp-reception", "rp-ledelse"]}) == "leader"
    assert roles.role_for({"groups": ["alle", "rp-reception"]}) == "reception"


def test_a_claim_that_maps_to_nothing_gives_no_role():
    roles = RoleMap.of(CONFIG)
    for value in ({"groups": []}, {"groups": ["alle"]}, {}, {"groups": None}, {"groups": [1, {"x": 1}]},
                  {"groups": "RP-ADMIN"}):  # values are compared exactly, as the provider sends them
        assert roles.role_for(value) is None, value


def test_a_role_claim_of_one_string_and_another_claim_name_are_read():
    roles = RoleMap.of(StaffOidcSettings(role_claim="roles", role_map=(("Portal.Admin", "admin"),)))
    assert roles.role_for({"roles": "Portal.Admin"}) == "admin"
    assert roles.role_for({"groups": ["Portal.Admin"]}) is None


def test_a_role_map_naming_a_role_the_portal_does_not_have_is_refused():
    with pytest.raises(ValueError, match="counseller"):
        RoleMap.of(StaffOidcSettings(role_map=(("rp-behandler", "counseller"),)))


def test_only_mfa_in_amr_or_an_accepted_acr_counts_as_the_second_factor():
    accepted = ("urn:kommune:mfa",)
    assert passed_mfa({"amr": ["pwd", "mfa"]}, accepted_acr=accepted)
    assert passed_mfa({"acr": "urn:kommune:mfa"}, accepted_acr=accepted)
    for weak in ({}, {"amr": ["pwd"]}, {"amr": "mfa"}, {"amr": ["otp"]}, {"acr": "urn:kommune:pwd"}, {"acr": ["urn:kommune:mfa"]}):
        assert not passed_mfa(weak, accepted_acr=accepted), weak
    assert not passed_mfa({"acr": "urn:kommune:mfa"}, accepted_acr=())


def test_a_new_member_is_created_just_in_time_with_the_mapped_role_and_a_free_username(db, clock):
    make_staff(db, username="ida", first_name="Ida")
    result = sign_in_with_claims(db, claims=claims(preferred_username="IDA@kommune.test", email=None), config=CONFIG,
                                 now=clock.now())
    assert result.how == "created"
    user = result.user
    assert (user.username, user.first_name, user.full_name, user.role, user.oidc_subject, user.email) == \
        ("ida-2", "Ida", "Ida Holm", "counsellor", "sub-1", None)


def test_a_member_without_a_usable_name_gets_one_from_the_subject(db, clock):
    result = sign_in_with_claims(db, claims={"sub": "x", "groups": ["rp-reception"]}, config=CONFIG, now=clock.now())
    assert result.user.username.startswith("idp-") and result.user.first_name == result.user.username


def test_the_same_subject_signs_in_the_same_member_and_takes_the_new_role(db, clock):
    first = sign_in_with_claims(db, claims=claims(), config=CONFIG, now=clock.now()).user
    again = sign_in_with_claims(db, claims=claims(groups=["rp-admin"], email="new@kommune.test"), config=CONFIG,
                                now=clock.now())
    assert (again.how, again.user.id, again.user.role) == ("subject", first.id, "admin")
    assert len(db.exec(select(StaffUser)).all()) == 1


def test_refusals_change_nothing(db, clock):
    with pytest.raises(OidcRefused) as refused:
        sign_in_with_claims(db, claims=claims(groups=["alle"]), config=CONFIG, now=clock.now())
    assert refused.value.reason == "no_role"
    assert db.exec(select(StaffUser)).all() == []
    member = make_staff(db, role="reception", username="ida", first_name="Ida")
    member.email, member.active = "ida@kommune.test", False
    db.add(member)
    db.flush()
    with pytest.raises(OidcRefused) as refused:
        sign_in_with_claims(db, claims=claims(groups=["rp-admin"]), config=CONFIG, now=clock.now())
    assert refused.value.reason == "inactive"
    assert (member.role, member.oidc_subject) == ("reception", None)


def test_two_members_with_the_token_s_email_link_neither(db, clock):
    for name in ("ida", "ida-h"):
        member = make_staff(db, username=name, first_name="Ida")
        member.email = "ida@kommune.test"
        db.add(member)
    db.flush()
    with pytest.raises(OidcRefused) as refused:
        sign_in_with_claims(db, claims=claims(), config=CONFIG, now=clock.now())
    assert refused.value.reason == "conflict"


def test_the_session_has_passed_the_second_factor_only_when_the_provider_did_one(db, clock):
    weak = sign_in_with_claims(db, claims=claims(amr=["pwd"]), config=CONFIG, now=clock.now())
    strong = sign_in_with_claims(db, claims=claims(amr=["pwd", "mfa"]), config=CONFIG, now=clock.now())
    for result, passed in ((weak, False), (strong, True)):
        token = start_oidc_session(db, result, now=clock.now(), user_agent="test")
        assert db.get(WebSession, token_digest(token)).second_factor_passed is passed


def test_the_rank_names_every_portal_role():
    from app.staff.models import Role
    assert set(oidc_service.ROLE_RANK) == {r.value for r in Role}
