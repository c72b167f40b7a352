"""GcsFiles signed URLs: V4 with a key file (verified here against the public key by rebuilding
the V4 string-to-sign) and, without a key file, through IAM signBlob with the runtime service
account's token (the IAM call is answered by a fake that signs with a generated key)."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from shared.storage.gcs_files import GcsFiles

EMAIL = "runtime@proj.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(autouse=True)
def no_emulator(monkeypatch):
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)


def _client():
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(project="proj", credentials=AnonymousCredentials())


def _key_file(tmp_path, key) -> str:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "sa.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "proj",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "signer@proj.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return str(path)


def string_to_sign(url: str, method: str, headers: dict) -> tuple[str, bytes]:
    """Rebuild the V4 string-to-sign of a signed URL; returns it and the signature bytes."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = bytes.fromhex(query.pop("X-Goog-Signature"))
    canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query.items()))
    all_headers = {"host": parts.netloc, **{k.lower(): v for k, v in headers.items()}}
    signed = query["X-Goog-SignedHeaders"].split(";")
    assert sorted(signed) == sorted(all_headers)
    canonical_headers = "".join(f"{h}:{all_headers[h]}\n" for h in signed)
    canonical_request = "\n".join(
        [method, parts.path, canonical_query, canonical_headers, query["X-Goog-SignedHeaders"], "UNSIGNED-PAYLOAD"]
    )
    scope = query["X-Goog-Credential"].split("/", 1)[1]
    sts = "\n".join(
        ["GOOG4-RSA-SHA256", query["X-Goog-Date"], scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    return sts, signature


def test_bucket_per_path():
    files = GcsFiles("up", "del", client=_client())
    assert files.bucket_name("uploads/abc/source.mp4") == "up"
    assert files.bucket_name("jobs/abc/en/captions.vtt") == "del"
    with pytest.raises(ValueError):
        files.bucket_name("../x")


def test_v4_download_url_signed_with_key_file(tmp_path, key):
    files = GcsFiles("up", "del", signing_key_file=_key_file(tmp_path, key), client=_client())
    url = files.signed_download_url("jobs/j1/en/accessible.mp4", 3600, filename="video-en.mp4")
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "storage.googleapis.com"
    assert parts.path == "/del/jobs/j1/en/accessible.mp4"
    query = dict(parse_qsl(parts.query))
    assert query["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert query["X-Goog-Expires"] == "3600"
    assert query["X-Goog-Credential"].startswith("signer@proj.iam.gserviceaccount.com/")
    assert query["response-content-disposition"] == 'attachment; filename="video-en.mp4"'
    sts, signature = string_to_sign(url, "GET", {})
    key.public_key().verify(signature, sts.encode(), padding.PKCS1v15(), hashes.SHA256())  # raises if wrong


def test_v4_upload_url_binds_method_and_content_type(tmp_path, key):
    files = GcsFiles("up", "del", signing_key_file=_key_file(tmp_path, key), client=_client())
    url = files.signed_upload_url("uploads/u1/source.mp4", 900, "video/mp4", 10**9)
    assert urlsplit(url).path == "/up/uploads/u1/source.mp4"
    signed = {"content-type": "video/mp4", "x-goog-content-length-range": f"0,{10**9}"}
    assert files.upload_headers(10**9) == {"x-goog-content-length-range": f"0,{10**9}"}
    sts, signature = string_to_sign(url, "PUT", signed)
    key.public_key().verify(signature, sts.encode(), padding.PKCS1v15(), hashes.SHA256())
    # the same URL presented as a GET, with another type or another size range does not verify
    for method, headers in (
        ("GET", signed),
        ("PUT", {**signed, "x-goog-content-length-range": f"0,{10**12}"}),
    ):
        wrong, _ = string_to_sign(url, method, headers)
        with pytest.raises(Exception):
            key.public_key().verify(signature, wrong.encode(), padding.PKCS1v15(), hashes.SHA256())
    wrong, _ = string_to_sign(url, "GET", signed)
    with pytest.raises(Exception):
        key.public_key().verify(signature, wrong.encode(), padding.PKCS1v15(), hashes.SHA256())


class FakeRuntimeCredentials:
    """What google.auth.default() gives a Cloud Function: a token, no private key."""

    def __init__(self):
        self.valid = False
        self.token = None
        self.service_account_email = EMAIL
        self.refreshed = 0

    def refresh(self, request):
        self.refreshed += 1
        self.valid = True
        self.token = "ya29.runtime-token"


def test_without_key_file_urls_are_signed_by_iam_sign_blob(monkeypatch, key):
    import google.auth
    from google.cloud.storage import _signing

    creds = FakeRuntimeCredentials()
    monkeypatch.setattr(google.auth, "default", lambda scopes=None: (creds, "proj"))
    calls = []

    class FakeResponse:
        status = 200

        def __init__(self, data):
            self.data = data

    class FakeIamRequest:
        def __call__(self, url, method, body, headers):
            payload = base64.b64decode(json.loads(body)["payload"])
            calls.append({"url": url, "method": method, "auth": headers["Authorization"], "payload": payload})
            signed = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
            return FakeResponse(json.dumps({"keyId": "k", "signedBlob": base64.b64encode(signed).decode()}).encode())

    monkeypatch.setattr(_signing.requests, "Request", FakeIamRequest)
    files = GcsFiles("up", "del", client=_client())
    url = files.signed_download_url("jobs/j1/en/captions.vtt", 600)
    assert creds.refreshed == 1
    assert len(calls) == 1
    call = calls[0]
    assert call["method"] == "POST"
    assert call["url"].startswith(
        f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{EMAIL}:signBlob"
    )
    assert call["auth"] == "Bearer ya29.runtime-token"
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["X-Goog-Credential"].startswith(EMAIL + "/")
    sts, signature = string_to_sign(url, "GET", {})
    assert call["payload"] == sts.encode()
    key.public_key().verify(signature, sts.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_configured_signing_account_overrides_the_runtime_one(monkeypatch):
    import google.auth

    creds = FakeRuntimeCredentials()
    creds.service_account_email = "default"  # metadata-server credentials before their first refresh
    monkeypatch.setattr(google.auth, "default", lambda scopes=None: (creds, "proj"))
    files = GcsFiles("up", "del", signing_service_account="signer@proj.iam.gserviceaccount.com", client=_client())
    assert files._runtime_identity() == ("signer@proj.iam.gserviceaccount.com", "ya29.runtime-token")
    bare = GcsFiles("up", "del", client=_client())
    with pytest.raises(RuntimeError, match="AVP_SIGNING"):
        bare._runtime_identity()
