"""The events a job emits on the event port: `job_status_update` on every status change and
`notification` (feedback, rejection, assignment, progress, and retry: an attempt of a step failed and
the next one is scheduled) for people following the job."""

from __future__ import annotations

from typing import Any

from shared import logs
from shared.bootstrap import platform
from shared.domain.jobs import JobDocument
from shared.services import webhooks
from shared.timestamps import now_iso

log = logs.get("avp.events")
NOTIFICATION_KINDS = frozenset({"feedback", "rejection", "assignment", "progress", "retry"})


def status_event(job: JobDocument) -> dict[str, Any]:
    return {
        "type": "job_status_update",
        "job_id": job["id"],
        "org_id": job.get("org_id"),
        "status": job["status"],
        "updated_at": job.get("updated_at") or now_iso(),
    }


def publish_status(job: JobDocument) -> None:
    """Publish the job's current status. The status is already stored, so a failed publish is
    logged rather than raised: the caller must not redo a committed transition."""
    event = status_event(job)
    try:
        platform().events.publish(event)
    except Exception:
        log.exception("status event not published", extra={"fields": {"job_id": job.get("id")}})
    try:
        webhooks.fan_out(event)
    except Exception:
        log.exception("webhook deliveries not created", extra={"fields": {"job_id": job.get("id")}})


def publish_status_strict(event: dict[str, Any]) -> None:
    """Publish a prepared status event and create its webhook deliveries; raises if either
    fails (the outbox keeps the event; a republish creates each delivery once)."""
    platform().events.publish(event)
    webhooks.fan_out(event)


def notification(job: JobDocument, kind: str, message: str, **extra: Any) -> dict[str, Any]:
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind}")
    event = {
        "type": "notification",
        "kind": kind,
        "job_id": job["id"],
        "org_id": job.get("org_id"),
        "status": job.get("status"),
        "updated_at": now_iso(),
        "message": message,
    }
    event.update({k: v for k, v in extra.items() if v is not None})
    return event


def publish_notification(job: JobDocument, kind: str, message: str, **extra: Any) -> dict[str, Any]:
    """Publish a `notification` event about `job` (extra keys: lang, assignee, percent...)."""
    event = notification(job, kind, message, **extra)
    try:
        platform().events.publish(event)
    except Exception:
        log.exception("notification not published", extra={"fields": {"job_id": job.get("id")}})
    return event
