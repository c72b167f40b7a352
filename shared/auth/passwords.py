"""Password hashing with argon2id, sized with the function's memory (decision 0901).

Each hash or verification holds MEMORY_KIB of memory for its duration, and login is reachable
without authentication, so at most `settings().password_concurrency` of them run at once per
process; a caller that cannot get a slot within WAIT_SECONDS gets 503 + Retry-After instead of
pushing the instance out of memory. Hashes made with other parameters (the earlier 64 MiB
default) still verify; `needs_rehash` tells the login path to store a fresh one.

Tests set `insecure_fast_password_hashing` (decision 1320): argon2id at its lowest cost, so a
test that creates users does not pay ~0.1 s a hash. Only a local or emulators backend honours
it (the gcp backend refuses it at start and is never given the fast hasher here).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.config import settings
from shared.errors import Unavailable

# OWASP Password Storage Cheat Sheet's argon2id configuration: 19 MiB, 2 passes, 1 lane.
TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1
WAIT_SECONDS = 5.0

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)
_DUMMY = _hasher.hash("timing-equaliser")
# argon2's floor (8 KiB, 1 pass): for tests only, see the module's docstring
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_FAST_DUMMY = _fast_hasher.hash("timing-equaliser")
_slots_lock = threading.Lock()
_slots: tuple[int, threading.BoundedSemaphore] | None = None


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    size = max(1, settings().password_concurrency)
    with _slots_lock:
        if _slots is None or _slots[0] != size:
            _slots = (size, threading.BoundedSemaphore(size))
        return _slots[1]


@contextmanager
def verification_slot() -> Iterator[None]:
    """One of the process's password-hashing slots, or 503 when none frees up in time."""
    sem = _semaphore()
    if not sem.acquire(timeout=WAIT_SECONDS):
        raise Unavailable("The server is busy checking other sign-ins; try again in a few seconds", retry_after=2)
    try:
        yield
    finally:
        sem.release()


def _active() -> tuple[PasswordHasher, str]:
    """The hasher and its timing-equaliser hash: decision 0901's, unless a test asked otherwise."""
    s = settings()
    if s.insecure_fast_password_hashing and s.backend != "gcp":
        return _fast_hasher, _FAST_DUMMY
    return _hasher, _DUMMY


def hash_password(password: str) -> str:
    hasher, _ = _active()
    with verification_slot():
        return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time: an unknown user still costs one verification."""
    hasher, dummy = _active()
    with verification_slot():
        try:
            return hasher.verify(password_hash or dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str | None) -> bool:
    """True when a stored hash was made with other parameters than today's."""
    if not password_hash:
        return False
    hasher, _ = _active()
    try:
        return hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


MIN_LENGTH = 10
MAX_LENGTH = 256
_COMMON = frozenset(
    {
        "password",
        "password1",
        "password123",
        "passw0rd",
        "qwerty",
        "qwertyuiop",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "changeme",
        "123456",
        "12345678",
        "123456789",
        "1234567890",
        "abc123",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "sunshine",
        "trustno1",
        "secret",
    }
)


def strength_problem(password: str, email: str = "") -> str | None:
    """Why `password` is too weak, or None. Rules: 10-256 characters, at least three of
    lower case / upper case / digits / symbols, not a common password, not the email."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters long"
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < 3:
        return "Password must mix at least three of: lower case, upper case, digits, symbols"
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!@#$%^&*.-_ ")
    if lowered in _COMMON or stripped in _COMMON:
        return "Password is too common"
    local = (email or "").split("@")[0].lower()
    if email and (lowered == email.lower() or (len(local) >= 4 and local in lowered)):
        return "Password must not contain your email address"
    return None
