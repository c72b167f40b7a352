"""Webhook endpoint and delivery models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

URL_PATTERN = r"^https?://[!-~]+$"  # printable ASCII (IDN hosts as punycode); the rest: address_guard
EventType = Literal["job.status_changed", "job.qc_needed", "job.completed", "job.failed", "job.rejected"]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=8,
        max_length=2000,
        pattern=URL_PATTERN,
        description="https:// URL that receives the POSTs; it must resolve to public addresses",
        examples=["https://hooks.example.com/avp"],
    )
    events: list[EventType] = Field(min_length=1, max_length=5, description="Event types to receive")
    description: str | None = Field(default=None, max_length=500)
    enabled: StrictBool = True


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(default=None, min_length=8, max_length=2000, pattern=URL_PATTERN)
    events: list[EventType] | None = Field(default=None, min_length=1, max_length=5)
    description: str | None = Field(default=None, max_length=500)
    enabled: StrictBool | None = None


class Webhook(BaseModel):
    id: str
    org_id: str
    url: str
    events: list[str]
    description: str | None = None
    enabled: bool = True
    created_by: str | None = None
    created_at: str
    updated_at: str
    secret_rotated_at: str | None = None
    previous_secret_expires_at: str | None = Field(
        default=None, description="Until then deliveries are also signed with the previous secret"
    )


class WebhookWithSecret(Webhook):
    secret: str = Field(description="whsec_... signing secret; shown only on create and rotation")


class WebhookList(BaseModel):
    items: list[Webhook]
    next_cursor: str | None = None


class DeliveryAttempt(BaseModel):
    attempt: int
    at: str
    status_code: int | None = None
    error: str | None = None
    duration_ms: int
    response_excerpt: str | None = None


class WebhookDelivery(BaseModel):
    id: str
    endpoint_id: str
    org_id: str
    message_id: str = Field(description="The webhook-id header (the same on retries and replays)")
    event_type: str
    job_id: str | None = None
    status: Literal["pending", "retrying", "succeeded", "failed"]
    attempts: list[DeliveryAttempt] = []
    next_attempt_at: str | None = None
    replay_of: str | None = None
    payload: dict
    created_at: str
    updated_at: str


class WebhookDeliveryList(BaseModel):
    items: list[WebhookDelivery]
    next_cursor: str | None = None
