"""Access tokens: HS256 JWTs with sub, role, org_id, iat, exp, jti."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from shared.config import settings
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
    return jwt.encode(claims, s.jwt_secret, algorithm=ALGORITHM)


def decode_access_token(token: str) -> Principal:
    """Verify signature, algorithm, issuer, audience and expiry; raise Unauthenticated otherwise.
    Only HS256 is accepted: `alg: none`, other HMAC sizes and asymmetric algorithms (the classic
    public-key-as-HMAC-secret confusion) are all rejected by the `algorithms` allow-list."""
    import jwt  # lazy: PyJWT loads `cryptography` (~100 ms); public endpoints never need it

    s = settings()
    try:
        claims = jwt.decode(
            token,
            s.jwt_secret,
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
