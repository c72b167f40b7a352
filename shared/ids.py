"""24-hex ids (ObjectId-shaped: 4 bytes of seconds, 8 random bytes) and UTC timestamps."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime

_HEX24 = re.compile(r"^[0-9a-f]{24}$")


def new_id() -> str:
    return f"{int(time.time()):08x}{os.urandom(8).hex()}"


def is_id(value: str) -> bool:
    return bool(_HEX24.match(value or ""))


def now_iso() -> str:
    """UTC now, ISO 8601 with microseconds and a Z, so strings sort in time order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
