"""The local pipeline workers run in exactly one process of the local server (decision 1200).

Every server process starts a `PipelineOnce`: a thread that tries an exclusive `flock` on
`<data folder>/pipeline.lock` once a second. The holder starts the queue workers
(shared.local.worker); when that process stops, or dies (the kernel drops its lock), another
process takes the lock and the workers over within a second, and the queue's leases hand any
interrupted step to them."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from pathlib import Path

from shared import logs

log = logs.get("avp.worker")


class PipelineOnce:
    def __init__(self, lock_path: Path, start_workers: Callable[[], Callable[[], None]], poll_seconds: float = 1.0):
        self.lock_path = Path(lock_path)
        self.start_workers = start_workers
        self.poll_seconds = poll_seconds
        self.running = threading.Event()
        self._stop = threading.Event()
        self._stop_workers: Callable[[], None] | None = None
        self._fd: int | None = None
        self._thread = threading.Thread(target=self._run, name="avp-pipeline-lock", daemon=True)

    def start(self) -> PipelineOnce:
        self._thread.start()
        return self

    def _run(self) -> None:
        self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        while not self._stop.is_set():
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._stop.wait(self.poll_seconds)
                continue
            log.info("pipeline workers start in this process", extra={"fields": {"pid": os.getpid()}})
            self._stop_workers = self.start_workers()
            self.running.set()
            return

    def stop(self) -> None:
        """Stop the workers if this process runs them, then let another process take over."""
        self._stop.set()
        self._thread.join()
        if self._stop_workers is not None:
            self._stop_workers()
            self._stop_workers = None
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None
        self.running.clear()
