"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults
_DUMMY = _hasher.hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time: an unknown user still costs one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
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
