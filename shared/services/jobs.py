"""Jobs: visibility, the compare-and-set status transition every component uses, and the API
operations of functions/jobs (list, get, delete, downloads, QC actions; creation is in
shared.services.job_creation).

A job document (shared.domain.jobs.JobDocument) lives in the "jobs" collection (24-hex id) and
is read and written through shared.persistence.job_store.JobStore (`store()` here, typed).
Besides the API fields it carries internal ones (`INTERNAL_FIELDS`: `assignees` for list queries,
`step_attempts` and `step_tries`, which the pipeline runner uses to tell a current task from a
stale one, the status-event outbox, ...).

The operations (called by functions/jobs, the runner and other services) resolve the platform's
ports; the pieces below them take the ports they use as arguments: `change_status(jobs, ...)`,
`flush_outbox(job, jobs, publish)`, `ensure_current_task(job, tasks)` (decision 1311)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Unpack

from shared import logs
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain import jobs as rules
from shared.domain import language_qc as language_qc_rules
from shared.domain.accounts import actor
from shared.domain.jobs import JobDocument, QcAction
from shared.domain.roles import CLIENT, LINGUIST, SEES_EVERY_ORG, SEES_OWN_ORG
from shared.domain.status import (
    QC_STAGES,
    RETRYABLE,
    STEP_OF_FAILURE,
    STEPS,
    JobStatus,
    status_after_approve,
    step_for,
)
from shared.errors import Conflict, Invalid, NotFound
from shared.models.jobs import Job
from shared.persistence import job_store
from shared.persistence.documents import Query
from shared.persistence.job_store import JobStore
from shared.queues.tasks import TaskQueue
from shared.services import job_events
from shared.storage.layout import job_path
from shared.timestamps import now_iso

log = logs.get("avp.jobs")
# one status or several (a JobStatus is a str)
Statuses = str | Iterable[str]
FAILURE_STATUSES = frozenset(failed.value for _, failed in STEPS.values())
# The fields the API shows are the fields of the `Job` model (the OpenAPI schema): `view` is
# built from it, so the two cannot drift; everything else on the document is internal.
API_FIELDS = tuple(name for name in Job.model_fields if name != "id")


# -- visibility ---------------------------------------------------------------------------------
_share_cache: dict[str, tuple[float, bool]] = {}
_SHARE_CACHE_SECONDS = 2.0


def clients_share_jobs(org_id: str | None) -> bool:
    """The organisation's setting: do its CLIENTs see each other's jobs? (Default no: the spec's
    "client sees own".) Cached for two seconds per process, like account state."""
    if not org_id:
        return False
    now = time.monotonic()
    hit = _share_cache.get(org_id)
    if hit and now - hit[0] < _SHARE_CACHE_SECONDS:
        return hit[1]
    org = platform().documents.get("organizations", org_id)
    shared = bool((org or {}).get("clients_share_jobs", False))
    _share_cache[org_id] = (now, shared)
    return shared


def forget_org_settings(org_id: str) -> None:
    _share_cache.pop(org_id, None)


def store() -> JobStore:
    """The jobs collection of this process's platform."""
    return JobStore(platform().documents)


def can_see(principal: Principal, job: JobDocument) -> bool:
    """The visibility rule (shared.domain.jobs.can_see) with this organisation's setting."""
    return rules.can_see(principal, job, clients_share_jobs)


def get_job(job_id: str) -> JobDocument:
    return store().require(job_id)


def get_job_for(principal: Principal, job_id: str) -> JobDocument:
    """The job document if `principal` may see it; NotFound (404) otherwise, so the existence of
    another organisation's job is not revealed."""
    job = store().get(job_id)
    if job is None or not can_see(principal, job):
        raise NotFound("Job not found")
    return job


