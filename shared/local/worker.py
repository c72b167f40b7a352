"""The local pipeline workers: threads that claim tasks from the SQLite queue and run them with
shared.pipeline.runner. `start()` returns a stop function (shared.local.serve starts them in the
server process); `python -m shared.local.worker` runs them standalone until SIGTERM/SIGINT.

A claimed task holds a lease that a heartbeat thread extends while it runs; a worker killed
outright stops extending it and, once it lapses, any worker (this one restarted, or another)
claims the task again. Every so often the worker also re-creates the current task of jobs in an
automated step (runner.reconcile), which repairs a crash between a transition and its enqueue,
and every 10 minutes deletes expired short-lived documents (housekeeping.run)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import uuid

from shared import logs
from shared.bootstrap import platform
from shared.domain.status import HEAVY_STEPS
from shared.pipeline.runner import reconcile, run_task
from shared.services import housekeeping

log = logs.get("avp.worker")
RECONCILE_EVERY = 15.0
PURGE_EVERY = 600.0  # expired short-lived documents (shared.services.housekeeping, decision 0700)
PURGE_FIRST_AFTER = 30.0
PRUNE_EVERY = 3600.0
DONE_RETENTION = 7 * 24 * 3600.0


def _lease_seconds() -> float:
    return float(os.environ.get("AVP_TASK_LEASE_SECONDS", "60") or 60)


class Worker:
    def __init__(
        self,
        threads: int | None = None,
        lease_seconds: float | None = None,
        steps=None,
        poll_seconds: float = 0.05,
        record_latency: bool = False,
    ):
        self.platform = platform()
        self.cfg = self.platform.settings
        self.tasks = self.platform.tasks
        self.threads = threads or max(1, self.cfg.worker_threads)
        self.lease_seconds = lease_seconds or _lease_seconds()
        self.steps = steps
        self.poll_seconds = poll_seconds
        self.owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._inflight: dict[str, float] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.latencies: list[float] | None = [] if record_latency else None
        self.handled = 0

    def start(self) -> Worker:
        sweep = getattr(self.platform.files, "sweep_orphans", None)
        if sweep is not None:
            try:
                sweep()  # leftovers of a worker that died mid-write
            except Exception:
                log.exception("sweep of orphaned temporary files failed")
        for i in range(self.threads):
            t = threading.Thread(target=self._loop, name=f"avp-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._housekeeping, name="avp-worker-lease", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self.tasks.wake_all()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def _loop(self) -> None:
        heavy_limit = max(1, self.cfg.heavy_step_concurrency)
        while not self._stop.is_set():
            try:
                task = self.tasks.claim(self.owner, self.lease_seconds, HEAVY_STEPS, heavy_limit)
            except Exception:
                log.exception("claim failed")
                self._stop.wait(1.0)
                continue
            if task is None:
                due = self.tasks.next_due_in()
                self.tasks.wait(self.poll_seconds if due is None else min(self.poll_seconds, max(due, 0.005)))
                continue
            if self.latencies is not None:
                self.latencies.append(max(0.0, task.started_at - task.available_at))
            with self._lock:
                self._inflight[task.name] = time.monotonic()
            try:
                outcome = run_task(task.job_id, task.step, task.attempt, steps=self.steps)
                self.tasks.complete(task.name, self.owner)
                self.handled += 1
                logs.event(
                    log,
                    "task handled",
                    job_id=task.job_id,
                    step=task.step,
                    attempt=task.attempt,
                    outcome=outcome,
                    deliveries=task.deliveries,
                )
            except Exception:
                log.exception("task run failed; it will be delivered again", extra={"fields": {"task": task.name}})
                delay = min(60.0, self.cfg.task_backoff_seconds * (2 ** min(task.deliveries, 6)))
                try:
                    self.tasks.release(task.name, self.owner, delay)
                except Exception:
                    log.exception("release failed; the lease will lapse instead")
            finally:
                with self._lock:
                    self._inflight.pop(task.name, None)

    def _housekeeping(self) -> None:
        beat = max(0.2, self.lease_seconds / 3)
        next_reconcile = 0.0
        next_prune = time.monotonic() + 60
        next_purge = time.monotonic() + PURGE_FIRST_AFTER
        while not self._stop.wait(beat if next_reconcile else 0):
            with self._lock:
                names = list(self._inflight)
            for name in names:
                try:
                    self.tasks.extend(name, self.owner, self.lease_seconds)
                except Exception:
                    log.exception("lease extension failed")
            now = time.monotonic()
            if now >= next_reconcile:
                try:
                    created = reconcile()
                    if created:
                        logs.event(log, "re-created lost tasks", count=created)
                except Exception:
                    log.exception("reconcile failed")
                next_reconcile = now + RECONCILE_EVERY
            if now >= next_prune:
                try:
                    self.tasks.prune(DONE_RETENTION)
                except Exception:
                    log.exception("prune failed")
                next_prune = now + PRUNE_EVERY
            if now >= next_purge:
                self.purge()
                next_purge = now + PURGE_EVERY

    def purge(self) -> dict[str, int] | None:
        """One housekeeping pass (expired sessions, counters, invites, uploads...)."""
        try:
            return housekeeping.run()
        except Exception:
            log.exception("housekeeping purge failed")
            return None


def start(**kwargs):
    """Start the worker threads for the current settings; returns a function that stops them."""
    worker = Worker(**kwargs).start()
    return worker.stop


def main() -> int:
    worker = Worker().start()
    done = threading.Event()

    def _signal(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, _signal)
    signal.signal(signal.SIGINT, _signal)
    print(f"worker ready pid={os.getpid()} threads={worker.threads}", flush=True)
    while not done.wait(0.5):
        pass
    worker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
