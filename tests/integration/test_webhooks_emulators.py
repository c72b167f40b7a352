"""Webhook deliveries on the emulators backend (decision 1110): `scripts/run --backend emulators`
provisions both Cloud Tasks queues; a webhook test event goes through the webhook-deliveries
queue of gcloud-tasks-emulator to the webhook_worker function (never pipeline_worker) and reaches
a real receiver on loopback, signed; a receiver's failure is retried through the same queue."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
import pytest

from shared.webhooks import signing
from tests.integration.emulators import gcp_emulators  # noqa: F401
from tests.support.platform_process import clean_env, free_port, running
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.emulators, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL, ADMIN_PASSWORD = "emu-hooks-admin@example.com", "Emu-Hooks-Passw0rd!"


def _log_lines(log: Path) -> list[dict]:
    out = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def test_a_webhook_attempt_runs_on_its_own_queue_and_worker(gcp_emulators, tmp_path):
    project = f"avp-hooks-{uuid.uuid4().hex[:8]}"
    env = clean_env(
        AVP_DATA_DIR=tmp_path / "data",
        AVP_PORT=free_port(),
        AVP_ADMIN_EMAIL=ADMIN_EMAIL,
        AVP_ADMIN_PASSWORD=ADMIN_PASSWORD,
        AVP_COOKIE_SECURE="0",
        AVP_WEBHOOK_ALLOW_PRIVATE="1",
        AVP_WEBHOOK_BACKOFF_SECONDS="1",
        GOOGLE_CLOUD_PROJECT=project,
        AVP_UPLOADS_BUCKET=f"{project}-uploads",
        AVP_DELIVERABLES_BUCKET=f"{project}-deliverables",
    )
    log = tmp_path / "server.log"
    with (
        running([str(ROOT / "scripts" / "run"), "--backend", "emulators"], env, log, timeout=180) as base,
        WebhookReceiver(fail_first=1) as receiver,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        login = http.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        org = http.post("/api/v1/organizations", json={"name": "Emulated Hooks"}, headers=auth)
        assert org.status_code == 201, org.text
        made = http.post(
            f"/api/v1/organizations/{org.json()['id']}/webhooks",
            json={"url": receiver.url, "events": ["job.completed"]},
            headers=auth,
        )
        assert made.status_code == 201, made.text
        hook = made.json()
        sent = http.post(f"/api/v1/webhooks/{hook['id']}/test", headers=auth)
        assert sent.status_code == 202, sent.text
        got = receiver.wait_for(lambda rs: len(rs) >= 2, timeout=60)
        assert got[0].headers["webhook-id"] == got[1].headers["webhook-id"]
        signing.verify(hook["secret"], got[1].headers, got[1].body)
        assert json.loads(got[1].body)["type"] == "webhook.test"
        deadline = time.monotonic() + 30  # the worker records the attempt after the receiver answered
        while True:
            (delivery,) = http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth).json()["items"]
            if delivery["status"] == "succeeded" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert delivery["status"] == "succeeded" and [a["status_code"] for a in delivery["attempts"]] == [500, 204]
    lines = _log_lines(log)
    handled = [line for line in lines if line.get("message") == "webhook task handled"]
    assert [(h.get("delivery_id"), h.get("attempt"), h.get("outcome")) for h in handled] == [
        (delivery["id"], 0, "retrying"),
        (delivery["id"], 1, "succeeded"),
    ], log.read_text()[-4000:]
    assert not [line for line in lines if line.get("message") == "task handled" and line.get("step") == "webhook"]
