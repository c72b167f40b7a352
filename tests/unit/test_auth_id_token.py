"""Microsoft ID-token validation (signature from the JWKS, issuer incl. the multi-tenant
placeholder, audience, expiry, nonce, tenant, algorithm) with locally generated RSA keys."""

import base64
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.errors import Unauthenticated
from shared.services.sso import nonce_hash, validate_id_token

TENANT = "11111111-2222-3333-4444-555555555555"
ISSUER = f"https://login.example/{TENANT}/v2.0"
CLIENT = "client-123"
NONCE = "the-nonce"


def _b64(n):
    return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def keys():
    good = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    evil = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = good.public_key().public_numbers()
    jwks = {"keys": [{"kty": "RSA", "use": "sig", "kid": "k1", "n": _b64(pub.n), "e": _b64(pub.e)}]}
    return good, evil, jwks


def _token(key, kid="k1", alg="RS256", **over):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "s",
        "oid": "o",
        "tid": TENANT,
        "iat": now,
        "exp": now + 600,
        "nonce": nonce_hash(NONCE),
        "email": "a@example.com",
    }
    claims.update(over)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm=alg, headers={"kid": kid})


def _validate(token, jwks, **kw):
    args = dict(jwks=jwks, issuer=ISSUER, audience=CLIENT, nonce=NONCE, tenant_id=TENANT)
    args.update(kw)
    return validate_id_token(token, **args)


def test_valid_token(keys):
    good, _, jwks = keys
    claims = _validate(_token(good), jwks)
    assert claims["email"] == "a@example.com" and claims["tid"] == TENANT


def test_multi_tenant_issuer_placeholder(keys):
    good, _, jwks = keys
    placeholder = "https://login.example/{tenantid}/v2.0"
    assert _validate(_token(good), jwks, issuer=placeholder, tenant_id="organizations")["oid"] == "o"
    other = "22222222-2222-2222-2222-222222222222"
    with pytest.raises(Unauthenticated):  # iss says one tenant, tid another
        _validate(_token(good, tid=other), jwks, issuer=placeholder, tenant_id="organizations")


@pytest.mark.parametrize(
    "case",
    [
        "other-key",
        "unknown-kid",
        "hs256",
        "none",
        "issuer",
        "audience",
        "expired",
        "nonce",
        "tenant",
        "no-nonce",
        "no-tid",
        "garbage",
    ],
)
def test_invalid_tokens(keys, case):
    good, evil, jwks = keys
    now = int(time.time())
    token = {
        "other-key": lambda: _token(evil),
        "unknown-kid": lambda: _token(good, kid="k2"),
        "hs256": lambda: _token("a-shared-secret-that-is-long-enough-32", alg="HS256"),
        "none": lambda: _token(None, alg="none"),
        "issuer": lambda: _token(good, iss="https://evil.example/v2.0"),
        "audience": lambda: _token(good, aud="someone-else"),
        "expired": lambda: _token(good, iat=now - 7200, exp=now - 3600),
        "nonce": lambda: _token(good, nonce=nonce_hash("other")),
        "tenant": lambda: _token(good, tid="99999999-9999-9999-9999-999999999999"),
        "no-nonce": lambda: _token(good, nonce=None),
        "no-tid": lambda: _token(good, tid=None),
        "garbage": lambda: "a.b.c",
    }[case]()
    with pytest.raises(Unauthenticated):
        _validate(token, jwks)
