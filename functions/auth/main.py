"""Authentication: password login, refresh rotation, logout, change-password, invite
acceptance and Microsoft sign-in. Logic lives in shared/services/identity.py and sso.py; this
module is the HTTP edge: it reads and sets the cookies.

Cookies (all httpOnly, Secure unless AVP_COOKIE_SECURE=0):
- `avp_refresh`: the refresh token, path /api/v1/auth, SameSite=Strict;
- `avp_device`: the device token (decision 0900), path /api/v1/auth, SameSite=Strict, one year;
- `avp_sso`: the browser binding of a Microsoft sign-in, path /api/v1/auth/microsoft, Lax.
"""

import time

import functions_framework
from flask import Response, redirect

from shared.config import settings
from shared.errors import Unauthenticated
from shared.http import function_dispatcher, json_response
from shared.models.auth import AcceptInvite, ChangePassword, LoginRequest, MicrosoftCallback
from shared.realtime import tickets
from shared.services import identity, orgs, rate_limit, sso

REFRESH_COOKIE = "avp_refresh"
DEVICE_COOKIE = "avp_device"
AUTH_COOKIE_PATH = "/api/v1/auth"
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600
SSO_COOKIE = "avp_sso"
SSO_COOKIE_PATH = "/api/v1/auth/microsoft"


def _session_response(session: identity.Session, status: int = 200) -> Response:
    """The LoginResponse body plus the refresh and device cookies."""
    secure = settings().cookie_secure
    resp = json_response(session.body(), status, {"Cache-Control": "no-store", "Pragma": "no-cache"})
    resp.set_cookie(
        REFRESH_COOKIE,
        session.refresh.token,
        max_age=max(0, session.refresh.expires_at - int(time.time())),
        path=AUTH_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="Strict",
    )
    resp.set_cookie(
        DEVICE_COOKIE,
        session.device_token,
        max_age=DEVICE_COOKIE_SECONDS,
        path=AUTH_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="Strict",
    )
    return resp


def _host_origin(request) -> str:
    return f"{request.scheme}://{request.host}"


def login(ctx):
    body = ctx.json(LoginRequest)
    session = identity.login(body.email, body.password, ctx.client_address, ctx.request.cookies.get(DEVICE_COOKIE))
    user = session.user
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    return _session_response(session)


def refresh(ctx):
    request = ctx.request
    identity.check_origin(request.headers.get("Origin"), _host_origin(request))
    session = identity.refresh_session(request.cookies.get(REFRESH_COOKIE), request.cookies.get(DEVICE_COOKIE))
    user = session.user
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    return _session_response(session)


def logout(ctx):
    ctx.audit["target"] = ctx.principal.user_id
    identity.logout(ctx.principal, ctx.request.cookies.get(REFRESH_COOKIE))
    resp = Response(status=204)
    resp.delete_cookie(
        REFRESH_COOKIE, path=AUTH_COOKIE_PATH, secure=settings().cookie_secure, httponly=True, samesite="Strict"
    )
    return resp


def change_password(ctx):
    body = ctx.json(ChangePassword)
    ctx.audit["target"] = ctx.principal.user_id
    session = identity.change_password(
        ctx.principal, body.current_password, body.new_password, ctx.request.cookies.get(DEVICE_COOKIE)
    )
    return _session_response(session)


def accept_invite(ctx):
    body = ctx.json(AcceptInvite)
    session = identity.accept_invite(body.token, body.password, body.name, ctx.client_address)
    user = session.user
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    return _session_response(session)


def ws_ticket(ctx):
    rate_limit.acquire("ws-ticket", ctx.principal.user_id, 120, 60, "WebSocket tickets")
    ctx.audit["target"] = ctx.principal.user_id
    return json_response(tickets.issue(ctx.principal), 200, {"Cache-Control": "no-store"})


def microsoft_login(ctx):
    s = settings()
    rate_limit.acquire(
        "sso-start",
        rate_limit.client_key(ctx.client_address),
        s.login_max_per_address,
        s.login_window_seconds,
        "sign-in attempts from this address",
    )
    invite_token = ctx.arg("invite")
    invite_id = orgs.invite_for_token(invite_token)["id"] if invite_token else None
    url, binding = sso.begin(invite_id=invite_id)
    resp = redirect(url, code=302)
    resp.headers["Cache-Control"] = "no-store"
    _set_sso_cookie(resp, binding)
    return resp


def _set_sso_cookie(resp: Response, binding: str) -> None:
    resp.set_cookie(
        SSO_COOKIE,
        binding,
        max_age=sso.STATE_TTL_SECONDS,
        path=SSO_COOKIE_PATH,
        secure=settings().cookie_secure,
        httponly=True,
        samesite="Lax",
    )


def microsoft_link(ctx):
    """Start linking the signed-in user's account to a Microsoft identity: the browser goes to
    `authorize_url` and the callback binds the identity that signs in there (decision 0902)."""
    url, binding = sso.begin(link_user_id=ctx.principal.user_id)
    ctx.audit["target"] = ctx.principal.user_id
    resp = json_response({"authorize_url": url}, 200, {"Cache-Control": "no-store"})
    _set_sso_cookie(resp, binding)
    return resp


def microsoft_callback(ctx):
    body = ctx.json(MicrosoftCallback)
    s = settings()
    rate_limit.acquire(
        "sso-address",
        rate_limit.client_key(ctx.client_address),
        s.login_max_per_address,
        s.login_window_seconds,
        "sign-in attempts from this address",
    )
    if body.error or not body.code:
        raise Unauthenticated("Microsoft sign-in was not completed")
    claims, purpose = sso.redeem(body.code, body.state, ctx.request.cookies.get(SSO_COOKIE))
    user = sso.user_for_claims(claims, purpose)
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    resp = _session_response(identity.start_session(user, "microsoft", ctx.request.cookies.get(DEVICE_COOKIE)))
    resp.delete_cookie(SSO_COOKIE, path=SSO_COOKIE_PATH, secure=s.cookie_secure, httponly=True, samesite="Lax")
    return resp


dispatch = function_dispatcher("auth", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)
