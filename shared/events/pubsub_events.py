"""PubSubEvents: the event port on a Pub/Sub topic (Settings.events_topic), or on the Pub/Sub
emulator when PUBSUB_EMULATOR_HOST is set.

An event is published as its JSON (UTF-8) with `type`, `job_id` and `org_id` copied into message
attributes, so a subscription can filter without decoding. The WebSocket service reads the topic
through a subscription of its own per instance (shared.realtime.sources.PubSubSource)."""

from __future__ import annotations

import json
import os
import threading

PUBLISH_TIMEOUT_SECONDS = 30


class PubSubEvents:
    """Publishes events to one topic; the publisher client is created lazily and reused."""

    def __init__(self, project: str, topic: str, client=None):
        if not project:
            raise RuntimeError("GOOGLE_CLOUD_PROJECT (or AVP_GCP_PROJECT) must be set for Pub/Sub events")
        self.project = project
        self.topic = topic
        self._client = client
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, cfg) -> PubSubEvents:
        return cls(cfg.gcp_project or os.environ.get("GOOGLE_CLOUD_PROJECT", ""), cfg.events_topic)

    @property
    def topic_path(self) -> str:
        return f"projects/{self.project}/topics/{self.topic}"

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from google.cloud import pubsub_v1

                    # Events are few and someone is waiting for each: send at once, do not batch.
                    batch = pubsub_v1.types.BatchSettings(max_messages=1, max_latency=0.001)
                    self._client = pubsub_v1.PublisherClient(batch_settings=batch)
        return self._client

    @staticmethod
    def message(event: dict) -> tuple[bytes, dict[str, str]]:
        """The message data and attributes for an event."""
        if not isinstance(event, dict) or not event.get("type"):
            raise ValueError("an event is a dict with a type")
        data = json.dumps(event, default=str, separators=(",", ":")).encode("utf-8")
        attributes = {k: str(event[k]) for k in ("type", "job_id", "org_id") if event.get(k) is not None}
        return data, attributes

    def publish(self, event: dict) -> str:
        """Publish and wait for the server's acknowledgement; returns the message id."""
        data, attributes = self.message(event)
        future = self.client.publish(self.topic_path, data, **attributes)
        return future.result(timeout=PUBLISH_TIMEOUT_SECONDS)

    def ensure_topic(self) -> None:
        """Create the topic if missing (emulator; Terraform creates it in GCP)."""
        from google.api_core.exceptions import AlreadyExists

        try:
            self.client.create_topic(request={"name": self.topic_path})
        except AlreadyExists:
            pass
