"""Refresh tokens: opaque, single-use, rotated on every refresh, grouped in families.

A token is `<token_id>.<secret>`; the store keeps only a SHA-256 of the secret. Every sign-in
starts a family (`refresh_families/<id>`); each refresh marks the presented token `rotated` and
issues its successor in the same family. Presenting a token that was already rotated means
someone kept a copy: the whole family is revoked (theft detection), so both the thief and the
victim must sign in again. Revoking a family is one write, checked on every refresh.

Reuse grace (decision 0104): two tabs refreshing with the same cookie at the same moment would
otherwise end the session. A successor's secret is derived, not random: an HMAC, under a key
derived from the server secret, of the predecessor's raw token and the successor's id. So a
rotated token presented again within `refresh_reuse_grace_seconds` of its rotation, while the
family is active and the successor has not been used, gets the SAME successor back (re-derived;
no raw token is ever stored). Outside the window, or once the successor was used, it is reuse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from shared import logs
from shared.bootstrap import platform
from shared.config import settings, signing_secret
from shared.domain.accounts import is_active
from shared.errors import Unauthenticated
from shared.ids import new_id
from shared.persistence.documents import Query, update_with_retry
from shared.timestamps import iso_at, now_iso

TOKENS = "refresh_tokens"
FAMILIES = "refresh_families"
_SUCCESSOR_LABEL = b"avp/refresh-successor/v1"


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


def _ttl() -> int:
    return settings().refresh_ttl_seconds


def _grace() -> float:
    return max(0, settings().refresh_reuse_grace_seconds)


def _successor_secret(pred_id: str, pred_secret: str, succ_id: str) -> str:
    """The secret of `succ_id`, the token `pred_id.pred_secret` was rotated into: re-derivable
    only by the server (its key) from the predecessor's raw token (which only its holder has)."""
    key = hmac.new(signing_secret().encode(), _SUCCESSOR_LABEL, hashlib.sha256).digest()
    mac = hmac.new(key, f"{pred_id}.{pred_secret}.{succ_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _without(doc: dict, *keys: str) -> dict:
    return {k: v for k, v in doc.items() if k not in ("id", "_version", *keys)}


def _new_token_doc(
    tx,
    user_id: str,
    family_id: str,
    token_id: str | None = None,
    secret: str | None = None,
    predecessor_id: str | None = None,
) -> Issued:
    token_id, secret = token_id or new_id(), secret or secrets.token_urlsafe(32)
    expires = int(time.time()) + _ttl()
    data = {
        "family_id": family_id,
        "user_id": user_id,
        "secret_sha256": _digest(secret),
        "status": "active",
        "created_at": now_iso(),
        "expires_at": expires,
        "expire_at": iso_at(expires),
    }  # housekeeping (0700)
    if predecessor_id:
        data["predecessor_id"] = predecessor_id
    tx.create(TOKENS, token_id, data)
    return Issued(f"{token_id}.{secret}", family_id, expires)


def start_family(user_id: str, via: str = "password") -> Issued:
    """A new session: a new family and its first token."""
    family_id = new_id()

    def run(tx):
        expires = int(time.time()) + _ttl()
        tx.create(
            FAMILIES,
            family_id,
            {
                "user_id": user_id,
                "status": "active",
                "via": via,
                "created_at": now_iso(),
                "expires_at": expires,
                "expire_at": iso_at(expires),
            },
        )
        return _new_token_doc(tx, user_id, family_id)

    return platform().documents.transaction(run)


def _grace_successor(tx, doc: dict, secret: str, now: float) -> dict | None:
    """For a rotated token `doc` presented again with its right `secret`: its successor when the
    reuse grace applies (rotated less than the grace ago, successor unused and derived from this
    very token), else None. Read-only. `now` may be a little before the rotation time (another
    instance's clock, or a transaction that waited on the rotating one), hence the abs()."""
    grace, succ_id, rotated = _grace(), doc.get("successor_id"), doc.get("rotated_epoch")
    if doc.get("status") != "rotated" or not succ_id or rotated is None or not abs(now - float(rotated)) < grace:
        return None
    successor = tx.get(TOKENS, succ_id)
    if successor is None or successor.get("status") != "active" or successor.get("family_id") != doc["family_id"]:
        return None
    derived = _successor_secret(doc["id"], secret, succ_id)
    if not hmac.compare_digest(successor.get("secret_sha256", ""), _digest(derived)):
        return None
    return {**successor, "_token": f"{succ_id}.{derived}"}


def rotate(token: str) -> tuple[str, Issued]:
    """Exchange `token` for its successor. Returns (user_id, new token). Raises Unauthenticated
    for an unknown, expired or revoked token; a reused token revokes its family first, unless
    it is a concurrent retry within the reuse grace, which gets the same successor (0104)."""
    token_id, secret = _split(token)

    def run(tx):
        now_f = time.time()  # read per attempt: a retried transaction runs after the one it waited on
        now = int(now_f)
        doc = tx.get(TOKENS, token_id)
        if doc is None or not hmac.compare_digest(doc.get("secret_sha256", ""), _digest(secret)):
            return "invalid", None
        family = tx.get(FAMILIES, doc["family_id"])
        if family is None or family.get("status") != "active":
            return "revoked", None
        if doc.get("status") != "active":
            successor = _grace_successor(tx, doc, secret, now_f)
            if successor is not None:
                if int(successor.get("expires_at", 0)) <= now:
                    return "expired", None
                user = tx.get("users", doc["user_id"])
                if not is_active(user):
                    return "disabled", None
                return "grace", (
                    doc["user_id"],
                    Issued(successor["_token"], doc["family_id"], int(successor["expires_at"])),
                )
            data = _without(family)
            data.update(status="revoked", revoked_reason="reuse", revoked_at=now_iso())
            tx.update(FAMILIES, family["id"], data, expected_version=family["_version"])
            if doc.get("successor_id"):  # nothing may re-issue from this token any more
                tx.update(TOKENS, token_id, _without(doc, "successor_id"), expected_version=doc["_version"])
            return "reused", doc["user_id"]
        if int(doc.get("expires_at", 0)) <= now:
            return "expired", None
        user = tx.get("users", doc["user_id"])
        if not is_active(user):
            return "disabled", None
        # This token is being used: its predecessor's grace ends (read before any write).
        pred = tx.get(TOKENS, doc["predecessor_id"]) if doc.get("predecessor_id") else None
        succ_id = new_id()
        data = _without(doc)
        data.update(status="rotated", rotated_at=now_iso(), rotated_epoch=now_f, successor_id=succ_id)
        tx.update(TOKENS, token_id, data, expected_version=doc["_version"])
        if pred is not None and pred.get("successor_id") == token_id:
            tx.update(TOKENS, pred["id"], _without(pred, "successor_id"), expected_version=pred["_version"])
        issued = _new_token_doc(
            tx,
            doc["user_id"],
            doc["family_id"],
            token_id=succ_id,
            secret=_successor_secret(token_id, secret, succ_id),
            predecessor_id=token_id,
        )
        # the family lives as long as its newest token (housekeeping and the TTL policy, 0700)
        fam = {k: v for k, v in family.items() if k not in ("id", "_version")}
        fam["expire_at"] = iso_at(issued.expires_at)
        tx.update(FAMILIES, family["id"], fam, expected_version=family["_version"])
        return "ok", (doc["user_id"], issued)

    outcome, value = platform().documents.transaction(run)
    if outcome == "ok":
        return value
    if outcome == "grace":
        logs.event(
            logs.get("avp.auth"), "refresh token re-presented within the reuse grace: same successor", user_id=value[0]
        )
        return value
    if outcome == "reused":
        logs.event(logs.get("avp.auth"), "refresh token reuse: family revoked", user_id=value)
        raise Unauthenticated(
            "Refresh token was already used; all sessions of this sign-in were revoked. Sign in again"
        )
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
    docs = platform().documents
    doc = docs.get(TOKENS, token_id)
    if doc is None or not hmac.compare_digest(doc.get("secret_sha256", ""), _digest(secret)):
        return None
    return docs.get(FAMILIES, doc["family_id"])


def revoke_family(family_id: str, reason: str) -> bool:
    def mutate(data):
        if data.get("status") != "active":
            return None
        data.update(status="revoked", revoked_reason=reason, revoked_at=now_iso())
        return data

    return update_with_retry(platform().documents, FAMILIES, family_id, mutate) is not None


def revoke_user_sessions(user_id: str, reason: str, keep_family: str | None = None) -> int:
    """Revoke every active family of `user_id` except `keep_family`; returns how many."""
    docs = platform().documents
    count, cursor = 0, None
    while True:
        page = docs.query(
            Query(FAMILIES, where=[("user_id", "==", user_id), ("status", "==", "active")], limit=100, cursor=cursor)
        )
        for fam in page.items:
            if fam["id"] != keep_family and revoke_family(fam["id"], reason):
                count += 1
        if not page.next_cursor:
            return count
        cursor = page.next_cursor
