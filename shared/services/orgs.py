"""Organisations and invites.

An invite (`invites/<id>`) carries org_id, email, role, the SHA-256 of its secret, expiry and a
status pending|accepted. Its token `<invite_id>.<secret>` is shown once, in the create response;
accepting it (password, or Microsoft sign-in with the same email) creates the user in that
organisation and marks the invite accepted in the same transaction: single use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from shared.errors import Conflict, Forbidden, Invalid
from shared.ids import new_id
from shared.persistence.documents import Query
from shared.routes import ADMIN, CLIENT, LINGUIST, PM, REVIEWER
from shared.timestamps import iso_at, now_iso

ORGS = "organizations"
INVITES = "invites"
INVITE_TTL_SECONDS = 7 * 24 * 3600
# Who may invite which roles: a PM cannot hand out REVIEWER (sees every organisation's jobs)
# or ADMIN; ADMIN accounts are made by an admin through PATCH /admin/users/{id}.
INVITABLE = {ADMIN: frozenset({CLIENT, REVIEWER, LINGUIST, PM}), PM: frozenset({CLIENT, LINGUIST, PM})}


def _docs():
    from shared.bootstrap import platform

    return platform().documents


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _org_view(doc: dict) -> dict:
    return {"id": doc["id"], "name": doc.get("name", ""), "created_at": doc.get("created_at")}


def list_orgs(limit: int, cursor: str | None) -> dict:
    page = _docs().query(Query(ORGS, order_by=[("created_at", "asc")], limit=limit, cursor=cursor))
    return {"items": [_org_view(o) for o in page.items], "next_cursor": page.next_cursor}


def create_org(name: str) -> dict:
    name = name.strip()
    if not name:
        raise Invalid("name: must not be blank")
    return _org_view(_docs().create(ORGS, new_id(), {"name": name, "created_at": now_iso()}))


def _ttl() -> int:
    from shared.config import settings

    return int(settings().extra.get("invite_ttl_seconds", INVITE_TTL_SECONDS))


def create_invite(principal, org_id: str, email: str, role: str) -> dict:
    from shared.services import housekeeping, users

    users.check_org_scope(principal, org_id)
    email = users.normalize_email(email)
    if role not in INVITABLE.get(principal.role, frozenset()):
        allowed = ", ".join(sorted(INVITABLE.get(principal.role, ())))
        raise Forbidden(f"role: a {principal.role} may invite only {allowed}")
    if users.find_by_email(email) is not None:
        raise Conflict("A user with this email already exists")
    secret = secrets.token_urlsafe(32)
    invite_id = new_id()
    expires = time.time() + _ttl()
    doc = {
        "org_id": org_id,
        "email": email,
        "role": role,
        "secret_sha256": _digest(secret),
        "status": "pending",
        "expires_epoch": int(expires),
        "expires_at": iso_at(expires),
        "created_at": now_iso(),
        "created_by": principal.user_id,
        "expire_at": iso_at(expires + housekeeping.INVITE_RETENTION_SECONDS),
    }  # purge after (0700)
    _docs().create(INVITES, invite_id, doc)
    return {
        "id": invite_id,
        "org_id": org_id,
        "email": email,
        "role": role,
        "token": f"{invite_id}.{secret}",
        "expires_at": doc["expires_at"],
        "created_at": doc["created_at"],
        "created_by": principal.user_id,
    }


def _accept_in_tx(tx, invite: dict, *, name: str, password_hash: str | None, extra: dict | None = None) -> dict:
    from shared.services import users

    if tx.get(ORGS, invite["org_id"]) is None:
        raise Invalid("This invite's organisation no longer exists")
    user = users.create_in_tx(
        tx,
        email=invite["email"],
        role=invite["role"],
        org_id=invite["org_id"],
        name=name,
        password_hash=password_hash,
        extra=extra,
    )
    data = {k: v for k, v in invite.items() if k not in ("id", "_version")}
    data.update(status="accepted", accepted_at=now_iso(), user_id=user["id"])
    tx.update(INVITES, invite["id"], data, expected_version=invite["_version"])
    return user


def invite_for_token(token: str) -> dict:
    """The pending, unexpired invite this token opens; any bad, used or expired token answers
    the same 400, so an attacker learns nothing about which invites exist."""
    invite_id, _, secret = (token or "").partition(".")
    bad = Invalid("Invalid or expired invite")
    pre = _docs().get(INVITES, invite_id) if invite_id and secret and len(token) <= 512 else None
    if pre is None or not hmac.compare_digest(pre.get("secret_sha256", ""), _digest(secret)):
        raise bad
    if pre.get("status") != "pending" or int(pre.get("expires_epoch", 0)) <= time.time():
        raise bad
    return pre


def accept_with_token(token: str, password: str, name: str | None) -> dict:
    """Create the invited user with a password. Any bad, used or expired token answers the same
    400, so the endpoint tells an attacker nothing about which invites exist."""
    from shared.auth.passwords import hash_password, strength_problem
    from shared.services import users

    bad = Invalid("Invalid or expired invite")
    pre = invite_for_token(token)
    invite_id = pre["id"]
    problem = strength_problem(password, pre["email"])
    if problem:
        raise Invalid(f"password: {problem}")
    if users.find_by_email(pre["email"]) is not None:
        raise Conflict("A user with this email already exists")
    password_hash = hash_password(password)  # outside the transaction: it is slow

    def run(tx):
        invite = tx.get(INVITES, invite_id)
        if invite is None or invite.get("status") != "pending" or int(invite.get("expires_epoch", 0)) <= time.time():
            raise bad
        return _accept_in_tx(tx, invite, name=(name or "").strip(), password_hash=password_hash)

    return _docs().transaction(run)


def pending_invite_for(email: str) -> dict | None:
    """The newest pending, unexpired invite for `email`."""
    items = (
        _docs()
        .query(
            Query(
                INVITES,
                where=[("email", "==", email), ("status", "==", "pending")],
                order_by=[("created_at", "desc")],
                limit=20,
            )
        )
        .items
    )
    now = time.time()
    for invite in items:
        if int(invite.get("expires_epoch", 0)) > now:
            return invite
    return None


def accept_for_sso(invite: dict, name: str, extra: dict) -> dict:
    """Create the invited user from a verified Microsoft identity (no password)."""

    def run(tx):
        current = tx.get(INVITES, invite["id"])
        if current is None or current.get("status") != "pending" or int(current.get("expires_epoch", 0)) <= time.time():
            raise Invalid("Invalid or expired invite")
        return _accept_in_tx(tx, current, name=name, password_hash=None, extra=extra)

    return _docs().transaction(run)
