"""Fixed-window attempt counters kept in the document store, so every function instance sees
the same counts. Keys are hashed: the store never holds the raw email or address.

    check(scope, key, limit, window)  -> raises RateLimited (429 + Retry-After) when exhausted
    hit(scope, key, limit, window)    -> counts one attempt
    clear(scope, key)                 -> forgets the counter (e.g. after a successful login)
"""
from __future__ import annotations

import hashlib
import time

from shared.errors import RateLimited

COLLECTION = "rate_limits"


def _doc_id(scope: str, key: str) -> str:
    return f"{scope}-" + hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:40]


def _docs():
    from shared.bootstrap import platform

    return platform().documents


def _state(doc: dict | None, window: int, now: float) -> tuple[int, float]:
    """(count, window_start) of a counter document, as of `now`."""
    if doc is None or now >= float(doc.get("window_start", 0)) + window:
        return 0, now
    return int(doc.get("count", 0)), float(doc["window_start"])


def _raise(window_start: float, window: int, now: float, what: str) -> None:
    retry = int(window_start + window - now) + 1
    raise RateLimited(f"Too many {what}; try again in {retry} seconds", retry_after=retry)


def check(scope: str, key: str, limit: int, window: int, what: str = "attempts") -> None:
    now = time.time()
    count, start = _state(_docs().get(COLLECTION, _doc_id(scope, key)), window, now)
    if count >= limit:
        _raise(start, window, now, what)


def hit(scope: str, key: str, limit: int, window: int) -> int:
    """Count one attempt; returns the count in the current window."""
    doc_id = _doc_id(scope, key)

    def run(tx):
        now = time.time()
        doc = tx.get(COLLECTION, doc_id)
        count, start = _state(doc, window, now)
        data = {"scope": scope, "count": count + 1, "window_start": start, "expires_at": int(start + window)}
        if doc is None:
            tx.create(COLLECTION, doc_id, data)
        else:
            tx.update(COLLECTION, doc_id, data, expected_version=doc["_version"])
        return count + 1

    return _docs().transaction(run)


def consume(scope: str, key: str, limit: int, window: int, what: str = "attempts") -> None:
    """Check and count in one go (for endpoints where every attempt counts)."""
    check(scope, key, limit, window, what)
    hit(scope, key, limit, window)


def clear(scope: str, key: str) -> None:
    _docs().delete(COLLECTION, _doc_id(scope, key))
