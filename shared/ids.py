"""24-hex ids, ObjectId-shaped: 4 bytes of seconds, 8 random bytes (timestamps: shared.timestamps)."""

from __future__ import annotations

import os
import re
import time

_HEX24 = re.compile(r"^[0-9a-f]{24}$")


def new_id() -> str:
    return f"{int(time.time()):08x}{os.urandom(8).hex()}"


def is_id(value: str) -> bool:
    return bool(_HEX24.match(value or ""))
