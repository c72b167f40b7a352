"""Accounts as the rules see them: whether a user may act, and who did something (the actor
stored on history entries, feedback and rejections)."""

from __future__ import annotations

from typing import Any, Protocol, TypedDict, TypeGuard

ACTIVE = "active"
DISABLED = "disabled"


class Person(Protocol):
    """What the rules need of an authenticated caller (shared.auth.tokens.Principal)."""

    @property
    def user_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def org_id(self) -> str | None: ...
    @property
    def email(self) -> str: ...


class Actor(TypedDict):
    user_id: str
    email: str
    role: str


def is_active(user: dict[str, Any] | None) -> TypeGuard[dict[str, Any]]:
    """An account that exists and is not disabled (documents written before `status` existed
    count as active)."""
    return user is not None and user.get("status", ACTIVE) == ACTIVE


def actor(person: Person) -> Actor:
    """Who acted, as stored on the record of the action."""
    return {"user_id": person.user_id, "email": person.email, "role": person.role}
