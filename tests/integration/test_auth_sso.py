"""Microsoft sign-in end to end: our msal-based flow against a local OIDC issuer over HTTPS
(real RSA keys, JWKS, PKCE, single-use codes). The browser is played by `requests`."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from shared import config
from shared.bootstrap import platform
from shared.services import sso
from tests.support import refresh_cookie
from tests.support.oidc_issuer import OidcIssuer

V1 = "/api/v1"


@pytest.fixture
def idp(tmp_path):
    with OidcIssuer(folder=tmp_path) as issuer:
        config.configure(
            ms_client_id=issuer.client_id,
            ms_client_secret=issuer.client_secret,
            ms_tenant_id=issuer.tenant,
            ms_authority=issuer.authority,
            ms_redirect_uri="https://app.example/sso/callback",
            extra={"ms_ca_bundle": str(issuer.ca_path)},
        )
        yield issuer


def _start(client):
    resp = client.get(f"{V1}/auth/microsoft/login")
    assert resp.status_code == 302
    return resp


def _browser_signs_in(idp, login_resp, email, oid="oid-1"):
    """The user's browser follows the redirect; the issuer signs `email` in and redirects back."""
    idp.next_user = {"email": email, "oid": oid, "name": "Sam Sso"}
    resp = requests.get(login_resp.headers["Location"], verify=str(idp.ca_path), allow_redirects=False, timeout=10)
    assert resp.status_code == 302
    back = urlsplit(resp.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == "https://app.example/sso/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def _sign_in(client, idp, email, oid="oid-1"):
    return client.post(f"{V1}/auth/microsoft/callback", json=_browser_signs_in(idp, _start(client), email, oid))


def test_authorize_redirect_has_state_nonce_pkce(client, idp):
    resp = _start(client)
    url = urlsplit(resp.headers["Location"])
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"https://{url.netloc}{url.path}" == f"{idp.authority}/oauth2/v2.0/authorize"
    assert q["client_id"] == idp.client_id and q["response_type"] == "code"
    assert q["state"] and q["nonce"] and q["code_challenge_method"] == "S256" and len(q["code_challenge"]) >= 43
    assert "openid" in q["scope"].split()
    stored = platform().documents.get("sso_states", q["state"])
    assert stored is not None and stored["expires_epoch"] > 0
    cookie = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("avp_sso=")][0]
    assert "HttpOnly" in cookie and "Secure" in cookie and "Path=/api/v1/auth/microsoft" in cookie


def _bound_user(users, idp, role="CLIENT", email="sam@example.com", oid="oid-1", status="active"):
    """A user whose account is linked to the Microsoft identity (idp tenant, oid)."""
    user = users.user(role, None if role == "ADMIN" else users.org(), email=email)
    sso.link(user["id"], idp.tenant, oid)
    if status != "active":
        docs = platform().documents
        doc = docs.get("users", user["id"])
        data = {k: v for k, v in doc.items() if k not in ("id", "_version")}
        docs.update("users", user["id"], {**data, "status": status}, expected_version=doc["_version"])
    return user


def _link(app, idp, user, oid):
    """The signed-in user starts linking; their browser signs in to Microsoft as `oid`."""
    browser = app.test_client()
    start = browser.post(f"{V1}/auth/microsoft/link", headers=user["headers"])
    assert start.status_code == 200, start.get_json()
    url = start.get_json()["authorize_url"]
    idp.next_user = {"email": "whatever@elsewhere.example", "oid": oid, "name": "Sam Sso"}
    resp = requests.get(url, verify=str(idp.ca_path), allow_redirects=False, timeout=10)
    back = {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}
    return browser.post(f"{V1}/auth/microsoft/callback", json=back)


def test_an_email_claim_never_signs_in_to_an_existing_account(client, idp, users):
    """The tenant controls email/preferred_username: a matching claim must not take the ADMIN."""
    admin = users.user("ADMIN", email="boss@example.com")
    resp = _sign_in(client, idp, "boss@example.com", oid="oid-attacker")
    assert resp.status_code == 403 and "not linked" in resp.get_json()["detail"]
    assert refresh_cookie(resp) is None
    assert platform().documents.get("users", admin["id"]).get("ms_oid") is None


def test_linking_binds_the_tid_oid_pair(app, client, idp, users):
    org = users.org()
    user = users.user("CLIENT", org, email="sam@example.com")
    resp = _link(app, idp, user, "oid-sam")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["user"] == {"id": user["id"], "email": "sam@example.com", "role": "CLIENT", "org_id": org}
    assert refresh_cookie(resp)
    token_req = idp.token_requests[-1]
    assert token_req["grant_type"] == "authorization_code" and token_req["code_verifier"]
    assert token_req["client_secret"] == idp.client_secret
    stored = platform().documents.get("users", user["id"])
    assert (stored["ms_oid"], stored["ms_tid"]) == ("oid-sam", idp.tenant)
    # Signing in now finds the account by (tid, oid), whatever the email claim says.
    assert _sign_in(client, idp, "renamed@example.com", oid="oid-sam").get_json()["user"]["id"] == user["id"]
    # Another identity presenting the same email is refused.
    assert _sign_in(client, idp, "sam@example.com", oid="oid-impostor").status_code == 403
    # One identity, one account: another user cannot link the same Microsoft account.
    other = users.user("CLIENT", org)
    assert _link(app, idp, other, "oid-sam").status_code == 409
    # and a linked account cannot be re-linked to a different identity
    assert _link(app, idp, user, "oid-other").status_code == 409


def test_linking_needs_a_signed_in_user(client, idp):
    assert client.post(f"{V1}/auth/microsoft/link").status_code == 401


