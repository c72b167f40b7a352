"""Standard Webhooks signatures (https://www.standardwebhooks.com): each delivery carries
`webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list
of `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`, one per valid secret (two while a
rotated-out secret is still honoured). Secrets are `whsec_<base64 of 32 random bytes>`; the HMAC
key is the decoded bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    pass


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    raw = secret[len(PREFIX) :] if secret.startswith(PREFIX) else secret
    return base64.b64decode(raw)


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` for one secret."""
    signed = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every secret given."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_),
    }


def verify(secret: str, headers_: dict, body: bytes, now: float | None = None) -> None:
    """What a receiver does (used by the tests' receiver): raises InvalidSignature unless one
    `v1` signature matches and the timestamp is within five minutes."""
    lower = {k.lower(): v for k, v in headers_.items()}
    msg_id, ts, sigs = lower.get("webhook-id"), lower.get("webhook-timestamp"), lower.get("webhook-signature")
    if not msg_id or not ts or not sigs:
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(ts)
    except ValueError:
        raise InvalidSignature("webhook-timestamp is not an integer") from None
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("webhook-timestamp is too far from now")
    expected = signature(secret, msg_id, timestamp, body)
    for candidate in sigs.split(" "):
        if hmac.compare_digest(candidate, expected):
            return
    raise InvalidSignature("no matching v1 signature")
