"""LocalFiles: the file-store port on a local folder (cfg.files_dir), with HMAC-signed expiring
URLs that the local server serves at /_files/<path> (shared/local/file_routes.py).

Writes are atomic (temporary file in the same folder, then rename), so a reader never sees half
a file and a crash leaves no partial object. Objects under `uploads/` play the uploads bucket:
when one is finalized the store calls its `listeners` with the GCS object resource; the local
platform (shared/bootstrap.py) listens with shared/local/upload_notifications.py, which delivers
what a GCS notification through Pub/Sub would deliver to functions/upload_trigger."""

from __future__ import annotations

import hashlib
import hmac
import io
import mimetypes
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from shared.file_modes import private_dir
from shared.processes import pid_alive
from shared.timestamps import iso_at

TMP_PREFIX = ".avp-tmp-"
UPLOADS_PREFIX = "uploads/"
URL_PREFIX = "/_files/"
CHUNK = 1024 * 1024


class InvalidPath(ValueError):
    """A logical path that could escape the store or is not canonical."""


def check_path(path: str) -> str:
    """A canonical logical path: '/'-separated, relative, no '.', '..' or empty segments, no
    backslashes, control characters or percent signs."""
    if not isinstance(path, str) or not path or len(path) > 1024:
        raise InvalidPath("empty or overlong path")
    if path.startswith("/") or "\\" in path or "%" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise InvalidPath("path must be relative and plain")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts) or parts[-1].startswith(TMP_PREFIX):
        raise InvalidPath("path has an empty, '.' or '..' segment")
    return path


