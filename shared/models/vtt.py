"""VTT editing and version-history models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["captions", "descriptions"]


class VttDocument(BaseModel):
    job_id: str
    lang: str
    kind: Kind
    content: str
    etag: str = Field(description="Send it back as If-Match when saving")
    version_id: str | None = Field(None, description="The version holding this content (None before the first save)")
    updated_at: str | None = None
    vtt_changed_since_render: bool = False


class VttUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(min_length=6, max_length=2_000_000)
    message: str | None = Field(None, max_length=500, description="Why this edit (kept with the version)")


class AdjustTiming(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=64, pattern="^[0-9a-f]{24}$")
    lang: str = Field(min_length=2, max_length=35, pattern="^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    kind: Kind = "captions"
    offset_ms: int = Field(ge=-86_400_000, le=86_400_000)
    from_ms: int | None = Field(None, ge=0)
    to_ms: int | None = Field(None, ge=0)
    message: str | None = Field(None, max_length=500)


class VersionSummary(BaseModel):
    id: str
    job_id: str
    lang: str
    kind: Kind
    seq: int
    source: str = Field(description="edit | restore | adjust-timing | snapshot (content found in place before a save)")
    author_id: str | None = None
    author_email: str | None = None
    message: str | None = None
    created_at: str
    content_hash: str
    cue_count: int = 0
    restored_from: str | None = None


class Version(VersionSummary):
    content: str


class VersionList(BaseModel):
    items: list[VersionSummary]
    next_cursor: str | None = None


class VersionDiff(BaseModel):
    job_id: str
    lang: str
    kind: Kind
    from_version: str
    to_version: str
    summary: dict
    cues: list[dict]
    unified_diff: str
