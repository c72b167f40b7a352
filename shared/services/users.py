"""Users: lookups other services rely on, the email index, profiles, org membership and the
admin operations (role/status changes with the last-admin guard).

A user document (collection `users`): email (lower case), role, org_id (None for ADMIN),
status active|disabled, name, password_hash (argon2id; None for SSO-only accounts),
created_at, updated_at; optionally ms_oid/ms_tid (bound Microsoft identity) and
tokens_valid_after (epoch seconds; older access tokens are refused).
Email uniqueness: `user_emails/<sha256(email)>` {user_id, email}, created in the same
transaction as the user.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from shared.auth import refresh, session
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.accounts import is_active
from shared.domain.roles import ADMIN, ALL_ROLES, CLIENT, LINGUIST, PM
from shared.errors import AlreadyExists, Conflict, Forbidden, Invalid, NotFound, Unprocessable
from shared.ids import new_id
from shared.persistence.documents import Query, Transaction, update_with_retry
from shared.timestamps import now_iso

USERS = "users"
EMAILS = "user_emails"
_EMAIL = re.compile(r"^[^@\s/]{1,64}@[^@\s/]+\.[^@\s/]+$")
PUBLIC_FIELDS = ("id", "email", "role", "org_id", "status", "name", "created_at", "updated_at")


def normalize_email(email: str) -> str:
    """Lower-cased, trimmed; raises Unprocessable when it is not an email address."""
    value = (email or "").strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise Unprocessable("email: not a valid email address")
    return value


def email_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def public(user: dict[str, Any]) -> dict[str, Any]:
    """The profile as the API shows it: never the password hash or session fields."""
    out = {k: user.get(k) for k in PUBLIC_FIELDS}
    out["status"] = out["status"] or "active"
    out["name"] = out["name"] or ""
    return out


def ref(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "email": user["email"], "role": user["role"], "org_id": user.get("org_id")}


def get_user(user_id: str) -> dict[str, Any] | None:
    return platform().documents.get(USERS, user_id) if user_id else None


def get_active_user(user_id: str) -> dict[str, Any] | None:
    """The user (public fields) if it exists and is active, else None. Other services use this,
    e.g. to check that a linguist being assigned is an active LINGUIST."""
    user = get_user(user_id)
    if not is_active(user):
        return None
    return public(user)


def find_by_email(email: str) -> dict[str, Any] | None:
    """The user with this (normalised) email, via the index, else a query (accounts created
    directly in the store by setup scripts have no index entry)."""
    docs = platform().documents
    entry = docs.get(EMAILS, email_key(email))
    if entry is not None:
        user = docs.get(USERS, entry["user_id"])
        if user is not None and user.get("email") == email:
            return user
    items = docs.query(Query(USERS, where=[("email", "==", email)], limit=1)).items
    return items[0] if items else None


def create_in_tx(
    tx: Transaction,
    *,
    email: str,
    role: str,
    org_id: str | None,
    name: str,
    password_hash: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create a user and its email index entry inside transaction `tx`. Raises Conflict when
    the email is taken. The caller checks `find_by_email` first for unindexed accounts."""
    if tx.get(EMAILS, email_key(email)) is not None:
        raise Conflict("A user with this email already exists")
    user_id = new_id()
    now = now_iso()
    doc = {
        "email": email,
        "role": role,
        "org_id": org_id,
        "status": "active",
        "name": name,
        "password_hash": password_hash,
        "created_at": now,
        "updated_at": now,
        **(extra or {}),
    }
    try:
        tx.create(EMAILS, email_key(email), {"user_id": user_id, "email": email})
    except AlreadyExists:
        raise Conflict("A user with this email already exists") from None
    return tx.create(USERS, user_id, doc)


