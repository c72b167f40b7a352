"""GcsFiles: the file-store port on Cloud Storage (or on gcp-storage-emulator when
STORAGE_EMULATOR_HOST is set).

Logical paths map to objects of the same name: `uploads/...` live in Settings.uploads_bucket
(the bucket whose OBJECT_FINALIZE notifications start the pipeline), everything else (`jobs/...`)
in Settings.deliverables_bucket.

Signed URLs are V4. With Settings.signing_key_file (a service-account JSON key) they are signed
locally; without one (the Cloud Functions default: no key, only the runtime service account)
they are signed through the IAM Credentials signBlob API with that account's access token, so
the account needs roles/iam.serviceAccountTokenCreator on itself (granted in Terraform).
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

UPLOADS_PREFIX = "uploads/"
DEFAULT_ENDPOINT = "https://storage.googleapis.com"


def _content_type(content_type: str) -> str:
    """Text objects are served with an explicit UTF-8 charset: without one, browsers and HTTP
    clients may decode text/* as ISO-8859-1 (every text the platform writes is UTF-8)."""
    if content_type.startswith("text/") and "charset=" not in content_type.lower():
        return f"{content_type}; charset=utf-8"
    return content_type


def _check(path: str) -> str:
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        raise ValueError(f"invalid logical path: {path!r}")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"invalid logical path: {path!r}")
    return path


class GcsFiles:
    """File store on two GCS buckets; the client and signing credentials are created lazily."""

    def __init__(
        self,
        uploads_bucket: str,
        deliverables_bucket: str,
        project: str | None = None,
        signing_key_file: str = "",
        signing_service_account: str = "",
        client=None,
    ):
        self.uploads_bucket = uploads_bucket
        self.deliverables_bucket = deliverables_bucket
        self.project = project or None
        self.signing_key_file = signing_key_file
        self.signing_service_account = signing_service_account
        self._client = client
        self._key_credentials = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, cfg) -> GcsFiles:
        return cls(
            cfg.uploads_bucket,
            cfg.deliverables_bucket,
            project=cfg.gcp_project or None,
            signing_key_file=cfg.signing_key_file,
            signing_service_account=cfg.signing_service_account,
        )

    # -- clients ----------------------------------------------------------------------------
    @property
    def emulator_host(self) -> str | None:
        host = os.environ.get("STORAGE_EMULATOR_HOST")
        if host and not host.startswith("http"):
            host = "http://" + host
        return host

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from google.cloud import storage

                    if self.emulator_host:
                        from google.auth.credentials import AnonymousCredentials

                        self._client = storage.Client(
                            project=self.project or "avp-local", credentials=AnonymousCredentials()
                        )
                    else:
                        self._client = storage.Client(project=self.project)
        return self._client

    def bucket_name(self, path: str) -> str:
        return self.uploads_bucket if _check(path).startswith(UPLOADS_PREFIX) else self.deliverables_bucket

    def _blob(self, path: str):
        return self.client.bucket(self.bucket_name(path)).blob(path)

    # -- the port ---------------------------------------------------------------------------
    def put_bytes(self, path: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        blob, wanted = self._blob(path), _content_type(content_type)
        blob.upload_from_string(data, content_type=wanted)
        self._keep_charset(blob, wanted)

    def put_file(self, path: str, local: Path, content_type: str = "application/octet-stream") -> None:
        blob, wanted = self._blob(path), _content_type(content_type)
        blob.upload_from_filename(str(local), content_type=wanted)
        self._keep_charset(blob, wanted)

    def _keep_charset(self, blob, wanted: str) -> None:
        """gcp-storage-emulator drops the parameters of an upload's content type (GCS keeps
        them); set it again with a metadata patch there, so downloads decode the same way."""
        if self.emulator_host and "charset=" in wanted:
            if blob.content_type != wanted:
                blob.content_type = wanted
                blob.patch()

    def get_bytes(self, path: str) -> bytes:
        from google.api_core.exceptions import NotFound

        try:
            return self._blob(path).download_as_bytes()
        except NotFound:
            raise FileNotFoundError(path) from None

    def get_file(self, path: str, local: Path) -> None:
        from google.api_core.exceptions import NotFound

        local = Path(local)
        local.parent.mkdir(parents=True, exist_ok=True)
        tmp = local.with_name(local.name + ".part")
        try:
            self._blob(path).download_to_filename(str(tmp))
        except NotFound:
            tmp.unlink(missing_ok=True)
            raise FileNotFoundError(path) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, local)

    def exists(self, path: str) -> bool:
        try:
            return self._blob(path).exists()
        except ValueError:
            return False

    def size(self, path: str) -> int | None:
        try:
            blob = self.client.bucket(self.bucket_name(path)).get_blob(path)
        except ValueError:
            return None
        return int(blob.size) if blob is not None and blob.size is not None else None

    def _buckets_for_prefix(self, prefix: str) -> list[str]:
        if prefix.startswith(UPLOADS_PREFIX):
            return [self.uploads_bucket]
        if UPLOADS_PREFIX.startswith(prefix):  # "", "u", "uploads" can match both buckets
            return sorted({self.uploads_bucket, self.deliverables_bucket})
        return [self.deliverables_bucket]

    def list(self, prefix: str) -> list[str]:
        names: set[str] = set()
        for bucket in self._buckets_for_prefix(prefix):
            for blob in self.client.list_blobs(bucket, prefix=prefix or None):
                if self.bucket_name(blob.name) == bucket:
                    names.add(blob.name)
        return sorted(names)

    def delete(self, path: str) -> None:
        from google.api_core.exceptions import NotFound

        try:
            self._blob(path).delete()
        except NotFound:
            pass

    def delete_prefix(self, prefix: str) -> int:
        names = self.list(prefix)
        for name in names:
            self.delete(name)
        return len(names)

    def copy(self, src: str, dst: str) -> None:
        """Server-side copy with the rewrite API, which continues in several calls for large
        objects (a multi-GB source between buckets) where a single copy request could time out."""
        from google.api_core.exceptions import NotFound

        source = self.client.bucket(self.bucket_name(src)).blob(src)
        target = self.client.bucket(self.bucket_name(dst)).blob(dst)
        try:
            token, _, _ = target.rewrite(source)
            while token is not None:
                token, _, _ = target.rewrite(source, token=token)
        except NotFound:
            raise FileNotFoundError(src) from None

    # -- signed URLs ------------------------------------------------------------------------
    def signed_download_url(self, path: str, ttl_seconds: int, filename: str | None = None) -> str:
        extra = {}
        if filename:
            safe = filename.replace('"', "").replace("\\", "")
            extra["response_disposition"] = f'attachment; filename="{safe}"'
        return self._sign(path, "GET", ttl_seconds, **extra)

    def signed_upload_url(self, path: str, ttl_seconds: int, content_type: str, max_bytes: int) -> str:
        # x-goog-content-length-range is a signed header: the uploader must send it as given
        # (upload_headers), and GCS refuses a body outside the range (decision 0907).
        return self._sign(path, "PUT", ttl_seconds, content_type=content_type, headers=self.upload_headers(max_bytes))

    @staticmethod
    def upload_headers(max_bytes: int) -> dict[str, str]:
        """Headers a signed upload must carry besides Content-Type."""
        return {"x-goog-content-length-range": f"0,{int(max_bytes)}"}

    def _sign(self, path: str, method: str, ttl_seconds: int, **extra) -> str:
        kwargs = dict(
            version="v4",
            method=method,
            expiration=timedelta(seconds=int(ttl_seconds)),
            api_access_endpoint=self.emulator_host or DEFAULT_ENDPOINT,
            **extra,
        )
        blob = self._blob(path)
        if self.signing_key_file:
            return blob.generate_signed_url(credentials=self._signing_credentials(), **kwargs)
        email, token = self._runtime_identity()
        return blob.generate_signed_url(service_account_email=email, access_token=token, **kwargs)

    def _signing_credentials(self):
        if self._key_credentials is None:
            from google.oauth2 import service_account

            self._key_credentials = service_account.Credentials.from_service_account_file(self.signing_key_file)
        return self._key_credentials

    def _runtime_identity(self) -> tuple[str, str]:
        """The runtime service account's email and a fresh access token, for IAM signBlob."""
        import google.auth
        from google.auth.transport.requests import Request

        credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
        if not credentials.valid:
            credentials.refresh(Request())
        email = self.signing_service_account or getattr(credentials, "service_account_email", None)
        if not email or email == "default":
            raise RuntimeError(
                "No service account to sign URLs with: set AVP_SIGNING_SERVICE_ACCOUNT or AVP_SIGNING_KEY_FILE"
            )
        return email, credentials.token

    # -- emulator provisioning ----------------------------------------------------------------
    def ensure_buckets(self) -> None:
        """Create the two buckets if missing (emulators; Terraform creates them in GCP)."""
        from google.api_core.exceptions import Conflict

        for name in sorted({self.uploads_bucket, self.deliverables_bucket}):
            if self.client.lookup_bucket(name) is None:
                try:
                    self.client.create_bucket(name)
                except Conflict:
                    pass
