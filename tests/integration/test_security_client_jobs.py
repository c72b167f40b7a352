"""A CLIENT sees its own jobs (the spec's "client sees own"); an organisation setting shares
jobs among its clients (decision 0906)."""

from __future__ import annotations

import pytest
from websockets.sync.client import connect

from shared import config
from shared.realtime import hub
from shared.services.jobs import cas_transition
from tests.integration.test_ws_channels import make_job, org_url, recv
from tests.support import servers

V1 = "/api/v1"


def _ids(client, user) -> set[str]:
    resp = client.get(f"{V1}/jobs", headers=user["headers"])
    assert resp.status_code == 200, resp.get_json()
    return {j.get("_id") or j.get("id") for j in resp.get_json()["items"]}


def test_clients_see_only_their_own_jobs_until_the_org_shares(client, users, platform):
    org = users.org()
    alice, bob, pm = users.user("CLIENT", org), users.user("CLIENT", org), users.user("PM", org)
    a_job = make_job(platform, org, created_by=alice["id"], created_at="2026-01-01T00:00:00.000000Z")
    b_job = make_job(platform, org, created_by=bob["id"], created_at="2026-01-02T00:00:00.000000Z")
    assert _ids(client, alice) == {a_job["id"]}
    assert client.get(f"{V1}/jobs/{b_job['id']}", headers=alice["headers"]).status_code == 404
    assert _ids(client, pm) == {a_job["id"], b_job["id"]}  # the PM sees the organisation's jobs
    # The PM turns sharing on: every client of the organisation sees every job of it.
    resp = client.patch(f"{V1}/organizations/{org}", json={"clients_share_jobs": True}, headers=pm["headers"])
    assert resp.status_code == 200 and resp.get_json()["clients_share_jobs"] is True
    assert _ids(client, alice) == {a_job["id"], b_job["id"]}
    assert client.get(f"{V1}/jobs/{b_job['id']}", headers=alice["headers"]).status_code == 200
    client.patch(f"{V1}/organizations/{org}", json={"clients_share_jobs": False}, headers=pm["headers"])
    assert client.get(f"{V1}/jobs/{b_job['id']}", headers=alice["headers"]).status_code == 404


def test_who_may_change_the_setting(client, users):
    org, other = users.org(), users.org()
    alice, pm, admin = users.user("CLIENT", org), users.user("PM", org), users.user("ADMIN")
    body = {"clients_share_jobs": True}
    assert client.patch(f"{V1}/organizations/{org}", json=body, headers=alice["headers"]).status_code == 403
    assert client.patch(f"{V1}/organizations/{other}", json=body, headers=pm["headers"]).status_code == 404
    assert client.patch(f"{V1}/organizations/{other}", json=body, headers=admin["headers"]).status_code == 200
    assert client.patch(f"{V1}/organizations/{org}", json={}, headers=pm["headers"]).status_code == 400
    assert client.patch(f"{V1}/organizations/{org}", json={"x": 1}, headers=pm["headers"]).status_code == 422


@pytest.fixture
def ws_server(app, isolated_settings):
    config.configure(extra={"ws_ping_seconds": 30, "ws_poll_seconds": 0.01})

    with servers.wsgi(app) as address:
        yield f"ws://{address}"
    hub.reset()


def test_the_org_stream_carries_only_a_clients_own_jobs(ws_server, users, platform):
    org = users.org()
    alice, bob = users.user("CLIENT", org), users.user("CLIENT", org)
    a_job = make_job(platform, org, status="SOURCE_QC", created_by=alice["id"])
    b_job = make_job(platform, org, status="SOURCE_QC", created_by=bob["id"])
    with connect(org_url(ws_server, org, alice["token"]), open_timeout=5) as ws:
        assert recv(ws)["type"] == "ping"
        cas_transition(b_job["id"], "SOURCE_QC", "LANGUAGE_QC", enqueue=False)
        cas_transition(a_job["id"], "SOURCE_QC", "LANGUAGE_QC", enqueue=False)
        msg = recv(ws)
        assert msg["job_id"] == a_job["id"]  # bob's change never reached alice
