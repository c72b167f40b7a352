"""JSON on the hot paths (API response bodies, stored documents) with orjson, which writes and
reads it several times faster than the standard library (decision 1220). Anything orjson would
refuse (keys that are not strings, integers past 64 bits, NaN read back from a document) goes
through the standard library instead, so what is accepted and what it means stay the same; a
response body is compact UTF-8 rather than ASCII with \\u escapes."""

from __future__ import annotations

import json
from typing import Any

import orjson

# dates and dataclasses go to `default` (str), as json.dumps(default=str) writes them
_DUMP_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(body: Any) -> bytes:
    """`body` as compact JSON bytes; values JSON has no type for are written as their str()."""
    try:
        return orjson.dumps(body, default=str, option=_DUMP_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: a non-string key, an integer past 64 bits
        return json.dumps(body, default=str, separators=(",", ":")).encode()


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN/Infinity that json.dumps wrote, lone surrogates
        return json.loads(text)
