"""Microsoft sign-in (OpenID Connect authorization code flow with PKCE) through msal.

`begin()` asks msal for an auth-code flow (it makes state, nonce and the PKCE verifier), keeps
the flow server-side in `sso_states/<state>` for ten minutes, and returns the authorize URL.
`complete()` takes that flow back exactly once, lets msal redeem the code (sending the PKCE
verifier and the client secret), then validates the ID token itself with pyjwt: RS256
signature against the tenant's JWKS, issuer, audience (our client id), expiry, nonce and
tenant. msal does not validate ID tokens (it says so), hence the second step.

Accounts are bound to the immutable (`tid`, `oid`) pair of the Microsoft identity, never to
an email or username claim (the tenant controls those). An identity gets bound in exactly two
ways (decision 0902): a signed-in user links it (`begin(link_user_id=...)`), or the invitee
starts sign-in with their invite token (`begin(invite_id=...)`). Afterwards that identity signs
in to that account only. Tokens from tenants other than the configured one (or the
`ms_allowed_tenants` list for a multi-tenant app) are refused.

The authority is configurable (Settings.ms_authority, default
https://login.microsoftonline.com/<tenant>); for hosts msal does not know (a test issuer,
a sovereign cloud proxy) instance discovery and authority validation are turned off. A CA
bundle for the authority's TLS can be given as AVP_MS_CA_BUNDLE / settings.extra["ms_ca_bundle"].
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from shared import logs
from shared.auth import session
from shared.bootstrap import platform
from shared.config import settings
from shared.domain.accounts import is_active
from shared.errors import AlreadyExists, Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from shared.persistence.documents import Query, Transaction
from shared.services import orgs, users
from shared.timestamps import iso_at, now_iso

STATES = "sso_states"
IDENTITIES = "ms_identities"  # sha256(tid, oid) -> {user_id}: one account per identity
STATE_TTL_SECONDS = 600
LEEWAY_SECONDS = 30
_STATE_RE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
_MULTI_TENANT = frozenset({"", "common", "organizations", "consumers"})
_HTTP_CACHE: dict[str, Any] = {}  # msal's cache of discovery GETs, shared across requests
_meta_lock = threading.Lock()
_meta: dict[str, tuple[float, dict[str, Any]]] = {}  # url -> (fetched_at, json)
_META_TTL = 3600.0
log = logs.get("avp.sso")


class SsoConfig:
    def __init__(self) -> None:
        s = settings()
        if not (s.ms_client_id and s.ms_client_secret and (s.ms_tenant_id or s.ms_authority)):
            raise NotFound("Microsoft sign-in is not configured on this server")
        self.client_id = s.ms_client_id
        self.client_secret = s.ms_client_secret
        self.tenant_id = s.ms_tenant_id
        self.authority = (s.ms_authority or f"https://login.microsoftonline.com/{s.ms_tenant_id}").rstrip("/")
        self.redirect_uri = s.ms_redirect_uri or f"{s.public_base_url}/api/v1/auth/microsoft/callback"
        self.ca_bundle = s.extra.get("ms_ca_bundle") or os.environ.get("AVP_MS_CA_BUNDLE") or None

    @property
    def known_host(self) -> bool:
        from msal.authority import WELL_KNOWN_AUTHORITY_HOSTS

        return (urlsplit(self.authority).hostname or "") in WELL_KNOWN_AUTHORITY_HOSTS

    @property
    def discovery_url(self) -> str:
        # The Entra v2 layout msal itself uses for a "<host>/<tenant>" authority.
        return f"{self.authority}/v2.0/.well-known/openid-configuration"


def _session(cfg: SsoConfig) -> Any:  # a requests.Session
    import requests

    session = requests.Session()
    # Per request, not `session.verify`: requests lets REQUESTS_CA_BUNDLE override the latter.
    session.request = functools.partial(session.request, verify=cfg.ca_bundle or True, timeout=15)  # type: ignore[method-assign]
    return session


def _client(cfg: SsoConfig) -> Any:  # an msal.ConfidentialClientApplication
    import msal

    kwargs: dict[str, Any] = {}
    if not cfg.known_host:
        kwargs.update(validate_authority=False, instance_discovery=False)
    return msal.ConfidentialClientApplication(
        cfg.client_id,
        client_credential=cfg.client_secret,
        authority=cfg.authority,
        http_client=_session(cfg),
        http_cache=_HTTP_CACHE,
        token_cache=msal.TokenCache(),
        **kwargs,
    )


def _get_json(cfg: SsoConfig, url: str, force: bool = False) -> dict[str, Any]:
    now = time.monotonic()
    with _meta_lock:
        hit = _meta.get(url)
    if hit and not force and now - hit[0] < _META_TTL:
        return hit[1]
    resp = _session(cfg).get(url, timeout=10)
    resp.raise_for_status()
    data: dict[str, Any] = resp.json()
    with _meta_lock:
        _meta[url] = (now, data)
    return data


# --- step 1: redirect ---------------------------------------------------------------------


def begin(*, link_user_id: str | None = None, invite_id: str | None = None) -> tuple[str, str]:
    """Start a sign-in: returns (authorize URL to redirect the browser to, browser binding).
    The binding goes into a short-lived cookie; the callback must present it with the state,
    so a code+state pair captured or planted by someone else is useless (login CSRF).
    `link_user_id` (an authenticated user linking their Microsoft account) or `invite_id` (an
    invitee holding the invite token) are kept with the state and decide what the callback
    binds."""
    cfg = SsoConfig()
    import warnings

    try:
        with warnings.catch_warnings():
            # The browser lands on the front end's page, which relays code+state by fetch
            # (docs/decisions/0102); form_post would need a cross-site POST to the API instead.
            warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
            flow = _client(cfg).initiate_auth_code_flow(
                scopes=[], redirect_uri=cfg.redirect_uri, prompt="select_account"
            )
    except Exception:
        log.exception("microsoft authority unavailable")
        raise Invalid("Microsoft sign-in is unavailable right now; try again later") from None
    binding = secrets.token_urlsafe(24)
    expires = int(time.time()) + STATE_TTL_SECONDS
    platform().documents.create(
        STATES,
        flow["state"],
        {
            "flow": flow,
            "binding_sha256": _sha(binding),
            "purpose": {"link_user_id": link_user_id, "invite_id": invite_id},
            "expires_epoch": expires,
            "expire_at": iso_at(expires),
            "created_at": now_iso(),
        },
    )
    return flow["auth_uri"], binding


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _take_state(state: str, binding: str | None) -> dict[str, Any]:
    """The stored state document for `state` (flow and purpose), deleted in the same
    transaction: each state works once."""
    import hmac

    unknown = Invalid("Unknown or expired sign-in state; start again")
    if not _STATE_RE.match(state or ""):
        raise unknown

    def run(tx: Transaction) -> dict[str, Any] | None:
        doc = tx.get(STATES, state)
        if doc is not None:
            tx.delete(STATES, state)
        return doc

    doc = platform().documents.transaction(run)
    if doc is None or int(doc.get("expires_epoch", 0)) <= time.time():
        raise unknown
    if not binding or not hmac.compare_digest(doc.get("binding_sha256", ""), _sha(binding)):
        raise Invalid("This sign-in was started in another browser; start again")
    return doc


# --- step 2: callback ---------------------------------------------------------------------


def nonce_hash(nonce: str) -> str:
    """What msal puts in the authorize request (and so what the ID token must echo)."""
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


def validate_id_token(
    id_token: str, *, jwks: dict[str, Any], issuer: str, audience: str, nonce: str, tenant_id: str = ""
) -> dict[str, Any]:
    """Verify an ID token; returns its claims or raises Unauthenticated.

    RS256 only; the key is chosen by `kid` from `jwks`; `issuer` may hold Microsoft's
    `{tenantid}` placeholder (multi-tenant metadata), filled from the token's `tid`."""
    import jwt

    bad = Unauthenticated("Microsoft sign-in failed: the identity token is not valid")
    try:
        header = jwt.get_unverified_header(id_token)
        unverified = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise bad from None
    if header.get("alg") != "RS256":
        raise bad
    key = None
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == header.get("kid") and jwk.get("kty") == "RSA" and jwk.get("use", "sig") == "sig":
            try:
                key = jwt.PyJWK(jwk, algorithm="RS256").key
            except jwt.PyJWTError:
                key = None
            break
    if key is None:
        raise bad
    tid = str(unverified.get("tid") or "")
    expected_issuer = issuer.replace("{tenantid}", tid) if "{tenantid}" in issuer else issuer
    try:
        claims = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=audience,
            issuer=expected_issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce", "tid"]},
        )
    except jwt.PyJWTError:
        raise bad from None
    import hmac

    if not hmac.compare_digest(str(claims.get("nonce")), nonce_hash(nonce)):
        raise bad
    if tenant_id.lower() not in _MULTI_TENANT and claims.get("tid") != tenant_id:
        raise bad
    return claims


