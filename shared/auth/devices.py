"""Device tokens (OWASP's "device cookies"): proof that a browser signed in to an account
before, so the owner can still sign in while someone else is guessing that account's password.

A token is `<user_id>.<nonce>.<mac>`, the MAC an HMAC-SHA256 of `<user_id>.<nonce>` under a key
derived from the JWT secret. Nothing is stored: a token is valid when its MAC checks and it
names the account being signed in to. Its nonce identifies the device in the per-(account,
client) login counter, so a device that guesses wrong locks out only itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from shared.config import signing_secret

_LABEL = b"avp/device-token/v1"
_MAX_LEN = 200


def _mac(body: str) -> str:
    key = hmac.new(signing_secret().encode(), _LABEL, hashlib.sha256).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:40]


def issue(user_id: str) -> str:
    body = f"{user_id}.{secrets.token_urlsafe(16)}"
    return f"{body}.{_mac(body)}"


def device_of(token: str | None, user_id: str) -> str | None:
    """The device nonce if `token` is a valid device token for `user_id`, else None."""
    if not token or len(token) > _MAX_LEN or not user_id:
        return None
    body, _, mac = token.rpartition(".")
    owner, _, nonce = body.partition(".")
    if not nonce or owner != user_id or not hmac.compare_digest(mac, _mac(body)):
        return None
    return nonce
