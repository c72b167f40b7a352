"""Glossary models. Stored shape (collection "glossaries"): {org_id, name, description,
source_language, is_default, terms: [{id, source, target_language, target, case_sensitive,
note}], created_at, updated_at}; the translate step reads it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from shared.models.jobs import ID_PATTERN, NOT_BLANK

_LANG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class TermCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK)
    target_language: str = Field(pattern=_LANG)
    target: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK)
    case_sensitive: StrictBool = False
    note: str | None = Field(None, max_length=1000)


class Term(TermCreate):
    id: str


class GlossaryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org_id: str = Field(
        min_length=1, max_length=64, pattern=ID_PATTERN, description="Organisation that owns the glossary"
    )
    name: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    description: str = Field("", max_length=2000)
    source_language: str = Field("en", pattern=_LANG)
    is_default: StrictBool = False
    terms: list[TermCreate] = Field(default_factory=list, max_length=5000)


class GlossaryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200, pattern=NOT_BLANK)
    description: str | None = Field(None, max_length=2000)
    source_language: str | None = Field(None, pattern=_LANG)
    is_default: StrictBool | None = None


class Glossary(BaseModel):
    id: str
    org_id: str
    name: str
    description: str = ""
    source_language: str
    is_default: bool = False
    terms: list[Term] = []
    created_at: str
    updated_at: str


class GlossarySummary(BaseModel):
    id: str
    org_id: str
    name: str
    description: str = ""
    source_language: str
    is_default: bool = False
    term_count: int
    created_at: str
    updated_at: str


class GlossaryList(BaseModel):
    items: list[GlossarySummary]
