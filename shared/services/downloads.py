"""Downloads: signed download URLs of a job's files, for everyone who may see the job (a
linguist only for the languages assigned to them, plus the programme and its source-language
captions and descriptions to work beside; decision 0822). GET /files/{job_id}/{path} signs one
file; GET /jobs/{id}/downloads signs every deliverable present in storage."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.jobs import JobDocument, assigned_languages
from shared.domain.roles import LINGUIST
from shared.errors import Forbidden, Invalid, NotFound
from shared.ids import is_id
from shared.services.jobs import get_job_for
from shared.storage.layout import CAPTIONS_VTT, DESCRIPTIONS_VTT, SOURCE, job_path
from shared.timestamps import expire_in

DELIVERABLE_EXTS = (".vtt", ".srt", ".ttml", ".dfxp", ".scc", ".m4a", ".mp3", ".wav", ".mp4", ".json")


def clean_relative_path(path: str) -> str:
    """A job-relative file path, refusing traversal in every spelling (400)."""
    raw = path or ""
    decoded = raw
    for _ in range(3):  # percent-encoding, possibly nested
        nxt = unquote(decoded)
        if nxt == decoded:
            break
        decoded = nxt
    bad = (
        not raw
        or raw != decoded
        or "%" in raw
        or "\\" in decoded
        or decoded.startswith("/")
        or re.match(r"^[A-Za-z]:", decoded)
        or any(ord(c) < 32 for c in decoded)
        or any(p in ("", ".", "..") for p in decoded.split("/"))
        or len(decoded) > 512
        or any(len(p) > 255 for p in decoded.split("/"))
    )
    if bad:
        raise Invalid("Invalid file path: use a path inside the job, such as es/captions.vtt")
    return decoded


# A language's narration plan and clips in the work folder: the review screen plays the extended
# descriptions, which the narration stem leaves out, from these (decision 0825).
_NARRATION_WORK = re.compile(r"^work/([^/]+)/(narration\.json|ad-\d{3}\.wav)$")


def linguist_may_read(job: JobDocument, user_id: str, rel: str) -> bool:
    """What a linguist assigned to a language of `job` may read (decision 0822): their
    languages' folders (and those languages' narration clips in the work folder, decision
    0825), the programme video, and the source language's captions and descriptions (the text
    they translate from). A linguist with no language of the job gets nothing (`get_job_for`
    already answers 404 for them)."""
    mine = assigned_languages(job, user_id)
    if not mine:
        return False
    if rel == SOURCE:
        return True
    clip = _NARRATION_WORK.match(rel)
    if clip:
        return clip.group(1) in mine
    lang, _, name = rel.partition("/")
    if not name:
        return False
    if lang in mine:
        return True
    return lang == job.get("source_language") and name in (CAPTIONS_VTT, DESCRIPTIONS_VTT)


def file_url(principal: Principal, job_id: str, path: str) -> dict[str, Any]:
    """A signed download URL for one file of a job (GET /files/{job_id}/{path})."""
    rel = clean_relative_path(path)
    if not is_id(job_id):
        raise NotFound("Job not found")
    job = get_job_for(principal, job_id)
    if principal.role == LINGUIST and not linguist_may_read(job, principal.user_id, rel):
        raise Forbidden(
            "Linguists may fetch the programme video, its source-language captions and descriptions, "
            "and the files (and narration clips) of the languages assigned to them"
        )
    storage_path = job_path(job_id, rel)
    files = platform().files
    if not files.exists(storage_path):
        raise NotFound("File not found")
    ttl = platform().settings.signed_url_ttl_seconds
    url = files.signed_download_url(storage_path, ttl, filename=rel.rsplit("/", 1)[-1])
    return {"job_id": job_id, "path": rel, "url": url, "expires_at": expire_in(ttl)}


def job_downloads(principal: Principal, job_id: str) -> dict[str, Any]:
    """Signed URLs (24 h) for every deliverable of the job present in storage (GET
    /jobs/{id}/downloads). A linguist gets the files of the languages assigned to them."""
    job = get_job_for(principal, job_id)
    files = platform().files
    ttl = platform().settings.signed_url_ttl_seconds
    expires_at = expire_in(ttl)
    langs = set(assigned_languages(job, principal.user_id)) if principal.role == LINGUIST else None
    prefix = job_path(job["id"], "")
    items = []
    for lang, entries in sorted((job.get("outputs") or {}).items()):
        if not isinstance(entries, dict) or (langs is not None and lang not in langs):
            continue
        for kind, path in sorted(entries.items()):
            if not isinstance(path, str) or not path.startswith(prefix):
                continue
            if not path.endswith(DELIVERABLE_EXTS) or "/work/" in path:
                continue
            size = files.size(path)
            if size is None:
                continue
            filename = f"{job['id']}-{lang}-{path.rsplit('/', 1)[-1]}"
            url = files.signed_download_url(path, ttl, filename=filename)
            items.append({"language": lang, "kind": kind, "path": path[len(prefix) :], "url": url, "size": size})
    return {"job_id": job["id"], "expires_at": expires_at, "files": items}
