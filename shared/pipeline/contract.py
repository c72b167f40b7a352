"""The contract between the orchestration (shared.pipeline.runner) and the media steps
(shared.pipeline.media_steps). The runner owns status changes, retries and progress; a step
only turns inputs in the file store into outputs in the file store.

A step is `run(io: StepIO) -> dict`: it reads the job snapshot `io.job`, works in `io.workdir`
(a fresh local temp folder), writes every output to a deterministic path with `io.put_file`
(so a re-run after a crash overwrites, never duplicates), calls `io.progress(pct)` now and then,
and returns a dict of job fields to merge when it succeeds (typically `outputs` entries and a
`qc_report` summary). Where outputs go is the storage layout (shared.storage.layout). It raises `PermanentStepError(readable reason)` for a failure retrying
cannot fix (bad media), anything else for a transient failure (the runner retries with
backoff). It checks `io.cancelled()` between long phases and returns early if the job is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from shared.domain.jobs import JobDocument


class StepIO(Protocol):
    job: JobDocument  # the job document (with "id") as the step starts
    workdir: Path

    def get_file(self, path: str, local: Path) -> Path: ...
    def put_file(self, path: str, local: Path, content_type: str = "application/octet-stream") -> None: ...
    def get_text(self, path: str) -> str: ...
    def put_text(self, path: str, text: str, content_type: str = "text/plain") -> None: ...
    def exists(self, path: str) -> bool: ...
    def progress(self, percent: float) -> None: ...
    def cancelled(self) -> bool: ...


Step = Callable[[StepIO], dict]
