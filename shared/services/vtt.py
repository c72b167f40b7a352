"""VTT editing: read a job's captions/descriptions, save an edit (If-Match, checks, version
snapshot, edit windows), shift timings, restore a version and diff two versions.

The file in the store (jobs/<id>/<lang>/captions.vtt | descriptions.vtt) is the current
content; the pipeline reads it from there. History lives in shared.services.vtt_versions.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain import vtt_diff
from shared.domain.accounts import actor
from shared.domain.jobs import JobDocument
from shared.domain.roles import LINGUIST
from shared.domain.status import LINGUIST_EDIT_STAGES, REVIEWER_EDIT_STAGES
from shared.domain.vtt_document import VttError, content_hash, etag_for, normalize, parse, shift
from shared.errors import Conflict, DomainError, Forbidden, NotFound, PreconditionFailed, Unprocessable
from shared.media.probe import duration_seconds
from shared.models.vtt import AdjustTiming
from shared.persistence.job_store import JobStore
from shared.services import jobs, vtt_versions
from shared.storage.layout import CAPTIONS_VTT, DESCRIPTIONS_VTT, SOURCE, job_path
from shared.timestamps import now_iso

KINDS = {"captions": CAPTIONS_VTT, "descriptions": DESCRIPTIONS_VTT}
CURRENT = "current"


class PreconditionRequired(DomainError):
    status = 428


def check_kind(kind: str | None) -> str:
    kind = kind or "captions"
    if kind not in KINDS:
        raise Unprocessable("kind must be captions or descriptions")
    return kind


def vtt_path(job_id: str, lang: str, kind: str) -> str:
    return job_path(job_id, lang, KINDS[kind])


def job_languages(job: JobDocument) -> list[str]:
    langs = [job.get("source_language")] + list(job.get("requested_outputs") or [])
    return [lang for i, lang in enumerate(langs) if lang and lang not in langs[:i]]


def _require_language(job: JobDocument, lang: str) -> None:
    if lang not in job_languages(job):
        raise NotFound(f"This job has no {lang} output (languages: {', '.join(job_languages(job))})")


def read_current(job: JobDocument, lang: str, kind: str) -> str:
    files = platform().files
    path = vtt_path(job["id"], lang, kind)
    if not files.exists(path):
        raise NotFound(f"The {lang} {kind} VTT of this job does not exist yet (job status {job.get('status')})")
    return files.get_bytes(path).decode("utf-8")


def _document(
    job: JobDocument, lang: str, kind: str, content: str, version: dict[str, Any] | None = None
) -> dict[str, Any]:
    if version is None:
        top = vtt_versions.head(job["id"], lang, kind)
        version = top if top and top["content_hash"] == content_hash(content) else None
    return {
        "job_id": job["id"],
        "lang": lang,
        "kind": kind,
        "content": content,
        "etag": etag_for(content),
        "version_id": version["id"] if version else None,
        "updated_at": version["created_at"] if version else job.get("updated_at"),
        "vtt_changed_since_render": bool(job.get("vtt_changed_since_render")),
    }


# ---------------------------------------------------------------- media duration

_durations: dict[str, float | None] = {}
_durations_lock = threading.Lock()


def media_duration_ms(job: JobDocument) -> int | None:
    """The source's duration: the probe result on the job if the pipeline stored one, else an
    ffprobe of the stored source (cached per job). None if unknown."""
    stored = (job.get("media") or {}).get("duration")
    if isinstance(stored, (int, float)) and stored > 0:
        return int(round(float(stored) * 1000))
    job_id = job["id"]
    with _durations_lock:
        if job_id in _durations:
            seconds = _durations[job_id]
            return int(round(seconds * 1000)) if seconds else None
    seconds = _probe_source(job_id)
    with _durations_lock:
        _durations[job_id] = seconds
    return int(round(seconds * 1000)) if seconds else None


def _probe_source(job_id: str) -> float | None:
    files = platform().files
    path = job_path(job_id, SOURCE)
    if not files.exists(path):
        return None
    with tempfile.TemporaryDirectory(prefix="avp-vtt-") as tmp:
        local = Path(tmp) / SOURCE
        files.get_file(path, local)
        return duration_seconds(local)


# ---------------------------------------------------------------- access rules


def check_edit_window(job: JobDocument, lang: str, principal: Principal) -> None:
    """Edits are allowed to reviewers/admins at SOURCE_QC and FINAL_QC, and to the linguist
    assigned to `lang` at LANGUAGE_QC (while that language is ASSIGNED)."""
    status = job.get("status")
    if principal.role == LINGUIST:
        entry = (job.get("language_qc") or {}).get(lang) or {}
        if entry.get("assignee") != principal.user_id:
            raise Forbidden(
                f"You are not the linguist assigned to {lang} on this job; you may only edit the "
                "languages assigned to you"
            )
        if status not in {s.value for s in LINGUIST_EDIT_STAGES}:
            raise Conflict(f"Linguists edit VTTs only while the job is LANGUAGE_QC; this job is {status}")
        if entry.get("status") != "ASSIGNED":
            raise Conflict(
                f"The {lang} language is {entry.get('status')}; it can be edited while it is ASSIGNED to you"
            )
        return
    if status not in {s.value for s in REVIEWER_EDIT_STAGES}:
        raise Conflict(
            f"VTTs can be edited by reviewers only while the job is SOURCE_QC or FINAL_QC; this job is {status}"
        )


def _check_if_match(if_match: str | None, current: str, required: bool = True) -> None:
    if not if_match:
        if required:
            raise PreconditionRequired(
                "Send If-Match with the ETag from GET /jobs/{id}/vtt/{lang} so no edit overwrites another"
            )
        return
    wanted = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in wanted:
        return
    if etag_for(current) not in wanted:
        raise PreconditionFailed(
            "This VTT changed since you loaded it (If-Match does not match its ETag); "
            "reload it and apply your change again — nothing was saved"
        )


def _validate(content: str, job: JobDocument) -> str:
    text = normalize(content)
    try:
        parse(text, duration_ms=media_duration_ms(job))
    except VttError as exc:
        raise Unprocessable(f"Invalid VTT: {exc.describe()}") from None
    return text


def _save(
    job: JobDocument,
    lang: str,
    kind: str,
    previous: str,
    new: str,
    principal: Principal,
    *,
    source: str,
    message: str | None,
    restored_from: str | None = None,
) -> dict[str, Any]:
    version = vtt_versions.record_save(
        job["id"],
        lang,
        kind,
        previous,
        new,
        author=actor(principal),
        source=source,
        message=message,
        restored_from=restored_from,
    )
    platform().files.put_bytes(vtt_path(job["id"], lang, kind), new.encode("utf-8"), "text/vtt; charset=utf-8")
    stored = mark_changed(jobs.store(), job["id"])
    return _document(stored or job, lang, kind, new, version)


def mark_changed(store: JobStore, job_id: str) -> JobDocument | None:
    """Every save sets vtt_changed_since_render (the render step clears it)."""

    def mutate(doc: JobDocument) -> JobDocument:
        doc["vtt_changed_since_render"] = True
        doc["updated_at"] = now_iso()
        return doc

    return store.update(job_id, mutate)


# ---------------------------------------------------------------- operations


def get_vtt(principal: Principal, job_id: str, lang: str, kind: str | None) -> dict[str, Any]:
    kind = check_kind(kind)
    job = jobs.get_job_for(principal, job_id)
    _require_language(job, lang)
    return _document(job, lang, kind, read_current(job, lang, kind))


def patch_vtt(
    principal: Principal,
    job_id: str,
    lang: str,
    kind: str | None,
    content: str,
    message: str | None,
    if_match: str | None,
) -> dict[str, Any]:
    kind = check_kind(kind)
    job = jobs.get_job_for(principal, job_id)
    _require_language(job, lang)
    check_edit_window(job, lang, principal)
    current = read_current(job, lang, kind)
    _check_if_match(if_match, current)
    new = _validate(content, job)
    if new == current:
        return _document(job, lang, kind, current)
    return _save(job, lang, kind, current, new, principal, source="edit", message=message)


def adjust_timing(principal: Principal, body: AdjustTiming, if_match: str | None) -> dict[str, Any]:
    kind = check_kind(body.kind)
    job = jobs.get_job_for(principal, body.job_id)
    _require_language(job, body.lang)
    check_edit_window(job, body.lang, principal)
    current = read_current(job, body.lang, kind)
    _check_if_match(if_match, current, required=False)
    try:
        new, count = shift(
            current, body.offset_ms, from_ms=body.from_ms, to_ms=body.to_ms, duration_ms=media_duration_ms(job)
        )
    except VttError as exc:
        raise Unprocessable(f"Cannot shift these cues: {exc.describe()}") from None
    if count == 0:
        raise Unprocessable("No cue starts within the given range; nothing to shift")
    message = body.message or (
        f"Shifted {count} cue(s) by {body.offset_ms} ms"
        + (f" from {body.from_ms} ms" if body.from_ms is not None else "")
        + (f" to {body.to_ms} ms" if body.to_ms is not None else "")
    )
    if new == current:
        return _document(job, body.lang, kind, current)
    return _save(job, body.lang, kind, current, new, principal, source="adjust-timing", message=message)


def list_versions(
    principal: Principal, job_id: str, lang: str, kind: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    kind = check_kind(kind)
    job = jobs.get_job_for(principal, job_id)
    _require_language(job, lang)
    return vtt_versions.list_versions(job["id"], lang, kind, limit=limit, cursor=cursor)


def get_version(principal: Principal, job_id: str, lang: str, vid: str) -> dict[str, Any]:
    job = jobs.get_job_for(principal, job_id)
    return vtt_versions.public(vtt_versions.get(job["id"], lang, vid))


def restore_version(principal: Principal, job_id: str, lang: str, vid: str, if_match: str | None) -> dict[str, Any]:
    job = jobs.get_job_for(principal, job_id)
    _require_language(job, lang)
    version = vtt_versions.get(job["id"], lang, vid)
    kind = version["kind"]
    check_edit_window(job, lang, principal)
    current = read_current(job, lang, kind)
    _check_if_match(if_match, current, required=False)
    new = _validate(version["content"], job)
    return _save(
        job,
        lang,
        kind,
        current,
        new,
        principal,
        source="restore",
        message=f"Restored version {version['seq']} ({vid})",
        restored_from=vid,
    )


def diff_versions(
    principal: Principal, job_id: str, lang: str, from_id: str | None, to_id: str | None, kind: str | None
) -> dict[str, Any]:
    if not from_id or not to_id:
        raise Unprocessable(
            "Give both versions to compare: ?from=<version id>&to=<version id> "
            f"(either may be '{CURRENT}' for the content in place)"
        )
    job = jobs.get_job_for(principal, job_id)
    _require_language(job, lang)
    docs = {}
    for name, vid in (("from", from_id), ("to", to_id)):
        if vid != CURRENT:
            docs[name] = vtt_versions.get(job["id"], lang, vid)
    kinds = {d["kind"] for d in docs.values()}
    if len(kinds) > 1:
        raise Unprocessable("Both versions must be of the same VTT (captions or descriptions)")
    kind = kinds.pop() if kinds else check_kind(kind)
    for name, vid in (("from", from_id), ("to", to_id)):
        if vid == CURRENT:
            content = read_current(job, lang, kind)
            docs[name] = {"id": CURRENT, "content": content, "kind": kind}
    result = vtt_diff.diff(
        docs["from"]["content"],
        docs["to"]["content"],
        old_label=f"{lang}/{kind} {from_id}",
        new_label=f"{lang}/{kind} {to_id}",
    )
    return {"job_id": job["id"], "lang": lang, "kind": kind, "from_version": from_id, "to_version": to_id, **result}
