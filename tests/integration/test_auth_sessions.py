"""Password login, refresh rotation with reuse detection, logout, change-password and
disabled accounts, through the local app against the real SQLite document store."""

import jwt
import pytest

from shared import config
from shared.bootstrap import platform
from shared.local.app import create_app
from shared.persistence.documents import Query
from tests.support import refresh_cookie, set_cookie_header, with_cookie

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
CHANGE = "/api/v1/auth/change-password"


def _login(client, user, password=None, **kw):
    return client.post(LOGIN, json={"email": user["email"], "password": password or user["password"]}, **kw)


def test_login_response_is_exact_and_sets_refresh_cookie(client, users):
    org = users.org()
    user = users.user("PM", org, email="Pat.Manager@Example.com".lower())
    resp = client.post(LOGIN, json={"email": "  PAT.MANAGER@example.com ", "password": user["password"]})
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"access_token", "token_type", "user"}
    assert body["token_type"] == "bearer"
    assert body["user"] == {"id": user["id"], "email": user["email"], "role": "PM", "org_id": org}
    claims = jwt.decode(body["access_token"], config.settings().jwt_secret, algorithms=["HS256"], audience="avp-api")
    assert {"sub", "role", "org_id", "iat", "exp", "jti"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 900 and claims["sub"] == user["id"] and claims["org_id"] == org
    cookie = set_cookie_header(resp, "avp_refresh")
    attrs = [a.strip() for a in cookie.split(";")]
    assert "HttpOnly" in attrs and "Secure" in attrs and "SameSite=Strict" in attrs and "Path=/api/v1/auth" in attrs
    assert resp.headers["Cache-Control"] == "no-store"
    # the token works on a protected endpoint
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.get_json()["email"] == user["email"]
    assert "password_hash" not in me.get_json()


def test_password_is_stored_as_argon2id(users, platform):
    user = users.user("CLIENT", users.org())
    assert platform.documents.get("users", user["id"])["password_hash"].startswith("$argon2id$")


def test_wrong_password_and_unknown_email_look_the_same(client, users):
    user = users.user("CLIENT", users.org())
    bad = _login(client, user, password="Wrong-Password-1")
    unknown = client.post(LOGIN, json={"email": "nobody@example.com", "password": "Whatever-123"})
    assert bad.status_code == unknown.status_code == 401
    assert bad.get_json() == unknown.get_json() == {"detail": "Invalid email or password"}
    assert refresh_cookie(bad) is None


def test_disabled_user_cannot_log_in(client, users):
    user = users.user("CLIENT", users.org(), status="disabled")
    resp = _login(client, user)
    assert resp.status_code == 401 and "disabled" in resp.get_json()["detail"]


def test_login_rate_limited_per_account_with_retry_after(client, users):
    config.configure(login_max_per_account=3, login_max_per_address=100, login_window_seconds=600)
    user = users.user("CLIENT", users.org())
    statuses = [_login(client, user, password="Wrong-Password-1").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    locked = _login(client, user)  # even the right password is refused while locked
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 601
    assert "try again" in locked.get_json()["detail"]
    # another account from the same address is unaffected
    other = users.user("CLIENT", users.org())
    assert _login(client, other).status_code == 200


def test_login_rate_limited_per_address_across_accounts(client, users):
    config.configure(login_max_per_account=100, login_max_per_address=4, login_window_seconds=600)
    org = users.org()
    victims = [users.user("CLIENT", org) for _ in range(2)]
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for i in range(4):
        assert _login(client, victims[i % 2], password="Wrong-Password-1", environ_base=here).status_code == 401
    resp = _login(client, victims[0], environ_base=here)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    # a different address still gets in
    assert _login(client, victims[0], environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200


def test_rate_limit_counters_live_in_the_document_store(app, users):
    """Two separate app instances (as two function instances) share the counters."""
    config.configure(login_max_per_account=2, login_window_seconds=600)
    user = users.user("CLIENT", users.org())
    first, second = app.test_client(), create_app().test_client()
    assert _login(first, user, password="Wrong-Password-1").status_code == 401
    assert _login(second, user, password="Wrong-Password-1").status_code == 401
    assert _login(first, user).status_code == 429
    docs = platform().documents.query(Query("rate_limits")).items
    assert docs and all(user["email"] not in str(d) for d in docs)  # keys are hashed


def test_successful_login_resets_account_failures(client, users):
    config.configure(login_max_per_account=3, login_window_seconds=600)
    user = users.user("CLIENT", users.org())
    for _ in range(2):
        _login(client, user, password="Wrong-Password-1")
    assert _login(client, user).status_code == 200
    for _ in range(2):
        assert _login(client, user, password="Wrong-Password-1").status_code == 401
    assert _login(client, user).status_code == 200


def test_refresh_rotates_and_reuse_revokes_the_family(app, client, users):
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    r1 = with_cookie(app, "POST", REFRESH, first)
    assert r1.status_code == 200
    assert set(r1.get_json()) == {"access_token", "token_type", "user"}
    second = refresh_cookie(r1)
    assert second and second != first
    r2 = with_cookie(app, "POST", REFRESH, second)
    assert r2.status_code == 200
    third = refresh_cookie(r2)
    # an attacker replays the first (already rotated) token: the whole family dies
    stolen = with_cookie(app, "POST", REFRESH, first)
    assert stolen.status_code == 401 and "already used" in stolen.get_json()["detail"]
    assert with_cookie(app, "POST", REFRESH, third).status_code == 401
    # a separate sign-in (another family) is unaffected
    other = refresh_cookie(_login(client, user))
    assert with_cookie(app, "POST", REFRESH, other).status_code == 200


def test_refresh_rejects_missing_garbage_and_forged_tokens(app, client, users):
    user = users.user("CLIENT", users.org())
    good = refresh_cookie(_login(client, user))
    token_id, _, secret = good.partition(".")
    assert with_cookie(app, "POST", REFRESH, None).status_code == 401
    assert with_cookie(app, "POST", REFRESH, "garbage").status_code == 401
    assert with_cookie(app, "POST", REFRESH, f"{token_id}.{'A' * len(secret)}").status_code == 401
    assert with_cookie(app, "POST", REFRESH, good).status_code == 200


def test_refresh_refuses_cross_site_origin(app, client, users):
    config.configure(cors_origins=("https://app.example",))
    user = users.user("CLIENT", users.org())
    token = refresh_cookie(_login(client, user))
    evil = with_cookie(app, "POST", REFRESH, token, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    ok = with_cookie(app, "POST", REFRESH, token, headers={"Origin": "https://app.example"})
    assert ok.status_code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert ok.headers["Access-Control-Allow-Credentials"] == "true"


def test_expired_refresh_token_is_refused(app, client, users):
    config.configure(refresh_ttl_seconds=0)
    user = users.user("CLIENT", users.org())
    token = refresh_cookie(_login(client, user))
    resp = with_cookie(app, "POST", REFRESH, token)
    assert resp.status_code == 401 and "expired" in resp.get_json()["detail"]


def test_logout_revokes_and_clears_cookie(app, client, users):
    user = users.user("CLIENT", users.org())
    login = _login(client, user)
    token, access = refresh_cookie(login), login.get_json()["access_token"]
    out = with_cookie(app, "POST", LOGOUT, token, headers={"Authorization": f"Bearer {access}"})
    assert out.status_code == 204
    cleared = set_cookie_header(out, "avp_refresh")
    assert "Max-Age=0" in cleared or "Expires=Thu, 01 Jan 1970" in cleared
    assert "Path=/api/v1/auth" in cleared
    assert with_cookie(app, "POST", REFRESH, token).status_code == 401
    assert with_cookie(app, "POST", LOGOUT, token).status_code == 401  # needs a bearer token


def test_logout_cannot_revoke_someone_elses_session(app, client, users):
    org = users.org()
    alice, bob = users.user("CLIENT", org), users.user("CLIENT", org)
    alice_token = refresh_cookie(_login(client, alice))
    with_cookie(app, "POST", LOGOUT, alice_token, headers=bob["headers"])
    assert with_cookie(app, "POST", REFRESH, alice_token).status_code == 200


def test_change_password_flow(app, client, users):
    user = users.user("CLIENT", users.org())
    other_session = _login(client, user)
    other_refresh, other_access = refresh_cookie(other_session), other_session.get_json()["access_token"]
    this_session = _login(client, user)
    auth = {"Authorization": f"Bearer {this_session.get_json()['access_token']}"}

    wrong = client.post(
        CHANGE, json={"current_password": "Nope-Nope-123", "new_password": "Brand-New-Pass-42"}, headers=auth
    )
    assert wrong.status_code == 403
    weak = client.post(CHANGE, json={"current_password": user["password"], "new_password": "short"}, headers=auth)
    assert weak.status_code == 422 and "at least 10" in weak.get_json()["detail"]  # the schema's minLength
    common = client.post(
        CHANGE, json={"current_password": user["password"], "new_password": "alllowercaseletters"}, headers=auth
    )
    assert common.status_code == 400  # well-formed, refused by the policy

    import time

    time.sleep(1.05)  # the cut-off is in whole seconds; tokens from the same second still pass
    ok = client.post(
        CHANGE, json={"current_password": user["password"], "new_password": "Brand-New-Pass-42"}, headers=auth
    )
    assert ok.status_code == 200
    new_access = ok.get_json()["access_token"]
    new_refresh = refresh_cookie(ok)
    # other sessions: refresh token revoked, access token refused
    assert with_cookie(app, "POST", REFRESH, other_refresh).status_code == 401
    assert client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {other_access}"}).status_code == 401
    # this client continues with the session it got back
    assert client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {new_access}"}).status_code == 200
    assert with_cookie(app, "POST", REFRESH, new_refresh).status_code == 200
    assert _login(client, user).status_code == 401
    assert _login(client, user, password="Brand-New-Pass-42").status_code == 200


@pytest.mark.parametrize("field,value", [("role", "CLIENT"), ("status", "disabled")])
def test_admin_changes_apply_to_outstanding_tokens(app, client, users, field, value):
    org = users.org()
    admin = users.user("ADMIN")
    pm = users.user("PM", org)
    session = _login(client, pm)
    token = refresh_cookie(session)
    access = {"Authorization": f"Bearer {session.get_json()['access_token']}"}
    assert client.get(f"/api/v1/organizations/{org}/members", headers=access).status_code == 200
    assert (
        client.patch(f"/api/v1/admin/users/{pm['id']}", json={field: value}, headers=admin["headers"]).status_code
        == 200
    )
    after = client.get(f"/api/v1/organizations/{org}/members", headers=access)
    if value == "disabled":
        assert after.status_code == 401
        assert with_cookie(app, "POST", REFRESH, token).status_code == 401
        assert _login(client, pm).status_code == 401
    else:
        assert after.status_code == 403  # the new role applies on the next request


def test_rate_limit_window_expires(client, users):
    import time

    config.configure(login_max_per_account=1, login_window_seconds=1)
    user = users.user("CLIENT", users.org())
    assert _login(client, user, password="Wrong-Password-1").status_code == 401
    locked = _login(client, user)
    assert locked.status_code == 429 and locked.headers["Retry-After"] in ("1", "2")
    time.sleep(1.1)
    assert _login(client, user).status_code == 200


def test_parallel_guesses_cannot_overrun_the_limit(app, users):
    import threading

    config.configure(login_max_per_account=3, login_max_per_address=100, login_window_seconds=600)
    user = users.user("CLIENT", users.org())
    results, barrier = [], threading.Barrier(8)

    def guess(i):
        c = app.test_client()
        barrier.wait()
        results.append(_login(c, user, password=f"Wrong-Guess-{i}").status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [401] * 3 + [429] * 5


def test_local_signing_secret_is_generated_once_in_the_data_folder(monkeypatch, tmp_path):
    import os
    import stat

    monkeypatch.delenv("AVP_JWT_SECRET")
    monkeypatch.setenv("AVP_DATA_DIR", str(tmp_path / "fresh"))
    config.reset()
    first = config.settings().jwt_secret
    path = tmp_path / "fresh" / "jwt-secret"
    assert path.read_text().strip() == first and len(first) >= 48
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    config.reset()
    assert config.settings().jwt_secret == first  # kept across restarts
