"""Job models: creation (multipart form or JSON with an upload_id), the job as the API shows it,
lists, downloads and the bodies of the QC actions."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = "^[0-9a-f]{24}$"
# Python's whitespace (str.strip, re's \s) spelled out: JSON Schema's and pydantic's regex engines
# disagree with Python on \s (U+001C-U+001F), so patterns name the characters.
PY_SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"[^{PY_SPACE}]"  # at least one character that is not whitespace
# What canonical_language accepts: surrounding whitespace (stripped), `_` for `-` (en_GB).
LANG_PATTERN = rf"^[{PY_SPACE}]*[A-Za-z]{{2,3}}([-_][A-Za-z0-9]{{2,8}}){{0,3}}[{PY_SPACE}]*$"
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def canonical_language(code: str) -> str:
    """BCP-47 with the usual casing: language lower, script title, region upper ('en-gb' -> 'en-GB')."""
    code = (code or "").strip().replace("_", "-")
    if not _BCP47.match(code):
        raise ValueError(f"'{code}' is not a BCP-47 language code (for example en, es, en-GB)")
    parts = code.split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            out.append(p.title())
        elif len(p) == 2 and p.isalpha() or len(p) == 3 and p.isdigit():
            out.append(p.upper())
        else:
            out.append(p.lower())
    return "-".join(out)


class JobOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delivery_profile: Literal["default", "bbc", "dcmp"] = "default"
    extended_ad: bool = False
    burn_in: bool = False


class JobCreate(BaseModel):
    """Multipart: the `file` part plus these fields as form fields (`requested_outputs` as a
    comma-separated list or repeated fields, `options` as JSON or as separate fields).
    JSON: these fields with `upload_id` from POST /files/upload-url."""

    model_config = ConfigDict(extra="forbid")
    source_language: str = Field(
        default="und",
        description='BCP-47 code of the spoken language; leave it out (or send "und") to have it detected',
        pattern=LANG_PATTERN,
        examples=["en"],
    )
    requested_outputs: list[Annotated[str, Field(pattern=LANG_PATTERN)]] = Field(
        min_length=1, max_length=20, description="BCP-47 output languages", examples=[["es", "ca"]]
    )
    title: str | None = Field(default=None, max_length=200)
    glossary_id: str | None = Field(default=None, max_length=64, pattern=ID_PATTERN)
    options: JobOptions = Field(default_factory=JobOptions)
    org_id: str | None = Field(
        default=None, max_length=64, pattern=ID_PATTERN, description="Organisation (ADMIN only; required)"
    )
    upload_id: str | None = Field(
        default=None, max_length=64, pattern=ID_PATTERN, description="JSON flow: the signed upload's id"
    )

    @field_validator("source_language")
    @classmethod
    def _source(cls, v: str) -> str:
        return canonical_language(v)

    @field_validator("requested_outputs")
    @classmethod
    def _outputs(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for code in v:
            c = canonical_language(code)
            if c not in out:
                out.append(c)
        return out


class Progress(BaseModel):
    step: str | None = None
    percent: float = 0


class Retrying(BaseModel):
    """A step that failed and will be tried again (the pipeline retries a failed step with a
    growing pause, up to `max_attempts` times; decision 0829)."""

    step: str = Field(description="The automated step being retried (probe, transcribe, describe, ...)")
    attempt: int = Field(description="The attempt now waiting or running (2 after the first failure)")
    max_attempts: int = Field(description="Attempts before the job ends in <STEP>_FAILED")
    last_error: str = Field(description="Why the previous attempt failed, in words")


class JobMedia(BaseModel):
    """What the probe step measured on the source video (present once it ran)."""

    model_config = ConfigDict(extra="allow")
    container: str | None = Field(None, description="mp4 or mov")
    duration: float | None = Field(None, description="Seconds")
    size: int | None = Field(None, description="Bytes")
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    has_audio: bool | None = Field(
        None, description="False when the source has no audio track: captions are empty with a note saying why"
    )


class Job(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")
    id: str = Field(alias="_id", description="24-hex job id")
    status: str
    org_id: str | None = None
    created_by: str | None = None
    title: str | None = None
    source_language: str
    requested_outputs: list[str]
    options: dict = {}
    glossary_id: str | None = None
    outputs: dict = {}
    language_qc: dict = {}
    feedback: list[dict] = []
    rejection: dict | None = None
    vtt_changed_since_render: bool = False
    progress: Progress | None = None
    retrying: Retrying | None = Field(
        default=None,
        description="Set while the current automated step is being retried after a failed attempt "
        "(attempt n of max_attempts and the last error); null otherwise. Computed, not stored.",
    )
    error: str | None = None
    media: JobMedia | None = Field(default=None, description="The source video as probed (after the probe step)")
    qc_report: dict[str, dict] | None = Field(
        default=None,
        description="Per language: the QC report's file `path` and one summary per step (captions, "
        "descriptions, translation, narration, render): the checks the pipeline ran and what they found",
    )
    created_at: str
    updated_at: str


class Languages(BaseModel):
    source: str = Field(description="The source language the targets are for (BCP-47 primary subtag)")
    sources: list[str] = Field(description="Source languages the platform translates from")
    targets: list[str] = Field(description="Output languages a job with this source may request (source included)")


class Waveform(BaseModel):
    """BBC waveform-data JSON (version 2): a min and a max per samples_per_pixel samples."""

    version: int = 2
    channels: int = 1
    sample_rate: int
    samples_per_pixel: int
    bits: int = 8
    length: int
    data: list[int]


class Span(BaseModel):
    start: float
    end: float


class Word(Span):
    text: str


class TimelineEvent(BaseModel):
    time: float
    kind: str
    text: str


class Timeline(BaseModel):
    job_id: str
    duration: float = Field(description="Seconds")
    fps: float
    peaks: Waveform | None = Field(description="Waveform peaks (None until transcription ran, or without audio)")
    words: list[Word]
    gaps: list[Span] = Field(description="Dialogue gaps long enough for a description")
    scenes: list[float] = Field(description="Scene changes (seconds)")
    events: list[TimelineEvent] = Field(description="Other visual events (on-screen text...)")


class JobList(BaseModel):
    items: list[Job]
    next_cursor: str | None = None


class DownloadItem(BaseModel):
    language: str
    kind: str
    path: str
    url: str
    size: int | None = None


class Downloads(BaseModel):
    job_id: str
    expires_at: str
    files: list[DownloadItem]


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000, pattern=NOT_BLANK)

    @field_validator("reason")
    @classmethod
    def _non_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a reason is required")
        return v.strip()


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1, max_length=5000, pattern=NOT_BLANK)

    @field_validator("message")
    @classmethod
    def _non_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("feedback must not be empty")
        return v.strip()
