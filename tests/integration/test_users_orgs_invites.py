"""Users and organisations: profile, organisations, members (PM scoped to their own
organisation, 404 for others), invites and their acceptance."""

from shared import config
from shared.bootstrap import platform
from shared.persistence.documents import Query
from shared.services.users import get_active_user
from tests.support import refresh_cookie

V1 = "/api/v1"


def test_me_returns_profile_without_secrets(client, users):
    user = users.user("LINGUIST", users.org())
    body = client.get(f"{V1}/users/me", headers=user["headers"]).get_json()
    assert body["id"] == user["id"] and body["role"] == "LINGUIST" and body["status"] == "active"
    assert set(body) == {"id", "email", "role", "org_id", "status", "name", "created_at", "updated_at"}


def test_admin_creates_and_lists_organisations_with_cursor(client, users):
    admin = users.user("ADMIN")
    for name in ("One", "Two", "Three"):
        resp = client.post(f"{V1}/organizations", json={"name": name}, headers=admin["headers"])
        assert resp.status_code == 201 and resp.get_json()["name"] == name
    assert client.post(f"{V1}/organizations", json={"name": "  "}, headers=admin["headers"]).status_code == 422
    page1 = client.get(f"{V1}/organizations?limit=2", headers=admin["headers"]).get_json()
    assert [o["name"] for o in page1["items"]] == ["One", "Two"] and page1["next_cursor"]
    page2 = client.get(f"{V1}/organizations?limit=2&cursor={page1['next_cursor']}", headers=admin["headers"]).get_json()
    assert [o["name"] for o in page2["items"]] == ["Three"] and page2["next_cursor"] is None


def test_pm_lists_only_own_members_and_other_org_is_404(client, users):
    org, other = users.org("Mine"), users.org("Theirs")
    pm = users.user("PM", org)
    mine = [users.user("CLIENT", org) for _ in range(2)]
    users.user("CLIENT", other)
    resp = client.get(f"{V1}/organizations/{org}/members", headers=pm["headers"])
    assert resp.status_code == 200
    assert {u["id"] for u in resp.get_json()["items"]} == {pm["id"], *(u["id"] for u in mine)}
    foreign = client.get(f"{V1}/organizations/{other}/members", headers=pm["headers"])
    missing = client.get(f"{V1}/organizations/{'f' * 24}/members", headers=pm["headers"])
    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_json() == missing.get_json()  # no hint that it exists
    admin = users.user("ADMIN")
    assert len(client.get(f"{V1}/organizations/{other}/members", headers=admin["headers"]).get_json()["items"]) == 1


def test_invite_and_accept_creates_user_in_that_org(client, users):
    org = users.org()
    pm = users.user("PM", org)
    resp = client.post(
        f"{V1}/organizations/{org}/invite",
        json={"email": "New.Person@Example.com", "role": "LINGUIST"},
        headers=pm["headers"],
    )
    assert resp.status_code == 201
    invite = resp.get_json()
    assert invite["email"] == "new.person@example.com" and invite["org_id"] == org and invite["role"] == "LINGUIST"
    assert invite["token"] and invite["expires_at"] > invite["created_at"]
    stored = platform().documents.get("invites", invite["id"])
    assert invite["token"] not in str(stored)  # only a hash is kept

    weak = client.post(f"{V1}/auth/accept-invite", json={"token": invite["token"], "password": "weak"})
    assert weak.status_code == 422
    accepted = client.post(
        f"{V1}/auth/accept-invite",
        json={"token": invite["token"], "password": "Lingu1st-Passw0rd", "name": "New Person"},
    )
    assert accepted.status_code == 200
    body = accepted.get_json()
    assert body["token_type"] == "bearer" and body["user"]["role"] == "LINGUIST" and body["user"]["org_id"] == org
    assert refresh_cookie(accepted)
    # single use
    again = client.post(f"{V1}/auth/accept-invite", json={"token": invite["token"], "password": "Lingu1st-Passw0rd"})
    assert again.status_code == 400
    # the new account logs in and is a member
    login = client.post(f"{V1}/auth/login", json={"email": "new.person@example.com", "password": "Lingu1st-Passw0rd"})
    assert login.status_code == 200
    members = client.get(f"{V1}/organizations/{org}/members", headers=pm["headers"]).get_json()["items"]
    assert "new.person@example.com" in {m["email"] for m in members}


