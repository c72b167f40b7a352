"""Authentication: password login, refresh rotation, logout, change-password, invite
acceptance and Microsoft sign-in. Logic lives in shared/services/identity.py and sso.py."""

import functions_framework

from shared.config import settings
from shared.errors import Unauthenticated
from shared.http import function_dispatcher
from shared.models.auth import AcceptInvite, ChangePassword, LoginRequest, MicrosoftCallback
from shared.services import identity, rate_limit, sso

SSO_COOKIE = "avp_sso"
SSO_COOKIE_PATH = "/api/v1/auth/microsoft"


def login(ctx):
    body = ctx.json(LoginRequest)
    user = identity.login(body.email, body.password, ctx.client_address)
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    return identity.start_session(user, "password")


def refresh(ctx):
    user, resp = identity.refresh_session(ctx.request)
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    return resp


def logout(ctx):
    ctx.audit["target"] = ctx.principal.user_id
    return identity.logout(ctx.principal, ctx.request)


def change_password(ctx):
    body = ctx.json(ChangePassword)
    ctx.audit["target"] = ctx.principal.user_id
    return identity.change_password(
        ctx.principal, ctx.request, body.current_password, body.new_password, ctx.client_address
    )


def accept_invite(ctx):
    body = ctx.json(AcceptInvite)
    user, resp = identity.accept_invite(body.token, body.password, body.name, ctx.client_address)
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    return resp


def microsoft_login(ctx):
    from flask import redirect

    s = settings()
    rate_limit.acquire(
        "sso-start",
        ctx.client_address,
        s.login_max_per_address,
        s.login_window_seconds,
        "sign-in attempts from this address",
    )
    url, binding = sso.begin()
    resp = redirect(url, code=302)
    resp.headers["Cache-Control"] = "no-store"
    resp.set_cookie(
        SSO_COOKIE,
        binding,
        max_age=sso.STATE_TTL_SECONDS,
        path=SSO_COOKIE_PATH,
        secure=s.cookie_secure,
        httponly=True,
        samesite="Lax",
    )
    return resp


def microsoft_callback(ctx):
    body = ctx.json(MicrosoftCallback)
    s = settings()
    rate_limit.acquire(
        "sso-address",
        ctx.client_address,
        s.login_max_per_address,
        s.login_window_seconds,
        "sign-in attempts from this address",
    )
    if body.error or not body.code:
        raise Unauthenticated("Microsoft sign-in was not completed")
    claims = sso.redeem(body.code, body.state, ctx.request.cookies.get(SSO_COOKIE))
    user = sso.user_for_claims(claims)
    ctx.audit.update(actor=user["id"], target=user["id"], org_id=user.get("org_id"))
    resp = identity.start_session(user, "microsoft")
    resp.delete_cookie(SSO_COOKIE, path=SSO_COOKIE_PATH, secure=s.cookie_secure, httponly=True, samesite="Lax")
    return resp


dispatch = function_dispatcher("auth", globals())


@functions_framework.http
def entry(request):
    return dispatch(request)
