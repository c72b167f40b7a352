"""Fixed-window attempt counters kept in the document store, so every function instance sees
the same counts. Keys are hashed: the store never holds the raw email or address.

    acquire(scope, key, limit, window)  -> counts one attempt, or raises RateLimited
                                           (429 + Retry-After) when the window is used up
    refund(scope, key, window)          -> gives one attempt back (e.g. a successful login)
    clear(scope, key)                   -> forgets the counter

Counting happens before the guarded work (one transaction: read, compare, increment), so
parallel requests cannot slip past the limit between a check and a later increment.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from typing import Any

from shared.bootstrap import platform
from shared.errors import RateLimited
from shared.persistence.documents import Transaction
from shared.timestamps import iso_at

COLLECTION = "rate_limits"


def client_key(address: str) -> str:
    """The key a client address is counted under: an IPv6 address by its /64 (one subscriber
    usually holds a whole /64, so counting single addresses would not limit anyone), an IPv4
    address as it is."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _doc_id(scope: str, key: str) -> str:
    return f"{scope}-" + hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:40]


def _state(doc: dict[str, Any] | None, window: int, now: float) -> tuple[int, float]:
    """(count, window_start) of a counter document, as of `now`."""
    if doc is None or now >= float(doc.get("window_start", 0)) + window:
        return 0, now
    return int(doc.get("count", 0)), float(doc["window_start"])


def _write(tx: Transaction, doc_id: str, doc: dict[str, Any] | None, data: dict[str, Any]) -> None:
    if doc is None:
        tx.create(COLLECTION, doc_id, data)
    else:
        tx.update(COLLECTION, doc_id, data, expected_version=doc["_version"])


def acquire(scope: str, key: str, limit: int, window: int, what: str = "attempts") -> int:
    """Count one attempt and return the count in the current window; raise RateLimited
    (without counting) when `limit` attempts were already made in it."""
    doc_id = _doc_id(scope, key)

    def run(tx: Transaction) -> tuple[int | None, int]:
        now = time.time()
        doc = tx.get(COLLECTION, doc_id)
        count, start = _state(doc, window, now)
        if count >= limit:
            return None, int(start + window - now) + 1
        _write(
            tx,
            doc_id,
            doc,
            {
                "scope": scope,
                "count": count + 1,
                "window_start": start,
                "expires_at": int(start + window),
                "expire_at": iso_at(start + window),
            },
        )
        return count + 1, 0

    count, retry = platform().documents.transaction(run)
    if count is None:
        raise RateLimited(f"Too many {what}; try again in {retry} seconds", retry_after=retry)
    return count


def refund(scope: str, key: str, window: int) -> None:
    doc_id = _doc_id(scope, key)

    def run(tx: Transaction) -> None:
        doc = tx.get(COLLECTION, doc_id)
        count, start = _state(doc, window, time.time())
        if doc is not None and count > 0:
            _write(
                tx, doc_id, doc, {**{k: v for k, v in doc.items() if k not in ("id", "_version")}, "count": count - 1}
            )

    platform().documents.transaction(run)


def clear(scope: str, key: str) -> None:
    platform().documents.delete(COLLECTION, _doc_id(scope, key))
