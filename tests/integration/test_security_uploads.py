"""Signed upload URLs are single-use: a replay after the upload was taken is refused (local
file server) or deleted when it lands (GCS, via the finalize event); unclaimed uploads are
purged; on GCS the size range is a signed header (decision 0907)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from shared.auth.tokens import Principal
from shared.services.uploads import handle_object_finalized, new_upload

V1 = "/api/v1"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _wait(client, user, job_id, status, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"{V1}/jobs/{job_id}", headers=user["headers"]).get_json()
        if job.get("status") == status or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_a_used_upload_url_cannot_be_replayed(client, users, platform, tmp_path):
    org = users.org()
    customer = users.user("CLIENT", org)
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 512  # bytes only: no worker probes them here
    u = client.post(f"{V1}/files/upload-url", json={"filename": "v.mp4"}, headers=customer["headers"]).get_json()

    def put():
        return client.put(_path(u["url"]), data=video, headers=u["headers"])

    assert put().status_code == 200
    # Before any job took it, a second PUT is refused too: one URL, one object.
    assert put().status_code == 409
    body = {"upload_id": u["upload_id"], "source_language": "en", "requested_outputs": ["en"]}
    job = client.post(f"{V1}/jobs", json=body, headers=customer["headers"]).get_json()
    assert _wait(client, customer, job["_id"], "UPLOADED")["status"] == "UPLOADED"
    assert platform.documents.get("uploads", u["upload_id"])["status"] == "consumed"
    resp = put()  # the URL is still within its validity: today it wrote a new object
    assert resp.status_code == 409 and "already used" in resp.get_json()["detail"]
    assert not platform.files.exists(f"uploads/{u['upload_id']}/source.mp4")


def test_an_object_written_to_a_consumed_upload_is_deleted_when_it_lands(users, platform):
    """GCS cannot refuse the replayed PUT; its finalize event removes the object."""
    org = users.org()
    upload = new_upload(Principal("u", "CLIENT", org), org, "video/mp4", "v.mp4", job_id="j" * 24)
    docs = platform.documents
    data = {k: v for k, v in upload.items() if k not in ("id", "_version")}
    docs.update("uploads", upload["id"], {**data, "status": "consumed"}, expected_version=upload["_version"])
    path = f"uploads/{upload['id']}/source.mp4"
    platform.files.put_bytes(path, b"replayed bytes")
    assert handle_object_finalized({"name": path, "size": "14"}) == "replay-deleted"
    assert not platform.files.exists(path)


def test_a_redelivered_event_keeps_a_waiting_upload(users, platform):
    org = users.org()
    upload = new_upload(Principal("u", "CLIENT", org), org, "video/mp4", "v.mp4")
    path = f"uploads/{upload['id']}/source.mp4"
    platform.files.put_bytes(path, b"bytes")  # the local store delivers its finalize event at once
    assert platform.documents.get("uploads", upload["id"])["status"] == "uploaded"
    assert handle_object_finalized({"name": path, "size": "5"}) == "duplicate"
    assert platform.files.exists(path)