def test_invite_is_accepted_only_through_its_token(client, idp, users):
    org = users.org()
    admin = users.user("ADMIN")
    invite = client.post(
        f"{V1}/organizations/{org}/invite",
        json={"email": "new@example.com", "role": "LINGUIST"},
        headers=admin["headers"],
    ).get_json()
    # A Microsoft identity that merely claims the invited email gets nothing.
    assert _sign_in(client, idp, "new@example.com", oid="oid-squatter").status_code == 403
    assert platform().documents.get("invites", invite["id"])["status"] == "pending"
    # The invitee opens the invite link, which starts sign-in with the token.
    start = client.get(f"{V1}/auth/microsoft/login?invite={invite['token']}")
    assert start.status_code == 302
    resp = client.post(f"{V1}/auth/microsoft/callback", json=_browser_signs_in(idp, start, "x@y.example", "oid-new"))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["user"]["role"] == "LINGUIST" and resp.get_json()["user"]["org_id"] == org
    assert platform().documents.get("invites", invite["id"])["status"] == "accepted"
    assert _sign_in(client, idp, "x@y.example", oid="oid-new").status_code == 200
    # A used or forged invite token cannot start a sign-in.
    assert client.get(f"{V1}/auth/microsoft/login?invite={invite['token']}").status_code == 400
    assert client.get(f"{V1}/auth/microsoft/login?invite=forged.token").status_code == 400


def test_unknown_identity_is_refused(client, idp):
    resp = _sign_in(client, idp, "stranger@example.com")
    assert resp.status_code == 403 and "invite" in resp.get_json()["detail"]


def test_unknown_tenants_are_refused_unless_configured(client, idp, users):
    config.configure(ms_tenant_id="organizations")  # a multi-tenant app
    other_tenant = "99999999-9999-9999-9999-999999999999"
    user = _bound_user(users, idp, oid="oid-1")
    idp.tamper = {"tid": other_tenant}
    resp = _sign_in(client, idp, "sam@example.com", oid="oid-1")
    assert resp.status_code == 403 and "tenant" in resp.get_json()["detail"]
    idp.tamper = {}
    resp = _sign_in(client, idp, "sam@example.com", oid="oid-1")
    assert resp.status_code == 403  # multi-tenant with no allowed list: nobody
    config.configure(ms_allowed_tenants=(idp.tenant,))
    assert _sign_in(client, idp, "sam@example.com", oid="oid-1").get_json()["user"]["id"] == user["id"]
    idp.tamper = {"tid": other_tenant}  # same oid in another tenant is another identity
    assert _sign_in(client, idp, "sam@example.com", oid="oid-1").status_code == 403


def test_disabled_user_is_refused(client, idp, users):
    _bound_user(users, idp, email="off@example.com", oid="oid-off", status="disabled")
    assert _sign_in(client, idp, "off@example.com", oid="oid-off").status_code == 401


@pytest.mark.parametrize(
    "tamper",
    [
        {"sign_with_other_key": True},
        {"iss": "https://127.0.0.1:1/evil/v2.0"},
        {"aud": "some-other-app"},
        {"exp": 1_000_000_000, "iat": 999_999_000, "nbf": 999_999_000},
        {"tid": "99999999-9999-9999-9999-999999999999"},
        {"alg": "HS256"},
        {"kid": "unknown-kid"},
        {"nonce": "0" * 64},
    ],
    ids=["signature", "issuer", "audience", "expired", "tenant", "hs256", "kid", "nonce"],
)
def test_bad_id_tokens_are_refused(client, idp, users, tamper):
    users.user("CLIENT", users.org(), email="sam@example.com")
    idp.tamper = tamper
    resp = _sign_in(client, idp, "sam@example.com")
    assert resp.status_code == 401, resp.get_json()
    assert refresh_cookie(resp) is None


def test_state_is_single_use_and_bound_to_the_browser(app, client, idp, users):
    _bound_user(users, idp)
    auth = _browser_signs_in(idp, _start(client), "sam@example.com")
    # another browser (no binding cookie) cannot complete this sign-in
    stranger = app.test_client()
    assert stranger.post(f"{V1}/auth/microsoft/callback", json=auth).status_code == 400
    # and the state was consumed by that attempt
    assert client.post(f"{V1}/auth/microsoft/callback", json=auth).status_code == 400
    # a fresh flow works, but only once
    auth = _browser_signs_in(idp, _start(client), "sam@example.com")
    assert client.post(f"{V1}/auth/microsoft/callback", json=auth).status_code == 200
    assert client.post(f"{V1}/auth/microsoft/callback", json=auth).status_code == 400


def test_code_for_another_flow_fails_pkce(client, idp, users):
    """A code issued for flow A, replayed with flow B's state, fails PKCE at the token endpoint."""
    users.user("CLIENT", users.org(), email="sam@example.com")
    first = _browser_signs_in(idp, _start(client), "sam@example.com")
    second = _browser_signs_in(idp, _start(client), "sam@example.com")
    resp = client.post(f"{V1}/auth/microsoft/callback", json={"code": first["code"], "state": second["state"]})
    assert resp.status_code == 401


def test_error_response_and_unconfigured(client, idp):
    start = _start(client)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    resp = client.post(f"{V1}/auth/microsoft/callback", json={"state": state, "error": "access_denied"})
    assert resp.status_code == 401
    config.configure(ms_client_id="")
    assert client.get(f"{V1}/auth/microsoft/login").status_code == 404


def test_starting_sign_ins_is_rate_limited(client, idp):
    config.configure(login_max_per_address=2, login_window_seconds=600)
    assert [client.get(f"{V1}/auth/microsoft/login").status_code for _ in range(3)] == [302, 302, 429]
