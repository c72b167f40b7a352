"""The Cloud Tasks HTTP target: runs one pipeline task {job_id, step, attempt} (step "webhook":
one webhook delivery attempt, job_id being the delivery id; decision 1101). A 2xx tells
Cloud Tasks the task is handled (including stale and duplicate deliveries, which change
nothing); a 5xx makes it redeliver (infrastructure failures only: step failures are retried by
the runner itself with a new task). `{"reconcile": true}` from Cloud Scheduler runs the repair
pass that the local worker runs every 15 s; `{"housekeeping": true}` (hourly) deletes expired
short-lived documents and unclaimed upload objects (decision 0700)."""

import functions_framework
from flask import Response

from shared import logs
from shared.http import json_response
from shared.pipeline.runner import reconcile, run_task
from shared.services import housekeeping

log = logs.get("avp.pipeline_worker")


@functions_framework.http
def entry(request):
    body = request.get_json(silent=True) or {}
    if body.get("reconcile") is True:  # Cloud Scheduler, every 5 minutes (terraform scheduler.tf)
        created = reconcile()
        logs.event(log, "reconcile", tasks_created=created)
        return json_response({"reconciled": created})
    if body.get("housekeeping") is True:  # Cloud Scheduler, hourly (terraform scheduler.tf)
        return json_response({"purged": housekeeping.run()})
    job_id, step, attempt = body.get("job_id"), body.get("step"), body.get("attempt")
    if not isinstance(job_id, str) or not isinstance(step, str) or not isinstance(attempt, int):
        return json_response({"detail": "Expected JSON {job_id, step, attempt}"}, 400)
    try:
        outcome = run_task(job_id, step, attempt)
    except Exception:
        log.exception(
            "task failed; Cloud Tasks will redeliver",
            extra={"fields": {"job_id": job_id, "step": step, "attempt": attempt}},
        )
        return Response(status=503)
    logs.event(
        log,
        "task handled",
        job_id=job_id,
        step=step,
        attempt=attempt,
        outcome=outcome,
        task=request.headers.get("X-CloudTasks-TaskName"),
    )
    return json_response({"outcome": outcome})
