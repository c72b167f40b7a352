"""WebSocket hardening over real sockets (decision 0903): single-use connection tickets in
`?token=`, caps per user and per process (1013 / 429) while /health keeps answering, and open
connections closed when their user is moved, disabled or removed."""

from __future__ import annotations

import time

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from shared import config
from shared.realtime import hub, tickets
from shared.realtime import protocol as P
from tests.integration.test_ws_channels import job_url, make_job, org_url, recv, refused_with
from tests.support import servers

V1 = "/api/v1"


@pytest.fixture
def fast_ws(isolated_settings):
    cfg = config.configure(extra={"ws_ping_seconds": 0.3, "ws_poll_seconds": 0.01})
    yield cfg

    hub.reset()


@pytest.fixture
def server(app, fast_ws):
    with servers.wsgi(app) as address:
        yield address


def _ticket(client, user) -> str:
    resp = client.post(f"{V1}/ws/tickets", headers=user["headers"])
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["ticket"].startswith("wst_") and body["expires_in"] == tickets.TICKET_SECONDS
    assert resp.headers["Cache-Control"] == "no-store"
    return body["ticket"]


def _closed_with(ws, timeout=5.0) -> int:
    deadline = time.monotonic() + timeout
    with pytest.raises(ConnectionClosed) as info:
        while time.monotonic() < deadline:
            ws.recv(timeout=max(0.05, deadline - time.monotonic()))
    return info.value.rcvd.code


def test_a_ticket_opens_one_connection_once(client, server, users, platform):
    org = users.org()
    user = users.user("CLIENT", org)
    job = make_job(platform, org, created_by=user["id"])
    url = job_url(f"ws://{server}", job["id"], _ticket(client, user))
    with connect(url, open_timeout=5) as ws:
        assert recv(ws)["status"] == job["status"]
        time.sleep(0.8)  # pings (and account rechecks) pass while connected on a ticket
        ws.send("x")
        assert recv(ws)["type"] in ("ping", "job_status_update")
    # The URL as a request log recorded it is useless now.
    assert refused_with(url)[0] == P.UNAUTHENTICATED
    assert refused_with(job_url(f"ws://{server}", job["id"], "wst_" + "A" * 43))[0] == P.UNAUTHENTICATED


def test_an_expired_ticket_is_refused(client, server, users, platform, monkeypatch):
    org = users.org()
    user = users.user("CLIENT", org)
    job = make_job(platform, org, created_by=user["id"])
    monkeypatch.setattr(tickets, "TICKET_SECONDS", -1)
    assert refused_with(job_url(f"ws://{server}", job["id"], _ticket_raw(client, user)))[0] == P.UNAUTHENTICATED


def _ticket_raw(client, user) -> str:
    return client.post(f"{V1}/ws/tickets", headers=user["headers"]).get_json()["ticket"]


def test_tickets_only_mode_refuses_access_tokens_in_urls(client, server, users, platform):
    config.configure(extra={**config.settings().extra, "ws_tickets_only": True})
    org = users.org()
    user = users.user("CLIENT", org)
    job = make_job(platform, org, created_by=user["id"])
    code, reason = refused_with(job_url(f"ws://{server}", job["id"], user["token"]))
    assert code == P.UNAUTHENTICATED and "ticket" in reason
    with connect(job_url(f"ws://{server}", job["id"], _ticket(client, user)), open_timeout=5) as ws:
        assert recv(ws)["type"] == "job_status_update"


def test_tickets_need_a_bearer_token(client):
    assert client.post(f"{V1}/ws/tickets").status_code == 401


def test_connections_are_capped_per_user_and_per_process(server, users, platform):
    config.configure(extra={**config.settings().extra, "ws_max_per_user": 2, "ws_max_connections": 3})
    org = users.org()
    a, b, c = (users.user("CLIENT", org) for _ in range(3))
    base = f"ws://{server}"
    held = [connect(org_url(base, org, a["token"]), open_timeout=5) for _ in range(2)]
    try:
        for ws in held:
            recv(ws)  # the first ping: admitted
        with connect(org_url(base, org, a["token"]), open_timeout=5) as third:
            assert _closed_with(third) == P.TRY_AGAIN_LATER
        held.append(connect(org_url(base, org, b["token"]), open_timeout=5))
        recv(held[-1])
        with pytest.raises(InvalidStatus) as info:
            connect(org_url(base, org, c["token"]), open_timeout=5)
        assert info.value.response.status_code == 429
        # The API and /health keep answering while the WebSocket cap is reached.
        assert requests.get(f"http://{server}/health", timeout=5).status_code == 200
        assert requests.get(f"http://{server}{V1}/users/me", headers=c["headers"], timeout=5).status_code == 200
    finally:
        for ws in held:
            ws.close()
    time.sleep(0.3)
    with connect(org_url(base, org, c["token"]), open_timeout=5) as ws:  # slots freed
        assert recv(ws)["type"] == "ping"


@pytest.mark.parametrize("change", ["moved", "disabled", "removed", "role"])
def test_open_connections_close_when_the_user_changes(client, server, users, platform, change):
    org, other = users.org(), users.org()
    admin = users.user("ADMIN")
    pm = users.user("PM", org)
    member = users.user("CLIENT", org)
    with connect(org_url(f"ws://{server}", org, member["token"]), open_timeout=5) as ws:
        assert recv(ws)["type"] == "ping"
        if change == "moved":
            resp = client.patch(f"{V1}/admin/users/{member['id']}", json={"org_id": other}, headers=admin["headers"])
        elif change == "disabled":
            resp = client.patch(
                f"{V1}/admin/users/{member['id']}", json={"status": "disabled"}, headers=admin["headers"]
            )
        elif change == "role":
            resp = client.patch(f"{V1}/admin/users/{member['id']}", json={"role": "LINGUIST"}, headers=admin["headers"])
        else:
            resp = client.delete(f"{V1}/organizations/{org}/members/{member['id']}", headers=pm["headers"])
        assert resp.status_code in (200, 204), resp.get_json()
        assert _closed_with(ws) == P.UNAUTHENTICATED
