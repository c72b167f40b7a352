"""The audit log: every state-changing request of every function writes one entry (also
failures), never secrets; filters, time range, cursor pagination and PM scoping."""

import json

from shared.bootstrap import platform
from shared.persistence.documents import Query
from shared.timestamps import parse_iso

V1 = "/api/v1"


def _entries():
    return platform().documents.query(Query("audit_log", order_by=[("time", "asc")])).items


def test_state_changing_requests_write_entries_with_all_fields(client, users):
    org = users.org()
    admin = users.user("ADMIN")
    client.post(
        f"{V1}/organizations/{org}/invite",
        json={"email": "x@example.com", "role": "CLIENT"},
        headers=admin["headers"],
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    entry = _entries()[-1]
    assert entry["actor"] == admin["id"] and entry["action"] == "users.invite" and entry["org_id"] == org
    assert entry["outcome"] == "success" and entry["status"] == 201 and entry["client_address"] == "192.0.2.44"
    assert entry["target"] and entry["time"].endswith("Z") and entry["request_id"]
    # GETs are not audited
    count = len(_entries())
    client.get(f"{V1}/users/me", headers=admin["headers"])
    assert len(_entries()) == count


def test_failures_are_audited_too(client, users):
    org = users.org()
    client_user = users.user("CLIENT", org)
    client.post(f"{V1}/organizations", json={"name": "X"}, headers=client_user["headers"])  # 403
    client.post(f"{V1}/auth/login", json={"email": client_user["email"], "password": "Wrong-Password-1"})
    forbidden, failed_login = _entries()[-2:]
    assert forbidden["outcome"] == "failure" and forbidden["status"] == 403
    assert forbidden["actor"] == client_user["id"]
    assert forbidden["action"] == "users.create_org"
    assert failed_login["action"] == "auth.login" and failed_login["status"] == 401


def test_passwords_and_tokens_never_reach_the_log(client, users, caplog):
    org = users.org()
    admin = users.user("ADMIN")
    user = users.user("CLIENT", org, password="Very-Secret-Pass-1")
    login = client.post(f"{V1}/auth/login", json={"email": user["email"], "password": "Very-Secret-Pass-1"})
    access = login.get_json()["access_token"]
    refresh = login.headers["Set-Cookie"].split("=", 1)[1].split(";")[0]
    client.post(f"{V1}/auth/login", json={"email": user["email"], "password": "Wrong-Secret-Pass-2"})
    invite = client.post(
        f"{V1}/organizations/{org}/invite", json={"email": "i@example.com", "role": "CLIENT"}, headers=admin["headers"]
    ).get_json()
    client.post(f"{V1}/auth/accept-invite", json={"token": invite["token"], "password": "Invitee-Pass-33"})
    client.post(
        f"{V1}/auth/change-password",
        json={"current_password": "Very-Secret-Pass-1", "new_password": "Another-Secret-44"},
        headers={"Authorization": f"Bearer {access}"},
    )
    dump = json.dumps(_entries()) + caplog.text
    for secret in (
        "Very-Secret-Pass-1",
        "Wrong-Secret-Pass-2",
        "Invitee-Pass-33",
        "Another-Secret-44",
        access,
        refresh,
        invite["token"],
        admin["token"],
    ):
        assert secret not in dump
    assert {"auth.login", "auth.accept_invite", "auth.change_password"} <= {e["action"] for e in _entries()}


def test_filters_time_range_and_cursor(client, users):
    admin = users.user("ADMIN")
    for i in range(5):
        client.post(f"{V1}/organizations", json={"name": f"Org {i}"}, headers=admin["headers"])
    h = admin["headers"]
    all_ = client.get(f"{V1}/admin/audit-log?action=users.create_org", headers=h).get_json()["items"]
    assert len(all_) == 5 and [e["time"] for e in all_] == sorted((e["time"] for e in all_), reverse=True)
    pages, cursor = [], None
    while True:
        url = f"{V1}/admin/audit-log?action=users.create_org&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=h).get_json()
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [e["id"] for p in pages for e in p] == [e["id"] for e in all_]
    target = all_[2]["target"]
    assert [
        e["target"] for e in client.get(f"{V1}/admin/audit-log?target={target}", headers=h).get_json()["items"]
    ] == [target]
    assert len(client.get(f"{V1}/admin/audit-log?actor={admin['id']}", headers=h).get_json()["items"]) == 5
    middle = all_[2]["time"]
    since = client.get(f"{V1}/admin/audit-log?action=users.create_org&since={middle}", headers=h).get_json()["items"]
    until = client.get(f"{V1}/admin/audit-log?action=users.create_org&until={middle}", headers=h).get_json()["items"]
    assert len(since) == 3 and len(until) == 3
    # an offset timestamp is normalised to UTC before comparing
    from datetime import timedelta, timezone

    shifted = parse_iso(middle).astimezone(timezone(timedelta(hours=2))).isoformat().replace("+", "%2B")
    same = client.get(f"{V1}/admin/audit-log?action=users.create_org&since={shifted}", headers=h).get_json()["items"]
    assert [e["id"] for e in same] == [e["id"] for e in since]
    assert client.get(f"{V1}/admin/audit-log?since=not-a-date", headers=h).status_code == 422


def test_pm_sees_only_their_organisation(client, users):
    org, other = users.org(), users.org()
    pm, other_pm = users.user("PM", org), users.user("PM", other)
    client.post(
        f"{V1}/organizations/{org}/invite", json={"email": "a@example.com", "role": "CLIENT"}, headers=pm["headers"]
    )
    client.post(
        f"{V1}/organizations/{other}/invite",
        json={"email": "b@example.com", "role": "CLIENT"},
        headers=other_pm["headers"],
    )
    mine = client.get(f"{V1}/admin/audit-log", headers=pm["headers"]).get_json()["items"]
    assert mine and {e["org_id"] for e in mine} == {org}
    # asking for another org's entries by filter yields nothing
    theirs = client.get(f"{V1}/admin/audit-log?actor={other_pm['id']}", headers=pm["headers"]).get_json()["items"]
    assert theirs == []
    admin = users.user("ADMIN")
    everything = client.get(f"{V1}/admin/audit-log", headers=admin["headers"]).get_json()["items"]
    assert {org, other} <= {e["org_id"] for e in everything}
