"""The file-store contract: LocalFiles (a folder + HMAC-signed URLs served by the local app) and
GcsFiles (gcp-storage-emulator) pass the same tests, signed URLs included."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest

from shared.local.file_routes import register
from shared.storage.gcs_files import GcsFiles
from shared.storage.local_files import LocalFiles
from tests.integration.emulators import gcp_emulators  # noqa: F401


class Harness:
    """An adapter plus a way to use its signed URLs the way a browser would."""

    def __init__(self, store, fetch, put):
        self.store = store
        self.fetch = fetch  # url -> (status, body bytes, headers)
        self.put = put  # (url, data, content_type) -> status


def _local(tmp_path, platform_obj):
    from flask import Flask

    store = LocalFiles(tmp_path / "files", b"k" * 32, "http://localhost:8003")
    platform_obj.__dict__["files"] = store  # the routes `register` adds serve the platform's store
    app = Flask("files-contract")
    register(app)
    client = app.test_client()

    def fetch(url):
        parts = urlsplit(url)
        resp = client.get(parts.path, query_string=parts.query)
        return resp.status_code, resp.get_data(), resp.headers

    def put(url, data, content_type):
        parts = urlsplit(url)
        return client.put(
            parts.path, query_string=parts.query, data=data, headers={"Content-Type": content_type}
        ).status_code

    return Harness(store, fetch, put)


def _http_fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def _http_put(url, data, content_type):
    req = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def signing_key_file(tmp_path) -> str:
    """A service-account JSON key with a fresh RSA key (the emulator does not check signatures;
    tests/unit/test_gcp_signing.py verifies them)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "signer.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "avp-local",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "signer@avp-local.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return str(path)


@pytest.fixture(params=["local", pytest.param("gcs", marks=pytest.mark.emulators)])
def files(request, tmp_path, platform):
    if request.param == "local":
        return _local(tmp_path, platform)
    request.getfixturevalue("gcp_emulators")

    suffix = uuid.uuid4().hex[:10]
    store = GcsFiles(f"up-{suffix}", f"del-{suffix}", project="avp-local", signing_key_file=signing_key_file(tmp_path))
    store.ensure_buckets()
    return Harness(store, _http_fetch, _http_put)


def test_put_get_bytes_and_overwrite(files):
    s = files.store
    s.put_bytes("jobs/j1/en/captions.vtt", b"WEBVTT\n", "text/vtt")
    assert s.get_bytes("jobs/j1/en/captions.vtt") == b"WEBVTT\n"
    s.put_bytes("jobs/j1/en/captions.vtt", b"WEBVTT\n\nv2", "text/vtt")
    assert s.get_bytes("jobs/j1/en/captions.vtt") == b"WEBVTT\n\nv2"
    assert s.size("jobs/j1/en/captions.vtt") == len(b"WEBVTT\n\nv2")


def test_put_file_and_get_file(files, tmp_path):
    src = tmp_path / "in.bin"
    src.write_bytes(bytes(range(256)) * 1000)
    files.store.put_file("uploads/u1/source.mp4", src, "video/mp4")
    out = tmp_path / "out" / "copy.bin"
    files.store.get_file("uploads/u1/source.mp4", out)
    assert out.read_bytes() == src.read_bytes()


def test_missing_objects(files, tmp_path):
    s = files.store
    assert s.exists("jobs/none/x") is False
    assert s.size("jobs/none/x") is None
    with pytest.raises(FileNotFoundError):
        s.get_bytes("jobs/none/x")
    with pytest.raises(FileNotFoundError):
        s.get_file("jobs/none/x", tmp_path / "x")
    assert not (tmp_path / "x").exists()
    with pytest.raises(FileNotFoundError):
        s.copy("jobs/none/x", "jobs/none/y")
    s.delete("jobs/none/x")  # deleting nothing is fine


def test_list_by_prefix_across_buckets(files):
    s = files.store
    for path in ("uploads/u1/source.mp4", "jobs/j1/source.mp4", "jobs/j1/en/captions.vtt", "jobs/j2/source.mp4"):
        s.put_bytes(path, b"x")
    assert s.list("jobs/j1/") == ["jobs/j1/en/captions.vtt", "jobs/j1/source.mp4"]
    assert s.list("uploads/") == ["uploads/u1/source.mp4"]
    assert s.list("") == [
        "jobs/j1/en/captions.vtt",
        "jobs/j1/source.mp4",
        "jobs/j2/source.mp4",
        "uploads/u1/source.mp4",
    ]
    assert s.list("jobs/j3/") == []


def test_delete_and_delete_prefix(files):
    s = files.store
    for path in ("jobs/j1/a", "jobs/j1/work/b", "jobs/j10/c"):
        s.put_bytes(path, b"x")
    s.delete("jobs/j1/a")
    assert not s.exists("jobs/j1/a")
    assert s.delete_prefix("jobs/j1/") == 1
    assert s.list("jobs/") == ["jobs/j10/c"]


def test_copy_between_buckets(files):
    s = files.store
    s.put_bytes("uploads/u1/source.mp4", b"video-bytes", "video/mp4")
    s.copy("uploads/u1/source.mp4", "jobs/j1/source.mp4")
    assert s.get_bytes("jobs/j1/source.mp4") == b"video-bytes"
    assert s.exists("uploads/u1/source.mp4")


def test_signed_download_url(files):
    files.store.put_bytes("jobs/j1/en/captions.srt", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n", "text/plain")
    url = files.store.signed_download_url("jobs/j1/en/captions.srt", 600, filename="captions-en.srt")
    status, body, headers = files.fetch(url)
    assert status == 200
    assert body.startswith(b"1\n00:00:00,000")
    disposition = headers.get("Content-Disposition", "")
    assert disposition.startswith("attachment") and "captions-en.srt" in disposition


def test_text_is_served_as_utf8(files):
    files.store.put_bytes(
        "jobs/j1/es/captions.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nfábrica\n".encode(), "text/vtt"
    )
    status, body, headers = files.fetch(files.store.signed_download_url("jobs/j1/es/captions.vtt", 600))
    assert status == 200 and body.decode("utf-8").endswith("fábrica\n")
    content_type = headers.get("Content-Type", "")
    assert content_type.startswith("text/vtt") and "charset=utf-8" in content_type.lower()


def test_signed_upload_url(files):
    url = files.store.signed_upload_url("uploads/u9/source.mp4", 600, "video/mp4", 10_000)
    assert files.put(url, b"\x00\x00\x00\x18ftypmp42", "video/mp4") == 200
    assert files.store.get_bytes("uploads/u9/source.mp4") == b"\x00\x00\x00\x18ftypmp42"


def test_invalid_paths_are_refused(files):
    for bad in ("/abs", "jobs/../etc", "jobs//x", ""):
        with pytest.raises(ValueError):
            files.store.put_bytes(bad, b"x")
