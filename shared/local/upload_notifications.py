"""The local platform's stand-in for a GCS "object finalized" notification delivered through
Pub/Sub: shared/bootstrap.py makes `deliver_to_upload_trigger` a listener of LocalFiles, so a
finalized object under uploads/ reaches functions/upload_trigger as the same CloudEvent that
Eventarc delivers in GCP, and the same function code drives the pipeline."""

from __future__ import annotations

import base64
import json
import time
import uuid

from cloudevents.http import CloudEvent

from shared import logs
from shared.local import functions

log = logs.get("avp.files")


def pubsub_cloud_event(resource: dict, topic: str = "projects/local/topics/avp-uploads") -> CloudEvent:
    """The CloudEvent Eventarc delivers for a Pub/Sub message of a GCS notification."""
    message_id = uuid.uuid4().hex
    data = {
        "message": {
            "attributes": {
                "bucketId": resource["bucket"],
                "objectId": resource["name"],
                "objectGeneration": resource["generation"],
                "eventType": "OBJECT_FINALIZE",
                "eventTime": resource["updated"],
                "notificationConfig": f"projects/_/buckets/{resource['bucket']}/notificationConfigs/1",
                "payloadFormat": "JSON_API_V1",
            },
            "data": base64.b64encode(json.dumps(resource).encode()).decode(),
            "messageId": message_id,
            "publishTime": resource["updated"],
        },
        "subscription": "projects/local/subscriptions/avp-upload-trigger",
    }
    attributes = {
        "type": "google.cloud.pubsub.topic.v1.messagePublished",
        "source": f"//pubsub.googleapis.com/{topic}",
        "id": message_id,
        "specversion": "1.0",
    }
    return CloudEvent(attributes, data)


def deliver_to_upload_trigger(resource: dict) -> None:
    """Hand an object-finalized notification to functions/upload_trigger, retried a few times the
    way Pub/Sub redelivers (the handler is idempotent)."""
    event = pubsub_cloud_event(resource)
    module = functions.load("upload_trigger")
    for attempt in range(3):
        try:
            module.entry(event)
            return
        except Exception:
            log.exception("upload trigger failed", extra={"fields": {"object": resource["name"], "attempt": attempt}})
            time.sleep(0.2 * (attempt + 1))
