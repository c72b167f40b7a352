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
from typing import Any

from shared.auth.passwords import hash_password, strength_problem
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.config import settings
from shared.domain.roles import ADMIN, CLIENT, LINGUIST, PM, REVIEWER
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.persistence.documents import Query, Transaction, update_with_retry
from shared.services import housekeeping, invite_mail, jobs, users
from shared.timestamps import iso_at, now_iso

ORGS = "organizations"
INVITES = "invites"
INVITE_TTL_SECONDS = 7 * 24 * 3600
# Who may invite which roles: a PM cannot hand out REVIEWER (sees every organisation's jobs)
# or ADMIN; ADMIN accounts are made by an admin through PATCH /admin/users/{id}.
INVITABLE: dict[str, frozenset[str]] = {
    ADMIN: frozenset({CLIENT, REVIEWER, LINGUIST, PM}),
    PM: frozenset({CLIENT, LINGUIST, PM}),
}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _org_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["id"],
        "name": doc.get("name", ""),
        "created_at": doc.get("created_at"),
        "clients_share_jobs": bool(doc.get("clients_share_jobs", False)),
    }


def update_org(principal: Principal, org_id: str, name: str | None, clients_share_jobs: bool | None) -> dict[str, Any]:
    """PATCH /organizations/{id}: ADMIN any organisation, PM their own (404 otherwise)."""
    users.check_org_scope(principal, org_id)
    if name is not None and not name.strip():
        raise Invalid("name: must not be blank")

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        if name is not None:
            data["name"] = name.strip()
        if clients_share_jobs is not None:
            data["clients_share_jobs"] = bool(clients_share_jobs)
        return data

    doc = update_with_retry(platform().documents, ORGS, org_id, mutate)
    if doc is None:
        raise NotFound("Organisation not found")
    jobs.forget_org_settings(org_id)
    return _org_view(doc)


def list_orgs(limit: int, cursor: str | None) -> dict[str, Any]:
    page = platform().documents.query(Query(ORGS, order_by=[("created_at", "asc")], limit=limit, cursor=cursor))
    return {"items": [_org_view(o) for o in page.items], "next_cursor": page.next_cursor}


def create_org(name: str) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise Invalid("name: must not be blank")
    return _org_view(platform().documents.create(ORGS, new_id(), {"name": name, "created_at": now_iso()}))


def _ttl() -> int:
    return int(settings().extra.get("invite_ttl_seconds", INVITE_TTL_SECONDS))


def create_invite(principal: Principal, org_id: str, email: str, role: str) -> dict[str, Any]:
    org = users.check_org_scope(principal, org_id)
    email = users.normalize_email(email)
    if role not in INVITABLE.get(principal.role, frozenset()):
        allowed = ", ".join(sorted(INVITABLE.get(principal.role, frozenset())))
        raise Forbidden(f"role: a {principal.role} may invite only {allowed}")
    existing = users.find_by_email(email)
    if existing is not None and existing.get("org_id") == org_id:
        raise Conflict("This person is already a member of the organisation")
    if existing is not None and principal.role == ADMIN:
        raise Conflict("A user with this email already exists")
    # A PM is not told whether the email has an account in another organisation: the invite is
    # made and mailed as any other; accepting it is what fails, for the invitee (decision 0904).
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
    platform().documents.create(INVITES, invite_id, doc)
    token = f"{invite_id}.{secret}"
    link, sent = invite_mail.send(email, org.get("name", ""), role, token, str(doc["expires_at"]))
    return {
        "id": invite_id,
        "org_id": org_id,
        "email": email,
        "role": role,
        "token": token,
        "link": link,
        "email_sent": sent,
        "expires_at": doc["expires_at"],
        "created_at": doc["created_at"],
        "created_by": principal.user_id,
    }


def _accept_in_tx(
    tx: Transaction,
    invite: dict[str, Any],
    *,
    name: str,
    password_hash: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
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


def invite_for_token(token: str) -> dict[str, Any]:
    """The pending, unexpired invite this token opens; any bad, used or expired token answers
    the same 400, so an attacker learns nothing about which invites exist."""
    invite_id, _, secret = (token or "").partition(".")
    bad = Invalid("Invalid or expired invite")
    pre = platform().documents.get(INVITES, invite_id) if invite_id and secret and len(token) <= 512 else None
    if pre is None or not hmac.compare_digest(pre.get("secret_sha256", ""), _digest(secret)):
        raise bad
    if pre.get("status") != "pending" or int(pre.get("expires_epoch", 0)) <= time.time():
        raise bad
    return pre


def accept_with_token(token: str, password: str, name: str | None) -> dict[str, Any]:
    """Create the invited user with a password. Any bad, used or expired token answers the same
    400, so the endpoint tells an attacker nothing about which invites exist."""
    bad = Invalid("Invalid or expired invite")
    pre = invite_for_token(token)
    invite_id = pre["id"]
    problem = strength_problem(password, pre["email"])
    if problem:
        raise Invalid(f"password: {problem}")
    if users.find_by_email(pre["email"]) is not None:
        raise Conflict("A user with this email already exists")
    password_hash = hash_password(password)  # outside the transaction: it is slow

    def run(tx: Transaction) -> dict[str, Any]:
        invite = tx.get(INVITES, invite_id)
        if invite is None or invite.get("status") != "pending" or int(invite.get("expires_epoch", 0)) <= time.time():
            raise bad
        return _accept_in_tx(tx, invite, name=(name or "").strip(), password_hash=password_hash)

    return platform().documents.transaction(run)


def pending_invite_for(email: str) -> dict[str, Any] | None:
    """The newest pending, unexpired invite for `email`."""
    items = (
        platform()
        .documents.query(
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


def accept_for_sso(invite: dict[str, Any], name: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Create the invited user from a verified Microsoft identity (no password)."""

    def run(tx: Transaction) -> dict[str, Any]:
        current = tx.get(INVITES, invite["id"])
        if current is None or current.get("status") != "pending" or int(current.get("expires_epoch", 0)) <= time.time():
            raise Invalid("Invalid or expired invite")
        return _accept_in_tx(tx, current, name=name, password_hash=None, extra=extra)

    return platform().documents.transaction(run)
