"""CSRF tokens: a browser's token is reused for a few minutes (signing each page cost more than a
database read); reused or not, it only validates with the browser's own binding."""

from __future__ import annotations

import time

from app.core import security
from app.core.security import Signer


def test_a_browsers_token_is_reused_within_the_period_and_still_validates(monkeypatch):
    signer = Signer("s" * 40)
    start = (time.time() // security.CSRF_TOKEN_REUSE_SECONDS) * security.CSRF_TOKEN_REUSE_SECONDS
    monkeypatch.setattr(security.time, "time", lambda: start)
    first = signer.csrf_token("binding-a")
    # Signed anew, the token would carry a later timestamp: the same token means it was reused.
    monkeypatch.setattr(security.time, "time", lambda: start + security.CSRF_TOKEN_REUSE_SECONDS - 1)
    again = signer.csrf_token("binding-a")
    assert first == again and signer.csrf_valid(again, "binding-a")


def test_another_browser_gets_its_own_token_that_does_not_validate_for_the_first():
    signer = Signer("s" * 40)
    token_b = signer.csrf_token("binding-b")
    assert token_b != signer.csrf_token("binding-a")
    assert not signer.csrf_valid(token_b, "binding-a")


def test_a_new_period_signs_a_new_token(monkeypatch):
    signer = Signer("s" * 40)
    now = time.time()
    monkeypatch.setattr(security.time, "time", lambda: now)
    first = signer.csrf_token("binding-a")
    monkeypatch.setattr(security.time, "time", lambda: now + security.CSRF_TOKEN_REUSE_SECONDS)
    renewed = signer.csrf_token("binding-a")
    assert renewed != first and signer.csrf_valid(renewed, "binding-a")


def test_tokens_are_not_shared_between_apps_with_different_secrets():
    one, other = Signer("a" * 40), Signer("b" * 40)
    assert not other.csrf_valid(one.csrf_token("binding-a"), "binding-a")
