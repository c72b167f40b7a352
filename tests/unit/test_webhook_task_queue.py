"""Webhook delivery attempts on their own queue (decision 1110): CloudTasksQueue routes the
WEBHOOKS queue of the port to the webhook_worker target (own queue, own URL, OIDC audience, short
deadline) and keeps pipeline steps where they were; without a webhook target they stay on the
pipeline queue. The webhooks service puts every attempt on the WEBHOOKS queue."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from shared import config
from shared.local.emulators import register
from shared.queues.cloud_tasks import DISPATCH_DEADLINE_SECONDS, WEBHOOK_DISPATCH_DEADLINE_SECONDS, CloudTasksQueue
from shared.queues.tasks import PIPELINE, WEBHOOKS
from tests.unit.test_gcp_cloud_tasks import SA, URL, FakeTasksClient

HOOK_URL = "https://europe-west1-proj.cloudfunctions.net/avp-prod-webhook-worker"
PARENT = "projects/proj/locations/europe-west1/queues/"
DELIVERY = "e" * 24


def two_queues(fake):
    return CloudTasksQueue(
        "proj",
        "europe-west1",
        "pipeline-steps",
        URL,
        service_account_email=SA,
        client=fake,
        webhook_queue="webhook-deliveries",
        webhook_target_url=HOOK_URL,
    )


def test_a_webhook_attempt_goes_to_its_own_queue_and_worker():
    fake = FakeTasksClient()
    q = two_queues(fake)
    assert q.enqueue(DELIVERY, "webhook", 3, delay_seconds=60, queue=WEBHOOKS) is True
    [(name, task)] = fake.tasks.items()
    assert name == f"{PARENT}webhook-deliveries/tasks/{DELIVERY}-webhook-3"
    http = task["http_request"]
    assert http["url"] == HOOK_URL
    assert http["oidc_token"] == {"service_account_email": SA, "audience": HOOK_URL}
    assert json.loads(http["body"]) == {"job_id": DELIVERY, "step": "webhook", "attempt": 3}
    assert task["dispatch_deadline"] == {"seconds": WEBHOOK_DISPATCH_DEADLINE_SECONDS}
    assert 15 <= WEBHOOK_DISPATCH_DEADLINE_SECONDS < DISPATCH_DEADLINE_SECONDS  # Cloud Tasks' minimum is 15 s
    assert "schedule_time" in task


def test_pipeline_steps_stay_on_the_pipeline_queue():
    fake = FakeTasksClient()
    q = two_queues(fake)
    assert q.enqueue("a" * 24, "transcribe", 0) is True
    assert q.enqueue("a" * 24, "render", 0, queue=PIPELINE) is True
    assert all(n.startswith(f"{PARENT}pipeline-steps/tasks/") for n in fake.tasks)
    assert {t["http_request"]["url"] for t in fake.tasks.values()} == {URL}
    assert {t["dispatch_deadline"]["seconds"] for t in fake.tasks.values()} == {DISPATCH_DEADLINE_SECONDS}


def test_names_dedupe_per_queue_and_job_deletion_leaves_webhooks_alone():
    fake = FakeTasksClient()
    q = two_queues(fake)
    assert q.enqueue(DELIVERY, "webhook", 0, queue=WEBHOOKS) is True
    assert q.enqueue(DELIVERY, "webhook", 0, queue=WEBHOOKS) is False
    q.enqueue("c" * 24, "probe", 0)
    assert q.delete_for_job("c" * 24) == 1
    assert q.delete_for_job(DELIVERY) == 0  # job deletion lists the pipeline queue only
    assert list(fake.tasks) == [f"{PARENT}webhook-deliveries/tasks/{DELIVERY}-webhook-0"]


def test_without_a_webhook_target_attempts_stay_on_the_pipeline_queue():
    fake = FakeTasksClient()
    q = CloudTasksQueue("proj", "europe-west1", "pipeline-steps", URL, client=fake)
    q.enqueue(DELIVERY, "webhook", 0, queue=WEBHOOKS)
    [(name, task)] = fake.tasks.items()
    assert name.startswith(f"{PARENT}pipeline-steps/tasks/") and task["http_request"]["url"] == URL


def test_unknown_queue_is_refused():
    q = two_queues(FakeTasksClient())
    with pytest.raises(ValueError, match="unknown task queue"):
        q.enqueue(DELIVERY, "webhook", 0, queue="media")


def test_settings_name_the_webhook_queue_and_target(monkeypatch):
    monkeypatch.setenv("AVP_WEBHOOK_TASKS_QUEUE", "avp-prod-webhook-deliveries")
    monkeypatch.setenv("AVP_WEBHOOK_TASKS_TARGET_URL", HOOK_URL)
    cfg = config.from_env()
    assert cfg.webhook_tasks_queue == "avp-prod-webhook-deliveries" and cfg.webhook_tasks_target_url == HOOK_URL
    q = CloudTasksQueue.from_settings(
        config.configure(
            backend="gcp",
            gcp_project="proj",
            gcp_region="europe-west1",
            tasks_target_url=URL,
            webhook_tasks_queue="hooks",
            webhook_tasks_target_url=HOOK_URL,
        )
    )
    assert q.queue_path(WEBHOOKS) == f"{PARENT}hooks" and q.parent == f"{PARENT}pipeline-steps"
    with pytest.raises(RuntimeError, match="AVP_WEBHOOK_TASKS_QUEUE"):
        CloudTasksQueue("proj", "europe-west1", "steps", URL, webhook_queue="", webhook_target_url=HOOK_URL)


def test_the_emulator_delivery_route_reaches_the_webhook_worker_for_loopback_only():
    config.configure(backend="emulators")
    app = Flask("emulator-routes")
    register(app)
    client = app.test_client()
    remote = client.post("/_emulators/tasks/webhook_worker", json={}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 403
    wrong = client.post("/_emulators/tasks/webhook_worker", json={"job_id": "a" * 24, "step": "probe", "attempt": 0})
    assert wrong.status_code == 400 and "webhook deliveries only" in wrong.get_json()["detail"]
