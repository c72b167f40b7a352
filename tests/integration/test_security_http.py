"""The dispatcher's security edges: which X-Forwarded-For entry is the client, and where the
caller's token is read behind API Gateway."""

from __future__ import annotations

from shared import config

V1 = "/api/v1"


def _login(client, email, password, **kw):
    return client.post(f"{V1}/auth/login", json={"email": email, "password": password}, **kw)


def _audit_addresses(client, admin):
    items = client.get(f"{V1}/admin/audit-log?action=auth.login", headers=admin["headers"]).get_json()["items"]
    return [e["client_address"] for e in items]


def test_forged_forwarded_for_does_not_rotate_the_address_limit(client, users):
    config.configure(login_max_per_address=3, login_max_per_account=100)
    codes = [
        _login(
            client,
            f"nobody{i}@example.com",
            "Wrong-Password-1",
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        ).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_only_configured_hops_are_trusted(client, users):
    config.configure(trusted_proxy_hops=2, login_max_per_account=100)
    admin = users.user("ADMIN")
    # A client-supplied entry, then what the gateway and the front end appended.
    headers = {"X-Forwarded-For": "6.6.6.6, 192.0.2.10, 10.1.2.3"}
    _login(client, "x@example.com", "Wrong-Password-1", headers=headers, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert _audit_addresses(client, admin)[0] == "192.0.2.10"
    # Fewer entries than hops: the request did not come through our proxies; use the peer.
    _login(
        client,
        "x@example.com",
        "Wrong-Password-1",
        headers={"X-Forwarded-For": "6.6.6.6"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert _audit_addresses(client, admin)[0] == "10.9.9.9"


def test_no_hops_locally_means_the_socket_peer(client, users):
    admin = users.user("ADMIN")
    _login(
        client,
        "x@example.com",
        "Wrong-Password-1",
        headers={"X-Forwarded-For": "6.6.6.6"},
        environ_base={"REMOTE_ADDR": "127.0.0.9"},
    )
    assert _audit_addresses(client, admin)[0] == "127.0.0.9"


GATEWAY_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImdhdGV3YXkifQ.eyJhdWQiOiJodHRwczovL2Z1bmN0aW9uIn0.c2lnbmF0dXJl"


def _as_gateway_sends(user_token: str | None) -> dict:
    """Headers shaped as API Gateway (ESPv2) sends them with `jwt_audience`: its own
    Google-signed ID token in Authorization, the caller's header moved aside."""
    headers = {
        "Authorization": f"Bearer {GATEWAY_TOKEN}",
        "X-Forwarded-For": "192.0.2.44, 10.0.0.1",
        "X-Forwarded-Proto": "https",
        "X-Cloud-Trace-Context": "0123456789abcdef0123456789abcdef/1;o=1",
    }
    if user_token is not None:
        headers["X-Forwarded-Authorization"] = f"Bearer {user_token}"
    return headers


def test_behind_the_gateway_the_forwarded_authorization_is_the_caller(client, users):
    config.configure(behind_gateway=True, trusted_proxy_hops=2)
    org = users.org()
    pm = users.user("PM", org)
    resp = client.get(f"{V1}/users/me", headers=_as_gateway_sends(pm["token"]))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["id"] == pm["id"]
    # No caller token: 401, never the gateway's own token.
    assert client.get(f"{V1}/users/me", headers=_as_gateway_sends(None)).status_code == 401
    # A direct request with a valid Authorization is refused behind the gateway (only the
    # forwarded header is the caller's there).
    assert client.get(f"{V1}/users/me", headers=pm["headers"]).status_code == 401


def test_outside_the_gateway_the_forwarded_header_is_ignored(client, users):
    org = users.org()
    pm = users.user("PM", org)
    resp = client.get(f"{V1}/users/me", headers={"X-Forwarded-Authorization": f"Bearer {pm['token']}"})
    assert resp.status_code == 401
    assert client.get(f"{V1}/users/me", headers=pm["headers"]).status_code == 200


def test_pm_may_not_remove_a_reviewer(client, users):
    org = users.org()
    pm = users.user("PM", org)
    reviewer = users.user("REVIEWER", org)
    admin = users.user("ADMIN")
    resp = client.delete(f"{V1}/organizations/{org}/members/{reviewer['id']}", headers=pm["headers"])
    assert resp.status_code == 403 and "REVIEWER" not in resp.get_json()["detail"].split("only")[1]
    assert client.get(f"{V1}/users/me", headers=reviewer["headers"]).status_code == 200
    resp = client.delete(f"{V1}/organizations/{org}/members/{reviewer['id']}", headers=admin["headers"])
    assert resp.status_code == 204
