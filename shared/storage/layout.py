"""The storage layout: where every object of the platform lives (docs/architecture.md, storage
layout). Logical paths; in GCP `uploads/` is the uploads bucket and `jobs/` the deliverables
bucket."""

from __future__ import annotations


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
