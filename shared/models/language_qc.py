"""Language QC models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.models.jobs import ID_PATTERN


class Assign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    linguist_id: str = Field(
        min_length=1, max_length=64, pattern=ID_PATTERN, description="User id of an active LINGUIST"
    )


class LanguageQc(BaseModel):
    job_id: str
    lang: str
    status: str
    assignee: str | None = None
    assignee_email: str | None = None
    rejection_reason: str | None = None
    history: list[dict] = []
    feedback: list[dict] = []


class LanguageQcList(BaseModel):
    job_id: str
    job_status: str
    source_language: str
    languages: list[LanguageQc]
