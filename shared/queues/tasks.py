"""The step-task port. SqliteTasks (durable local queue + worker threads) and CloudTasks implement it.

A task is (job_id, step, attempt). Its name is deterministic (`<job_id>-<step>-<attempt>`), so
enqueueing the same task twice creates it once (Cloud Tasks dedupes names the same way)."""

from __future__ import annotations

from typing import Protocol


def task_name(job_id: str, step: str, attempt: int) -> str:
    return f"{job_id}-{step}-{attempt}"


class TaskQueue(Protocol):
    def enqueue(self, job_id: str, step: str, attempt: int = 0, delay_seconds: float = 0.0) -> bool:
        """Create the task unless one of that name exists; True if created."""

    def delete_for_job(self, job_id: str) -> int:
        """Drop pending tasks of a job (job deletion)."""