def view(job: JobDocument, principal: Principal | None = None) -> dict[str, Any]:
    """The API representation: `_id` plus the spec's fields and progress; a LINGUIST sees only
    the status of the languages not assigned to them (decision 0910)."""
    out: dict[str, Any] = {"_id": job["id"]}
    stored: dict[str, Any] = dict(job)
    for key in API_FIELDS:
        if key in stored:
            out[key] = stored[key]
    out.setdefault("error", None)
    out.setdefault("outputs", {})
    out.setdefault("language_qc", {})
    out.setdefault("progress", None)
    out["retrying"] = retrying(job)
    if principal is not None and principal.role == LINGUIST:
        out["language_qc"] = language_qc_rules.as_seen_by_linguist(out["language_qc"] or {}, principal.user_id)
    return out


def retrying(job: JobDocument) -> dict[str, Any] | None:
    """The retry under way, if the job's automated step failed and will be tried again: the step,
    the attempt now waiting or running, the most the pipeline makes, and the last error (the
    runner sets `step_tries` and `last_error` when it schedules the next attempt; entering a step
    sets `step_tries` back to 1). None otherwise (decision 0829)."""
    status = job.get("status")
    step = step_for(status) if status else None
    tries = int(job.get("step_tries") or 0)
    error = job.get("last_error")
    if step is None or tries < 2 or not error:
        return None
    return {"step": step, "attempt": tries, "max_attempts": platform().settings.task_max_attempts, "last_error": error}


# -- status changes -------------------------------------------------------------------------
def _expected_set(expected: Statuses) -> frozenset[str]:
    if isinstance(expected, (str, JobStatus)):
        return frozenset({JobStatus(expected).value})
    return frozenset(JobStatus(s).value for s in expected)


def _enter(new: JobDocument, new_status: str, job_id: str) -> None:
    """Bookkeeping on entering `new_status` (attempt counters and progress of its automated
    step, if it has one). The status event goes into the job's outbox in the same write as the status (published
    right after; a crash in between is repaired by whoever touches the job next)."""
    new["status"] = new_status
    new["updated_at"] = now_iso()
    new["outbox"] = list(new.get("outbox") or []) + [job_events.status_event({**new, "id": job_id})]
    new["outbox_pending"] = True
    step = step_for(new_status)
    if step is not None:
        attempts = dict(new.get("step_attempts") or {})
        attempts[step] = int(attempts.get(step, 0)) + 1
        new["step_attempts"] = attempts
        new["step_tries"] = 1
        new["progress"] = {"step": step, "percent": 0}
        new["error"] = None
    elif new_status not in FAILURE_STATUSES:
        new["progress"] = {"step": None, "percent": 100}


def change_status(
    jobs: JobStore,
    job_id: str,
    expected: Statuses,
    new_status: str,
    mutate: Callable[[JobDocument], None] | None = None,
) -> JobDocument:
    """The compare-and-set of a status change alone: move the job from one of the `expected`
    statuses to `new_status` (with its status event in the outbox and its step's attempt
    counted); `mutate` edits the fresh document first. Raises Conflict naming the current status
    if the job is not in an expected status (so of two racing callers exactly one wins), NotFound
    if gone. Publishes and enqueues nothing (cas_transition does)."""
    allowed = _expected_set(expected)
    new_status = JobStatus(new_status).value

    def move(job: JobDocument) -> JobDocument:
        if job["status"] not in allowed:
            want = " or ".join(sorted(allowed))
            raise Conflict(f"Job is {job['status']}; this needs it to be {want}")
        if mutate is not None:
            mutate(job)
        _enter(job, new_status, job_id)
        return job

    return jobs.update_existing(job_id, move)


def cas_transition(
    job_id: str,
    expected: Statuses,
    new_status: str,
    mutate: Callable[[JobDocument], None] | None = None,
    *,
    enqueue: bool = True,
) -> JobDocument:
    """change_status on this platform's jobs, then its follow-ups: publishes job_status_update
    and enqueues the new status's step."""
    p = platform()
    jobs = JobStore(p.documents)
    stored = change_status(jobs, job_id, expected, new_status, mutate)
    flush_outbox(stored, jobs, job_events.publish_status_strict)
    step = step_for(stored["status"])
    if step is not None and enqueue:
        p.tasks.enqueue(job_id, step, stored["step_attempts"][step])
    return stored


