"""The five roles (design.md) and the groups the visibility rules use. A `Role` is a `str`, so
it compares, hashes and serialises exactly like the role strings stored on users and tokens."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "CLIENT"
    REVIEWER = "REVIEWER"
    LINGUIST = "LINGUIST"
    PM = "PM"
    ADMIN = "ADMIN"


CLIENT, REVIEWER, LINGUIST, PM, ADMIN = Role.CLIENT, Role.REVIEWER, Role.LINGUIST, Role.PM, Role.ADMIN
ALL_ROLES: frozenset[str] = frozenset(Role)
SEES_EVERY_ORG: frozenset[str] = frozenset({ADMIN, REVIEWER})  # every organisation's jobs
SEES_OWN_ORG: frozenset[str] = frozenset({CLIENT, PM})  # their own organisation's jobs
