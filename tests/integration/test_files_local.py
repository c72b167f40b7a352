"""LocalFiles: atomic writes, path safety, signed URLs, and the GCS-shaped finalize event that
reaches functions/upload_trigger."""

import base64
import io
import json

import pytest

from shared.local import functions
from shared.local.upload_notifications import pubsub_cloud_event
from shared.services.uploads import handle_object_finalized
from shared.storage.local_files import InvalidPath, LocalFiles, TooLargeUpload


@pytest.fixture
def store(tmp_path):
    return LocalFiles(tmp_path / "files", b"k" * 32, "http://localhost:8003")


def test_roundtrip_list_copy_delete(store, tmp_path):
    store.put_bytes("jobs/a/en/captions.vtt", b"WEBVTT\n")
    src = tmp_path / "x.bin"
    src.write_bytes(b"abc")
    store.put_file("jobs/a/work/x.bin", src)
    store.copy("jobs/a/work/x.bin", "jobs/b/x.bin")
    store.put_bytes("jobs/a/work/x.bin", b"changed")  # a copy does not follow later writes
    assert store.get_bytes("jobs/b/x.bin") == b"abc" and store.size("jobs/a/work/x.bin") == 7
    assert store.list("jobs/a/") == ["jobs/a/en/captions.vtt", "jobs/a/work/x.bin"]
    out = tmp_path / "out" / "c.vtt"
    store.get_file("jobs/a/en/captions.vtt", out)
    assert out.read_bytes() == b"WEBVTT\n"
    assert store.delete_prefix("jobs/a/") == 2 and store.list("jobs/") == ["jobs/b/x.bin"]
    assert not (store.root / "jobs" / "a").exists()
    store.delete("jobs/b/x.bin")
    assert not store.exists("jobs/b/x.bin") and store.size("jobs/b/x.bin") is None
    with pytest.raises(FileNotFoundError):
        store.get_bytes("jobs/b/x.bin")


@pytest.mark.parametrize(
    "bad", ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "a/./b", "a/%2e%2e/b", "", "a/\x00"]
)
def test_paths_are_checked(store, bad):
    with pytest.raises(InvalidPath):
        store.put_bytes(bad, b"x")
    assert store.exists(bad) is False


def test_oversize_stream_leaves_nothing(store):
    with pytest.raises(TooLargeUpload):
        store.put_stream("uploads/u/source.mp4", io.BytesIO(b"x" * 5000), max_bytes=1000)
    assert store.list("") == []
    assert list(store.root.rglob("*.avp-tmp-*")) == [] and not any(p.is_file() for p in store.root.rglob("*"))


def test_signed_urls_verify(store):
    url = store.signed_download_url("jobs/a/en/captions.vtt", 60, filename="c.vtt")
    query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
    from urllib.parse import unquote

    args = {k: unquote(v) for k, v in query.items()}
    assert store.verify("jobs/a/en/captions.vtt", "GET", args) == (True, "")
    assert store.verify("jobs/a/es/captions.vtt", "GET", args)[0] is False
    assert store.verify("jobs/a/en/captions.vtt", "PUT", args)[0] is False
    assert (
        store.verify("jobs/a/en/captions.vtt", "GET", {**args, "expires": str(int(args["expires"]) + 999)})[0] is False
    )
    assert store.verify("jobs/a/en/captions.vtt", "GET", {**args, "filename": "evil.exe"})[0] is False
    expired = store.signed_download_url("jobs/a/en/captions.vtt", -1)
    eargs = {k: unquote(v) for k, v in (p.split("=", 1) for p in expired.split("?", 1)[1].split("&"))}
    ok, reason = store.verify("jobs/a/en/captions.vtt", "GET", eargs)
    assert not ok and "expired" in reason
    other_key = LocalFiles(store.root, b"z" * 32, "http://localhost:8003")
    assert other_key.verify("jobs/a/en/captions.vtt", "GET", args)[0] is False


def test_finalize_event_only_for_uploads_with_gcs_shape(store):
    seen = []
    store.listeners.append(seen.append)
    store.put_bytes("jobs/a/en/captions.vtt", b"x")
    assert seen == []
    store.put_bytes("uploads/0123456789abcdef01234567/source.mp4", b"video", "video/mp4")
    assert len(seen) == 1
    res = seen[0]
    assert res["kind"] == "storage#object" and res["bucket"] == "avp-uploads"
    assert res["name"] == "uploads/0123456789abcdef01234567/source.mp4" and res["size"] == "5"
    assert res["contentType"] == "video/mp4" and res["generation"].isdigit()
    event = pubsub_cloud_event(res)
    assert event["type"] == "google.cloud.pubsub.topic.v1.messagePublished"
    msg = event.data["message"]
    assert msg["attributes"]["eventType"] == "OBJECT_FINALIZE" and msg["attributes"]["payloadFormat"] == "JSON_API_V1"
    assert json.loads(base64.b64decode(msg["data"])) == res


def test_upload_trigger_parses_the_event(isolated_settings):
    trigger = functions.load("upload_trigger")
    res = {"name": "uploads/x/source.mp4", "bucket": "b", "size": "1", "generation": "1", "updated": "t"}
    event = pubsub_cloud_event(res)
    assert trigger.object_resource(event.data) == res
    deleted = {"message": {"attributes": {"eventType": "OBJECT_DELETE"}, "data": event.data["message"]["data"]}}
    assert trigger.object_resource(deleted) is None
    trigger.entry(event)  # an object that is not a known upload is ignored without error


def test_unknown_or_foreign_objects_are_ignored(platform):
    assert handle_object_finalized({"name": "jobs/x/en/captions.vtt"}) == "ignored"
    assert (
        handle_object_finalized({"name": "uploads/0123456789abcdef01234567/source.mp4", "size": "3"})
        == "replay-deleted"
    )


def test_served_signed_download_and_expiry(client, platform):
    platform.files.put_bytes("jobs/a/en/captions.vtt", b"WEBVTT\n\n")
    url = platform.files.signed_download_url("jobs/a/en/captions.vtt", 60, filename="captions.vtt")
    path = url.split("localhost:8003", 1)[1]
    resp = client.get(path)
    assert resp.status_code == 200 and resp.data == b"WEBVTT\n\n"
    assert "attachment" in resp.headers["Content-Disposition"]
    expired = platform.files.signed_download_url("jobs/a/en/captions.vtt", -2).split("localhost:8003", 1)[1]
    assert client.get(expired).status_code == 403
    tampered = path.replace("captions.vtt?", "captions.srt?")
    assert client.get(tampered).status_code == 403
    missing = platform.files.signed_download_url("jobs/a/en/none.vtt", 60).split("localhost:8003", 1)[1]
    assert client.get(missing).status_code == 404
