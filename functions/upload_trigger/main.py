"""Event function: a storage "object finalized" notification delivered through Pub/Sub (a
`google.cloud.pubsub.topic.v1.messagePublished` CloudEvent) attaches the uploaded video to
its job and starts the pipeline. Locally LocalFiles delivers the same CloudEvent here."""

import base64
import json

import functions_framework

from shared import logs
from shared.services.uploads import handle_object_finalized

log = logs.get("avp.upload_trigger")


def object_resource(data: dict) -> dict | None:
    """The GCS object resource inside a Pub/Sub push payload; None for other event types."""
    message = (data or {}).get("message") or {}
    attributes = message.get("attributes") or {}
    if attributes.get("eventType", "OBJECT_FINALIZE") != "OBJECT_FINALIZE":
        return None
    raw = message.get("data")
    if not raw:
        return None
    return json.loads(base64.b64decode(raw))


@functions_framework.cloud_event
def entry(cloud_event):
    resource = object_resource(cloud_event.data)
    if resource is None:
        return
    outcome = handle_object_finalized(resource)  # raises on transient failure: Pub/Sub redelivers
    logs.event(log, "object finalized", object=resource.get("name"), outcome=outcome)
