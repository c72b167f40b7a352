"""Access-token validation: only our HS256 tokens with the right issuer, audience, claims and
expiry are accepted; algorithm confusion and `alg: none` are refused."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared import config
from shared.auth.tokens import decode_access_token, issue_access_token
from shared.errors import Unauthenticated

USER = {"id": "0123456789abcdef01234567", "role": "PM", "org_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "email": "p@example.com"}


def _claims(**over):
    s = config.settings()
    now = int(time.time())
    claims = {
        "sub": USER["id"],
        "role": "PM",
        "org_id": USER["org_id"],
        "iat": now,
        "exp": now + 600,
        "jti": "x" * 24,
        "iss": s.jwt_issuer,
        "aud": s.jwt_audience,
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims, key=None, alg="HS256"):
    return jwt.encode(claims, config.settings().jwt_secret if key is None else key, algorithm=alg)


def test_round_trip_has_required_claims_and_ttl():
    token = issue_access_token(USER)
    p = decode_access_token(token)
    assert (p.user_id, p.role, p.org_id, p.email) == (USER["id"], "PM", USER["org_id"], "p@example.com")
    assert p.exp - p.iat == 900 and len(p.jti) == 24
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"


def test_valid_hand_made_token_is_accepted():
    assert decode_access_token(_sign(_claims())).role == "PM"


@pytest.mark.filterwarnings("ignore:The HMAC key")
@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_other_hmac_algorithms_are_refused(alg):
    with pytest.raises(Unauthenticated):
        decode_access_token(_sign(_claims(), alg=alg))


def test_alg_none_is_refused():
    with pytest.raises(Unauthenticated):
        decode_access_token(jwt.encode(_claims(), None, algorithm="none"))


def test_rs256_token_is_refused():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthenticated):
        decode_access_token(_sign(_claims(), key=key, alg="RS256"))


def test_public_key_as_hmac_secret_confusion_is_refused():
    """Signing HS256 with some public key is just a wrong secret for us."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64
    import hashlib
    import hmac  # noqa: E401 - build the token by hand: pyjwt refuses PEM HMAC keys
    import json

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(_claims()).encode())
    sig = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(Unauthenticated):
        decode_access_token(f"{signing_input}.{b64(sig)}")


@pytest.mark.parametrize("over", [{"iss": "someone-else"}, {"aud": "another-api"}, {"iss": None}, {"aud": None}])
def test_wrong_or_missing_issuer_and_audience_are_refused(over):
    with pytest.raises(Unauthenticated):
        decode_access_token(_sign(_claims(**over)))


def test_expired_token_is_refused_with_refresh_hint():
    now = int(time.time())
    with pytest.raises(Unauthenticated) as err:
        decode_access_token(_sign(_claims(iat=now - 1000, exp=now - 100)))
    assert "expired" in err.value.detail


@pytest.mark.parametrize("missing", ["sub", "role", "exp", "iat", "jti"])
def test_missing_required_claims_are_refused(missing):
    with pytest.raises(Unauthenticated):
        decode_access_token(_sign(_claims(**{missing: None})))


def test_wrong_secret_and_tampered_payload_are_refused():
    with pytest.raises(Unauthenticated):
        decode_access_token(_sign(_claims(), key="another-secret-" + "z" * 40))
    header, payload, sig = issue_access_token(USER).split(".")
    other_payload = _sign(_claims(role="ADMIN")).split(".")[1]
    with pytest.raises(Unauthenticated):
        decode_access_token(f"{header}.{other_payload}.{sig}")


def test_secret_comes_from_the_environment(monkeypatch):
    token = issue_access_token(USER)
    monkeypatch.setenv("AVP_JWT_SECRET", "rotated-secret-" + "q" * 40)
    config.reset()
    with pytest.raises(Unauthenticated):
        decode_access_token(token)


# A verified token is remembered by this process (decision 1200); the remembered result must
# never outlive what a full verification would accept.
def test_remembered_token_still_expires(monkeypatch):
    token = _sign(_claims(exp=int(time.time()) + 30))
    assert decode_access_token(token).user_id == USER["id"]
    assert decode_access_token(token).user_id == USER["id"]  # from the verified-token memory
    later = time.time() + 31
    monkeypatch.setattr("shared.auth.tokens.time.time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        decode_access_token(token)


def test_remembered_token_is_forgotten_when_the_secret_changes():
    token = issue_access_token(USER)
    assert decode_access_token(token).role == "PM"
    config.configure(jwt_secret="another-secret-" + "y" * 40)
    with pytest.raises(Unauthenticated, match="Invalid"):
        decode_access_token(token)


def test_a_changed_byte_is_verified_again_and_refused():
    token = issue_access_token(USER)
    decode_access_token(token)
    head, body, sig = token.split(".")
    forged = _sign({**jwt.decode(token, options={"verify_signature": False}), "role": "ADMIN"}, key="k" * 40)
    with pytest.raises(Unauthenticated):
        decode_access_token(f"{head}.{forged.split('.')[1]}.{sig}")