def transition(job_id: str, expected_status: Statuses, new_status: str, **fields: Unpack[JobDocument]) -> JobDocument:
    """Compare-and-set the job's status from `expected_status` (a status or a set of them) to
    `new_status`, merging `fields` (job fields, type-checked) into the document and setting
    updated_at. Raises shared.errors.Conflict (409) naming the current status if the job is
    elsewhere. Publishes `job_status_update` and enqueues the automated step of the new status,
    if it has one."""

    def merge(doc: JobDocument) -> None:
        doc.update(fields)

    return cas_transition(job_id, expected_status, new_status, merge)


def flush_outbox(job: JobDocument, jobs: JobStore, publish: Callable[[dict[str, Any]], None]) -> int:
    """Publish the job's unpublished status events in order with `publish` (which raises when an
    event could not be published), then drop them from the outbox. Safe to repeat: the local
    event log ignores a status change it already holds (Pub/Sub subscribers may see a repeat, as
    with any at-least-once delivery)."""
    pending = list(job.get("outbox") or [])
    published = []
    for event in pending:
        try:
            publish(event)
        except Exception:
            log.exception(
                "status event not published; it stays in the outbox", extra={"fields": {"job_id": job.get("id")}}
            )
            break
        published.append((event.get("status"), event.get("updated_at")))
    if not published and not (job.get("outbox_pending") and not pending):
        return 0
    done = set(published)

    def clear(doc: JobDocument) -> JobDocument | None:
        box = list(doc.get("outbox") or [])
        rest = [e for e in box if (e.get("status"), e.get("updated_at")) not in done]
        if len(rest) == len(box) and doc.get("outbox_pending") == bool(rest):
            return None
        doc["outbox"] = rest
        doc["outbox_pending"] = bool(rest)
        return doc

    try:
        jobs.update(job["id"], clear)
    except Exception:
        log.exception("outbox not cleared; its events will be published again (deduplicated)")
    return len(published)


def ensure_current_task(job: JobDocument, tasks: TaskQueue) -> bool:
    """Make sure the task of the job's current automated step exists (idempotent: the task name
    dedupes). Repairs a crash between a committed transition and its enqueue."""
    step = step_for(job["status"])
    if step is None:
        return False
    attempt = int((job.get("step_attempts") or {}).get(step, 0))
    if attempt <= 0:
        return False
    return bool(tasks.enqueue(job["id"], step, attempt))


# -- QC actions -----------------------------------------------------------------------------
def approve(principal: Principal, job_id: str) -> JobDocument:
    job = get_job_for(principal, job_id)
    status = job["status"]
    if status not in (JobStatus.SOURCE_QC.value, JobStatus.FINAL_QC.value):
        hint = "; languages are approved one by one under language-qc" if status == JobStatus.LANGUAGE_QC.value else ""
        raise Conflict(f"Job is {status}; approve applies at SOURCE_QC or FINAL_QC{hint}")
    target = status_after_approve(job)

    def record(doc: JobDocument) -> None:
        doc.setdefault("qc_history", []).append(
            {"stage": status, "action": "approve", "by": actor(principal), "at": now_iso(), "next": target.value}
        )

    return cas_transition(job_id, status, target, record)


def reject(principal: Principal, job_id: str, reason: str) -> JobDocument:
    job = get_job_for(principal, job_id)
    status = job["status"]
    if status not in (JobStatus.SOURCE_QC.value, JobStatus.FINAL_QC.value):
        raise Conflict(f"Job is {status}; reject applies at SOURCE_QC or FINAL_QC")
    reason = reason.strip()
    entry: QcAction = {"stage": status, "reason": reason, "by": actor(principal), "at": now_iso()}

    def record(doc: JobDocument) -> None:
        doc["rejection"] = entry
        doc.setdefault("qc_history", []).append({**entry, "action": "reject"})

    stored = cas_transition(job_id, status, JobStatus.REJECTED, record)
    job_events.publish_notification(stored, "rejection", f"Rejected at {status}: {reason}", stage=status)
    return stored


