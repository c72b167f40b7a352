"""Following a job through the local app's API in tests."""

from __future__ import annotations

import io
import time


def post_job(client, user, content: bytes, filename: str, **form) -> object:
    """POST /api/v1/jobs as `user` with the file and `form` fields in one multipart body (the
    upload the console makes); returns the response."""
    return client.post(
        "/api/v1/jobs",
        headers=user["headers"],
        content_type="multipart/form-data",
        data={**form, "file": (io.BytesIO(content), filename)},
    )


def wait_for_status(client, user, job_id: str, statuses, timeout: float, poll: float = 0.2) -> dict:
    """GET the job as `user` until its status is one of `statuses` (a status or a set), and
    return it. Fails at the deadline, or as soon as the job ends FAILED or *_INVALID when that
    is not what the test waits for."""
    wanted = {statuses} if isinstance(statuses, str) else set(statuses)
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=user["headers"]).get_json()
        status = job.get("status", "")
        if status in wanted:
            return job
        assert not status.endswith(("FAILED", "INVALID")), job
        assert time.monotonic() < deadline, f"stuck at {status}, waiting for {sorted(wanted)}: {job}"
        time.sleep(poll)
