"""The Cloud Tasks HTTP target of the webhook-deliveries queue (decision 1110): runs one webhook
delivery attempt {job_id: <delivery id>, step: "webhook", attempt}. Nothing else runs here, so a
backlog of media steps on the pipeline queue never delays a delivery, and an attempt occupies a
small instance (many at once) instead of a media worker. Like pipeline_worker it is reachable only
with an OIDC token of the tasks service account (roles/run.invoker, Terraform). A 2xx tells Cloud
Tasks the task is handled (a failed POST to the receiver included: the service schedules the next
attempt itself); a 5xx makes it redeliver (infrastructure failures only)."""

import functions_framework
from flask import Response

from shared import logs
from shared.http import json_response
from shared.services import webhooks

log = logs.get("avp.webhook_worker")


@functions_framework.http
def entry(request):
    body = request.get_json(silent=True) or {}
    delivery_id, step, attempt = body.get("job_id"), body.get("step"), body.get("attempt")
    if not isinstance(delivery_id, str) or not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 0:
        return json_response(
            {"detail": 'Expected JSON {"job_id": <delivery id>, "step": "webhook", "attempt": n}'}, 400
        )
    if step != webhooks.TASK_STEP:
        return json_response(
            {"detail": f'This worker runs webhook deliveries only (step "{webhooks.TASK_STEP}"), not {step!r}'}, 400
        )
    try:
        outcome = webhooks.deliver(delivery_id, attempt)
    except Exception:
        log.exception(
            "webhook delivery task failed; Cloud Tasks will redeliver",
            extra={"fields": {"delivery_id": delivery_id, "attempt": attempt}},
        )
        return Response(status=503)
    logs.event(
        log,
        "webhook task handled",
        delivery_id=delivery_id,
        attempt=attempt,
        outcome=outcome,
        task=request.headers.get("X-CloudTasks-TaskName"),
    )
    return json_response({"outcome": outcome})
