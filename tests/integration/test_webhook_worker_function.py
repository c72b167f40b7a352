"""functions/webhook_worker through functions-framework's own app, as Cloud Functions runs it
(decision 1110): a webhook attempt queued by the API lands on the webhooks queue of the real
SQLite task queue; the worker function runs it against a real receiver on loopback, schedules
the retry on the same queue, answers duplicates as stale and refuses anything but a delivery."""

import sqlite3
import time

import functions_framework
import pytest

from shared import config
from shared.local import functions as local_functions
from shared.persistence.documents import strip_meta
from shared.pipeline import runner
from shared.queues.tasks import WEBHOOKS
from shared.timestamps import expire_in
from shared.webhooks import signing
from tests.integration.test_webhooks_api import V1, Org, register
from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture
def hook_app(isolated_settings):
    source = local_functions.FUNCTIONS_DIR / "webhook_worker" / "main.py"
    return functions_framework.create_app(target="entry", source=str(source)).test_client()


@pytest.fixture
def org(users):
    return Org(users)


def _queued_attempt(platform, timeout: float = 5.0):
    """The next webhook task, once due (a retry is queued with its backoff delay)."""
    deadline = time.monotonic() + timeout
    while (task := platform.tasks.claim("test", 30, queues=(WEBHOOKS,))) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert task is not None and task.queue == WEBHOOKS
    return task


def test_the_worker_runs_a_queued_attempt_and_schedules_the_retry(client, org, hook_app, platform):
    config.configure(webhook_allow_private=True, webhook_backoff_seconds=0.01)
    with WebhookReceiver(fail_first=1) as receiver:
        made = register(client, org["pm"], org["id"], receiver.url).get_json()
        sent = client.post(f"{V1}/webhooks/{made['id']}/test", headers=org["pm"]["headers"])
        assert sent.status_code == 202
        delivery_id = sent.get_json()["id"]
        assert [(t["step"], t["queue"]) for t in platform.tasks.tasks_for(delivery_id)] == [("webhook", WEBHOOKS)]

        first = _queued_attempt(platform)
        body = {"job_id": first.job_id, "step": first.step, "attempt": first.attempt}
        resp = hook_app.post("/", json=body, headers={"X-CloudTasks-TaskName": first.name})
        assert resp.status_code == 200 and resp.get_json() == {"outcome": "retrying"}
        assert [(t["attempt"], t["queue"]) for t in platform.tasks.tasks_for(delivery_id)] == [
            (0, WEBHOOKS),
            (1, WEBHOOKS),
        ]
        # Cloud Tasks may deliver a task twice: the second run changes nothing
        assert hook_app.post("/", json=body).get_json() == {"outcome": "stale"}

        second = _queued_attempt(platform)
        resp = hook_app.post("/", json={"job_id": delivery_id, "step": "webhook", "attempt": second.attempt})
        assert resp.status_code == 200 and resp.get_json() == {"outcome": "succeeded"}
        got = receiver.wait_for(lambda rs: len(rs) == 2)
    assert got[0].headers["webhook-id"] == got[1].headers["webhook-id"]
    signing.verify(made["secret"], got[1].headers, got[1].body)
    log = client.get(f"{V1}/webhooks/{made['id']}/deliveries", headers=org["pm"]["headers"]).get_json()
    delivery = next(d for d in log["items"] if d["id"] == delivery_id)
    assert delivery["status"] == "succeeded" and [a["status_code"] for a in delivery["attempts"]] == [500, 204]


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"job_id": "a" * 24, "step": "transcribe", "attempt": 0}, "webhook deliveries only"),
        ({"job_id": "a" * 24, "step": "webhook"}, "job_id"),
        ({"job_id": "a" * 24, "step": "webhook", "attempt": True}, "job_id"),
        ({"job_id": "a" * 24, "step": "webhook", "attempt": -1}, "job_id"),
        ({"reconcile": True}, "job_id"),
    ],
)
def test_anything_but_a_delivery_attempt_is_refused(hook_app, platform, body, expected):
    resp = hook_app.post("/", json=body)
    assert resp.status_code == 400 and expected in resp.get_json()["detail"]


def test_an_unknown_delivery_is_gone(hook_app, platform):
    resp = hook_app.post("/", json={"job_id": "b" * 24, "step": "webhook", "attempt": 0})
    assert resp.status_code == 200 and resp.get_json() == {"outcome": "gone"}


def test_reconcile_requeues_a_stranded_attempt_on_the_webhooks_queue(client, org, platform):
    """A crash between the delivery's write and its enqueue leaves no task: the repair pass
    re-creates it on the webhooks queue (once: the task name dedupes the next pass)."""
    config.configure(webhook_allow_private=True)
    made = register(client, org["pm"], org["id"], "http://127.0.0.1:9/hooks").get_json()
    delivery_id = client.post(f"{V1}/webhooks/{made['id']}/test", headers=org["pm"]["headers"]).get_json()["id"]
    with sqlite3.connect(platform.tasks.path) as conn:  # the task is lost
        assert conn.execute("DELETE FROM tasks WHERE job_id=?", (delivery_id,)).rowcount == 1
    doc = platform.documents.get("webhook_deliveries", delivery_id)
    platform.documents.update(
        "webhook_deliveries",
        delivery_id,
        {**strip_meta(doc), "next_attempt_at": expire_in(-300)},
        expected_version=doc["_version"],
    )
    assert runner.reconcile() >= 1
    assert [(t["step"], t["attempt"], t["queue"]) for t in platform.tasks.tasks_for(delivery_id)] == [
        ("webhook", 0, WEBHOOKS)
    ]
    runner.reconcile()
    assert len(platform.tasks.tasks_for(delivery_id)) == 1
