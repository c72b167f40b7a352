"""`Client`: the platform's REST API and job WebSocket over httpx and websocket-client.

Signing in stores the access token and the rotating refresh token in the token cache
(`credentials.CredentialStore`); every call refreshes the access token shortly before it
expires, and once more if the API answers 401, so a long script keeps working."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import httpx

from avp_client.credentials import CredentialStore
from avp_client.errors import ApiError, JobFailed, NotSignedIn, Unavailable, WaitTimeout

V1 = "/api/v1"
REFRESH_COOKIE = "avp_refresh"
REFRESH_MARGIN_SECONDS = 30
MULTIPART_LIMIT = 16 * 1024 * 1024  # larger files go through a signed upload URL (POST /jobs caps at 32 MB)
CHUNK = 256 * 1024
FAILED_STATUSES = frozenset(
    {
        "UPLOAD_INVALID",
        "TRANSCRIPTION_FAILED",
        "DESCRIPTION_FAILED",
        "TRANSLATION_FAILED",
        "TTS_FAILED",
        "RENDER_FAILED",
        "REJECTED",
    }
)
QC_STATUSES = frozenset({"SOURCE_QC", "LANGUAGE_QC", "FINAL_QC"})
# WebSocket close codes (docs/decisions/0500): refusals end the watch, others reconnect.
WS_FINAL_CLOSES = {4400: 400, 4401: 401, 4403: 403, 4404: 404}
WS_TOKEN_EXPIRED = 4408

Progress = Callable[[int, int], None]  # (bytes done, total bytes)


def _jwt_exp(token: str) -> float:
    """The `exp` claim of a JWT (read, not verified: the server verifies it)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return float(json.loads(base64.urlsafe_b64decode(payload))["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return 0.0


def content_etag(text: str) -> str:
    """The ETag the platform gives a VTT: a hash of its content (docs/decisions/0400)."""
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def _detail(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:300] or resp.reason_phrase
    if isinstance(body, dict) and body.get("detail"):
        return str(body["detail"])
    return resp.text[:300]


class Client:
    """One user's session with one platform (`base_url`)."""

    def __init__(
        self,
        base_url: str,
        *,
        store: CredentialStore | None = None,
        access_token: str | None = None,
        timeout: float = 60.0,
        persist: bool = True,
    ):
        self.base_url = base_url.rstrip("/")
        self.store = store or CredentialStore()
        self.persist = persist
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout, follow_redirects=False)
        self.session: dict = {}
        if access_token:
            self.session = {"access_token": access_token}
        elif persist:
            self.session = self.store.get(self.base_url) or {}

    # -- session ----------------------------------------------------------------------------
    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def access_token(self) -> str | None:
        return self.session.get("access_token")

    @property
    def user(self) -> dict | None:
        return self.session.get("user")

    def _keep(self, resp: httpx.Response, email: str | None = None) -> dict:
        body = resp.json()
        refresh_token = None
        for header in resp.headers.get_list("set-cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            if REFRESH_COOKIE in cookie:
                refresh_token = cookie[REFRESH_COOKIE].value
        self.session = {
            "access_token": body["access_token"],
            "access_expires_at": _jwt_exp(body["access_token"]),
            "refresh_token": refresh_token or self.session.get("refresh_token"),
            "user": body.get("user") or self.session.get("user"),
            "email": email or self.session.get("email") or (body.get("user") or {}).get("email"),
        }
        if self.persist:
            self.store.put(self.base_url, self.session)
        return body

    def login(self, email: str, password: str) -> dict:
        """Password sign-in; returns the user and caches the tokens."""
        resp = self._send("POST", f"{V1}/auth/login", json={"email": email, "password": password}, auth=False)
        return self._keep(resp, email)["user"]

    def accept_invite(self, token: str, password: str, name: str | None = None) -> dict:
        body = {"token": token, "password": password}
        if name:
            body["name"] = name
        resp = self._send("POST", f"{V1}/auth/accept-invite", json=body, auth=False)
        return self._keep(resp)["user"]

    def refresh(self) -> None:
        """Exchange the cached refresh token for a new access token (and a new refresh token)."""
        token = self.session.get("refresh_token")
        if not token:
            raise NotSignedIn(f"Not signed in to {self.base_url}: run `avp login`")
        resp = self.http.post(f"{V1}/auth/refresh", headers={"Cookie": f"{REFRESH_COOKIE}={token}"})
        if resp.status_code != 200:
            if self.persist:
                self.store.delete(self.base_url)
            self.session = {}
            raise NotSignedIn(f"Your session ended ({_detail(resp)}): run `avp login`")
        self._keep(resp)

    def logout(self) -> None:
        token = self.session.get("refresh_token")
        if self.access_token:
            headers = {"Authorization": f"Bearer {self.access_token}"}
            if token:
                headers["Cookie"] = f"{REFRESH_COOKIE}={token}"
            try:
                self.http.post(f"{V1}/auth/logout", headers=headers)
            except httpx.HTTPError:
                pass  # the local cache is cleared in any case
        if self.persist:
            self.store.delete(self.base_url)
        self.session = {}

    def fresh_token(self) -> str:
        """A valid access token, refreshed first when it expires within a few seconds."""
        if not self.access_token:
            raise NotSignedIn(f"Not signed in to {self.base_url}: run `avp login`")
        expires = self.session.get("access_expires_at") or _jwt_exp(self.access_token)
        if expires and expires - time.time() < REFRESH_MARGIN_SECONDS and self.session.get("refresh_token"):
            self.refresh()
        return self.access_token

    # -- requests ---------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, auth: bool = True, **kw) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        for attempt in range(2):
            if auth:
                headers["Authorization"] = f"Bearer {self.fresh_token()}"
            try:
                resp = self.http.request(method, path, headers=headers, **kw)
            except httpx.TransportError as exc:
                raise Unavailable(f"Cannot reach {self.base_url}: {exc}") from None
            replayable = not isinstance(kw.get("content"), Iterator)  # a streamed upload cannot be resent
            if resp.status_code == 401 and auth and attempt == 0 and replayable and self.session.get("refresh_token"):
                self.refresh()
                continue
            break
        if resp.status_code >= 400:
            raise ApiError(resp.status_code, _detail(resp), method, path, resp.headers)
        return resp

    def call(self, method: str, path: str, **kw):
        """An authenticated API call; returns the JSON body (None for 204)."""
        resp = self._send(method, path, **kw)
        return resp.json() if resp.content else None

    # -- users --------------------------------------------------------------------------------
    def me(self) -> dict:
        return self.call("GET", f"{V1}/users/me")

    def members(self, org_id: str) -> list[dict]:
        items, cursor = [], None
        while True:
            params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
            page = self.call("GET", f"{V1}/organizations/{org_id}/members", params=params)
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    # -- jobs ---------------------------------------------------------------------------------
    def list_jobs(self, status: str | None = None, org_id: str | None = None, limit: int = 20, all_pages=False):
        params = {"limit": limit} | {k: v for k, v in (("status", status), ("org_id", org_id)) if v}
        items = []
        while True:
            page = self.call("GET", f"{V1}/jobs", params=params)
            items += page["items"]
            if not all_pages or not page.get("next_cursor"):
                return items
            params["cursor"] = page["next_cursor"]

    def get_job(self, job_id: str) -> dict:
        return self.call("GET", f"{V1}/jobs/{job_id}")

    def create_job(
        self,
        video: Path,
        languages: list[str],
        *,
        source_language: str = "en",
        title: str | None = None,
        org_id: str | None = None,
        glossary_id: str | None = None,
        options: dict | None = None,
        progress: Progress | None = None,
        signed_upload: bool | None = None,
        idempotency_key: str | None = None,
    ) -> dict:
        """Upload `video` and create its job. Files over 16 MB (or `signed_upload=True`) go to a
        signed upload URL first; smaller ones travel in the multipart POST /jobs."""
        video = Path(video)
        size = video.stat().st_size
        outputs = list(dict.fromkeys([source_language, *languages]))
        fields = {"source_language": source_language, "requested_outputs": outputs}
        for key, value in (("title", title), ("org_id", org_id), ("glossary_id", glossary_id)):
            if value:
                fields[key] = value
        if options:
            fields["options"] = options
        headers = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
        if signed_upload if signed_upload is not None else size > MULTIPART_LIMIT:
            upload_id = self.upload(video, org_id=org_id, progress=progress)
            return self.call("POST", f"{V1}/jobs", json=fields | {"upload_id": upload_id}, headers=headers)
        form = {
            k: (",".join(v) if isinstance(v, list) else json.dumps(v) if isinstance(v, dict) else v)
            for k, v in fields.items()
        }
        body, content_type, length = _multipart(form, video, size, progress)
        headers |= {"Content-Type": content_type, "Content-Length": str(length)}
        return self.call("POST", f"{V1}/jobs", content=body, headers=headers, timeout=None)

    def upload(self, video: Path, *, org_id: str | None = None, progress: Progress | None = None) -> str:
        """PUT `video` to a signed upload URL; returns the upload id to create the job with."""
        size = Path(video).stat().st_size
        request = {"filename": Path(video).name, "content_type": "video/mp4", "size": size}
        if org_id:
            request["org_id"] = org_id
        signed = self.call("POST", f"{V1}/files/upload-url", json=request)
        headers = dict(signed.get("headers") or {}) | {"Content-Length": str(size)}
        url = urllib.parse.urljoin(self.base_url + "/", signed["url"])
        try:
            resp = self.http.request(
                signed.get("method", "PUT"), url, content=_file_chunks(video, progress), headers=headers, timeout=None
            )
        except httpx.TransportError as exc:
            raise Unavailable(f"Upload to the signed URL failed: {exc}") from None
        if resp.status_code >= 300:
            raise ApiError(resp.status_code, _detail(resp), "PUT", "signed upload URL")
        return signed["upload_id"]

    def delete_job(self, job_id: str) -> None:
        self.call("DELETE", f"{V1}/jobs/{job_id}")

    def job_action(self, job_id: str, action: str, **body) -> dict:
        """approve | reject (reason=) | feedback (message=) | retry."""
        kw = {"json": body} if body else {}
        return self.call("POST", f"{V1}/jobs/{job_id}/actions/{action}", **kw)

    def downloads(self, job_id: str) -> dict:
        return self.call("GET", f"{V1}/jobs/{job_id}/downloads")

    def download(self, url: str, target: Path, progress: Progress | None = None) -> int:
        """Stream a signed URL into `target` (written next to it, then renamed); returns bytes."""
        url = urllib.parse.urljoin(self.base_url + "/", url)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        try:
            with self.http.stream("GET", url, timeout=None) as resp:
                if resp.status_code != 200:
                    resp.read()
                    raise ApiError(resp.status_code, _detail(resp), "GET", str(target.name))
                total = int(resp.headers.get("Content-Length") or 0)
                done = 0
                with open(partial, "wb") as fh:
                    for chunk in resp.iter_bytes(CHUNK):
                        fh.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
        except httpx.TransportError as exc:
            raise Unavailable(f"Download of {target.name} failed: {exc}") from None
        os.replace(partial, target)
        return done

    def file_url(self, job_id: str, path: str) -> dict:
        return self.call("GET", f"{V1}/files/{job_id}/{path}")

    def read_file(self, job_id: str, path: str) -> str:
        link = self.file_url(job_id, path)
        resp = self.http.get(urllib.parse.urljoin(self.base_url + "/", link["url"]))
        if resp.status_code != 200:
            raise ApiError(resp.status_code, _detail(resp), "GET", path)
        return resp.text

    # -- VTT ----------------------------------------------------------------------------------
    def get_vtt(self, job_id: str, lang: str, kind: str = "captions") -> dict:
        """The VTT with its ETag. A LINGUIST may not GET /vtt (api.md): for them the content is
        read through the signed file URL and the ETag is derived from it the server's way."""
        try:
            return self.call("GET", f"{V1}/jobs/{job_id}/vtt/{lang}", params={"kind": kind})
        except ApiError as exc:
            if exc.status != 403:
                raise
        content = self.read_file(job_id, f"{lang}/{kind}.vtt")
        return {"job_id": job_id, "lang": lang, "kind": kind, "content": content, "etag": content_etag(content)}

    def save_vtt(
        self, job_id: str, lang: str, content: str, etag: str, kind: str = "captions", message: str | None = None
    ) -> dict:
        body = {"content": content} | ({"message": message} if message else {})
        return self.call(
            "PATCH", f"{V1}/jobs/{job_id}/vtt/{lang}", params={"kind": kind}, json=body, headers={"If-Match": etag}
        )

    def vtt_versions(self, job_id: str, lang: str, kind: str = "captions") -> list[dict]:
        return self.call("GET", f"{V1}/jobs/{job_id}/vtt-versions/{lang}", params={"kind": kind})["items"]

    def vtt_diff(self, job_id: str, lang: str, older: str, newer: str) -> dict:
        return self.call("GET", f"{V1}/jobs/{job_id}/vtt-versions/{lang}/diff", params={"from": older, "to": newer})

    # -- language QC ----------------------------------------------------------------------------
    def language_qc(self, job_id: str) -> dict:
        return self.call("GET", f"{V1}/jobs/{job_id}/language-qc")

    def assign_language(self, job_id: str, lang: str, linguist_id: str) -> dict:
        return self.call("POST", f"{V1}/jobs/{job_id}/language-qc/{lang}/assign", json={"linguist_id": linguist_id})

    def language_action(self, job_id: str, lang: str, action: str, **body) -> dict:
        """approve | reject (reason=) | feedback (message=) for one language."""
        kw = {"json": body} if body else {}
        return self.call("POST", f"{V1}/jobs/{job_id}/language-qc/{lang}/{action}", **kw)

    # -- webhooks -------------------------------------------------------------------------------
    def webhooks(self, org_id: str) -> list[dict]:
        items, cursor = [], None
        while True:
            params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
            page = self.call("GET", f"{V1}/organizations/{org_id}/webhooks", params=params)
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    def create_webhook(
        self, org_id: str, url: str, events: list[str], description: str | None = None, enabled: bool = True
    ) -> dict:
        """Register an endpoint; the answer carries the signing secret (shown only now)."""
        body = {"url": url, "events": events, "enabled": enabled} | (
            {"description": description} if description else {}
        )
        return self.call("POST", f"{V1}/organizations/{org_id}/webhooks", json=body)

    def get_webhook(self, webhook_id: str) -> dict:
        return self.call("GET", f"{V1}/webhooks/{webhook_id}")

    def update_webhook(self, webhook_id: str, **fields) -> dict:
        return self.call("PATCH", f"{V1}/webhooks/{webhook_id}", json=fields)

    def delete_webhook(self, webhook_id: str) -> None:
        self.call("DELETE", f"{V1}/webhooks/{webhook_id}")

    def rotate_webhook_secret(self, webhook_id: str) -> dict:
        return self.call("POST", f"{V1}/webhooks/{webhook_id}/rotate-secret")

    def webhook_deliveries(self, webhook_id: str, limit: int = 20) -> list[dict]:
        return self.call("GET", f"{V1}/webhooks/{webhook_id}/deliveries", params={"limit": limit})["items"]

    def test_webhook(self, webhook_id: str) -> dict:
        """Queue a signed `webhook.test` message to the endpoint; returns its delivery."""
        return self.call("POST", f"{V1}/webhooks/{webhook_id}/test")

    def replay_delivery(self, webhook_id: str, delivery_id: str) -> dict:
        return self.call("POST", f"{V1}/webhooks/{webhook_id}/deliveries/{delivery_id}/replay")

    # -- following a job ------------------------------------------------------------------------
    def ws_url(self, job_id: str) -> str:
        parsed = urllib.parse.urlparse(self.base_url)
        scheme = "wss" if parsed.scheme == "https" else "ws"
        token = urllib.parse.quote(self.fresh_token())
        return f"{scheme}://{parsed.netloc}{parsed.path}{V1}/ws/jobs/{job_id}?token={token}"

    def follow(self, job_id: str, poll_seconds: float = 5.0) -> Iterator[dict]:
        """The job's WebSocket messages (status updates, notifications, pings), for ever:
        reconnects after a token expiry (refreshing first) or a dropped connection, and
        interleaves a REST poll now and then so a missed message cannot stall the caller.
        Raises ApiError when the server refuses the stream (no such job, no access)."""
        import websocket  # websocket-client; imported here so REST-only use does not load it

        backoff = 1.0
        while True:
            try:
                ws = websocket.create_connection(self.ws_url(job_id), timeout=poll_seconds)
            except (OSError, websocket.WebSocketException):
                yield {"type": "job_status_update", **_status_of(self.get_job(job_id)), "source": "poll"}
                time.sleep(min(backoff, poll_seconds))
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            try:
                while True:
                    try:
                        opcode, data = ws.recv_data()
                    except websocket.WebSocketTimeoutException:
                        yield {"type": "job_status_update", **_status_of(self.get_job(job_id)), "source": "poll"}
                        continue
                    if opcode == websocket.ABNF.OPCODE_CLOSE:
                        code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
                        if code in WS_FINAL_CLOSES:
                            reason = data[2:].decode("utf-8", "replace") or "refused"
                            raise ApiError(WS_FINAL_CLOSES[code], reason, "WS", f"{V1}/ws/jobs/{job_id}")
                        if code == WS_TOKEN_EXPIRED:
                            self.refresh()
                        break
                    if opcode != websocket.ABNF.OPCODE_TEXT:
                        continue
                    try:
                        message = json.loads(data)
                    except ValueError:
                        continue
                    if isinstance(message, dict):
                        yield message
            except (OSError, websocket.WebSocketException):
                time.sleep(1.0)  # dropped: reconnect (the job channel sends the current state first)
            finally:
                try:
                    ws.close()
                except (OSError, websocket.WebSocketException):
                    pass

    def wait_for(
        self,
        job_id: str,
        wanted: set[str],
        timeout: float | None = None,
        on_message: Callable[[dict], None] | None = None,
    ) -> dict:
        """Follow the job until its status is in `wanted`; returns the job. Raises JobFailed if
        it fails or is rejected first, WaitTimeout after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        job = self.get_job(job_id)
        if job["status"] in wanted:
            return job
        for message in self.follow(job_id, poll_seconds=min(5.0, timeout or 5.0)):
            if on_message:
                on_message(message)
            status = message.get("status") if message.get("type") == "job_status_update" else None
            if status in wanted:
                return self.get_job(job_id)
            if status in FAILED_STATUSES:
                job = self.get_job(job_id)
                why = job.get("error") or (job.get("rejection") or {}).get("reason") or status
                raise JobFailed(f"Job {job_id} ended {status}: {why}", job)
            if deadline is not None and time.monotonic() > deadline:
                raise WaitTimeout(f"Timed out after {timeout:.0f} s waiting for {' or '.join(sorted(wanted))}")


def _status_of(job: dict) -> dict:
    return {"job_id": job["_id"], "status": job["status"], "updated_at": job.get("updated_at")}


def _file_chunks(path: Path, progress: Progress | None) -> Iterator[bytes]:
    total = Path(path).stat().st_size
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            done += len(chunk)
            if progress:
                progress(done, total)
            yield chunk


def _multipart(fields: dict, video: Path, size: int, progress: Progress | None):
    """A multipart/form-data body streamed from disk, with its exact length (so the server
    sees a Content-Length and the progress callback follows the bytes sent)."""
    boundary = uuid.uuid4().hex
    head = b""
    for name, value in fields.items():
        head += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    filename = video.name.replace('"', "")
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from _file_chunks(video, progress)
        yield tail

    return body(), f"multipart/form-data; boundary={boundary}", len(head) + size + len(tail)
