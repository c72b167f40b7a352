"""The contract between the orchestration (shared.pipeline.runner) and the media steps
(shared.pipeline.media_steps). The runner owns status changes, retries and progress; a step
only turns inputs in the file store into outputs in the file store.

A step is `run(io: StepIO) -> dict`: it reads the job snapshot `io.job`, works in `io.workdir`
(a fresh local temp folder), writes every output to a deterministic path with `io.put_file`
(so a re-run after a crash overwrites, never duplicates), calls `io.progress(pct)` now and then,
and returns a dict of job fields to merge when it succeeds (typically `outputs` entries and a
`qc_report` summary). It raises `PermanentStepError(readable reason)` for a failure retrying
cannot fix (bad media), anything else for a transient failure (the runner retries with
backoff). It checks `io.cancelled()` between long phases and returns early if the job is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class StepIO(Protocol):
    job: dict  # the job document (with "id") as the step starts
    workdir: Path

    def get_file(self, path: str, local: Path) -> Path: ...
    def put_file(self, path: str, local: Path, content_type: str = "application/octet-stream") -> None: ...
    def get_text(self, path: str) -> str: ...
    def put_text(self, path: str, text: str, content_type: str = "text/plain") -> None: ...
    def exists(self, path: str) -> bool: ...
    def progress(self, percent: float) -> None: ...
    def cancelled(self) -> bool: ...


Step = Callable[[StepIO], dict]


def job_path(job_id: str, *parts: str) -> str:
    """Deterministic storage paths of a job (see docs/architecture.md, storage layout)."""
    return "/".join(("jobs", job_id) + parts)


def upload_path(upload_id: str) -> str:
    """Where a source video is uploaded before a job claims it (the uploads bucket in GCP)."""
    return f"uploads/{upload_id}/{SOURCE}"


# Deliverable and work file names, per language folder jobs/<id>/<lang>/.
CAPTIONS_VTT = "captions.vtt"
CAPTIONS_SRT = "captions.srt"
CAPTIONS_TTML = "captions.ttml"
CAPTIONS_SCC = "captions.scc"
DESCRIPTIONS_VTT = "descriptions.vtt"
NARRATION = "narration.m4a"
ACCESSIBLE_MP4 = "accessible.mp4"
BURNED_MP4 = "accessible-burned-in.mp4"
EXTENDED_MP4 = "accessible-extended.mp4"
QC_REPORT = "qc-report.json"
SOURCE = "source.mp4"
