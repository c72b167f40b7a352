"""UTC timestamps as the platform stores them: ISO 8601 with microseconds and a Z
(`2026-01-31T12:00:00.000000Z`), so strings sort in time order in every document store."""

from __future__ import annotations

import time
from datetime import UTC, datetime

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def iso(moment: datetime) -> str:
    """`moment` in the stored format; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(ISO_FORMAT)


def now_iso() -> str:
    """UTC now in the stored format."""
    return datetime.now(UTC).strftime(ISO_FORMAT)


def iso_at(epoch: float) -> str:
    """The instant `epoch` (seconds since 1970) in the stored format."""
    return datetime.fromtimestamp(float(epoch), UTC).strftime(ISO_FORMAT)


def expire_in(seconds: float) -> str:
    """The instant `seconds` from now in the stored format (`expire_at`, `expires_at` values)."""
    return iso_at(time.time() + seconds)


def parse_iso(value: str) -> datetime:
    """A stored timestamp (or any ISO 8601 string, `Z` allowed) as a datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
