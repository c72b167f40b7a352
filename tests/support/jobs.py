"""Jobs written straight into the document store, for tests that start a job at a given status
without going through upload and the pipeline."""

from __future__ import annotations

from shared.ids import new_id
from shared.timestamps import now_iso


def stored_job(platform, org_id: str = "org1", status: str = "CREATED", outputs=("en",), **fields) -> str:
    """Create a job document with the fields every stored job has (an English source, the
    requested outputs, no outputs or language QC yet, no step attempts) plus `fields`, which
    win; returns its id."""
    job_id = new_id()
    now = now_iso()
    doc = {
        "org_id": org_id,
        "status": status,
        "source_language": "en",
        "requested_outputs": list(outputs),
        "outputs": {},
        "language_qc": {},
        "created_at": now,
        "updated_at": now,
        "step_attempts": {},
    }
    platform.documents.create("jobs", job_id, {**doc, **fields})
    return job_id


def api_job(platform, org_id: str, status: str, outputs=("en",), **fields) -> str:
    """stored_job() with what a job created through the API carries besides (its creator, a
    title, options, assignees, feedback); `fields` win."""
    made_by_api = {"created_by": "u", "title": "t", "options": {}, "assignees": [], "feedback": []}
    return stored_job(platform, org_id, status, outputs, **{**made_by_api, **fields})
