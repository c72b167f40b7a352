"""Sign-in and sessions: password login with its throttling, refresh rotation, logout,
change-password and invite acceptance. Services return data (a `Session`) and raise the shared
errors; the auth function (functions/auth/main.py) turns a Session into the response body and
its cookies.

Login throttling (decision 0900, after OWASP's Authentication Cheat Sheet). Every attempt is
counted before the password is checked, in the document store (shared by all instances):
- per client address (`login_max_per_address` per `login_window_seconds`), any account;
- per (account, client) (`login_max_per_account` per window); the client is the browser's
  device token when it presents a valid one for this account, else its address;
- per account, slower and global (`login_max_per_account_global` per
  `login_account_window_seconds`), skipped for a browser with a valid device token for the
  account: a flood of guesses from many addresses locks out the unknown clients, while the
  owner keeps signing in from a browser they used before. Changing the password (from a
  session) also clears it.
A successful login gives the client its attempt back and clears the account's counters.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shared.auth import devices, refresh
from shared.auth.passwords import hash_password, needs_rehash, strength_problem, verify_password
from shared.auth.tokens import Principal, issue_access_token
from shared.config import settings
from shared.domain.accounts import is_active
from shared.errors import Forbidden, Invalid, Unauthenticated, Unprocessable
from shared.services import orgs, rate_limit, users

_BAD_LOGIN = "Invalid email or password"


@dataclass(frozen=True)
class Session:
    """A started session: the access token, the refresh token to set as a cookie, and the
    device token that marks this browser as one the account signed in from."""

    user: dict[str, Any]
    access_token: str
    refresh: refresh.Issued
    device_token: str

    def body(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "token_type": "bearer", "user": users.ref(self.user)}


def _device_token(user: dict[str, Any], presented: str | None) -> str:
    if presented and devices.device_of(presented, user["id"]):
        return presented
    return devices.issue(user["id"])


def start_session(user: dict[str, Any], via: str = "password", device_token: str | None = None) -> Session:
    return Session(
        user=user,
        access_token=issue_access_token(user),
        refresh=refresh.start_family(user["id"], via),
        device_token=_device_token(user, device_token),
    )


# --- login --------------------------------------------------------------------------------


def _normalized(email: str) -> str:
    try:
        return users.normalize_email(email)
    except Unprocessable:
        return (email or "").strip().lower()[:254]


def login(email: str, password: str, client_address: str, device_token: str | None = None) -> Session:
    """A session for these credentials, or 401; 429 + Retry-After when a limit is used up
    (then even the right password is refused: a locked account is no password oracle)."""
    s = settings()
    window = s.login_window_seconds
    email = _normalized(email)
    client = rate_limit.client_key(client_address)
    rate_limit.acquire("login-address", client, s.login_max_per_address, window, "login attempts from this address")
    user = users.find_by_email(email) if email else None
    device = devices.device_of(device_token, user["id"]) if user else None
    pair = f"{email}\x00device:{device}" if device else f"{email}\x00{client}"
    rate_limit.acquire("login-pair", pair, s.login_max_per_account, window, "failed logins for this account")
    if device is None:
        rate_limit.acquire(
            "login-account",
            email,
            s.login_max_per_account_global,
            s.login_account_window_seconds,
            "failed logins for this account from new devices; sign in from a browser you used before, or wait",
        )
    ok = verify_password(user.get("password_hash") if user else None, password)
    if not ok or not is_active(user):
        if ok:  # right password, disabled account: say so (the caller proved who they are)
            raise Unauthenticated("This account is disabled")
        raise Unauthenticated(_BAD_LOGIN)
    rate_limit.refund("login-address", client, window)
    rate_limit.clear("login-pair", pair)
    rate_limit.clear("login-account", email)
    if needs_rehash(user.get("password_hash")):
        fresh = hash_password(password)
        user = users.update_user(user["id"], lambda data: {**data, "password_hash": fresh}) or user
    return start_session(user, "password", device_token)


# --- refresh / logout -----------------------------------------------------------------------


def check_origin(origin: str | None, host_origin: str) -> None:
    """Cookie-authenticated endpoints refuse cross-site browser requests (defence in depth on
    top of SameSite=Strict): an Origin header, when present, must be an allowed origin or the
    API's own (`host_origin`, scheme://host of the request)."""
    if not origin:
        return
    s = settings()
    base = urlsplit(s.public_base_url)
    allowed = set(s.cors_origins) | {f"{base.scheme}://{base.netloc}", host_origin}
    if origin not in allowed:
        raise Forbidden("Cross-site request refused")


def refresh_session(token: str | None, device_token: str | None = None) -> Session:
    """Rotate the refresh token; the session continues in the same family."""
    if not token:
        raise Unauthenticated("No refresh cookie; sign in again")
    user_id, issued = refresh.rotate(token)
    user = users.get_user(user_id)
    if not is_active(user):
        raise Unauthenticated("This account is disabled or no longer exists")
    return Session(
        user=user,
        access_token=issue_access_token(user),
        refresh=issued,
        device_token=_device_token(user, device_token),
    )


def logout(principal: Principal, token: str | None) -> None:
    """Revoke the presented refresh token's family, if it is this user's."""
    family = refresh.family_of(token) if token else None
    if family is not None and family.get("user_id") == principal.user_id:
        refresh.revoke_family(family["id"], "logout")


# --- passwords ------------------------------------------------------------------------------


def change_password(principal: Principal, current: str, new: str, device_token: str | None = None) -> Session:
    """Check the current password (rate limited like login), enforce strength, store the new
    hash, revoke every other session, and return a fresh session for this client. It also
    lifts the account's global login lock (the owner has just proved who they are)."""
    s = settings()
    user = users.get_user(principal.user_id)
    if user is None:
        raise Unauthenticated("This account no longer exists")
    rate_limit.acquire(
        "password-account", user["id"], s.login_max_per_account, s.login_window_seconds, "failed password checks"
    )
    if not verify_password(user.get("password_hash"), current):
        raise Forbidden("Current password is incorrect")
    rate_limit.clear("password-account", user["id"])
    problem = strength_problem(new, user["email"])
    if problem:
        raise Invalid(f"new_password: {problem}")
    if verify_password(user.get("password_hash"), new):
        raise Invalid("new_password: must differ from the current password")
    new_hash = hash_password(new)
    cutoff = int(time.time())

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        data.update(password_hash=new_hash, tokens_valid_after=cutoff, password_changed_at=cutoff)
        return data

    updated = users.update_user(user["id"], mutate)
    if updated is None:
        raise Unauthenticated("This account no longer exists")
    refresh.revoke_user_sessions(user["id"], "password-changed")
    rate_limit.clear("login-account", user["email"])
    # The new access token is issued at or after the cutoff second, so it passes the check.
    return start_session(updated, "password", device_token)


def accept_invite(token: str, password: str, name: str | None, client_address: str) -> Session:
    s = settings()
    rate_limit.acquire(
        "invite-address",
        rate_limit.client_key(client_address),
        s.login_max_per_address,
        s.login_window_seconds,
        "invite attempts from this address",
    )
    user = orgs.accept_with_token(token, password, name)
    return start_session(user, "invite")