def _jwks(cfg: SsoConfig, meta: dict[str, Any], kid: str | None) -> dict[str, Any]:
    jwks = _get_json(cfg, meta["jwks_uri"])
    if kid and not any(k.get("kid") == kid for k in jwks.get("keys", [])):
        jwks = _get_json(cfg, meta["jwks_uri"], force=True)  # keys rotate: refetch once
    return jwks


def redeem(code: str, state: str, binding: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Exchange the authorization code; returns (validated ID token claims, the purpose the
    sign-in was started with)."""
    import jwt

    cfg = SsoConfig()
    doc = _take_state(state, binding)
    flow = doc["flow"]
    failed = Unauthenticated("Microsoft sign-in failed; start again")
    try:
        result = _client(cfg).acquire_token_by_auth_code_flow(flow, {"code": code, "state": state})
    except (ValueError, RuntimeError) as exc:  # state or nonce mismatch inside msal
        log.warning("msal rejected the auth response: %s", type(exc).__name__)
        raise failed from None
    except Exception:
        log.exception("microsoft token endpoint unavailable")
        raise Invalid("Microsoft sign-in is unavailable right now; try again later") from None
    if "error" in result or not result.get("id_token"):
        log.warning("token endpoint refused the code: %s", result.get("error"))
        raise failed
    try:
        meta = _get_json(cfg, cfg.discovery_url)
        kid = jwt.get_unverified_header(result["id_token"]).get("kid")
        jwks = _jwks(cfg, meta, kid)
    except jwt.PyJWTError:
        raise failed from None
    except Exception:
        log.exception("microsoft signing keys unavailable")
        raise Invalid("Microsoft sign-in is unavailable right now; try again later") from None
    claims = validate_id_token(
        result["id_token"],
        jwks=jwks,
        issuer=meta["issuer"],
        audience=cfg.client_id,
        nonce=flow["nonce"],
        tenant_id=cfg.tenant_id,
    )
    return claims, doc.get("purpose") or {}


def allowed_tenants() -> frozenset[str]:
    """Tenants whose identities may sign in: the configured tenant (unless it is one of the
    multi-tenant names) plus `ms_allowed_tenants`. Empty means nobody."""
    cfg = settings()
    allowed = {t.strip().lower() for t in cfg.ms_allowed_tenants if t.strip()}
    if cfg.ms_tenant_id.lower() not in _MULTI_TENANT:
        allowed.add(cfg.ms_tenant_id.lower())
    return frozenset(allowed)


def identity_key(tid: str, oid: str) -> str:
    return hashlib.sha256(f"{tid.lower()}\x00{oid.lower()}".encode()).hexdigest()


def find_by_identity(tid: str, oid: str) -> dict[str, Any] | None:
    """The user bound to this Microsoft identity: through the `ms_identities` index, else
    (accounts bound before the index existed) by the stored ms_oid + ms_tid."""
    docs = platform().documents
    entry = docs.get(IDENTITIES, identity_key(tid, oid))
    if entry is not None:
        user = users.get_user(entry["user_id"])
        if user is not None and user.get("ms_oid") == oid and user.get("ms_tid") == tid:
            return user
    for user in docs.query(Query(users.USERS, where=[("ms_oid", "==", oid)], limit=10)).items:
        if user.get("ms_tid") == tid:
            return user
    return None


def _identity(claims: dict[str, Any]) -> tuple[str, str]:
    oid, tid = str(claims.get("oid") or ""), str(claims.get("tid") or "")
    if not oid or not tid:
        raise Forbidden("Your Microsoft account did not identify itself (no object id); ask your administrator")
    if tid.lower() not in allowed_tenants():
        raise Forbidden("Accounts of your Microsoft organisation (tenant) may not sign in here")
    return tid, oid


def link(user_id: str, tid: str, oid: str) -> dict[str, Any]:
    """Bind the identity to this (active) user, in one transaction with its index entry."""
    key = identity_key(tid, oid)

    def run(tx: Transaction) -> dict[str, Any]:
        user = tx.get(users.USERS, user_id)
        if not is_active(user):
            raise Unauthenticated("This account is disabled or no longer exists")
        if user.get("ms_oid") and (user.get("ms_oid"), user.get("ms_tid")) != (oid, tid):
            raise Conflict("This account is already linked to another Microsoft account")
        entry = tx.get(IDENTITIES, key)
        if entry is not None and entry.get("user_id") != user_id:
            raise Conflict("This Microsoft account is already linked to another account here")
        if entry is None:
            tx.create(IDENTITIES, key, {"user_id": user_id, "linked_at": now_iso()})
        data = {k: v for k, v in user.items() if k not in ("id", "_version")}
        data.update(ms_oid=oid, ms_tid=tid, updated_at=now_iso())
        return tx.update(users.USERS, user_id, data, expected_version=user["_version"])

    try:
        linked: dict[str, Any] = platform().documents.transaction(run)
    except AlreadyExists:
        raise Conflict("This Microsoft account is already linked to another account here") from None
    session.forget(user_id)
    return linked


def _accept_invite(invite_id: str, claims: dict[str, Any], tid: str, oid: str) -> dict[str, Any]:
    invite = platform().documents.get(orgs.INVITES, invite_id)
    if invite is None:
        raise Invalid("Invalid or expired invite")
    if find_by_identity(tid, oid) is not None:
        raise Conflict("This Microsoft account already has an account here; sign in with Microsoft instead")
    name = str(claims.get("name") or "")[:200]
    user = orgs.accept_for_sso(invite, name, {"ms_oid": oid, "ms_tid": tid})
    try:
        platform().documents.create(IDENTITIES, identity_key(tid, oid), {"user_id": user["id"], "linked_at": now_iso()})
    except AlreadyExists:
        log.warning("identity index entry already present for a new invitee")
    return user


def user_for_claims(claims: dict[str, Any], purpose: dict[str, Any] | None = None) -> dict[str, Any]:
    """The account these verified claims sign in to (decision 0902): the account linking it
    (`purpose.link_user_id`), the invitee's new account (`purpose.invite_id`), or the account
    already bound to this (tid, oid). Never an account found by email. Otherwise 403."""
    tid, oid = _identity(claims)
    purpose = purpose or {}
    if purpose.get("link_user_id"):
        return link(purpose["link_user_id"], tid, oid)
    if purpose.get("invite_id"):
        return _accept_invite(purpose["invite_id"], claims, tid, oid)
    user = find_by_identity(tid, oid)
    if user is None:
        raise Forbidden(
            "This Microsoft account is not linked to an account here: sign in with your password and "
            "link it from your profile, or open your invite link"
        )
    if not is_active(user):
        raise Unauthenticated("This account is disabled")
    return user
