"""Turn a bearer token into a Principal: verify the JWT, then check the account is still active
(a disabled user's tokens stop working at once; a changed role applies on the next request)."""

from __future__ import annotations

import threading
import time

from shared.auth.tokens import Principal, decode_access_token
from shared.bootstrap import platform
from shared.domain.accounts import is_active
from shared.errors import Unauthenticated

_CACHE_SECONDS = 2.0
_cache: dict[str, tuple[float, dict | None]] = {}
_lock = threading.Lock()


def _user(user_id: str) -> dict | None:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(user_id)
        if hit and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    user = platform().documents.get("users", user_id)
    with _lock:
        _cache[user_id] = (now, user)
    return user


def forget(user_id: str) -> None:
    """Drop the cached account state (called when an admin changes a user)."""
    with _lock:
        _cache.pop(user_id, None)


def authenticate(token: str) -> Principal:
    return principal_for(decode_access_token(token))


def principal_for(claims: Principal) -> Principal:
    """The principal of a verified token (or connection ticket) as the account stands now:
    refused if the account is disabled or gone, or signed out since the token was issued."""
    user = _user(claims.user_id)
    if not is_active(user):
        raise Unauthenticated("This account is disabled or no longer exists")
    # A password change (or an admin revoking sessions) invalidates older access tokens too.
    if claims.iat < int(user.get("tokens_valid_after") or 0):
        raise Unauthenticated("This session was signed out; sign in again")
    return Principal(
        user_id=claims.user_id,
        role=user.get("role", claims.role),
        org_id=user.get("org_id"),
        email=user.get("email", claims.email),
        jti=claims.jti,
        exp=claims.exp,
        iat=claims.iat,
    )
