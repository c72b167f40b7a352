"""VTT version history (collection "vtt_versions").

A version is one saved state of one VTT (job, lang, kind): its full content, who saved it,
when, why (message) and how (edit | restore | adjust-timing | snapshot). Versions are numbered
per VTT (`seq`) and their ids are derived from (job, lang, kind, seq), so two saves racing on
the same base both try to create the same id and exactly one wins (create-if-absent is the
compare-and-set). History is append-only: a restore is a new version.

Before every save the content in place is snapshotted: when it is not already the newest
version (the pipeline wrote it, or nothing was saved yet), it is stored first as a `snapshot`
version, then the new content as the saver's version. See docs/decisions/0401-vtt-versions.md.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from shared.bootstrap import platform
from shared.domain.accounts import Actor
from shared.domain.vtt_document import content_hash
from shared.errors import AlreadyExists, NotFound, PreconditionFailed
from shared.persistence.documents import Query
from shared.timestamps import now_iso, parse_iso

COLLECTION = "vtt_versions"
IN_FLIGHT_SECONDS = 15


def _age_seconds(doc: dict[str, Any]) -> float:
    return (datetime.now(UTC) - parse_iso(doc["created_at"])).total_seconds()


def version_id(job_id: str, lang: str, kind: str, seq: int) -> str:
    """Deterministic, ObjectId-shaped (24 hex) id of version `seq` of one VTT."""
    return hashlib.sha256(f"{job_id}/{lang}/{kind}/{seq}".encode()).hexdigest()[:24]


def head(job_id: str, lang: str, kind: str) -> dict[str, Any] | None:
    page = platform().documents.query(
        Query(
            COLLECTION,
            where=[("job_id", "==", job_id), ("lang", "==", lang), ("kind", "==", kind)],
            order_by=[("seq", "desc")],
            limit=1,
        )
    )
    return page.items[0] if page.items else None


def _cue_count(content: str) -> int:
    return sum(1 for line in content.splitlines() if "-->" in line and not line.startswith("NOTE"))


def _create(
    job_id: str,
    lang: str,
    kind: str,
    seq: int,
    content: str,
    *,
    source: str,
    author: Actor | None,
    message: str | None,
    restored_from: str | None = None,
) -> dict[str, Any]:
    vid = version_id(job_id, lang, kind, seq)
    doc = {
        "job_id": job_id,
        "lang": lang,
        "kind": kind,
        "seq": seq,
        "source": source,
        "author_id": author["user_id"] if author else None,
        "author_email": author["email"] if author else None,
        "message": message,
        "created_at": now_iso(),
        "content": content,
        "content_hash": content_hash(content),
        "cue_count": _cue_count(content),
        "restored_from": restored_from,
    }
    try:
        return platform().documents.create(COLLECTION, vid, doc)
    except AlreadyExists:
        raise PreconditionFailed(
            "This VTT was saved by someone else a moment ago; reload it and apply your change "
            "again (your content was not saved)"
        ) from None


def record_save(
    job_id: str,
    lang: str,
    kind: str,
    previous: str,
    new: str,
    *,
    author: Actor,
    source: str,
    message: str | None = None,
    restored_from: str | None = None,
) -> dict[str, Any]:
    """Snapshot `previous` if history does not hold it yet, then record `new`. Raises
    PreconditionFailed if another save of the same VTT got there first."""
    top = head(job_id, lang, kind)
    seq = top["seq"] if top else 0
    if top is not None and top["content_hash"] != content_hash(previous) and _age_seconds(top) < IN_FLIGHT_SECONDS:
        # The newest version is not in the file yet: another save is between its two writes.
        raise PreconditionFailed(
            "This VTT is being saved by someone else right now; reload it and apply your change "
            "again (your content was not saved)"
        )
    if top is None or top["content_hash"] != content_hash(previous):
        seq += 1
        _create(
            job_id,
            lang,
            kind,
            seq,
            previous,
            source="snapshot",
            author=None,
            message="Content in place before the next save (pipeline output or a change outside the editor)",
        )
    return _create(
        job_id, lang, kind, seq + 1, new, source=source, author=author, message=message, restored_from=restored_from
    )


def get(job_id: str, lang: str, vid: str) -> dict[str, Any]:
    doc = platform().documents.get(COLLECTION, vid)
    if doc is None or doc.get("job_id") != job_id or doc.get("lang") != lang:
        raise NotFound(f"No version {vid} of the {lang} VTTs of this job")
    return doc


def list_versions(job_id: str, lang: str, kind: str, *, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
    page = platform().documents.query(
        Query(
            COLLECTION,
            where=[("job_id", "==", job_id), ("lang", "==", lang), ("kind", "==", kind)],
            order_by=[("seq", "desc")],
            limit=limit,
            cursor=cursor,
        )
    )
    return {"items": [summary(d) for d in page.items], "next_cursor": page.next_cursor}


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("content", "_version")}


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "_version"}
