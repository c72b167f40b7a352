"""Refresh tokens: opaque, single-use, rotated on every refresh, grouped in families.

A token is `<token_id>.<secret>`; the store keeps only a SHA-256 of the secret. Every sign-in
starts a family (`refresh_families/<id>`); each refresh marks the presented token `rotated` and
issues its successor in the same family. Presenting a token that was already rotated means
someone kept a copy: the whole family is revoked (theft detection), so both the thief and the
victim must sign in again. Revoking a family is one write, checked on every refresh.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from shared.errors import Unauthenticated
from shared.ids import new_id, now_iso
from shared.persistence.documents import Query
from shared.services.housekeeping import iso_at

TOKENS = "refresh_tokens"
FAMILIES = "refresh_families"


@dataclass(frozen=True)
class Issued:
    token: str
    family_id: str
    expires_at: int


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str]:
    token_id, _, secret = (token or "").partition(".")
    if not token_id or not secret or len(token) > 200:
        raise Unauthenticated("Invalid refresh token; sign in again")
    return token_id, secret


def _docs():
    from shared.bootstrap import platform

    return platform().documents


def _ttl() -> int:
    from shared.config import settings

    return settings().refresh_ttl_seconds


def _new_token_doc(tx, user_id: str, family_id: str) -> Issued:
    token_id, secret = new_id(), secrets.token_urlsafe(32)
    expires = int(time.time()) + _ttl()
    tx.create(TOKENS, token_id, {"family_id": family_id, "user_id": user_id, "secret_sha256": _digest(secret),
                                 "status": "active", "created_at": now_iso(), "expires_at": expires,
                                 "expire_at": iso_at(expires)})  # housekeeping (0700)
    return Issued(f"{token_id}.{secret}", family_id, expires)


def start_family(user_id: str, via: str = "password") -> Issued:
    """A new session: a new family and its first token."""
    family_id = new_id()

    def run(tx):
        expires = int(time.time()) + _ttl()
        tx.create(FAMILIES, family_id, {"user_id": user_id, "status": "active", "via": via, "created_at": now_iso(),
                                        "expires_at": expires, "expire_at": iso_at(expires)})
        return _new_token_doc(tx, user_id, family_id)

    return _docs().transaction(run)


def rotate(token: str) -> tuple[str, Issued]:
    """Exchange `token` for its successor. Returns (user_id, new token). Raises Unauthenticated
    for an unknown, expired or revoked token; a reused token revokes its family first."""
    token_id, secret = _split(token)
    now = int(time.time())

    def run(tx):
        doc = tx.get(TOKENS, token_id)
        if doc is None or not hmac.compare_digest(doc.get("secret_sha256", ""), _digest(secret)):
            return "invalid", None
        family = tx.get(FAMILIES, doc["family_id"])
        if family is None or family.get("status") != "active":
            return "revoked", None
        if doc.get("status") != "active":
            data = {k: v for k, v in family.items() if k not in ("id", "_version")}
            data.update(status="revoked", revoked_reason="reuse", revoked_at=now_iso())
            tx.update(FAMILIES, family["id"], data, expected_version=family["_version"])
            return "reused", doc["user_id"]
        if int(doc.get("expires_at", 0)) <= now:
            return "expired", None
        user = tx.get("users", doc["user_id"])
        if user is None or user.get("status", "active") != "active":
            return "disabled", None
        data = {k: v for k, v in doc.items() if k not in ("id", "_version")}
        data.update(status="rotated", rotated_at=now_iso())
        tx.update(TOKENS, token_id, data, expected_version=doc["_version"])
        issued = _new_token_doc(tx, doc["user_id"], doc["family_id"])
        # the family lives as long as its newest token (housekeeping and the TTL policy, 0700)
        fam = {k: v for k, v in family.items() if k not in ("id", "_version")}
        fam["expire_at"] = iso_at(issued.expires_at)
        tx.update(FAMILIES, family["id"], fam, expected_version=family["_version"])
        return "ok", (doc["user_id"], issued)

    outcome, value = _docs().transaction(run)
    if outcome == "ok":
        return value
    if outcome == "reused":
        from shared import logs

        logs.event(logs.get("avp.auth"), "refresh token reuse: family revoked", user_id=value)
        raise Unauthenticated("Refresh token was already used; all sessions of this sign-in were revoked. Sign in again")
    if outcome == "expired":
        raise Unauthenticated("Refresh token expired; sign in again")
    if outcome == "disabled":
        raise Unauthenticated("This account is disabled or no longer exists")
    raise Unauthenticated("Invalid or revoked refresh token; sign in again")


def family_of(token: str) -> dict | None:
    """The family document of a presented token (None if unknown or the secret is wrong)."""
    try:
        token_id, secret = _split(token)
    except Unauthenticated:
        return None
    docs = _docs()
    doc = docs.get(TOKENS, token_id)
    if doc is None or not hmac.compare_digest(doc.get("secret_sha256", ""), _digest(secret)):
        return None
    return docs.get(FAMILIES, doc["family_id"])


def revoke_family(family_id: str, reason: str) -> bool:
    from shared.persistence.documents import update_with_retry

    def mutate(data):
        if data.get("status") != "active":
            return None
        data.update(status="revoked", revoked_reason=reason, revoked_at=now_iso())
        return data

    return update_with_retry(_docs(), FAMILIES, family_id, mutate) is not None


def revoke_user_sessions(user_id: str, reason: str, keep_family: str | None = None) -> int:
    """Revoke every active family of `user_id` except `keep_family`; returns how many."""
    docs = _docs()
    count, cursor = 0, None
    while True:
        page = docs.query(Query(FAMILIES, where=[("user_id", "==", user_id), ("status", "==", "active")],
                                limit=100, cursor=cursor))
        for fam in page.items:
            if fam["id"] != keep_family and revoke_family(fam["id"], reason):
                count += 1
        if not page.next_cursor:
            return count
        cursor = page.next_cursor
