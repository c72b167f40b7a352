"""shared.local.emulators: the local server's delivery routes for the emulators backend."""

from __future__ import annotations

import base64
import json

from flask import Flask

from shared import config
from shared.local.emulators import push_to_cloud_event, register
from shared.local.functions import load


def _app():
    app = Flask("emulator-routes")
    register(app)
    return app


def test_push_body_becomes_the_cloud_event_the_upload_trigger_reads():
    resource = {"bucket": "b", "name": "uploads/abc/source.mp4", "size": "10"}
    body = {
        "subscription": "projects/p/subscriptions/s",
        "message": {
            "data": base64.b64encode(json.dumps(resource).encode()).decode(),
            "message_id": "42",
            "attributes": {"eventType": "OBJECT_FINALIZE"},
        },
    }
    event = push_to_cloud_event(body)
    assert event["type"] == "google.cloud.pubsub.topic.v1.messagePublished" and event["id"] == "42"
    assert load("upload_trigger").object_resource(event.data) == resource


def test_routes_exist_only_on_the_emulators_backend():
    config.configure(backend="local")
    rules = {r.rule for r in _app().url_map.iter_rules()}
    assert not any(r.startswith("/_emulators/") for r in rules)
    config.configure(backend="emulators")
    rules = {r.rule for r in _app().url_map.iter_rules()}
    assert {"/_emulators/tasks/<function>", "/_emulators/pubsub/<function>"} <= rules


def test_only_internal_functions_and_loopback_callers():
    config.configure(backend="emulators")
    client = _app().test_client()
    assert client.post("/_emulators/tasks/jobs", json={}).status_code == 404
    remote = client.post("/_emulators/tasks/pipeline_worker", json={}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 403
    bad = client.post("/_emulators/tasks/pipeline_worker", json={"job_id": 1})
    assert bad.status_code == 400 and "job_id" in bad.get_json()["detail"]  # reached the worker itself