def update_user(user_id: str, mutate: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
    """Compare-and-set update; `mutate(data)` returns new data or None. Forgets the session cache."""

    def wrapped(data: dict[str, Any]) -> dict[str, Any] | None:
        new = mutate(data)
        if new is not None:
            new["updated_at"] = now_iso()
        return new

    doc = update_with_retry(platform().documents, USERS, user_id, wrapped)
    session.forget(user_id)
    return doc


def _page(q: Query) -> dict[str, Any]:
    page = platform().documents.query(q)
    return {"items": [public(u) for u in page.items], "next_cursor": page.next_cursor}


def list_users(
    limit: int, cursor: str | None, *, org_id: str | None = None, role: str | None = None, status: str | None = None
) -> dict[str, Any]:
    where = []
    if org_id:
        where.append(("org_id", "==", org_id))
    if role:
        where.append(("role", "==", role))
    if status:
        where.append(("status", "==", status))
    return _page(Query(USERS, where=where, order_by=[("created_at", "asc")], limit=limit, cursor=cursor))


# --- scoping -----------------------------------------------------------------------------


def check_org_scope(principal: Principal, org_id: str) -> dict[str, Any]:
    """The organisation if `principal` may manage it: ADMIN any, PM only their own. Anything
    else (including a missing organisation) answers 404, never revealing that it exists."""
    org = platform().documents.get("organizations", org_id) if org_id else None
    if org is None:
        raise NotFound("Organisation not found")
    if principal.role == ADMIN:
        return org
    if principal.role == PM and principal.org_id == org_id:
        return org
    raise NotFound("Organisation not found")


def list_members(principal: Principal, org_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    check_org_scope(principal, org_id)
    return list_users(limit, cursor, org_id=org_id)


def _active_admin_count() -> int:
    q = Query(USERS, where=[("role", "==", ADMIN), ("status", "==", "active")], limit=2)
    return len(platform().documents.query(q).items)


def _is_active_admin(user: dict[str, Any]) -> bool:
    return user.get("role") == ADMIN and is_active(user)


def _guard_last_admin(user: dict[str, Any]) -> None:
    if _is_active_admin(user) and _active_admin_count() <= 1:
        raise Conflict("This is the last active ADMIN; make another user ADMIN first")


# Who may remove which roles: the same rule as who may invite them (orgs.INVITABLE), so a PM
# cannot remove a REVIEWER they could not have invited.
REMOVABLE: dict[str, frozenset[str]] = {ADMIN: frozenset(ALL_ROLES), PM: frozenset({CLIENT, LINGUIST, PM})}


def remove_member(principal: Principal, org_id: str, user_id: str) -> None:
    """Remove a member from the organisation: the account is deleted (and its email freed, so it
    can be invited again), its sessions revoked. Audit entries keep the user id."""
    check_org_scope(principal, org_id)
    user = get_user(user_id)
    if user is None or user.get("org_id") != org_id:
        raise NotFound("Member not found")
    if user_id == principal.user_id:
        raise Conflict("You cannot remove yourself from the organisation")
    if principal.role != ADMIN and user.get("role") == ADMIN:
        raise NotFound("Member not found")
    removable: frozenset[str] = REMOVABLE.get(principal.role, frozenset())
    if user.get("role") not in removable:
        allowed = ", ".join(sorted(removable))
        raise Forbidden(f"A {principal.role} may remove only {allowed} members; ask an ADMIN")
    _guard_last_admin(user)
    docs = platform().documents

    def run(tx: Transaction) -> bool:
        current = tx.get(USERS, user_id)
        if current is None:
            return False
        entry = tx.get(EMAILS, email_key(current.get("email", "")))
        if entry is not None and entry.get("user_id") == user_id:
            tx.delete(EMAILS, entry["id"])
        tx.delete(USERS, user_id)
        return True

    if not docs.transaction(run):
        raise NotFound("Member not found")
    session.forget(user_id)
    refresh.revoke_user_sessions(user_id, "removed")


def admin_update(
    principal: Principal, user_id: str, role: str | None, status: str | None, org_id: str | None
) -> dict[str, Any]:
    """PATCH /admin/users/{id}: change role, status and/or organisation."""
    user = get_user(user_id)
    if user is None:
        raise NotFound("User not found")
    if role is not None and role not in ALL_ROLES:
        raise Unprocessable("role: must be one of CLIENT, REVIEWER, LINGUIST, PM, ADMIN")
    new_role = role or user.get("role")
    new_status = status or user.get("status", "active")
    new_org = org_id if org_id is not None else user.get("org_id")
    if org_id is not None and platform().documents.get("organizations", org_id) is None:
        raise NotFound("Organisation not found (org_id)")
    if new_role != ADMIN and not new_org:
        raise Invalid(f"org_id: a {new_role} must belong to an organisation; send org_id")
    if _is_active_admin(user) and not (new_role == ADMIN and new_status == "active"):
        _guard_last_admin(user)
    if user_id == principal.user_id and (new_role != user.get("role") or new_status != "active"):
        raise Conflict("You cannot change your own role or disable your own account; ask another ADMIN")

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        data.update(role=new_role, status=new_status, org_id=new_org)
        return data

    updated = update_user(user_id, mutate)
    if updated is None:
        raise NotFound("User not found")
    if _is_active_admin(user) and not _is_active_admin(updated) and _active_admin_count() == 0:
        # Two admins demoted at the same instant both passed the guard above: undo this change
        # (the other undoes its own), so the platform is never left without an active ADMIN.
        update_user(
            user_id,
            lambda data: {
                **data,
                "role": user.get("role"),
                "status": user.get("status", "active"),
                "org_id": user.get("org_id"),
            },
        )
        raise Conflict("This is the last active ADMIN; make another user ADMIN first")
    if new_status == "disabled" and user.get("status", "active") != "disabled":
        refresh.revoke_user_sessions(user_id, "disabled")
    return public(updated)
