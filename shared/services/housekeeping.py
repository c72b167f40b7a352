"""Housekeeping: deletes short-lived documents once their `expire_at` has passed.

Every short-lived document kind carries `expire_at`, an ISO 8601 UTC string in the
shared.timestamps format, set when it is written (docs/decisions/0700):

    rate_limits        the end of the counter's window
    sso_states         the state's expiry (10 minutes)
    invites            the invite's expiry + 7 days
    refresh_tokens     the token's expiry
    refresh_families   the expiry of the family's newest token (moved on by every rotation)
    idempotency        24 hours after the key was first used
    uploads            1 day after the signed upload URL expires; removed when a job claims the
                       upload, so a claimed or consumed upload is never purged
    webhook_deliveries 30 days after the delivery was created (the delivery log's retention)

`purge_expired()` deletes, in each collection, up to `limit` documents whose `expire_at` is
before now (oldest first), each with a compare-and-set on the version it read: a document
written meanwhile (a rate-limit window that restarted, an upload a job just claimed) is left
alone, and one already deleted by a concurrent run is not counted. For an upload it deletes the
document first and then its object under uploads/, so a job can never claim an upload whose
object is gone. Running it twice, or in two processes at once, deletes each document once.

In GCP Firestore's TTL policy on `expire_at` deletes the same documents independently
(FirestoreDocuments stores that one field as a timestamp); the purge still removes upload
objects and keeps the local platform clean.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from shared import logs
from shared.bootstrap import platform
from shared.errors import VersionConflict
from shared.persistence.documents import Documents, Query
from shared.storage.layout import upload_path
from shared.timestamps import iso, iso_at, parse_iso

log = logs.get("avp.housekeeping")
# "now" for a purge: epoch seconds, a datetime, an ISO 8601 string, or None for the current time
Moment = float | datetime | str | None

FIELD = "expire_at"
UPLOADS = "uploads"
COLLECTIONS = (
    "rate_limits",
    "sso_states",
    "invites",
    "refresh_tokens",
    "refresh_families",
    "idempotency",
    "uploads",
    "webhook_deliveries",
    "ws_tickets",
)
IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600
INVITE_RETENTION_SECONDS = 7 * 24 * 3600
UPLOAD_RETENTION_SECONDS = 24 * 3600


def _cutoff(now: Moment) -> str:
    if now is None:
        return iso_at(time.time())
    if isinstance(now, datetime):
        return iso(now)
    if isinstance(now, (int, float)):
        return iso_at(now)
    return iso(parse_iso(str(now)))


def _purgeable_upload(doc: dict[str, Any]) -> bool:
    """An upload no job claimed and nothing consumed (the purge re-checks by version)."""
    return not doc.get("job_id") and doc.get("status") in ("pending", "uploaded")


def _delete(docs: Documents, collection: str, doc: dict[str, Any]) -> bool:
    try:
        return docs.delete(collection, doc["id"], expected_version=doc["_version"])
    except VersionConflict:
        return False  # written meanwhile: its new expire_at decides next time


def purge_expired(now: Moment = None, limit: int = 500) -> dict[str, int]:
    """Delete up to `limit` expired documents per collection; returns how many each lost."""
    files = platform().files
    docs = platform().documents
    cutoff = _cutoff(now)
    counts: dict[str, int] = {}
    for collection in COLLECTIONS:
        page = docs.query(
            Query(collection, where=[("expire_at", "<", cutoff)], order_by=[("expire_at", "asc")], limit=limit)
        )
        deleted = 0
        for doc in page.items:
            if collection == UPLOADS:
                if not _purgeable_upload(doc) or not _delete(docs, collection, doc):
                    continue
                try:
                    files.delete(upload_path(doc["id"]))
                except Exception:
                    log.exception(
                        "could not delete an expired upload's object", extra={"fields": {"upload_id": doc["id"]}}
                    )
                deleted += 1
            elif _delete(docs, collection, doc):
                deleted += 1
        counts[collection] = deleted
    return counts


def run(now: Moment = None, limit: int = 500, max_rounds: int = 20) -> dict[str, int]:
    """purge_expired until a round finds less than a full batch anywhere (at most `max_rounds`
    rounds); returns the totals and logs them when something was deleted."""
    totals = {c: 0 for c in COLLECTIONS}
    for _ in range(max_rounds):
        counts = purge_expired(now=now, limit=limit)
        for c, n in counts.items():
            totals[c] += n
        if all(n < limit for n in counts.values()):
            break
    if any(totals.values()):
        logs.event(log, "expired documents purged", **totals)
    return totals