def _sweep_dir(folder: Path) -> int:
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if not entry.name.startswith(TMP_PREFIX):
            continue
        try:
            pid = int(entry.name[len(TMP_PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not pid_alive(pid):
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
    return removed


class LocalFiles:
    """File store on a folder; signed URLs are verified by the routes `register` adds."""

    def __init__(
        self,
        root: Path,
        secret: bytes,
        base_url: str,
        uploads_bucket: str = "avp-uploads",
        max_upload_bytes: int = 5 * 1024**3,
    ):
        self.root = Path(root)
        private_dir(self.root)
        self._root_resolved = self.root.resolve()
        self.secret = secret
        self.base_url = base_url.rstrip("/")
        self.uploads_bucket = uploads_bucket
        self.max_upload_bytes = max_upload_bytes
        self.listeners: list[Callable[[dict], None]] = []

    @classmethod
    def from_settings(cls, cfg) -> LocalFiles:
        # A key of its own, derived from the local secret, so URL signatures and JWTs never share one.
        secret = hmac.new(cfg.jwt_secret.encode(), b"avp local signed file urls", hashlib.sha256).digest()
        return cls(cfg.files_dir, secret, cfg.public_base_url, cfg.uploads_bucket, cfg.max_signed_upload_bytes)

    # -- paths ------------------------------------------------------------------------------
    def _local(self, path: str) -> Path:
        check_path(path)
        full = self.root / path
        resolved = full.resolve()
        if self._root_resolved not in resolved.parents:
            raise InvalidPath("path escapes the store")
        return full

    def local_path(self, path: str) -> Path:
        """Where the object lives on disk (local backend only; media tools read it in place)."""
        return self._local(path)

    def _tmp(self, dest: Path) -> Path:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _sweep_dir(dest.parent)
        # the writer's pid in the name tells a crashed writer's leftovers from a live write
        return dest.parent / f"{TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"

    def sweep_orphans(self) -> int:
        """Remove temporary files left by writers that died mid-write (SIGKILL, power loss)."""
        removed = 0
        for dirpath, _dirs, _files in os.walk(self.root):
            removed += _sweep_dir(Path(dirpath))
        return removed

    def _commit(self, tmp: Path, dest: Path, path: str, content_type: str) -> None:
        os.replace(tmp, dest)
        self._finalized(path, dest, content_type)

    # -- the port ---------------------------------------------------------------------------
    def put_bytes(self, path: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.put_stream(path, io.BytesIO(data), content_type)

    def put_file(self, path: str, local: Path, content_type: str = "application/octet-stream") -> None:
        with open(local, "rb") as fh:
            self.put_stream(path, fh, content_type)

    def put_stream(
        self, path: str, stream, content_type: str = "application/octet-stream", max_bytes: int | None = None
    ) -> int:
        """Write from a readable binary stream without holding it in memory; raises
        TooLargeUpload (leaving nothing behind) past `max_bytes`. Returns the size."""
        dest = self._local(path)
        tmp = self._tmp(dest)
        total = 0
        try:
            with open(tmp, "wb") as fh:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    total += len(chunk)
                    if max_bytes is not None and total > max_bytes:
                        raise TooLargeUpload(total)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._commit(tmp, dest, path, content_type)
        return total

    def get_bytes(self, path: str) -> bytes:
        try:
            return self._local(path).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise FileNotFoundError(path) from None

    def get_file(self, path: str, local: Path) -> None:
        src = self._local(path)
        if not src.is_file():
            raise FileNotFoundError(path)
        Path(local).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, local)

    def exists(self, path: str) -> bool:
        try:
            return self._local(path).is_file()
        except InvalidPath:
            return False

    def size(self, path: str) -> int | None:
        try:
            return self._local(path).stat().st_size
        except (FileNotFoundError, InvalidPath):
            return None

    def list(self, prefix: str) -> list[str]:
        out = []
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                if name.startswith(TMP_PREFIX):
                    continue
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                if rel.startswith(prefix):
                    out.append(rel)
        return sorted(out)

    def delete(self, path: str) -> None:
        try:
            self._local(path).unlink(missing_ok=True)
        except IsADirectoryError:
            pass

    def delete_prefix(self, prefix: str) -> int:
        names = self.list(prefix)
        for name in names:
            self.delete(name)
        if prefix.endswith("/"):
            folder = self.root / prefix.rstrip("/")
            if folder.is_dir() and self._root_resolved in folder.resolve().parents:
                shutil.rmtree(folder, ignore_errors=True)
        return len(names)

    def copy(self, src: str, dst: str) -> None:
        source = self._local(src)
        if not source.is_file():
            raise FileNotFoundError(src)
        dest = self._local(dst)
        tmp = self._tmp(dest)
        try:
            os.link(source, tmp)  # objects are immutable (writes replace), so a hard link is a copy
        except OSError:
            shutil.copyfile(source, tmp)
        ctype = mimetypes.guess_type(dst)[0] or "application/octet-stream"
        self._commit(tmp, dest, dst, ctype)

    def signed_download_url(self, path: str, ttl_seconds: int, filename: str | None = None) -> str:
        check_path(path)
        params = {"method": "GET", "expires": str(int(time.time() + ttl_seconds))}
        if filename:
            params["filename"] = filename
        return self._url(path, params)

    @staticmethod
    def upload_headers(max_bytes: int) -> dict[str, str]:
        """Headers a signed upload must carry besides Content-Type (none: the cap is signed
        into the URL's max_bytes)."""
        return {}

    def signed_upload_url(self, path: str, ttl_seconds: int, content_type: str, max_bytes: int) -> str:
        check_path(path)
        params = {
            "method": "PUT",
            "expires": str(int(time.time() + ttl_seconds)),
            "content_type": content_type,
            "max_bytes": str(int(max_bytes)),
        }
        return self._url(path, params)

    # -- signatures -------------------------------------------------------------------------
    _SIGNED = ("method", "expires", "content_type", "max_bytes", "filename")

    def _signature(self, path: str, params: dict) -> str:
        message = "\n".join([path] + [f"{k}={params.get(k, '')}" for k in self._SIGNED])
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()

    def _url(self, path: str, params: dict) -> str:
        params = dict(params)
        params["signature"] = self._signature(path, params)
        return f"{self.base_url}{URL_PREFIX}{quote(path)}?{urlencode(params)}"

    def verify(self, path: str, method: str, args: dict) -> tuple[bool, str]:
        """Check a request against its signed URL: (ok, reason)."""
        try:
            check_path(path)
        except InvalidPath:
            return False, "Invalid file path"
        params = {k: args.get(k, "") for k in self._SIGNED}
        given = args.get("signature", "")
        if not given or not hmac.compare_digest(given, self._signature(path, params)):
            return False, "Invalid signature for this URL"
        if params["method"] != method:
            return False, f"This URL is signed for {params['method'] or 'another method'}, not {method}"
        try:
            expires = int(params["expires"])
        except ValueError:
            return False, "Invalid signature for this URL"
        if expires < time.time():
            return False, "This signed URL has expired; request a new one"
        return True, ""

    # -- finalize events --------------------------------------------------------------------
    def _finalized(self, path: str, dest: Path, content_type: str) -> None:
        if not path.startswith(UPLOADS_PREFIX) or not self.listeners:
            return
        stat = dest.stat()
        resource = object_resource(self.uploads_bucket, path, stat.st_size, content_type, stat.st_mtime_ns)
        for listener in list(self.listeners):
            listener(resource)


class TooLargeUpload(Exception):
    def __init__(self, size: int):
        super().__init__(f"upload exceeds the limit ({size} bytes so far)")
        self.size = size


def object_resource(bucket: str, name: str, size: int, content_type: str, generation: int) -> dict:
    """The JSON_API_V1 object resource a GCS notification carries."""
    now = iso_at(time.time())
    return {
        "kind": "storage#object",
        "id": f"{bucket}/{name}/{generation}",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}/o/{quote(name, safe='')}",
        "name": name,
        "bucket": bucket,
        "generation": str(generation),
        "metageneration": "1",
        "contentType": content_type,
        "timeCreated": now,
        "updated": now,
        "storageClass": "STANDARD",
        "size": str(size),
    }
