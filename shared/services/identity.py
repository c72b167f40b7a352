"""Sign-in and sessions: password login, refresh rotation, logout, change-password, invite
acceptance, and the session response every sign-in path returns (access token in the body,
refresh token in an httpOnly cookie scoped to the auth path)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from shared.auth import refresh
from shared.auth.passwords import hash_password, strength_problem, verify_password
from shared.auth.tokens import Principal, issue_access_token
from shared.config import settings
from shared.errors import Forbidden, Unauthenticated, Unprocessable
from shared.http import json_response
from shared.services import orgs, rate_limit, users

COOKIE_NAME = "avp_refresh"
COOKIE_PATH = "/api/v1/auth"
_BAD_LOGIN = "Invalid email or password"


def session_response(user: dict[str, Any], issued: refresh.Issued, status: int = 200):
    """The LoginResponse body plus the refresh cookie."""
    body = {"access_token": issue_access_token(user), "token_type": "bearer", "user": users.ref(user)}
    resp = json_response(body, status, {"Cache-Control": "no-store", "Pragma": "no-cache"})
    set_refresh_cookie(resp, issued)
    return resp


def set_refresh_cookie(resp, issued: refresh.Issued) -> None:
    s = settings()
    resp.set_cookie(
        COOKIE_NAME,
        issued.token,
        max_age=max(0, issued.expires_at - int(time.time())),
        path=COOKIE_PATH,
        secure=s.cookie_secure,
        httponly=True,
        samesite="Strict",
    )


def clear_refresh_cookie(resp) -> None:
    s = settings()
    resp.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, secure=s.cookie_secure, httponly=True, samesite="Strict")


def start_session(user: dict[str, Any], via: str = "password"):
    return session_response(user, refresh.start_family(user["id"], via))


# --- login --------------------------------------------------------------------------------


def _limits():
    s = settings()
    return s.login_max_per_account, s.login_max_per_address, s.login_window_seconds


def login(email: str, password: str, client_address: str) -> dict[str, Any]:
    """The user for these credentials; 429 when the address or the account used up its
    attempts. The attempt is counted before the password is checked (so parallel guesses
    cannot overrun the limit, and a locked account is no password oracle); a success gives
    the address its attempt back and clears the account's count."""
    per_account, per_address, window = _limits()
    try:
        email = users.normalize_email(email)
    except Unprocessable:
        email = (email or "").strip().lower()[:254]
    rate_limit.acquire("login-address", client_address, per_address, window, "login attempts from this address")
    rate_limit.acquire("login-account", email, per_account, window, "failed logins for this account")
    user = users.find_by_email(email) if email else None
    ok = verify_password(user.get("password_hash") if user else None, password)
    if not ok or user.get("status", "active") != "active":
        if ok:  # right password, disabled account: say so (the caller proved who they are)
            raise Unauthenticated("This account is disabled")
        raise Unauthenticated(_BAD_LOGIN)
    rate_limit.refund("login-address", client_address, window)
    rate_limit.clear("login-account", email)
    return user


# --- refresh / logout -----------------------------------------------------------------------


def check_origin(request) -> None:
    """Cookie-authenticated endpoints refuse cross-site browser requests (defence in depth on
    top of SameSite=Strict): an Origin header, when present, must be an allowed origin."""
    origin = request.headers.get("Origin")
    if not origin:
        return
    s = settings()
    base = urlsplit(s.public_base_url)
    allowed = set(s.cors_origins) | {f"{base.scheme}://{base.netloc}"}
    host_origin = f"{request.scheme}://{request.host}"
    if origin not in allowed and origin != host_origin:
        raise Forbidden("Cross-site request refused")


def refresh_session(request):
    check_origin(request)
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        raise Unauthenticated("No refresh cookie; sign in again")
    user_id, issued = refresh.rotate(token)
    user = users.get_user(user_id)
    if user is None or user.get("status", "active") != "active":
        raise Unauthenticated("This account is disabled or no longer exists")
    return user, session_response(user, issued)


def logout(principal: Principal, request):
    """Revoke the presented refresh token's family (if it is this user's) and clear the cookie."""
    from flask import Response

    token = request.cookies.get(COOKIE_NAME)
    family = refresh.family_of(token) if token else None
    if family is not None and family.get("user_id") == principal.user_id:
        refresh.revoke_family(family["id"], "logout")
    resp = Response(status=204)
    clear_refresh_cookie(resp)
    return resp


# --- passwords ------------------------------------------------------------------------------


def change_password(principal: Principal, request, current: str, new: str, client_address: str):
    """Check the current password (rate limited like login), enforce strength, store the new
    hash, revoke every other session, and return a fresh session for this client."""
    per_account, _, window = _limits()
    user = users.get_user(principal.user_id)
    if user is None:
        raise Unauthenticated("This account no longer exists")
    rate_limit.acquire("password-account", user["id"], per_account, window, "failed password checks")
    if not verify_password(user.get("password_hash"), current):
        raise Forbidden("Current password is incorrect")
    rate_limit.clear("password-account", user["id"])
    problem = strength_problem(new, user["email"])
    if problem:
        raise Unprocessable(f"new_password: {problem}")
    if verify_password(user.get("password_hash"), new):
        raise Unprocessable("new_password: must differ from the current password")
    new_hash = hash_password(new)
    cutoff = int(time.time())

    def mutate(data):
        data.update(password_hash=new_hash, tokens_valid_after=cutoff, password_changed_at=cutoff)
        return data

    updated = users.update_user(user["id"], mutate)
    refresh.revoke_user_sessions(user["id"], "password-changed")
    issued = refresh.start_family(user["id"], "password")
    # The new access token is issued at or after the cutoff second, so it passes the check.
    return session_response(updated, issued)


def accept_invite(token: str, password: str, name: str | None, client_address: str):
    _, per_address, window = _limits()
    rate_limit.acquire("invite-address", client_address, per_address, window, "invite attempts from this address")
    user = orgs.accept_with_token(token, password, name)
    return user, start_session(user, "invite")
