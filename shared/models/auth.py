"""Request/response models of the authentication endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.auth.passwords import MAX_LENGTH, MIN_LENGTH


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class UserRef(BaseModel):
    id: str
    email: str
    role: str
    org_id: str | None


class LoginResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    user: UserRef


class MicrosoftCallback(BaseModel):
    """The authorization response the browser received on the redirect URI, relayed as JSON."""

    model_config = ConfigDict(extra="ignore")

    code: str | None = Field(default=None, max_length=8192)
    state: str = Field(min_length=8, max_length=512)
    error: str | None = Field(default=None, max_length=256)
    error_description: str | None = Field(default=None, max_length=2048)


class MicrosoftLink(BaseModel):
    """Where the browser goes to pick the Microsoft account to link; the redirect URI page then
    relays code+state to POST /auth/microsoft/callback as for a sign-in."""

    authorize_url: str


class WsTicket(BaseModel):
    """Connect with `wss://…/api/v1/ws/…?token=<ticket>` within `expires_in` seconds; it works
    once, so a URL recorded in a request log cannot be replayed."""

    ticket: str
    expires_in: int


class ChangePassword(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description="The password policy's length; 400 if it is too common",
    )


class AcceptInvite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=512)
    password: str = Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description="The password policy's length; 400 if it is too common",
    )
    name: str | None = Field(default=None, max_length=200)
