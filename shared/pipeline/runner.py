"""Runs one pipeline task (job_id, step, attempt): the same code behind the local worker threads
and the Cloud Tasks HTTP target (functions/pipeline_worker).

Safe under at-least-once, out-of-order delivery:
- a task runs only if the job is in the step's status and `attempt` is the job's current attempt
  of that step (`job.step_attempts[step]`); anything else is stale and changes nothing (it only
  re-creates the current task if a crash lost it, which the task name dedupes);
- the step writes to deterministic paths, so a re-run after a crash overwrites;
- success is a compare-and-set to the next status that also checks the attempt, so of two
  concurrent deliveries at most one moves the job;
- a transient failure becomes attempt+1 after exponential backoff, up to
  Settings.task_max_attempts tries; then, or at once for a permanent failure, `<STEP>_FAILED`
  with a readable `error`;
- a job deleted mid-step: writes stop (JobGone), and whatever was written is removed again.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, cast

from shared import logs, metrics
from shared.bootstrap import platform
from shared.domain.jobs import JobDocument
from shared.domain.status import HEAVY_STEPS, RETRYABLE, STEPS, status_after_step
from shared.errors import Conflict, NotFound, PermanentStepError, TransientError
from shared.persistence.job_store import JobStore
from shared.pipeline.contract import Step
from shared.pipeline.registry import steps as registry
from shared.services import job_events, jobs, webhooks
from shared.services.job_events import publish_notification
from shared.storage.layout import job_path
from shared.timestamps import now_iso

log = logs.get("avp.pipeline")

DONE, RETRY, FAILED, STALE, GONE, CANCELLED = "done", "retry", "failed", "stale", "gone", "cancelled"
MAX_BACKOFF_SECONDS = 600.0
PROGRESS_MIN_INTERVAL = 1.0


class JobGone(Exception):
    """The job was deleted while its step ran."""


class _Stale(Exception):
    """The job moved on (another attempt or status) while the step ran."""


_heavy_lock = threading.Lock()
_heavy: tuple[int, threading.BoundedSemaphore] | None = None


def _heavy_slots() -> threading.BoundedSemaphore:
    """In-process limit of concurrent heavy steps (the local queue also limits across processes;
    Cloud Tasks limits with the heavy queue's max concurrent dispatches)."""
    global _heavy
    limit = max(1, platform().settings.heavy_step_concurrency)
    with _heavy_lock:
        if _heavy is None or _heavy[0] != limit:
            _heavy = (limit, threading.BoundedSemaphore(limit))
        return _heavy[1]


class RunnerIO:
    """The StepIO a step gets: file access bound to its job, progress, cancellation."""

    def __init__(self, job: JobDocument, step: str, attempt: int, workdir: Path):
        self.job = job
        self.job_id = job["id"]
        self.step = step
        self.attempt = attempt
        self.workdir = workdir
        self._files = platform().files
        self._jobs = JobStore(platform().documents)
        self._last_progress = (0.0, -100.0)

    def cancelled(self) -> bool:
        return self._jobs.get(self.job_id) is None

    def _guard(self) -> None:
        if self.cancelled():
            raise JobGone(self.job_id)

    def get_file(self, path: str, local: Path) -> Path:
        local = Path(local)
        self._files.get_file(path, local)
        return local

    def put_file(self, path: str, local: Path, content_type: str = "application/octet-stream") -> None:
        self._guard()
        self._files.put_file(path, Path(local), content_type)

    def get_text(self, path: str) -> str:
        return self._files.get_bytes(path).decode("utf-8")

    def put_text(self, path: str, text: str, content_type: str = "text/plain") -> None:
        self._guard()
        self._files.put_bytes(path, text.encode("utf-8"), content_type)

    def exists(self, path: str) -> bool:
        return self._files.exists(path)

    def progress(self, percent: float) -> None:
        pct = max(0.0, min(100.0, float(percent)))
        now = time.monotonic()
        last_t, last_pct = self._last_progress
        if pct < 100 and now - last_t < PROGRESS_MIN_INTERVAL and pct - last_pct < 25:
            return
        self._last_progress = (now, pct)
        job_id, step, attempt = self.job_id, self.step, self.attempt
        running = STEPS[step][0].value

        def mutate(doc: JobDocument) -> JobDocument | None:
            if doc.get("status") != running or (doc.get("step_attempts") or {}).get(step) != attempt:
                return None
            doc["progress"] = {"step": step, "percent": round(pct, 1)}
            return doc

        try:
            stored = self._jobs.update(job_id, mutate)
        except Exception:
            log.warning("progress not recorded", extra={"fields": {"job_id": job_id, "step": step}})
            return
        progress = stored.get("progress") if stored is not None else None
        if stored is not None and progress is not None and progress["percent"] == round(pct, 1):
            publish_notification(stored, "progress", f"{step} {pct:.0f}%", step=step, percent=round(pct, 1))


def _merge(job: JobDocument, result: dict[str, Any]) -> None:
    """Merge a step's result into the job: dicts one level deep per key (outputs[lang] entries
    are merged, so steps may return only what they add), other values replaced. A step names
    the fields it returns at run time (the step contract), so the merge works on the plain
    dict."""
    doc = cast(dict[str, Any], job)
    for key, value in (result or {}).items():
        if key in ("id", "_version", "status", "step_attempts", "step_tries"):
            continue
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            merged = dict(doc[key])
            for sub, sub_value in value.items():
                if isinstance(sub_value, dict) and isinstance(merged.get(sub), dict):
                    merged[sub] = {**merged[sub], **sub_value}
                else:
                    merged[sub] = sub_value
            doc[key] = merged
        else:
            doc[key] = value


# What each step does, in the words the job page and the client's error use.
_STEP_WORK = {
    "probe": "Checking the upload",
    "transcribe": "Transcribing the speech",
    "describe": "Describing the picture",
    "translate": "Translating",
    "tts": "Recording the narration",
    "render": "Making the accessible videos",
}


def _readable(step: str, exc: BaseException) -> str:
    """What failed, for the job's `last_error` while the step is retried and the start of its
    `error` once it gives up: the step's own sentence when it raised one on purpose, otherwise
    which work stopped, never the exception's text (it may hold paths or tool output; the log
    has it, under the job id)."""
    if isinstance(exc, (PermanentStepError, TransientError)) and str(exc):
        return str(exc)
    work = _STEP_WORK.get(step, f"The {step} step")
    return f"{work} stopped on an error inside the platform ({type(exc).__name__}), not a problem found in the video."


def _gave_up(step: str, message: str, tries: int) -> str:
    """The job's `error` when a step that may succeed later failed every attempt: what failed,
    what to do now, and how often it was tried."""
    again = (
        "An admin can retry the step from the job page"
        if step in STEPS and STEPS[step][1] in RETRYABLE
        else "Create the job again with the same video"
    )
    return f"{message.rstrip('. ')}. {again}; if it fails again, give support the job id. It was tried {tries} times."


def _cleanup_deleted(job_id: str) -> None:
    """A deleted job's step may have written after the deletion swept its files: sweep again."""
    try:
        platform().files.delete_prefix(job_path(job_id, ""))
    except Exception:
        log.exception("cleanup of a deleted job failed", extra={"fields": {"job_id": job_id}})


def run_task(job_id: str, step: str, attempt: int, *, steps: dict[str, Step] | None = None) -> str:
    """Run one delivery of a task. Returns the outcome (done, retry, failed, stale, gone,
    cancelled). Raises only for infrastructure failures (the queue then redelivers)."""
    if step == webhooks.TASK_STEP:  # local webhook attempts, and gcp ones queued before decision 1110
        return webhooks.deliver(job_id, attempt)
    p = platform()
    store = JobStore(p.documents)
    job = store.get(job_id)
    if job is None:
        return GONE
    if step not in STEPS:
        log.warning("task for an unknown step", extra={"fields": {"job_id": job_id, "step": step}})
        return STALE
    running, _failed = STEPS[step]
    if job["status"] != running.value or (job.get("step_attempts") or {}).get(step) != attempt:
        # a crash between a committed transition and its follow-ups loses them; re-doing both is
        # idempotent (the task name and the event's (job, status, updated_at) dedupe)
        jobs.ensure_current_task(job, p.tasks)
        jobs.flush_outbox(job, store, job_events.publish_status_strict)
        return STALE
    if steps is None:
        steps = registry()
    fn = steps.get(step)
    workdir = Path(tempfile.mkdtemp(prefix=f"avp-{step}-"))
    io = RunnerIO(job, step, attempt, workdir)
    slots = _heavy_slots() if step in HEAVY_STEPS else None
    started = time.monotonic()
    if slots is not None:
        slots.acquire()
    try:
        if fn is None:
            raise PermanentStepError(f"The {step} step is not available on this platform")
        result = fn(io) or {}
    except JobGone:
        _cleanup_deleted(job_id)
        return CANCELLED
    except PermanentStepError as exc:
        return _fail(job_id, step, attempt, _readable(step, exc), permanent=True)
    except Exception as exc:  # transient by the step contract
        log.warning(
            "step failed", exc_info=True, extra={"fields": {"job_id": job_id, "step": step, "attempt": attempt}}
        )
        return _fail(job_id, step, attempt, _readable(step, exc), permanent=False)
    finally:
        if slots is not None:
            slots.release()
        shutil.rmtree(workdir, ignore_errors=True)
    return _succeed(job, step, attempt, result, time.monotonic() - started)


def _succeed(job: JobDocument, step: str, attempt: int, result: dict[str, Any], seconds: float) -> str:
    job_id = job["id"]
    running, _ = STEPS[step]

    def complete(doc: JobDocument) -> None:
        if (doc.get("step_attempts") or {}).get(step) != attempt:
            raise _Stale()
        _merge(doc, result)
        doc.setdefault("step_history", []).append(
            {"step": step, "attempt": attempt, "seconds": round(seconds, 3), "at": _now()}
        )

    try:
        target = status_after_step(step, job)
        jobs.cas_transition(job_id, running, target, complete)
    except NotFound:
        _cleanup_deleted(job_id)
        return CANCELLED
    except (_Stale, Conflict):
        return STALE
    metrics.STEPS.labels(step, "done").inc()
    return DONE


def _now() -> str:
    return now_iso()


def _fail(job_id: str, step: str, attempt: int, message: str, *, permanent: bool) -> str:
    p = platform()
    cfg = p.settings
    running, failed = STEPS[step]
    store = JobStore(p.documents)
    job = store.get(job_id)
    if job is None:
        _cleanup_deleted(job_id)
        return CANCELLED
    tries = int(job.get("step_tries") or 1)
    if not permanent and tries < cfg.task_max_attempts:
        delay = min(MAX_BACKOFF_SECONDS, cfg.task_backoff_seconds * (2 ** (tries - 1)))

        def next_attempt(doc: JobDocument) -> JobDocument | None:
            if doc.get("status") != running.value or (doc.get("step_attempts") or {}).get(step) != attempt:
                return None
            doc["step_attempts"] = {**doc["step_attempts"], step: attempt + 1}
            doc["step_tries"] = tries + 1
            doc["last_error"] = message
            return doc

        stored = store.update(job_id, next_attempt)
        if stored is None:
            return CANCELLED
        if (stored.get("step_attempts") or {}).get(step) != attempt + 1 or stored.get("status") != running.value:
            return STALE
        p.tasks.enqueue(job_id, step, attempt + 1, delay_seconds=delay)
        metrics.STEPS.labels(step, "retry").inc()
        # A failed attempt changes no status: this event is how a job page sees it live (its
        # fields are those of Job.retrying, plus the pause before the next attempt).
        publish_notification(
            stored,
            "retry",
            message,
            step=step,
            attempt=tries + 1,
            max_attempts=cfg.task_max_attempts,
            delay_seconds=delay,
        )
        log.info(
            "step will retry",
            extra={"fields": {"job_id": job_id, "step": step, "attempt": attempt + 1, "delay": delay}},
        )
        return RETRY

    def record(doc: JobDocument) -> None:
        if (doc.get("step_attempts") or {}).get(step) != attempt:
            raise _Stale()
        doc["error"] = message if permanent else _gave_up(step, message, tries)
        doc["failed_step"] = step

    try:
        jobs.cas_transition(job_id, running, failed, record)
    except NotFound:
        _cleanup_deleted(job_id)
        return CANCELLED
    except (_Stale, Conflict):
        return STALE
    metrics.STEPS.labels(step, "failed").inc()
    return FAILED


def reconcile(limit: int = 500) -> int:
    """Re-create the current task of every job in an automated step and publish status events
    left in job outboxes (a crash between a committed transition and its follow-ups would
    otherwise strand the job or lose the event), and re-creates the task of webhook deliveries
    left waiting with none. All dedupe, so this is cheap and harmless; returns how many tasks
    were created."""
    p = platform()
    store = JobStore(p.documents)
    created = 0
    running = [s.value for s, _ in STEPS.values()]
    for job in store.in_statuses(running, limit=limit):
        if jobs.ensure_current_task(job, p.tasks):
            created += 1
    for job in store.with_pending_outbox(limit=limit):
        jobs.flush_outbox(job, store, job_events.publish_status_strict)
    return created + webhooks.reconcile()
