"""Outgoing webhooks (decision 1101): per-organisation endpoints that receive job events,
signed Standard-Webhooks style, delivered and retried through the step-task queue.

Collections:
  webhooks            {org_id, url, events, description, enabled, secret, previous_secret,
                       previous_secret_expires_at, created_by, created_at, updated_at, secret_rotated_at}
  webhook_deliveries  {endpoint_id, org_id, message_id, event_type, job_id, payload, status
                       (pending | retrying | succeeded | failed), attempts [...], next_attempt_at,
                       replay_of, created_at, updated_at, expire_at (30 days: the log's retention)}

A job status event (shared.services.job_events) fans out to one delivery per subscribed endpoint
and event type. The delivery id is derived from the endpoint and the event, so an event published
twice (outbox repair, duplicate delivery) creates it once. Each attempt is a task
`(<delivery id>, "webhook", <attempt>)` on the port's WEBHOOKS queue (decision 1110): locally a
row of SqliteTasks run by the worker threads (shared.pipeline.runner.run_task), on gcp a Cloud
Tasks queue of its own run by the webhook_worker function; a failed attempt enqueues the next one
with exponential backoff until `webhook_max_attempts`."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from shared import logs
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.config import VERSION, settings
from shared.errors import AlreadyExists, Conflict, Invalid, NotFound, VersionConflict
from shared.ids import is_id, new_id
from shared.models.webhooks import WebhookCreate, WebhookUpdate
from shared.persistence.documents import Query, strip_meta, update_existing
from shared.queues.tasks import WEBHOOKS
from shared.services.users import check_org_scope
from shared.timestamps import expire_in, iso, now_iso, parse_iso
from shared.webhooks import address_guard, sender, signing

log = logs.get("avp.webhooks")
ENDPOINTS = "webhooks"
DELIVERIES = "webhook_deliveries"
TEST_EVENT = "webhook.test"  # sent on request only (POST /webhooks/{id}/test), never subscribed
TASK_STEP = "webhook"  # the step name of delivery tasks on the task queue
MAX_ENDPOINTS_PER_ORG = 20
PREVIOUS_SECRET_GRACE = timedelta(hours=24)
MAX_BACKOFF_SECONDS = 6 * 3600
RECONCILE_AFTER_SECONDS = 120
DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600  # the delivery log keeps 30 days (housekeeping, TTL)
QC_STATUSES = frozenset({"SOURCE_QC", "LANGUAGE_QC", "FINAL_QC"})
FAILED_STATUSES = frozenset(
    {
        "UPLOAD_INVALID",
        "TRANSCRIPTION_FAILED",
        "DESCRIPTION_FAILED",
        "TRANSLATION_FAILED",
        "TTS_FAILED",
        "RENDER_FAILED",
    }
)


# -- event types -------------------------------------------------------------------------------
def event_types(event: dict[str, Any]) -> list[str]:
    """The webhook event types a `job_status_update` event stands for."""
    if event.get("type") != "job_status_update" or not event.get("status"):
        return []
    status = event["status"]
    types = ["job.status_changed"]
    if status in QC_STATUSES:
        types.append("job.qc_needed")
    if status == "COMPLETED":
        types.append("job.completed")
    if status in FAILED_STATUSES:
        types.append("job.failed")
    if status == "REJECTED":
        types.append("job.rejected")
    return types


def payload(event_type: str, event: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": event_type,
        "timestamp": event.get("updated_at") or now_iso(),
        "data": {
            "job_id": event.get("job_id"),
            "org_id": event.get("org_id"),
            "status": event.get("status"),
            "updated_at": event.get("updated_at"),
        },
    }


def message_id(event_type: str, event: dict[str, Any]) -> str:
    key = "|".join(str(event.get(k)) for k in ("job_id", "status", "updated_at"))
    return "msg_" + hashlib.sha256(f"{event_type}|{key}".encode()).hexdigest()[:24]


def _delivery_id(endpoint_id: str, msg_id: str) -> str:
    return hashlib.sha256(f"{endpoint_id}|{msg_id}".encode()).hexdigest()[:24]


# -- endpoints ---------------------------------------------------------------------------------
def view(doc: dict[str, Any]) -> dict[str, Any]:
    out = strip_meta(doc)
    out["id"] = doc["id"]
    for secret_field in ("secret", "previous_secret"):
        out.pop(secret_field, None)
    return out


def _with_secret(doc: dict[str, Any]) -> dict[str, Any]:
    return view(doc) | {"secret": doc["secret"]}


def _endpoint_for(principal: Principal, webhook_id: str) -> dict[str, Any]:
    doc = platform().documents.get(ENDPOINTS, webhook_id) if is_id(webhook_id) else None
    if doc is None:
        raise NotFound("Webhook not found")
    try:
        check_org_scope(principal, doc["org_id"])
    except NotFound:
        raise NotFound("Webhook not found") from None
    return doc


def _check_url(url: str) -> str:
    address_guard.check_url(url, settings().webhook_allow_private)
    return url


def create(principal: Principal, org_id: str, body: WebhookCreate) -> dict[str, Any]:
    check_org_scope(principal, org_id)
    existing = platform().documents.query(
        Query(ENDPOINTS, where=[("org_id", "==", org_id)], limit=MAX_ENDPOINTS_PER_ORG)
    )
    if len(existing.items) >= MAX_ENDPOINTS_PER_ORG:
        raise Conflict(f"An organisation may register at most {MAX_ENDPOINTS_PER_ORG} webhooks; delete one first")
    now = now_iso()
    doc = {
        "org_id": org_id,
        "url": _check_url(body.url),
        "events": sorted(set(body.events)),
        "description": body.description,
        "enabled": body.enabled,
        "secret": signing.new_secret(),
        "previous_secret": None,
        "previous_secret_expires_at": None,
        "created_by": principal.user_id,
        "created_at": now,
        "updated_at": now,
        "secret_rotated_at": None,
    }
    return _with_secret(platform().documents.create(ENDPOINTS, new_id(), doc))


def list_for_org(principal: Principal, org_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    check_org_scope(principal, org_id)
    page = platform().documents.query(
        Query(ENDPOINTS, where=[("org_id", "==", org_id)], order_by=[("created_at", "asc")], limit=limit, cursor=cursor)
    )
    return {"items": [view(d) for d in page.items], "next_cursor": page.next_cursor}


def get(principal: Principal, webhook_id: str) -> dict[str, Any]:
    return view(_endpoint_for(principal, webhook_id))


def _change(
    principal: Principal, webhook_id: str, mutate: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    _endpoint_for(principal, webhook_id)  # 404 unless this caller may manage it

    def apply(data: dict[str, Any]) -> dict[str, Any]:
        data = mutate(data)
        data["updated_at"] = now_iso()
        return data

    return update_existing(platform().documents, ENDPOINTS, webhook_id, apply, what="webhook")


def update(principal: Principal, webhook_id: str, body: WebhookUpdate) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    if "url" in fields and fields["url"] is not None:
        _check_url(fields["url"])

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        for key, value in fields.items():
            if value is None and key != "description":
                continue
            data[key] = sorted(set(value)) if key == "events" else value
        return data

    return view(_change(principal, webhook_id, mutate))


def rotate_secret(principal: Principal, webhook_id: str) -> dict[str, Any]:
    """A new secret; the old one still signs deliveries (as a second signature) for 24 hours."""

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC)
        data["previous_secret"] = data["secret"]
        data["previous_secret_expires_at"] = iso(now + PREVIOUS_SECRET_GRACE)
        data["secret"] = signing.new_secret()
        data["secret_rotated_at"] = now_iso()
        return data

    return _with_secret(_change(principal, webhook_id, mutate))


def delete(principal: Principal, webhook_id: str) -> None:
    _endpoint_for(principal, webhook_id)
    platform().documents.delete(ENDPOINTS, webhook_id)


def signing_secrets(doc: dict[str, Any]) -> list[str]:
    out = [doc["secret"]]
    expires = doc.get("previous_secret_expires_at")
    if doc.get("previous_secret") and expires and parse_iso(expires) > datetime.now(UTC):
        out.append(doc["previous_secret"])
    return out


# -- deliveries --------------------------------------------------------------------------------
def delivery_view(doc: dict[str, Any]) -> dict[str, Any]:
    out = strip_meta(doc)
    out["id"] = doc["id"]
    out.pop("expire_at", None)
    return out


def list_deliveries(principal: Principal, webhook_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    _endpoint_for(principal, webhook_id)
    page = platform().documents.query(
        Query(
            DELIVERIES,
            where=[("endpoint_id", "==", webhook_id)],
            order_by=[("created_at", "desc")],
            limit=limit,
            cursor=cursor,
        )
    )
    return {"items": [delivery_view(d) for d in page.items], "next_cursor": page.next_cursor}


def _new_delivery(
    endpoint: dict[str, Any],
    event_type: str,
    msg_id: str,
    body: dict[str, Any],
    job_id: str | None,
    replay_of: str | None = None,
) -> dict[str, Any]:
    now = now_iso()
    return {
        "endpoint_id": endpoint["id"],
        "org_id": endpoint["org_id"],
        "message_id": msg_id,
        "event_type": event_type,
        "job_id": job_id,
        "payload": body,
        "status": "pending",
        "attempts": [],
        "next_attempt_at": now,
        "replay_of": replay_of,
        "created_at": now,
        "updated_at": now,
        "expire_at": expire_in(DELIVERY_RETENTION_SECONDS),
    }


def replay(principal: Principal, webhook_id: str, delivery_id: str) -> dict[str, Any]:
    """Send a logged delivery again: a new delivery of the same message (same webhook-id, so a
    receiver that already handled it can tell), with a fresh timestamp and signature."""
    endpoint = _endpoint_for(principal, webhook_id)
    original = platform().documents.get(DELIVERIES, delivery_id) if is_id(delivery_id) else None
    if original is None or original.get("endpoint_id") != webhook_id:
        raise NotFound("Delivery not found")
    if not endpoint.get("enabled", True):
        raise Conflict("This webhook is disabled; enable it before replaying deliveries")
    doc = _new_delivery(
        endpoint,
        original["event_type"],
        original["message_id"],
        original["payload"],
        original.get("job_id"),
        delivery_id,
    )
    created = platform().documents.create(DELIVERIES, new_id(), doc)
    platform().tasks.enqueue(created["id"], TASK_STEP, 0, queue=WEBHOOKS)
    return delivery_view(created)


def send_test(principal: Principal, webhook_id: str) -> dict[str, Any]:
    """Queue a `webhook.test` message to the endpoint (signed like any other), so an integrator
    can check their receiver and signature verification before a job sends anything."""
    endpoint = _endpoint_for(principal, webhook_id)
    if not endpoint.get("enabled", True):
        raise Conflict("This webhook is disabled; enable it before sending a test event")
    now = now_iso()
    body = {
        "type": TEST_EVENT,
        "timestamp": now,
        "data": {"webhook_id": webhook_id, "org_id": endpoint["org_id"], "sent_by": principal.user_id},
    }
    doc = _new_delivery(endpoint, TEST_EVENT, "msg_" + new_id(), body, None)
    created = platform().documents.create(DELIVERIES, new_id(), doc)
    platform().tasks.enqueue(created["id"], TASK_STEP, 0, queue=WEBHOOKS)
    return delivery_view(created)


def fan_out(event: dict[str, Any]) -> int:
    """Create and enqueue the deliveries of one event; returns how many were created. Raises on
    a storage or queue failure (callers with an outbox retry; the ids dedupe the retry)."""
    types = event_types(event)
    org_id = event.get("org_id")
    if not types or not org_id:
        return 0
    endpoints = (
        platform()
        .documents.query(Query(ENDPOINTS, where=[("org_id", "==", org_id)], limit=MAX_ENDPOINTS_PER_ORG))
        .items
    )
    created = 0
    for endpoint in endpoints:
        if not endpoint.get("enabled", True):
            continue
        for event_type in types:
            if event_type not in endpoint.get("events", ()):
                continue
            msg_id = message_id(event_type, event)
            doc = _new_delivery(endpoint, event_type, msg_id, payload(event_type, event), event.get("job_id"))
            try:
                stored = platform().documents.create(DELIVERIES, _delivery_id(endpoint["id"], msg_id), doc)
            except AlreadyExists:
                continue
            platform().tasks.enqueue(stored["id"], TASK_STEP, 0, queue=WEBHOOKS)
            created += 1
    return created


def backoff_seconds(attempt: int) -> float:
    """Delay before attempt `attempt + 1` (attempt counts from 0)."""
    return float(min(MAX_BACKOFF_SECONDS, settings().webhook_backoff_seconds * (2**attempt)))


def _post(url: str, body: bytes, headers: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    import requests  # only the delivery task needs it; keeps the API functions' cold import small

    cfg = settings()
    try:
        addresses = address_guard.check_url(url, cfg.webhook_allow_private)
    except Invalid as exc:  # the host now resolves somewhere refused (or not at all)
        return None, exc.detail, None
    try:
        resp = sender.post(url, addresses[0], body, headers, cfg.webhook_timeout_seconds)
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {str(exc)[:300]}", None
    return resp.status_code, None, resp.text[:500]


def deliver(delivery_id: str, attempt: int) -> str:
    """Run attempt `attempt` of a delivery (the task handler). Returns the outcome."""
    docs = platform().documents
    doc = docs.get(DELIVERIES, delivery_id)
    if doc is None:
        return "gone"
    if doc["status"] in ("succeeded", "failed") or len(doc.get("attempts") or []) != attempt:
        return "stale"  # a duplicate or late task
    endpoint = docs.get(ENDPOINTS, doc["endpoint_id"])
    cfg = settings()
    started = time.monotonic()
    if endpoint is None or not endpoint.get("enabled", True):
        code: int | None = None
        error: str | None = "The webhook was deleted or disabled"
        excerpt: str | None = None
        final = True
    else:
        body = json.dumps(doc["payload"], separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "User-Agent": f"avp-webhooks/{VERSION}"}
        headers |= signing.headers(signing_secrets(endpoint), doc["message_id"], int(time.time()), body)
        code, error, excerpt = _post(endpoint["url"], body, headers)
        final = False
    ok = code is not None and 200 <= code < 300
    if code is not None and not ok:
        error = f"HTTP {code}"
    record = {
        "attempt": attempt,
        "at": now_iso(),
        "status_code": code,
        "error": error,
        "duration_ms": int((time.monotonic() - started) * 1000),
        "response_excerpt": excerpt,
    }
    last = final or attempt + 1 >= cfg.webhook_max_attempts
    data = strip_meta(doc)
    data["attempts"] = [*data.get("attempts", []), record]
    data["updated_at"] = now_iso()
    delay = 0.0
    if ok:
        data["status"], data["next_attempt_at"] = "succeeded", None
    elif last:
        data["status"], data["next_attempt_at"] = "failed", None
    else:
        delay = backoff_seconds(attempt)
        data["status"] = "retrying"
        data["next_attempt_at"] = expire_in(delay)
    try:
        docs.update(DELIVERIES, delivery_id, data, expected_version=doc["_version"])
    except VersionConflict:
        return "stale"
    logs.event(
        log, "webhook delivery", delivery_id=delivery_id, attempt=attempt, status_code=code, outcome=data["status"]
    )
    if data["status"] == "retrying":
        platform().tasks.enqueue(delivery_id, TASK_STEP, attempt + 1, delay_seconds=delay, queue=WEBHOOKS)
    return str(data["status"])


def reconcile(limit: int = 200) -> int:
    """Re-create the task of deliveries left waiting with no task (a crash between the write and
    the enqueue); the deterministic task name makes this a no-op when the task exists."""
    cutoff = expire_in(-RECONCILE_AFTER_SECONDS)
    created = 0
    for status in ("pending", "retrying"):
        page = platform().documents.query(
            Query(
                DELIVERIES,
                where=[("status", "==", status), ("next_attempt_at", "<", cutoff)],
                order_by=[("next_attempt_at", "asc")],
                limit=limit,
            )
        )
        for doc in page.items:
            if platform().tasks.enqueue(doc["id"], TASK_STEP, len(doc.get("attempts") or []), queue=WEBHOOKS):
                created += 1
    return created
