"""shared.fast_json: the same JSON values as the standard library (decision 1220), including
for what orjson refuses or writes differently."""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass

from shared import fast_json


def test_dumps_is_compact_json_of_the_same_value():
    body = {"items": [{"_id": "a", "n": 1, "x": 1.5, "ok": True, "none": None, "list": [1, "é"]}], "next": None}
    out = fast_json.dumps(body)
    assert isinstance(out, bytes)
    assert json.loads(out) == body
    assert b" " not in out.replace(b'"_id"', b"")
    assert "é".encode() in out  # UTF-8, not \u escapes


def test_dumps_writes_dates_and_dataclasses_as_str_like_json_default_str():
    @dataclass
    class Point:
        x: int

    when = datetime.datetime(2026, 12, 1, 23, 0, tzinfo=datetime.UTC)
    body = {"when": when, "day": when.date(), "point": Point(1)}
    assert json.loads(fast_json.dumps(body)) == json.loads(json.dumps(body, default=str))


def test_dumps_falls_back_for_what_orjson_refuses():
    body = {1: "int key", "big": 2**70}
    assert json.loads(fast_json.dumps(body)) == {"1": "int key", "big": 2**70}


def test_loads_reads_what_json_dumps_wrote():
    doc = {"duration": float("nan"), "text": "\ud800 lone surrogate", "n": 3}
    back = fast_json.loads(json.dumps(doc))
    assert math.isnan(back["duration"]) and back["text"] == doc["text"] and back["n"] == 3
    assert fast_json.loads(b'{"a": [1, 2]}') == {"a": [1, 2]}
