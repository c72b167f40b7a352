"""Uploads: signed upload URLs for source videos, and the handling of the storage "object
finalized" event that starts a job's pipeline.

Every source video reaches storage as `uploads/<upload_id>/source.mp4` (the uploads bucket in
GCP), whether it came through a signed URL or a multipart POST /jobs. An `uploads` document
tracks it: {org_id, created_by, path, status: pending|uploaded|consumed, job_id, size}. When
both the object is finalized and a job names the upload, the object is copied to the job's
`jobs/<id>/source.mp4` and the job moves CREATED -> UPLOADED (which enqueues the probe). Either
can happen first; the job's compare-and-set makes the move happen once."""

from __future__ import annotations

import re
from typing import Any

from shared import logs
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.roles import ADMIN
from shared.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from shared.ids import is_id, new_id
from shared.models.files import UploadUrlRequest
from shared.persistence.documents import update_with_retry
from shared.services import housekeeping, jobs
from shared.storage.layout import SOURCE, job_path, upload_path
from shared.timestamps import expire_in, now_iso

log = logs.get("avp.files")
UPLOADS = "uploads"
_UPLOAD_OBJECT = re.compile(r"^uploads/([0-9a-f]{24})/source\.mp4$")


def new_upload(
    principal: Principal, org_id: str | None, content_type: str, filename: str | None, job_id: str | None = None
) -> dict[str, Any]:
    upload_id = new_id()
    doc = {
        "org_id": org_id,
        "created_by": principal.user_id,
        "path": upload_path(upload_id),
        "content_type": content_type,
        "filename": filename,
        "status": "pending",
        "job_id": job_id,
        "size": None,
        "created_at": now_iso(),
    }
    if job_id is None:
        # never claimed by a job: housekeeping deletes it (and its object) a day after the
        # signed URL expired; claim_upload removes the field (docs/decisions/0700)
        ttl = platform().settings.upload_url_ttl_seconds
        doc["expire_at"] = expire_in(ttl + housekeeping.UPLOAD_RETENTION_SECONDS)
    return platform().documents.create(UPLOADS, upload_id, doc)


def create_upload_url(principal: Principal, body: UploadUrlRequest) -> dict[str, Any]:
    """A signed PUT URL for one source video (POST /files/upload-url)."""
    cfg = platform().settings
    cap = cfg.max_signed_upload_bytes
    if body.size is not None and body.size > cap:
        raise TooLarge(f"The video is larger than the upload limit of {cap} bytes")
    if principal.role == ADMIN:
        org_id = body.org_id
        if org_id and platform().documents.get("organizations", org_id) is None:
            raise Invalid("Unknown organisation")
    else:
        if body.org_id and body.org_id != principal.org_id:
            raise Forbidden("You may only upload for your own organisation")
        org_id = principal.org_id
    upload = new_upload(principal, org_id, body.content_type, body.filename)
    ttl = cfg.upload_url_ttl_seconds
    url = platform().files.signed_upload_url(upload["path"], ttl, body.content_type, cap)
    return {
        "upload_id": upload["id"],
        "url": url,
        "method": "PUT",
        "headers": {"Content-Type": body.content_type, **platform().files.upload_headers(cap)},
        "expires_at": expire_in(ttl),
        "max_bytes": cap,
    }


def usable_upload(principal: Principal, upload_id: str, org_id: str | None) -> dict[str, Any]:
    """The upload a job creation names, if this principal may use it for `org_id`."""
    upload = platform().documents.get(UPLOADS, upload_id) if is_id(upload_id or "") else None
    if upload is None:
        raise Invalid("Unknown upload_id; request one from POST /api/v1/files/upload-url")
    if principal.role != ADMIN and upload.get("org_id") != principal.org_id:
        raise Invalid("Unknown upload_id; request one from POST /api/v1/files/upload-url")
    if upload.get("org_id") and org_id and upload["org_id"] != org_id:
        raise Invalid("This upload belongs to another organisation")
    if upload.get("job_id"):
        raise Conflict("This upload is already used by a job")
    return upload


def claim_upload(upload_id: str, job_id: str) -> dict[str, Any]:
    """Point the upload at the job (once); returns the upload as stored."""

    def claim(doc: dict[str, Any]) -> dict[str, Any]:
        if doc.get("job_id") and doc["job_id"] != job_id:
            raise Conflict("This upload is already used by a job")
        doc["job_id"] = job_id
        doc.pop("expire_at", None)  # a claimed upload is never purged (0700)
        return doc

    stored = update_with_retry(platform().documents, UPLOADS, upload_id, claim)
    if stored is None:
        raise Invalid("Unknown upload_id")
    return stored


def attach_if_ready(upload: dict[str, Any]) -> bool:
    """If the upload is in storage and names a job still waiting for it, give the job its source
    (copy to jobs/<id>/source.mp4) and move it CREATED -> UPLOADED. Idempotent."""
    if upload.get("status") != "uploaded" or not upload.get("job_id"):
        return False
    job_id = upload["job_id"]
    job = jobs.store().get(job_id)
    if job is None or job["status"] != "CREATED":
        return False
    files = platform().files
    dest = job_path(job_id, SOURCE)
    if not files.exists(upload["path"]) and files.exists(dest):
        pass  # copied by an earlier delivery that stopped before the transition
    else:
        files.copy(upload["path"], dest)
    try:
        jobs.transition(
            job_id,
            "CREATED",
            "UPLOADED",
            source_path=dest,
            source_size=upload.get("size"),
            source_content_type=upload.get("content_type"),
        )
    except (Conflict, NotFound):
        return False
    update_with_retry(platform().documents, UPLOADS, upload["id"], lambda d: {**d, "status": "consumed"})
    files.delete(upload["path"])
    return True


def handle_object_finalized(resource: dict[str, Any]) -> str:
    """The storage "object finalized" notification (GCS JSON_API_V1 object resource). Returns
    what happened (for logs and tests). Raises on transient failures so the event is redelivered."""
    name = resource.get("name") or ""
    match = _UPLOAD_OBJECT.match(name)
    if not match:
        return "ignored"
    upload_id = match.group(1)
    try:
        size = int(resource.get("size") or 0)
    except ValueError:
        size = None

    def mark(doc: dict[str, Any]) -> dict[str, Any] | None:
        if doc.get("status") != "pending":
            return None
        doc["status"] = "uploaded"
        doc["size"] = size
        doc["uploaded_at"] = now_iso()
        return doc

    current = platform().documents.get(UPLOADS, upload_id)
    if current is None or current.get("status") == "consumed":
        # No such upload, or one already consumed: the signed URL was replayed (or the object is
        # a stray). Nothing will ever claim it, so it goes now (decision 0907).
        platform().files.delete(name)
        log.warning("replayed or stray upload deleted", extra={"fields": {"object": name}})
        return "replay-deleted"
    if current.get("status") != "pending":  # a redelivered event: retry attaching only
        return "attached" if attach_if_ready(current) else "duplicate"
    upload = update_with_retry(platform().documents, UPLOADS, upload_id, mark)
    if upload is None:
        return "replay-deleted"
    return "attached" if attach_if_ready(upload) else "recorded"


def accepts_upload(path: str) -> bool:
    """Whether a signed upload to `path` may still be written: its upload exists and nothing
    was uploaded to it yet. (The local file server asks before reading the body; GCS cannot,
    so there the replayed object is deleted when its finalize event arrives.)"""
    match = _UPLOAD_OBJECT.match(path)
    if not match:
        return True
    upload = platform().documents.get(UPLOADS, match.group(1))
    return upload is not None and upload.get("status") == "pending"
