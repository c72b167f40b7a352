"""Refresh-token reuse grace (decision 0104): a rotated token presented again within
`refresh_reuse_grace_seconds` of its rotation, while its family is active and its successor
unused, gets the same successor; anything else is reuse and revokes the family. Through the
local app on the real SQLite store, and the rotation itself on the Firestore emulator."""

import threading
import time

import pytest

from shared import bootstrap, config
from shared.auth import refresh
from shared.bootstrap import platform
from shared.errors import Unauthenticated
from shared.persistence.documents import Query
from tests.integration.emulators import gcp_emulators, unique_project  # noqa: F401
from tests.support import refresh_cookie, with_cookie

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
CHANGE = "/api/v1/auth/change-password"
ME = "/api/v1/users/me"


def _login(client, user):
    resp = client.post(LOGIN, json={"email": user["email"], "password": user["password"]})
    assert resp.status_code == 200
    return resp


def _bearer(resp):
    return {"Authorization": f"Bearer {resp.get_json()['access_token']}"}


def _concurrently(n, fn):
    """Run fn(i) in n threads released together; results in thread order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _token_docs():
    return platform().documents.query(Query("refresh_tokens")).items


def test_concurrent_refreshes_with_one_cookie_all_get_the_same_new_cookie(app, client, users):
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    responses = _concurrently(4, lambda i: with_cookie(app, "POST", REFRESH, first))
    assert [r.status_code for r in responses] == [200] * 4
    cookies = {refresh_cookie(r) for r in responses}
    assert len(cookies) == 1
    successor = cookies.pop()
    assert successor and successor != first
    for r in responses:  # every caller got a working access token for this user
        me = client.get(ME, headers=_bearer(r))
        assert me.status_code == 200 and me.get_json()["id"] == user["id"]
    # exactly one rotation happened: the login token and one successor, nothing else
    docs = _token_docs()
    assert sorted(d["status"] for d in docs) == ["active", "rotated"]
    # no raw token (nor its secret) is stored anywhere
    secret = successor.partition(".")[2]
    assert all(secret not in str(d) for d in docs)
    # the shared successor is an ordinary single-use token afterwards
    nxt = with_cookie(app, "POST", REFRESH, successor)
    assert nxt.status_code == 200 and refresh_cookie(nxt) not in (first, successor)


def test_sequential_retry_within_the_window_gets_the_same_successor(app, client, users):
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    a = with_cookie(app, "POST", REFRESH, first)
    b = with_cookie(app, "POST", REFRESH, first)
    assert a.status_code == b.status_code == 200
    assert refresh_cookie(a) == refresh_cookie(b)
    cookie = [h for h in b.headers.getlist("Set-Cookie") if h.startswith("avp_refresh=")][0]
    assert "HttpOnly" in cookie and "Path=/api/v1/auth" in cookie and b.headers["Cache-Control"] == "no-store"
    assert with_cookie(app, "POST", REFRESH, refresh_cookie(b)).status_code == 200


def test_reuse_after_the_window_revokes_the_family(app, client, users):
    config.configure(refresh_reuse_grace_seconds=1)
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    r1 = with_cookie(app, "POST", REFRESH, first)
    assert r1.status_code == 200
    second = refresh_cookie(r1)
    time.sleep(1.1)
    late = with_cookie(app, "POST", REFRESH, first)
    assert late.status_code == 401 and "already used" in late.get_json()["detail"]
    assert refresh_cookie(late) is None
    assert with_cookie(app, "POST", REFRESH, second).status_code == 401  # the successor died with the family
    fam = platform().documents.query(Query("refresh_families")).items
    assert [(f["status"], f["revoked_reason"]) for f in fam] == [("revoked", "reuse")]
    # the re-issue link is wiped with the revocation
    assert all("successor_id" not in d for d in _token_docs() if d["status"] == "rotated")


def test_reuse_after_the_successor_was_rotated_revokes_the_family(app, client, users):
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    second = refresh_cookie(with_cookie(app, "POST", REFRESH, first))
    r2 = with_cookie(app, "POST", REFRESH, second)
    assert r2.status_code == 200
    third = refresh_cookie(r2)
    # using the successor wiped the predecessor's link to it
    first_doc = platform().documents.get("refresh_tokens", first.partition(".")[0])
    assert first_doc["status"] == "rotated" and "successor_id" not in first_doc
    stolen = with_cookie(app, "POST", REFRESH, first)  # well within the window, but the successor was used
    assert stolen.status_code == 401 and "already used" in stolen.get_json()["detail"]
    assert with_cookie(app, "POST", REFRESH, third).status_code == 401
    assert with_cookie(app, "POST", REFRESH, second).status_code == 401
    # another sign-in of the same user is unaffected
    assert with_cookie(app, "POST", REFRESH, refresh_cookie(_login(client, user))).status_code == 200


def test_concurrent_reuse_of_a_used_token_cannot_ride_the_grace(app, client, users):
    """first→second→third; then `first` and `second` are presented together: `first`'s successor
    was used, so the family dies whatever the order, and no one gets a cookie."""
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    second = refresh_cookie(with_cookie(app, "POST", REFRESH, first))
    third = refresh_cookie(with_cookie(app, "POST", REFRESH, second))
    results = _concurrently(2, lambda i: with_cookie(app, "POST", REFRESH, [first, third][i]))
    assert results[0].status_code == 401
    assert refresh_cookie(results[0]) is None
    # `third` either rotated first (then its successor dies with the family) or met a revoked family
    fourth = refresh_cookie(results[1]) if results[1].status_code == 200 else None
    if fourth:
        assert with_cookie(app, "POST", REFRESH, fourth).status_code == 401
    assert with_cookie(app, "POST", REFRESH, third).status_code == 401


def test_grace_zero_restores_strict_reuse_detection(app, client, users):
    config.configure(refresh_reuse_grace_seconds=0)
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    second = refresh_cookie(with_cookie(app, "POST", REFRESH, first))
    again = with_cookie(app, "POST", REFRESH, first)
    assert again.status_code == 401 and "already used" in again.get_json()["detail"]
    assert with_cookie(app, "POST", REFRESH, second).status_code == 401


@pytest.mark.parametrize("present", ["rotated", "successor"])
def test_logout_still_revokes_within_the_window(app, client, users, present):
    user = users.user("CLIENT", users.org())
    login = _login(client, user)
    first = refresh_cookie(login)
    second = refresh_cookie(with_cookie(app, "POST", REFRESH, first))
    out = with_cookie(app, "POST", LOGOUT, first if present == "rotated" else second, headers=_bearer(login))
    assert out.status_code == 204
    assert with_cookie(app, "POST", REFRESH, first).status_code == 401  # no grace for a revoked family
    assert with_cookie(app, "POST", REFRESH, second).status_code == 401


def test_disabled_account_gets_no_grace(app, client, users):
    admin = users.user("ADMIN")
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    second = refresh_cookie(with_cookie(app, "POST", REFRESH, first))
    resp = client.patch(f"/api/v1/admin/users/{user['id']}", json={"status": "disabled"}, headers=admin["headers"])
    assert resp.status_code == 200
    assert with_cookie(app, "POST", REFRESH, first).status_code == 401
    assert with_cookie(app, "POST", REFRESH, second).status_code == 401


def test_password_change_revokes_other_sessions_within_the_window(app, client, users):
    user = users.user("CLIENT", users.org())
    other = refresh_cookie(_login(client, user))
    other_next = refresh_cookie(with_cookie(app, "POST", REFRESH, other))
    this = _login(client, user)
    ok = client.post(
        CHANGE, json={"current_password": user["password"], "new_password": "Brand-New-Pass-42"}, headers=_bearer(this)
    )
    assert ok.status_code == 200
    assert with_cookie(app, "POST", REFRESH, other).status_code == 401
    assert with_cookie(app, "POST", REFRESH, other_next).status_code == 401
    assert with_cookie(app, "POST", REFRESH, refresh_cookie(ok)).status_code == 200


def test_forged_or_wrong_secret_never_gets_the_successor(app, client, users):
    user = users.user("CLIENT", users.org())
    first = refresh_cookie(_login(client, user))
    second = refresh_cookie(with_cookie(app, "POST", REFRESH, first))
    token_id, _, secret = first.partition(".")
    forged = with_cookie(app, "POST", REFRESH, f"{token_id}.{'A' * len(secret)}")
    assert forged.status_code == 401 and refresh_cookie(forged) is None
    # a wrong secret is not reuse: the session goes on
    assert with_cookie(app, "POST", REFRESH, second).status_code == 200


@pytest.mark.emulators
def test_grace_on_the_firestore_emulator(gcp_emulators):  # noqa: F811
    """The same rules through the Firestore adapter (its transactions: reads before writes)."""
    config.configure(backend="emulators", gcp_project=unique_project())
    bootstrap.reset()
    docs = platform().documents
    docs.create("users", "u1", {"email": "u1@example.com", "role": "CLIENT", "status": "active"})
    first = refresh.start_family("u1").token
    results = _concurrently(3, lambda i: refresh.rotate(first))
    assert {uid for uid, _ in results} == {"u1"}
    tokens = {issued.token for _, issued in results}
    assert len(tokens) == 1
    second = tokens.pop()
    _, third = refresh.rotate(second)
    first_doc = docs.get("refresh_tokens", first.partition(".")[0])
    assert "successor_id" not in first_doc
    with pytest.raises(Unauthenticated, match="already used"):
        refresh.rotate(first)
    with pytest.raises(Unauthenticated):
        refresh.rotate(third.token)
    assert docs.get("refresh_families", third.family_id)["status"] == "revoked"
