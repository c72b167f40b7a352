"""File models: signed upload URLs and signed download URLs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.models.jobs import ID_PATTERN


class UploadUrlRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str | None = Field(default=None, max_length=255)
    content_type: Literal["video/mp4", "video/quicktime"] = "video/mp4"
    size: int | None = Field(default=None, ge=1, description="Bytes you will upload (checked against the cap)")
    org_id: str | None = Field(default=None, max_length=64, pattern=ID_PATTERN, description="Organisation (ADMIN)")


class UploadUrl(BaseModel):
    upload_id: str
    url: str
    method: str = "PUT"
    headers: dict[str, str]
    expires_at: str
    max_bytes: int


class FileUrl(BaseModel):
    job_id: str
    path: str
    url: str
    expires_at: str
