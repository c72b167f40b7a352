"""The job status machine (design.md), as plain data and pure functions."""

from __future__ import annotations

from enum import Enum

from shared.domain.jobs import JobDocument


class JobStatus(str, Enum):
    CREATED = "CREATED"
    UPLOADED = "UPLOADED"
    TRANSCRIBING = "TRANSCRIBING"
    DESCRIBING = "DESCRIBING"
    SOURCE_QC = "SOURCE_QC"
    TRANSLATING = "TRANSLATING"
    LANGUAGE_QC = "LANGUAGE_QC"
    TTS_GENERATING = "TTS_GENERATING"
    RENDERING = "RENDERING"
    FINAL_QC = "FINAL_QC"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    UPLOAD_INVALID = "UPLOAD_INVALID"
    TRANSCRIPTION_FAILED = "TRANSCRIPTION_FAILED"
    DESCRIPTION_FAILED = "DESCRIPTION_FAILED"
    TRANSLATION_FAILED = "TRANSLATION_FAILED"
    TTS_FAILED = "TTS_FAILED"
    RENDER_FAILED = "RENDER_FAILED"


S = JobStatus

# The automated steps: the status a job is in while the step runs, and its failure status.
# "probe" validates the upload while the job is UPLOADED.
STEPS: dict[str, tuple[JobStatus, JobStatus]] = {
    "probe": (S.UPLOADED, S.UPLOAD_INVALID),
    "transcribe": (S.TRANSCRIBING, S.TRANSCRIPTION_FAILED),
    "describe": (S.DESCRIBING, S.DESCRIPTION_FAILED),
    "translate": (S.TRANSLATING, S.TRANSLATION_FAILED),
    "tts": (S.TTS_GENERATING, S.TTS_FAILED),
    "render": (S.RENDERING, S.RENDER_FAILED),
}
STEP_OF_STATUS = {running: step for step, (running, _) in STEPS.items()}
STEP_OF_FAILURE = {failed: step for step, (_, failed) in STEPS.items()}
HEAVY_STEPS = frozenset({"transcribe", "describe", "tts", "render"})
TERMINAL = frozenset({S.COMPLETED, S.REJECTED, S.UPLOAD_INVALID})
RETRYABLE = frozenset(STEP_OF_FAILURE) - {S.UPLOAD_INVALID}
QC_STAGES = frozenset({S.SOURCE_QC, S.LANGUAGE_QC, S.FINAL_QC})
# Where humans may edit VTTs: reviewers at SOURCE_QC / FINAL_QC, linguists at LANGUAGE_QC.
REVIEWER_EDIT_STAGES = frozenset({S.SOURCE_QC, S.FINAL_QC})
LINGUIST_EDIT_STAGES = frozenset({S.LANGUAGE_QC})


def needs_translation(job: JobDocument) -> bool:
    """A job whose outputs are only its source language skips TRANSLATING/LANGUAGE_QC."""
    return any(lang != job["source_language"] for lang in job["requested_outputs"])


def translated_languages(job: JobDocument) -> list[str]:
    return [lang for lang in job["requested_outputs"] if lang != job["source_language"]]


def status_after_step(step: str, job: JobDocument) -> JobStatus:
    """Where a job goes when `step` succeeds."""
    if step == "probe":
        return S.TRANSCRIBING
    if step == "transcribe":
        return S.DESCRIBING
    if step == "describe":
        return S.SOURCE_QC
    if step == "translate":
        return S.LANGUAGE_QC
    if step == "tts":
        return S.RENDERING
    if step == "render":
        return S.FINAL_QC
    raise ValueError(f"unknown step {step}")


def status_after_approve(job: JobDocument) -> JobStatus:
    """Where `actions/approve` sends a job at a job-level QC stage."""
    status = S(job["status"])
    if status == S.SOURCE_QC:
        return S.TRANSLATING if needs_translation(job) else S.TTS_GENERATING
    if status == S.FINAL_QC:
        return S.TTS_GENERATING if job.get("vtt_changed_since_render") else S.COMPLETED
    raise ValueError(f"cannot approve at {status.value}")


def step_for(status: str) -> str | None:
    """The automated step that runs while a job is in `status` (None for human stages)."""
    return STEP_OF_STATUS.get(S(status))