def feedback(principal: Principal, job_id: str, message: str) -> JobDocument:
    job = get_job_for(principal, job_id)
    if job["status"] not in {s.value for s in QC_STAGES}:
        raise Conflict(f"Job is {job['status']}; feedback applies at SOURCE_QC, LANGUAGE_QC or FINAL_QC")
    entry: QcAction = {"message": message.strip(), "stage": job["status"], "by": actor(principal), "at": now_iso()}

    def add(doc: JobDocument) -> JobDocument:
        doc["feedback"] = list(doc.get("feedback") or []) + [entry]
        doc["updated_at"] = entry["at"]
        return doc

    stored = store().update_existing(job_id, add)
    job_events.publish_notification(stored, "feedback", entry["message"], stage=entry["stage"], author=principal.email)
    return stored


def retry(principal: Principal, job_id: str) -> JobDocument:
    job = get_job_for(principal, job_id)
    status = JobStatus(job["status"])
    if status not in RETRYABLE:
        raise Conflict(f"Job is {status.value}; only a failed step can be retried")
    step = STEP_OF_FAILURE[status]
    running, _ = STEPS[step]
    return cas_transition(job_id, status, running)


# -- reading ----------------------------------------------------------------------------------
def list_jobs(
    principal: Principal,
    status: str | None = None,
    org_id: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> dict[str, Any]:
    where: list[Any] = []
    if status:
        try:
            where.append(("status", "==", JobStatus(status).value))
        except ValueError:
            raise Invalid(f"Unknown status {status}") from None
    role = principal.role
    if role in SEES_EVERY_ORG:
        if org_id:
            where.append(("org_id", "==", org_id))
    elif role in SEES_OWN_ORG:
        if not principal.org_id or (org_id and org_id != principal.org_id):
            return {"items": [], "next_cursor": None}
        where.append(("org_id", "==", principal.org_id))
        if role == CLIENT and not clients_share_jobs(principal.org_id):
            where.append(("created_by", "==", principal.user_id))
    elif role == LINGUIST:
        where.append(("assignees", "array_contains", principal.user_id))
        if org_id:
            where.append(("org_id", "==", org_id))
    else:
        return {"items": [], "next_cursor": None}
    page = store().query(
        Query(job_store.COLLECTION, where=where, order_by=[("created_at", "desc")], limit=limit, cursor=cursor)
    )
    items = [view(j, principal) for j in page.items if can_see(principal, j)]
    return {"items": items, "next_cursor": page.next_cursor}


# -- deletion ---------------------------------------------------------------------------------
RELATED_COLLECTIONS = ("vtt_versions", "vtt_heads")


def delete_job(principal: Principal, job_id: str) -> None:
    """Remove the job, its VTT versions, its pending tasks and every stored file. The document
    goes first, so a step still running sees the job gone and stops (the runner then removes
    anything it wrote after this sweep)."""
    job = get_job_for(principal, job_id)
    p = platform()
    docs = p.documents
    JobStore(docs).delete(job_id)
    for collection in RELATED_COLLECTIONS:
        while True:
            page = docs.query(Query(collection, where=[("job_id", "==", job_id)], limit=200))
            for item in page.items:
                docs.delete(collection, item["id"])
            if not page.next_cursor:
                break
    p.tasks.delete_for_job(job_id)
    p.files.delete_prefix(job_path(job_id, ""))
    upload_id = job.get("upload_id")
    if upload_id:
        upload = docs.get("uploads", upload_id)
        if upload is not None:
            p.files.delete(upload["path"])
            docs.delete("uploads", upload_id)
    log.info("job deleted", extra={"fields": {"job_id": job_id, "by": principal.user_id}})
