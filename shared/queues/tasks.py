"""The step-task port. SqliteTasks (durable local queue + worker threads) and CloudTasks implement it.

A task is (job_id, step, attempt). Its name is deterministic (`<job_id>-<step>-<attempt>`), so
enqueueing the same task twice creates it once (Cloud Tasks dedupes names the same way).

Every task goes to one of two queues (decision 1110): PIPELINE (media steps, run by the
pipeline_worker function on gcp) or WEBHOOKS (webhook delivery attempts, run by the small
webhook_worker function), so a backlog of media steps never delays a webhook."""

from __future__ import annotations

from typing import Protocol

PIPELINE = "pipeline"
WEBHOOKS = "webhooks"
QUEUES: tuple[str, ...] = (PIPELINE, WEBHOOKS)


def task_name(job_id: str, step: str, attempt: int) -> str:
    return f"{job_id}-{step}-{attempt}"


def check_queue(queue: str) -> str:
    if queue not in QUEUES:
        raise ValueError(f"unknown task queue {queue!r} (one of {', '.join(QUEUES)})")
    return queue


class TaskQueue(Protocol):
    def enqueue(
        self, job_id: str, step: str, attempt: int = 0, delay_seconds: float = 0.0, queue: str = PIPELINE
    ) -> bool:
        """Create the task on `queue` unless one of that name exists there; True if created."""

    def delete_for_job(self, job_id: str) -> int:
        """Drop pending pipeline tasks of a job (job deletion)."""
