"""Password/verifier hashing, signing, CSRF tokens and keyed client fingerprints."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
import weakref
from functools import lru_cache

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# argon2id with moderate cost: ~25 ms here. Bounded by a semaphore so a guessing flood queues.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_argon2_slots = threading.BoundedSemaphore(2)
_slot_count = 2
# A hash of a random secret, verified when a selector or username is unknown so that
# timing does not tell whether it exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# One limiter per event loop (one per worker; tests start several loops).
_async_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter]" = \
    weakref.WeakKeyDictionary()


def configure_argon2_concurrency(slots: int) -> None:
    global _argon2_slots, _slot_count
    _slot_count = max(1, slots)
    _argon2_slots = threading.BoundedSemaphore(_slot_count)
    _async_slots.clear()


def hash_secret(secret: str) -> str:
    with _argon2_slots:
        return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-work check; an unknown account still costs one verification."""
    with _argon2_slots:
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


async def verify_secret_async(stored_hash: str | None, secret: str) -> bool:
    """verify_secret for request handlers. A request waiting for a verification slot holds no worker
    thread, so a flood of guesses queues here instead of starving ordinary pages of threads. An unknown
    account goes through the same queue to the same dummy-hash work (DESIGN.md), so timing does not
    tell whether it exists, even when the queue is long. Throttled guesses never get this far, which
    is what keeps a flood cheap."""
    loop = asyncio.get_running_loop()
    limiter = _async_slots.get(loop)
    if limiter is None:
        limiter = _async_slots[loop] = anyio.CapacityLimiter(_slot_count)
    return await anyio.to_thread.run_sync(verify_secret, stored_hash, secret, limiter=limiter)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What we store for session ids: a leaked table does not give live sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


CSRF_TOKEN_REUSE_SECONDS = 300


class Signer:
    """Signs cookie values and CSRF tokens with the app secret (itsdangerous)."""

    def __init__(self, secret: str):
        self._secret = secret.encode()
        self._cookies = URLSafeTimedSerializer(secret, salt="cookie")
        self._csrf = URLSafeTimedSerializer(secret, salt="csrf")

    def sign_cookie(self, value: str) -> str:
        return self._cookies.dumps(value)

    def unsign_cookie(self, signed: str | None, max_age: int) -> str | None:
        if not signed:
            return None
        try:
            value = self._cookies.loads(signed, max_age=max_age)
        except (BadSignature, SignatureExpired):
            return None
        return value if isinstance(value, str) else None

    def csrf_token(self, binding: str) -> str:
        # Every page with a form needs one, and signing cost more than a database read: a browser's
        # token is reused for a few minutes (it stays valid for hours: csrf_valid's max_age).
        return self._recent_csrf_token(binding, int(time.time() // CSRF_TOKEN_REUSE_SECONDS))

    @lru_cache(maxsize=4096)  # noqa: B019 - one Signer per app, alive as long as the process
    def _recent_csrf_token(self, binding: str, period: int) -> str:
        return self._csrf.dumps(binding)

    def csrf_valid(self, token: str | None, binding: str | None, max_age: int = 4 * 3600) -> bool:
        if not token or not binding:
            return False
        try:
            value = self._csrf.loads(token, max_age=max_age)
        except (BadSignature, SignatureExpired):
            return False
        return isinstance(value, str) and hmac.compare_digest(value, binding)

    def client_key(self, raw: str) -> str:
        """Keyed hash of a client address: usable for throttling, useless as an IP."""
        return hmac.new(self._secret, b"client:" + raw.encode(), hashlib.sha256).hexdigest()[:32]
