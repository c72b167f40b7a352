"""Job creation: organisation and language checks, the default glossary, Idempotency-Key
replays, and the job document a new job starts as (multipart upload or a signed-URL upload_id)."""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from shared import logs
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.jobs import JobDocument
from shared.domain.roles import ADMIN
from shared.domain.status import JobStatus, translated_languages
from shared.errors import AlreadyExists, Conflict, Forbidden, Invalid, Unprocessable
from shared.ids import new_id
from shared.media.languages import UNDETERMINED, normalize, supported_targets, transcribable
from shared.models.jobs import JobCreate
from shared.persistence.documents import Query
from shared.persistence.job_store import JobStore
from shared.services import job_events, jobs, uploads
from shared.services.housekeeping import IDEMPOTENCY_RETENTION_SECONDS
from shared.services.job_events import status_event
from shared.services.jobs import flush_outbox
from shared.timestamps import expire_in, now_iso

log = logs.get("avp.jobs")
IDEMPOTENCY = "idempotency"
T = TypeVar("T")


class UploadedVideo(Protocol):
    """A video sent with the request (the function passes werkzeug's FileStorage)."""

    filename: str | None

    def save(self, dst: str) -> None: ...


def _resolve_org(principal: Principal, requested: str | None) -> str:
    if principal.role == ADMIN:
        if not requested:
            raise Invalid("An ADMIN creating a job must name the organisation (org_id)")
        if platform().documents.get("organizations", requested) is None:
            raise Invalid("Unknown organisation (org_id)")
        return requested
    if not principal.org_id:
        raise Forbidden("Your account does not belong to an organisation")
    if requested and requested != principal.org_id:
        raise Forbidden("You may only create jobs for your own organisation")
    return principal.org_id


def _check_languages(source: str, outputs: list[str]) -> list[str]:
    """Outputs with the source spelled as the job's source; 400 for unsupported pairs."""

    src = normalize(source)
    supported = supported_targets(source)
    if not supported or (src not in supported and src != UNDETERMINED):
        raise Invalid(f"Source language {source} is not supported")
    if not transcribable(src):
        raise Invalid(
            f"Speech in {source} cannot be transcribed by this platform's speech model; "
            f"name another source_language or leave it out to have it detected"
        )
    out: list[str] = []
    bad: list[str] = []
    for lang in outputs:
        code = source if normalize(lang) == src else lang
        if normalize(code) not in supported:
            bad.append(lang)
        elif code not in out:
            out.append(code)
    if bad:
        others = ", ".join(t for t in supported if t != src) or "none"
        if src == UNDETERMINED:
            raise Invalid(f"No installed translation covers {', '.join(bad)}; languages available: {others}")
        raise Invalid(
            f"Translation from {source} to {', '.join(bad)} is not supported; supported targets for {source}: {others}"
        )
    return out


def _resolve_glossary(org_id: str, glossary_id: str | None) -> str | None:
    docs = platform().documents
    if glossary_id:
        glossary = docs.get("glossaries", glossary_id)
        if glossary is None or glossary.get("org_id") != org_id:
            raise Invalid("Unknown glossary_id for this organisation")
        return glossary_id
    page = docs.query(Query("glossaries", where=[("org_id", "==", org_id), ("is_default", "==", True)], limit=1))
    return page.items[0]["id"] if page.items else None


def _idempotency_id(principal: Principal, key: str) -> str:
    return hashlib.sha256(f"{principal.user_id}\n{key}".encode()).hexdigest()[:40]


def _fingerprint(data: JobCreate, file_name: str | None, file_size: int | None) -> str:
    body = data.model_dump(mode="json")
    return hashlib.sha256(json.dumps([body, file_name, file_size], sort_keys=True).encode()).hexdigest()


