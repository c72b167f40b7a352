"""The job document as stored (collection "jobs") and the pure rules over it: who may see a
job and which languages a linguist is assigned. The API's view of a job is the `Job` model
(shared.models.jobs); every stored field is a field of that model or in `INTERNAL_FIELDS`,
with compatible types (tests/unit/test_job_document.py holds the two together).

The document is a plain dict at run time (every document store returns one); `JobDocument`
names its fields and their types, so mypy checks each read. Services get it typed from
shared.persistence.job_store.JobStore (decision 1310)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from shared.domain.accounts import Actor, Person
from shared.domain.roles import CLIENT, LINGUIST, SEES_EVERY_ORG, SEES_OWN_ORG


class LanguageQcDetails(TypedDict, total=False):
    """What a language QC history entry adds to who and when, by action."""

    assignee: str  # assigned
    assignee_email: str  # assigned
    previous_status: str  # assigned
    reason: str  # rejected
    feedback_id: str  # feedback


class LanguageQcEvent(LanguageQcDetails):
    """One entry of `language_qc[lang].history`."""

    action: str  # assigned | approved | rejected | feedback
    by: str  # user id
    by_email: str
    at: str


class LanguageQcFeedback(TypedDict):
    """One entry of `language_qc[lang].feedback`."""

    id: str
    author: str  # user id
    author_email: str
    author_role: str
    at: str
    message: str


class LanguageQcState(TypedDict, total=False):
    """`language_qc[lang]`: see shared.domain.language_qc for the states and their changes."""

    status: str  # PENDING | ASSIGNED | APPROVED | REJECTED
    assignee: str | None
    assignee_email: str
    rejection_reason: str
    history: list[LanguageQcEvent]
    feedback: list[LanguageQcFeedback]


class Progress(TypedDict):
    step: str | None
    percent: float


class QcAction(TypedDict, total=False):
    """An approve, reject or feedback at SOURCE_QC / LANGUAGE_QC / FINAL_QC."""

    stage: str
    action: str
    by: Actor
    at: str
    next: str
    reason: str
    message: str


class StepRun(TypedDict):
    """One successful step run, appended by the pipeline runner."""

    step: str
    attempt: int
    seconds: float
    at: str


class SourceMedia(TypedDict, total=False):
    """`media`: what the probe step measured on the source (shared.media.probe.MediaInfo)."""

    container: str  # mp4 | mov
    duration: float  # seconds
    size: int  # bytes
    video_codec: str
    width: int
    height: int
    fps: float
    audio_codec: str  # "" without an audio track
    sample_rate: int
    channels: int
    has_audio: bool


class JobDocument(TypedDict, total=False):
    # identity and request
    id: str
    org_id: str
    created_by: str
    title: str
    source_language: str
    requested_outputs: list[str]
    options: dict[str, Any]  # shared.models.jobs.JobOptions
    glossary_id: str | None
    upload_id: str
    created_at: str
    updated_at: str
    # the source (set when the upload is attached) and what the probe found
    source_path: str | None
    source_size: int | None
    source_content_type: str | None
    media: SourceMedia
    # status and progress (shared.domain.status)
    status: str
    progress: Progress | None
    error: str | None
    # deliverables: {lang: {kind: storage path}} and the QC summary per language
    outputs: dict[str, dict[str, str]]
    qc_report: dict[str, dict[str, Any]]  # per language: the report file `path` and one summary per step
    vtt_changed_since_render: bool
    # human QC
    language_qc: dict[str, LanguageQcState]
    assignees: list[str]  # denormalized from language_qc, for list queries
    feedback: list[QcAction]
    rejection: QcAction | None
    qc_history: list[QcAction]
    # pipeline bookkeeping (shared.pipeline.runner)
    step_attempts: dict[str, int]
    step_tries: int
    step_history: list[StepRun]
    last_error: str  # the error of the last failed try of a step that will be retried
    failed_step: str  # the step whose failure ended in <STEP>_FAILED
    outbox: list[dict[str, Any]]  # status events not yet published
    outbox_pending: bool
    # document-store metadata
    _version: int


# The stored fields the API does not show (bookkeeping of the pipeline, the store and list
# queries, and where the source came from). Every other field of `JobDocument` is a field of the
# API's `Job` model and so of the OpenAPI document: tests/unit/test_job_document.py fails when a
# field is added to one and not declared in the other.
INTERNAL_FIELDS = frozenset(
    {
        "upload_id",
        "source_path",
        "source_size",
        "source_content_type",
        "assignees",
        "qc_history",
        "step_attempts",
        "step_tries",
        "step_history",
        "last_error",
        "failed_step",
        "outbox",
        "outbox_pending",
        "_version",
    }
)


# Fields of the API's `Job` computed by the view from internal ones, never stored:
# `retrying` (from `step_tries` and `last_error` while a failed step is retried; decision 0829).
DERIVED_FIELDS = frozenset({"retrying"})


def assignees(job: JobDocument) -> list[str]:
    """The user ids assigned to any language of the job, sorted (stored as `assignees`, so GET
    /jobs can find a linguist's jobs)."""
    states = (job.get("language_qc") or {}).values()
    return sorted({uid for state in states if (uid := (state or {}).get("assignee"))})


def assigned_languages(job: JobDocument, user_id: str) -> list[str]:
    """The languages of the job assigned to `user_id`."""
    return [lang for lang, st in (job.get("language_qc") or {}).items() if (st or {}).get("assignee") == user_id]


def _no_sharing(org_id: str) -> bool:
    return False


def can_see(person: Person, job: JobDocument, clients_share_jobs: Callable[[str], bool] = _no_sharing) -> bool:
    """ADMIN and REVIEWER see every job; a PM their organisation's; a CLIENT the jobs they
    created, or every job of their organisation when it shares jobs among its clients
    (`clients_share_jobs(org_id)`, asked only then; decision 0906); a LINGUIST the jobs with a
    language assigned to them."""
    role = person.role
    if role in SEES_EVERY_ORG:
        return True
    if role in SEES_OWN_ORG:
        if not person.org_id or job.get("org_id") != person.org_id:
            return False
        if role == CLIENT and job.get("created_by") != person.user_id:
            return clients_share_jobs(person.org_id)
        return True
    if role == LINGUIST:
        return bool(assigned_languages(job, person.user_id))
    return False
