"""Models of users, organisations, invites and the admin endpoints (audit log included)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from shared.models.jobs import ID_PATTERN, NOT_BLANK, PY_SPACE

# users.normalize_email's [^@\s/] with Python's \s spelled out (regex engines differ on \s).
_NOT_EMAIL = rf"@/{PY_SPACE}"
EMAIL_PATTERN = rf"^[^{_NOT_EMAIL}]{{1,64}}@[^{_NOT_EMAIL}]+\.[^{_NOT_EMAIL}]+$"
Role = Literal["CLIENT", "REVIEWER", "LINGUIST", "PM", "ADMIN"]
Status = Literal["active", "disabled"]


class User(BaseModel):
    id: str
    email: str
    role: Role
    org_id: str | None
    status: Status = "active"
    name: str = ""
    created_at: str | None = None
    updated_at: str | None = None


class UserList(BaseModel):
    items: list[User]
    next_cursor: str | None = None


class Organization(BaseModel):
    id: str
    name: str
    created_at: str | None = None
    clients_share_jobs: bool = Field(
        default=False, description="CLIENTs of this organisation see each other's jobs (default: only their own)"
    )


class OrganizationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    clients_share_jobs: StrictBool | None = None


class OrganizationList(BaseModel):
    items: list[Organization]
    next_cursor: str | None = None


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)


class InviteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN)
    role: Role


class Invite(BaseModel):
    id: str
    org_id: str
    email: str
    role: Role
    token: str = Field(
        description="Single-use secret; shown only in this response. Send it to "
        "POST /api/v1/auth/accept-invite with a password."
    )
    link: str = Field(
        description="The accept-invite link mailed to the invitee (AVP_INVITE_URL?token=...); shown to "
        "the ADMIN/PM for copying."
    )
    email_sent: bool = Field(description="Whether the mail system accepted the invite email.")
    expires_at: str
    created_at: str
    created_by: str | None = None


class AdminUserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    status: Status | None = None
    org_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Organisation; needed when giving a user without one a non-ADMIN role",
    )


class AuditEntry(BaseModel):
    id: str
    actor: str | None = None
    action: str
    target: str | None = None
    org_id: str | None = None
    time: str
    outcome: Literal["success", "failure"]
    status: int
    method: str | None = None
    client_address: str | None = None
    request_id: str | None = None


class AuditList(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None = None
