"""The `emulators` backend's delivery routes on the local server: what Cloud Tasks and Pub/Sub
push call in GCP, the emulators call here (scripts/emulators points them at these URLs).

  POST /_emulators/tasks/pipeline_worker        HTTP tasks from gcloud-tasks-emulator
  POST /_emulators/tasks/webhook_worker         the same, from the webhook-deliveries queue
  POST /_emulators/pubsub/upload_trigger        Pub/Sub emulator push of upload notifications

The push body becomes the CloudEvent Eventarc would deliver, so functions/upload_trigger runs
unchanged. Only loopback callers are served, and only with the emulators backend."""

from __future__ import annotations

import uuid

from shared import logs
from shared.config import settings
from shared.http import error_response
from shared.local import functions
from shared.routes import INTERNAL_FUNCTIONS

log = logs.get("avp.emulators")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def push_to_cloud_event(body: dict, topic: str = ""):
    """A Pub/Sub push request body as a `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent."""
    from cloudevents.http import CloudEvent

    message = dict(body.get("message") or {})
    message.setdefault("messageId", message.get("message_id") or uuid.uuid4().hex)
    attributes = {
        "type": "google.cloud.pubsub.topic.v1.messagePublished",
        "source": f"//pubsub.googleapis.com/{topic or body.get('subscription', '')}",
        "id": message["messageId"],
        "specversion": "1.0",
    }
    return CloudEvent(attributes, {"message": message, "subscription": body.get("subscription", "")})


def register(app) -> None:
    from flask import Response, request

    if settings().backend != "emulators":
        return

    def allowed(function: str):
        if request.remote_addr not in LOOPBACK:
            return error_response(403, "Emulator delivery routes answer loopback callers only")
        if function not in INTERNAL_FUNCTIONS:
            return error_response(404, f"No internal function {function}")
        return None

    @app.route("/_emulators/tasks/<function>", methods=["POST"], endpoint="avp_emulator_tasks")
    def _task(function):
        refused = allowed(function)
        if refused is not None:
            return refused
        return functions.load(function).entry(request)

    @app.route("/_emulators/pubsub/<function>", methods=["POST"], endpoint="avp_emulator_pubsub")
    def _push(function):
        refused = allowed(function)
        if refused is not None:
            return refused
        body = request.get_json(silent=True) or {}
        try:
            functions.load(function).entry(push_to_cloud_event(body))
        except Exception:
            log.exception("push delivery failed; the emulator will redeliver", extra={"fields": {"function": function}})
            return Response(status=503)
        return Response(status=204)