def wait_for(predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.05) -> T:
    """Poll `predicate` until it returns something truthy (used by idempotent replays)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def _replay(idem: dict[str, Any], fingerprint: str) -> JobDocument:
    if idem.get("fingerprint") != fingerprint:
        raise Unprocessable("This Idempotency-Key was used for a different request; use a new key")
    job = wait_for(lambda: jobs.store().get(idem["job_id"]), timeout=10)
    if job is None:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly")
    return job


def new_job_document(
    principal: Principal,
    data: JobCreate,
    org_id: str,
    outputs: list[str],
    glossary_id: str | None,
    upload_id: str,
    job_id: str,
) -> JobDocument:

    now = now_iso()
    doc: JobDocument = {
        "org_id": org_id,
        "created_by": principal.user_id,
        "title": data.title or "",
        "status": JobStatus.CREATED.value,
        "source_language": data.source_language,
        "requested_outputs": outputs,
        "options": data.options.model_dump(),
        "glossary_id": glossary_id,
        "upload_id": upload_id,
        "source_path": None,
        "outputs": {},
        "language_qc": {},
        "assignees": [],
        "feedback": [],
        "rejection": None,
        "vtt_changed_since_render": False,
        "progress": {"step": None, "percent": 0},
        "error": None,
        "created_at": now,
        "updated_at": now,
        "step_attempts": {},
        "step_tries": 0,
    }

    doc["outbox"] = [status_event({**doc, "id": job_id})]
    doc["outbox_pending"] = True
    doc["language_qc"] = {
        lang: {"status": "PENDING", "assignee": None, "history": [], "feedback": []}
        for lang in translated_languages(doc)
    }
    return doc


def create_job(
    principal: Principal, data: JobCreate, upload_file: UploadedVideo | None = None, idempotency_key: str | None = None
) -> tuple[JobDocument, bool]:
    """Create a job from a multipart upload (`upload_file`, the request's file part) or from
    `data.upload_id`. Returns (job, created): created is False for an idempotent replay."""

    if upload_file is None and not data.upload_id:
        raise Invalid(
            "Attach the video as the multipart `file` part, or name an upload_id from POST /api/v1/files/upload-url"
        )
    if upload_file is not None and data.upload_id:
        raise Invalid("Send either a file or an upload_id, not both")
    org_id = _resolve_org(principal, data.org_id)
    outputs = _check_languages(data.source_language, data.requested_outputs)
    glossary_id = _resolve_glossary(org_id, data.glossary_id)
    upload = uploads.usable_upload(principal, data.upload_id, org_id) if data.upload_id else None

    docs = platform().documents
    tmp_dir = tempfile.TemporaryDirectory(prefix="avp-job-") if upload_file is not None else None
    try:
        local = None
        if upload_file is not None and tmp_dir is not None:
            local = Path(tmp_dir.name) / "source.mp4"
            upload_file.save(str(local))
            if local.stat().st_size == 0:
                raise Invalid("The uploaded file is empty")

        job_id = new_id()
        idem_id = None
        if idempotency_key:
            if len(idempotency_key) > 255:
                raise Invalid("Idempotency-Key is too long (at most 255 characters)")
            idem_id = _idempotency_id(principal, idempotency_key)
            fingerprint = _fingerprint(
                data, getattr(upload_file, "filename", None), local.stat().st_size if local else None
            )
            try:
                docs.create(
                    IDEMPOTENCY,
                    idem_id,
                    {
                        "job_id": job_id,
                        "user_id": principal.user_id,
                        "fingerprint": fingerprint,
                        "created_at": now_iso(),
                        "expire_at": expire_in(IDEMPOTENCY_RETENTION_SECONDS),
                    },
                )
            except AlreadyExists:
                earlier = docs.get(IDEMPOTENCY, idem_id)
                if earlier is None:  # the first request failed and was undone just now
                    raise Conflict("A request with this Idempotency-Key failed just now; retry") from None
                return _replay(earlier, fingerprint), False
        try:
            if upload is None:
                upload = uploads.new_upload(
                    principal, org_id, "video/mp4", getattr(upload_file, "filename", None), job_id=job_id
                )
            store = JobStore(docs)
            job = store.create(
                job_id,
                new_job_document(principal, data, org_id, outputs, glossary_id, upload["id"], job_id),
            )
            flush_outbox(job, store, job_events.publish_status_strict)
            if local is not None:
                # finalizing the object emits the storage event that attaches it to the job
                platform().files.put_file(upload["path"], local, "video/mp4")
            else:
                uploads.attach_if_ready(uploads.claim_upload(upload["id"], job_id))
        except BaseException:
            _undo_create(job_id, upload if local is not None else None, idem_id)
            raise
    finally:
        if tmp_dir is not None:
            tmp_dir.cleanup()
    return JobStore(docs).get(job_id) or job, True


def _undo_create(job_id: str, own_upload: dict[str, Any] | None, idem_id: str | None) -> None:
    docs = platform().documents
    try:
        JobStore(docs).delete(job_id)
        if own_upload is not None:
            platform().files.delete(own_upload["path"])
            docs.delete("uploads", own_upload["id"])
        if idem_id:
            docs.delete(IDEMPOTENCY, idem_id)
    except Exception:
        log.exception("could not undo a failed job creation", extra={"fields": {"job_id": job_id}})