def test_invite_rules(client, users):
    org, other = users.org(), users.org()
    pm = users.user("PM", org)
    admin = users.user("ADMIN")
    existing = users.user("CLIENT", org)
    url = f"{V1}/organizations/{org}/invite"
    assert (
        client.post(url, json={"email": "r@example.com", "role": "REVIEWER"}, headers=pm["headers"]).status_code == 403
    )
    assert client.post(url, json={"email": "a@example.com", "role": "ADMIN"}, headers=pm["headers"]).status_code == 403
    assert (
        client.post(url, json={"email": "r@example.com", "role": "REVIEWER"}, headers=admin["headers"]).status_code
        == 201
    )
    assert (
        client.post(url, json={"email": existing["email"], "role": "CLIENT"}, headers=pm["headers"]).status_code == 409
    )
    assert client.post(url, json={"email": "not-an-email", "role": "CLIENT"}, headers=pm["headers"]).status_code == 422
    foreign = client.post(
        f"{V1}/organizations/{other}/invite", json={"email": "x@example.com", "role": "CLIENT"}, headers=pm["headers"]
    )
    assert foreign.status_code == 404


def test_expired_and_forged_invites_are_refused(client, users):
    config.configure(extra={"invite_ttl_seconds": 0})
    org = users.org()
    admin = users.user("ADMIN")
    invite = client.post(
        f"{V1}/organizations/{org}/invite",
        json={"email": "late@example.com", "role": "CLIENT"},
        headers=admin["headers"],
    ).get_json()
    expired = client.post(f"{V1}/auth/accept-invite", json={"token": invite["token"], "password": "Late-Comer-123"})
    assert expired.status_code == 400 and expired.get_json() == {"detail": "Invalid or expired invite"}
    invite_id = invite["token"].split(".")[0]
    forged = client.post(
        f"{V1}/auth/accept-invite", json={"token": f"{invite_id}.forged-secret-value", "password": "Late-Comer-123"}
    )
    assert forged.status_code == 400


def test_accept_invite_is_rate_limited_per_address(client, users):
    config.configure(login_max_per_address=3, login_window_seconds=600)
    codes = [
        client.post(
            f"{V1}/auth/accept-invite", json={"token": f"{'a' * 24}.guess{i:04d}", "password": "X-y-z-12345"}
        ).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_remove_member(client, users, app):
    org, other = users.org(), users.org()
    pm = users.user("PM", org)
    member = users.user("CLIENT", org)
    outsider = users.user("CLIENT", other)
    assert client.delete(f"{V1}/organizations/{org}/members/{outsider['id']}", headers=pm["headers"]).status_code == 404
    assert (
        client.delete(f"{V1}/organizations/{other}/members/{outsider['id']}", headers=pm["headers"]).status_code == 404
    )
    assert client.delete(f"{V1}/organizations/{org}/members/{pm['id']}", headers=pm["headers"]).status_code == 409
    assert client.delete(f"{V1}/organizations/{org}/members/{member['id']}", headers=pm["headers"]).status_code == 204
    assert client.get(f"{V1}/users/me", headers=member["headers"]).status_code == 401
    ids = {m["id"] for m in client.get(f"{V1}/organizations/{org}/members", headers=pm["headers"]).get_json()["items"]}
    assert member["id"] not in ids
    # the email is free again: the member can be re-invited
    again = client.post(
        f"{V1}/organizations/{org}/invite", json={"email": member["email"], "role": "CLIENT"}, headers=pm["headers"]
    )
    assert again.status_code == 201


def test_get_active_user_for_other_services(users):
    org = users.org()
    linguist = users.user("LINGUIST", org)
    gone = users.user("LINGUIST", org, status="disabled")
    found = get_active_user(linguist["id"])
    assert found["role"] == "LINGUIST" and found["org_id"] == org and "password_hash" not in found
    assert get_active_user(gone["id"]) is None
    assert get_active_user("0" * 24) is None


def test_accept_invite_documented_in_openapi(client):
    doc = client.get("/openapi.json").get_json()
    op = doc["paths"]["/api/v1/auth/accept-invite"]["post"]
    assert op["security"] == []  # public: overrides the document's default bearer requirement
    schema = doc["components"]["schemas"]["AcceptInvite"]
    assert {"token", "password"} <= set(schema["required"])
    assert "Invite" in doc["components"]["schemas"] and "token" in doc["components"]["schemas"]["Invite"]["properties"]


def test_concurrent_accepts_of_one_invite_create_one_user(app, client, users):
    import threading

    org = users.org()
    admin = users.user("ADMIN")
    token = client.post(
        f"{V1}/organizations/{org}/invite",
        json={"email": "race@example.com", "role": "CLIENT"},
        headers=admin["headers"],
    ).get_json()["token"]
    results, barrier = [], threading.Barrier(3)

    def accept(i):
        c = app.test_client()
        barrier.wait()
        results.append(
            c.post(
                f"{V1}/auth/accept-invite",
                json={"token": token, "password": f"Racing-Pass-{i}x"},
                environ_base={"REMOTE_ADDR": f"192.0.2.{i}"},
            ).status_code
        )

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[0] == 200 and results.count(200) == 1
    assert all(code in (200, 400, 409) for code in results)

    assert len(platform().documents.query(Query("users", where=[("email", "==", "race@example.com")])).items) == 1
