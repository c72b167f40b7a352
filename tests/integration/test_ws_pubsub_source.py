"""The GCP event source against the Pub/Sub emulator: every WebSocket instance has its own
subscription on the events topic, so each receives every event; stopping removes it."""

from __future__ import annotations

import json
import time

import pytest

from shared import config
from shared.realtime.hub import Hub, Subscriber, org_channel
from shared.realtime.sources import PubSubSource
from tests.integration.emulators import gcp_emulators, unique_project  # noqa: F401

pytestmark = pytest.mark.emulators


def wait_for(pred, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def test_every_instance_subscription_receives_every_event(gcp_emulators):  # noqa: F811
    from google.cloud import pubsub_v1

    project = unique_project()
    cfg = config.configure(backend="emulators", gcp_project=project, events_topic="job-events")
    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path(project, "job-events")
    publisher.create_topic(name=topic)

    received = {"a": [], "b": []}
    a, b = PubSubSource(cfg, received["a"].append), PubSubSource(cfg, received["b"].append)
    a.start()
    b.start()
    try:
        assert a.subscription != b.subscription
        assert a.subscription.startswith(f"projects/{project}/subscriptions/job-events-ws-")
        events = [
            {
                "type": "job_status_update",
                "job_id": f"j{i}",
                "org_id": "o1",
                "status": "SOURCE_QC",
                "updated_at": f"2026-01-01T00:00:0{i}.000000Z",
            }
            for i in range(5)
        ]
        publisher.publish(topic, b"not json").result(timeout=10)  # dropped, not redelivered forever
        for ev in events:
            publisher.publish(topic, json.dumps(ev).encode()).result(timeout=10)
        assert wait_for(lambda: len(received["a"]) >= 5 and len(received["b"]) >= 5)
        for name in ("a", "b"):
            assert sorted(e["job_id"] for e in received[name]) == [f"j{i}" for i in range(5)], name
    finally:
        a.stop()
        b.stop()
    subscriber = pubsub_v1.SubscriberClient()
    left = [s.name for s in subscriber.list_subscriptions(request={"project": f"projects/{project}"})]
    assert a.subscription not in left and b.subscription not in left


def test_hub_fed_by_pubsub_queues_for_org_subscribers(gcp_emulators):  # noqa: F811
    from google.cloud import pubsub_v1

    project = unique_project()
    cfg = config.configure(backend="emulators", gcp_project=project, events_topic="job-events")
    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path(project, "job-events")
    publisher.create_topic(name=topic)
    hub = Hub(lambda on_event: PubSubSource(cfg, on_event))
    sub = Subscriber(org_channel("o1"))
    hub.subscribe(sub)  # starts the source: the subscription exists once this returns
    try:
        publisher.publish(
            topic,
            json.dumps(
                {
                    "type": "notification",
                    "kind": "assignment",
                    "job_id": "j1",
                    "org_id": "o1",
                    "status": "LANGUAGE_QC",
                    "updated_at": "t",
                    "message": "Assigned to you",
                    "lang": "es",
                }
            ).encode(),
        ).result(timeout=10)
        assert wait_for(lambda: sub.pending() == 1)
        _, frames = sub.take(0)
        frame = frames[0]
        header = 4 if frame[1] == 126 else 2  # a text frame of < 64 KiB
        msg = json.loads(frame[header:])
        assert (msg["type"], msg["kind"], msg["lang"]) == ("notification", "assignment", "es")
    finally:
        hub.stop()
