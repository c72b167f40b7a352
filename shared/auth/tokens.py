"""Access tokens: HS256 JWTs with sub, role, org_id, iat, exp, jti."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from shared.config import settings, signing_secret
from shared.errors import Unauthenticated

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    org_id: str | None
    email: str = ""
    jti: str = ""
    exp: int = 0
    iat: int = 0


def issue_access_token(user: dict) -> str:
    import jwt  # lazy: PyJWT loads `cryptography` (~100 ms); public endpoints never need it

    s = settings()
    now = int(time.time())
    claims = {
        "sub": user["id"],
        "role": user["role"],
        "org_id": user.get("org_id"),
        "email": user.get("email", ""),
        "iat": now,
        "exp": now + s.access_ttl_seconds,
        "jti": secrets.token_hex(12),
        "iss": s.jwt_issuer,
        "aud": s.jwt_audience,
    }
    return jwt.encode(claims, signing_secret(), algorithm=ALGORITHM)


# Tokens this process has verified, with their claims (decision 1200): a token is checked
# against the secret once, then each request only compares its expiry with the clock. Keyed by
# the whole token under the settings it was verified with; cleared when it grows past the bound.
_VERIFIED_MAX = 20_000
_verified: dict[str, Principal] = {}
_verified_under: list = [None]


def decode_access_token(token: str) -> Principal:
    """Verify signature, algorithm, issuer, audience and expiry; raise Unauthenticated otherwise.
    Only HS256 is accepted: `alg: none`, other HMAC sizes and asymmetric algorithms (the classic
    public-key-as-HMAC-secret confusion) are all rejected by the `algorithms` allow-list."""
    s = settings()
    if _verified_under[0] is not s:
        _verified.clear()
        _verified_under[0] = s
    hit = _verified.get(token)
    if hit is not None:
        if hit.exp <= time.time():  # PyJWT's rule (no leeway): expired at exp
            raise Unauthenticated("Access token expired; refresh it and retry")
        return hit
    principal = _verify(token, s)
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[token] = principal
    return principal


def _verify(token: str, s) -> Principal:
    import jwt  # lazy: PyJWT loads `cryptography` (~100 ms); public endpoints never need it

    try:
        claims = jwt.decode(
            token,
            signing_secret(),
            algorithms=[ALGORITHM],
            audience=s.jwt_audience,
            issuer=s.jwt_issuer,
            options={"require": ["sub", "role", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("Access token expired; refresh it and retry") from None
    except jwt.PyJWTError:
        raise Unauthenticated("Invalid access token") from None
    return Principal(
        user_id=str(claims["sub"]),
        role=str(claims["role"]),
        org_id=claims.get("org_id"),
        email=claims.get("email", ""),
        jti=claims["jti"],
        exp=int(claims["exp"]),
        iat=int(claims["iat"]),
    )
