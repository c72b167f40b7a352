"""Admin endpoints: all users with cursor pagination, role/status changes, last-admin guard."""

from shared.auth import session
from shared.persistence.documents import Query

V1 = "/api/v1"


def test_list_users_paginates_over_all_orgs(client, users):
    admin = users.user("ADMIN")
    created = [users.user("CLIENT", users.org()) for _ in range(4)]
    seen, cursor = [], None
    while True:
        url = f"{V1}/admin/users?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=admin["headers"]).get_json()
        assert len(page["items"]) <= 2
        seen += [u["id"] for u in page["items"]]
        assert all("password_hash" not in u for u in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == {admin["id"], *(u["id"] for u in created)}
    bad = client.get(f"{V1}/admin/users?cursor=%%%", headers=admin["headers"])
    assert bad.status_code == 422  # not a cursor's shape
    forged = client.get(f"{V1}/admin/users?cursor=bm90LWEtY3Vyc29y", headers=admin["headers"])
    assert forged.status_code == 400  # the shape, but not a next_cursor
    assert client.get(f"{V1}/admin/users?limit=0", headers=admin["headers"]).status_code == 422


def test_patch_role_and_status(client, users):
    org = users.org()
    admin = users.user("ADMIN")
    user = users.user("CLIENT", org)
    resp = client.patch(f"{V1}/admin/users/{user['id']}", json={"role": "REVIEWER"}, headers=admin["headers"])
    assert resp.status_code == 200 and resp.get_json()["role"] == "REVIEWER"
    resp = client.patch(f"{V1}/admin/users/{user['id']}", json={"status": "disabled"}, headers=admin["headers"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "disabled"
    assert client.get(f"{V1}/users/me", headers=user["headers"]).status_code == 401
    resp = client.patch(f"{V1}/admin/users/{user['id']}", json={"status": "active"}, headers=admin["headers"])
    assert client.get(f"{V1}/users/me", headers=user["headers"]).get_json()["role"] == "REVIEWER"
    assert (
        client.patch(f"{V1}/admin/users/{user['id']}", json={"status": "gone"}, headers=admin["headers"]).status_code
        == 422
    )
    assert client.patch(f"{V1}/admin/users/{user['id']}", json={}, headers=admin["headers"]).status_code == 400
    assert (
        client.patch(f"{V1}/admin/users/{'0' * 24}", json={"role": "PM"}, headers=admin["headers"]).status_code == 404
    )


def test_admin_without_org_needs_org_to_become_non_admin(client, users):
    org = users.org()
    admin, second = users.user("ADMIN"), users.user("ADMIN")
    url = f"{V1}/admin/users/{second['id']}"
    assert client.patch(url, json={"role": "PM"}, headers=admin["headers"]).status_code == 400
    resp = client.patch(url, json={"role": "PM", "org_id": org}, headers=admin["headers"])
    assert resp.status_code == 200 and resp.get_json()["org_id"] == org


def test_last_active_admin_cannot_be_disabled_or_demoted(client, users):
    org = users.org()
    admin = users.user("ADMIN")
    for change in ({"status": "disabled"}, {"role": "PM", "org_id": org}):
        resp = client.patch(f"{V1}/admin/users/{admin['id']}", json=change, headers=admin["headers"])
        assert resp.status_code == 409 and "last active ADMIN" in resp.get_json()["detail"]
    other = users.user("ADMIN")
    disabled_admin = users.user("ADMIN", status="disabled")
    assert (
        client.patch(
            f"{V1}/admin/users/{admin['id']}", json={"status": "disabled"}, headers=other["headers"]
        ).status_code
        == 200
    )
    # now `other` is the last active one (a disabled admin does not count)
    assert disabled_admin["id"]
    resp = client.patch(f"{V1}/admin/users/{other['id']}", json={"status": "disabled"}, headers=other["headers"])
    assert resp.status_code == 409


def test_two_admins_disabling_each_other_at_once_leave_one_active(app, users, platform):
    """Both requests pass the guard's count; the re-check after writing undoes one (or both)."""
    import threading

    a, b = users.user("ADMIN"), users.user("ADMIN")
    barrier = threading.Barrier(2)
    codes = []

    def disable(actor, target):
        client = app.test_client()
        barrier.wait()
        codes.append(
            client.patch(
                f"{V1}/admin/users/{target['id']}", json={"status": "disabled"}, headers=actor["headers"]
            ).status_code
        )

    for _ in range(5):
        threads = [threading.Thread(target=disable, args=(a, b)), threading.Thread(target=disable, args=(b, a))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        active = platform.documents.query(Query("users", where=[("role", "==", "ADMIN"), ("status", "==", "active")]))
        assert len(active.items) >= 1
        for u in (a, b):  # reset for the next round
            doc = platform.documents.get("users", u["id"])
            platform.documents.update("users", u["id"], {**doc, "status": "active"}, expected_version=doc["_version"])

        session._cache.clear()  # noqa: SLF001
    assert set(codes) <= {200, 409, 401}


def test_an_admin_cannot_demote_or_disable_themselves(client, users):
    """Another ADMIN exists, so the last-admin guard does not apply: the account is still its own."""
    org = users.org()
    admin, _other = users.user("ADMIN"), users.user("ADMIN")
    for change in ({"status": "disabled"}, {"role": "PM", "org_id": org}):
        resp = client.patch(f"{V1}/admin/users/{admin['id']}", json=change, headers=admin["headers"])
        assert resp.status_code == 409 and "your own" in resp.get_json()["detail"]
    assert client.get(f"{V1}/users/me", headers=admin["headers"]).json["role"] == "ADMIN"
