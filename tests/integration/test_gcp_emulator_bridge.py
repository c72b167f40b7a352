"""scripts/emulators on the emulators: provisioning and the bucket-notification bridge, which
stands in for GCS's OBJECT_FINALIZE notifications (gcp-storage-emulator sends none)."""

from __future__ import annotations

import json
import time

import pytest

from shared.events.pubsub_events import PubSubEvents
from shared.queues.cloud_tasks import CloudTasksQueue
from shared.storage.gcs_files import GcsFiles
from tests.integration.emulators import emulators_module, gcp_emulators, unique_project  # noqa: F401

pytestmark = pytest.mark.emulators


@pytest.fixture
def bridge_env(gcp_emulators, monkeypatch):
    emu = emulators_module()
    project = unique_project()
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", project)
    monkeypatch.setenv("AVP_UPLOADS_BUCKET", f"{project}-up")
    monkeypatch.setenv("AVP_DELIVERABLES_BUCKET", f"{project}-del")
    monkeypatch.setenv("AVP_PORT", "1")  # no server: the test reads the topic itself
    emu.provision()
    assert emu._start_bridge() is True  # noqa: SLF001
    name = emu.bridge_name()
    time.sleep(0.8)  # let the bridge take its first look at the (empty) bucket
    yield emu, project
    assert emu.stop([name]) == [name]


def _pull(subscriber, subscription, want: int, timeout: float = 10.0) -> list:
    got, deadline = [], time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        resp = subscriber.pull(request={"subscription": subscription, "max_messages": 10}, timeout=5)
        if resp.received_messages:
            subscriber.acknowledge(
                request={"subscription": subscription, "ack_ids": [m.ack_id for m in resp.received_messages]}
            )
        got += [m.message for m in resp.received_messages]
    return got


def test_provisioning_and_finalize_notifications(bridge_env):
    from google.cloud import pubsub_v1

    emu, project = bridge_env
    # provisioned: both buckets, the events topic, the queue
    files = GcsFiles(f"{project}-up", f"{project}-del", project=project)
    assert {files.client.lookup_bucket(b) is not None for b in (f"{project}-up", f"{project}-del")} == {True}
    PubSubEvents(project, "job-events").publish({"type": "probe"})  # raises if the topic is missing
    queue = CloudTasksQueue(project, "europe-west1", "pipeline-steps", "http://127.0.0.1:1/x")
    assert list(queue.client.list_tasks(request={"parent": queue.parent})) == []

    subscriber = pubsub_v1.SubscriberClient()
    subscription = f"projects/{project}/subscriptions/bridge-test"
    subscriber.create_subscription(
        request={"name": subscription, "topic": f"projects/{project}/topics/{emu.uploads_topic()}"}
    )
    files.put_bytes("uploads/u1/source.mp4", b"0123456789", "video/mp4")
    files.put_bytes("jobs/j1/source.mp4", b"not an upload", "video/mp4")  # deliverables bucket: no event
    messages = _pull(subscriber, subscription, 1)
    assert len(messages) == 1
    message = messages[0]
    attributes = dict(message.attributes)
    assert attributes["eventType"] == "OBJECT_FINALIZE"
    assert attributes["payloadFormat"] == "JSON_API_V1"
    assert attributes["bucketId"] == f"{project}-up" and attributes["objectId"] == "uploads/u1/source.mp4"
    resource = json.loads(message.data)
    assert resource["name"] == "uploads/u1/source.mp4" and resource["size"] == "10"
    assert resource["contentType"] == "video/mp4"
    assert attributes["objectGeneration"] == str(resource["generation"])

    # a new generation of the same object is a new finalize event; nothing else arrives
    files.put_bytes("uploads/u1/source.mp4", b"0123456789abcdef", "video/mp4")
    again = _pull(subscriber, subscription, 1)
    assert [json.loads(m.data)["size"] for m in again] == ["16"]
    assert _pull(subscriber, subscription, 1, timeout=2.0) == []
    subscriber.close()


def test_the_upload_trigger_push_subscription_points_at_the_local_server(bridge_env):
    import urllib.request

    emu, project = bridge_env
    url = f"http://127.0.0.1:{emu.port('pubsub')}/v1/projects/{project}/subscriptions/{emu.uploads_topic()}-upload-trigger"
    with urllib.request.urlopen(url, timeout=5) as resp:
        sub = json.loads(resp.read())
    assert sub["pushConfig"]["pushEndpoint"] == "http://127.0.0.1:1/_emulators/pubsub/upload_trigger"
