"""Drive one complete job through a RUNNING platform, as the people would, over the public API.

    scripts/demo [--url http://localhost:8003] [--out demo-output] [--languages es]

Needs the first ADMIN's credentials in AVP_ADMIN_EMAIL / AVP_ADMIN_PASSWORD. Steps: sign in as
ADMIN, create an organisation, invite a CLIENT, a REVIEWER, a PM and a LINGUIST (each accepts
the invite), generate a short video (espeak-ng speech, on-screen text drawn by ffmpeg, a
pause), upload it as the CLIENT, follow progress over the WebSocket (polling GET /jobs/{id}
if the WebSocket is not available), edit a caption and approve SOURCE_QC as the REVIEWER,
assign every language and approve it as PM and LINGUIST, approve FINAL_QC, and download every
deliverable into a folder. Uses only the standard library, requests and (if installed)
websocket-client; imports nothing from the platform's code.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import requests

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FAILED = {
    "UPLOAD_INVALID",
    "TRANSCRIPTION_FAILED",
    "DESCRIPTION_FAILED",
    "TRANSLATION_FAILED",
    "TTS_FAILED",
    "RENDER_FAILED",
    "REJECTED",
}
PASSWORD = "Demo-Passw0rd!-{}"


class DemoError(RuntimeError):
    pass


_t0 = time.monotonic()
_print_lock = threading.Lock()


def say(message: str) -> None:
    with _print_lock:
        print(f"[demo {time.monotonic() - _t0:6.1f}s] {message}", flush=True)


class Api:
    def __init__(self, base: str, token: str | None = None, who: str = "anonymous"):
        self.base = base.rstrip("/")
        self.token = token
        self.who = who
        self.http = requests.Session()

    def as_user(self, token: str, who: str) -> Api:
        return Api(self.base, token, who)

    def call(self, method: str, path: str, *, expect=(200, 201, 204), **kw):
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = path if path.startswith("http") else f"{self.base}{path}"
        resp = self.http.request(method, url, headers=headers, timeout=kw.pop("timeout", 120), **kw)
        if resp.status_code not in expect:
            try:
                detail = resp.json().get("detail")
            except ValueError:
                detail = resp.text[:300]
            raise DemoError(f"{self.who}: {method} {path} -> {resp.status_code}: {detail}")
        return resp

    def json(self, method: str, path: str, **kw):
        resp = self.call(method, path, **kw)
        return resp.json() if resp.content else None


# ------------------------------------------------------------------------------- media


def make_video(folder: Path) -> Path:
    """About 12 s: a spoken sentence, a 4 s pause with on-screen text, another sentence."""
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            raise DemoError(f"{tool} is needed to generate the demo video")
    lines = [
        "Welcome to the widget factory. Today we build a new widget together.",
        "The team checks every widget before it leaves the factory.",
    ]
    wavs = []
    for i, text in enumerate(lines):
        wav = folder / f"speech{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
        wavs.append(wav)
    pause = 4.0
    first = _duration(wavs[0]) + 0.5
    audio = folder / "audio.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(wavs[0]),
            "-i",
            str(wavs[1]),
            "-filter_complex",
            f"[0:a]adelay=500|500,apad=pad_dur={pause}[a0];[1:a]apad=pad_dur=0.6[a1];[a0][a1]concat=n=2:v=0:a=1[a]",
            "-map",
            "[a]",
            "-ar",
            "22050",
            "-ac",
            "1",
            str(audio),
        ],
        check=True,
        capture_output=True,
    )
    total = _duration(audio)
    video = folder / "demo-source.mp4"
    draw = (
        f"drawtext=fontfile={FONT}:text='ACME WIDGETS':fontcolor=white:fontsize=30:x=(w-text_w)/2:"
        f"y=(h-text_h)/2:enable='between(t,{first:.2f},{first + pause:.2f})'"
    )
    box = f"drawbox=x=0:y=0:w=iw:h=ih:color=darkgreen:t=fill:enable='gte(t,{first:.2f})'"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=navy:s=320x240:r=25:d={total:.2f}",
            "-i",
            str(audio),
            "-vf",
            f"{box},{draw},format=yuv420p",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-shortest",
            str(video),
        ],
        check=True,
        capture_output=True,
    )
    say(f"generated {video.name}: {total:.1f} s, speech + a {pause:.0f} s pause showing 'ACME WIDGETS'")
    return video


def _duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


# ------------------------------------------------------------------------------- progress


class Follower:
    """Follows a job: WebSocket messages when the platform serves them, polling otherwise."""

    def __init__(self, api: Api, job_id: str):
        self.api = api
        self.job_id = job_id
        self.status: str | None = None
        self.ws_status: str | None = None
        self.lock = threading.Condition()
        self.ws = None
        self.ws_ok = False
        self.closing = False
        self._start_ws()

    def _start_ws(self) -> None:
        try:
            import websocket  # websocket-client
        except ImportError:
            say("websocket-client is not installed: following the job by polling GET /jobs/{id}")
            return
        parsed = urllib.parse.urlparse(self.api.base)
        scheme = "wss" if parsed.scheme == "https" else "ws"
        url = f"{scheme}://{parsed.netloc}{parsed.path}/api/v1/ws/jobs/{self.job_id}?token={self.api.token}"
        try:
            self.ws = websocket.create_connection(url, timeout=10)
        except Exception as exc:  # noqa: BLE001 - any failure means: poll instead
            say(f"WebSocket not available ({type(exc).__name__}): following the job by polling")
            return
        self.ws_ok = True
        say(f"following job {self.job_id} over the WebSocket /api/v1/ws/jobs/{self.job_id}")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        last_progress = None
        while True:
            try:
                raw = self.ws.recv()
            except Exception as exc:  # noqa: BLE001 - closed (token expiry, server restart): poll from now on
                if not self.closing:
                    say(f"  [ws] connection ended ({type(exc).__name__}: {exc}); polling from now on")
                with self.lock:
                    self.ws_ok = False
                    self.lock.notify_all()
                return
            if not raw:
                continue
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if msg.get("type") == "job_status_update" and msg.get("status"):
                with self.lock:
                    if msg["status"] != self.ws_status:
                        say(f"  [ws] status {msg['status']}")
                    self.ws_status = msg["status"]
                    self.lock.notify_all()
            elif msg.get("type") == "notification":
                if msg.get("kind") == "progress":
                    key = (msg.get("step"), int(msg.get("percent") or 0) // 25)
                    if key != last_progress:
                        last_progress = key
                        say(f"  [ws] {msg.get('step') or 'step'} {msg.get('percent', 0):.0f}%")
                else:
                    say(f"  [ws] {msg.get('kind')}: {msg.get('message')}")

    def _poll(self) -> str:
        job = self.api.json("GET", f"/api/v1/jobs/{self.job_id}")
        progress = job.get("progress") or {}
        if self.ws_ok:
            pass  # the WebSocket reader prints the changes
        elif job["status"] != self.status:
            say(f"  [poll] status {job['status']}")
        elif progress.get("step"):
            say(f"  [poll] {progress['step']} {progress.get('percent', 0):.0f}%")
        self.status = job["status"]
        return job["status"]

    def wait_for(self, wanted: set[str], timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        say(f"waiting for {' or '.join(sorted(wanted))} ...")
        while time.monotonic() < deadline:
            # Poll now and then even with a WebSocket: a status reached before the socket
            # connected, or a missed message, must not stall the demo.
            status = self._poll()
            if status in wanted:
                return self.api.json("GET", f"/api/v1/jobs/{self.job_id}")
            if status in FAILED:
                job = self.api.json("GET", f"/api/v1/jobs/{self.job_id}")
                raise DemoError(f"job {self.job_id} ended in {status}: {job.get('error') or job.get('rejection')}")
            with self.lock:
                self.lock.wait(timeout=5 if self.ws_ok else 2)
        raise DemoError(f"timed out after {timeout:.0f} s waiting for {wanted}; job is {self.status}")

    def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001
                pass


# ------------------------------------------------------------------------------- the story


def run(base: str, out: Path, languages: list[str], timeout: float) -> dict:
    email = os.environ.get("AVP_ADMIN_EMAIL", "")
    password = os.environ.get("AVP_ADMIN_PASSWORD", "")
    if not email or not password:
        raise DemoError("Set AVP_ADMIN_EMAIL and AVP_ADMIN_PASSWORD to the platform's ADMIN account")
    anon = Api(base)
    for _ in range(60):
        try:
            if anon.http.get(f"{base}/health", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(1)
    else:
        raise DemoError(f"no platform answers at {base}/health")
    say(f"platform is up at {base}")

    login = anon.json("POST", "/api/v1/auth/login", json={"email": email, "password": password})
    admin = anon.as_user(login["access_token"], "ADMIN")
    say(f"signed in as ADMIN {email}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    org = admin.json("POST", "/api/v1/organizations", json={"name": f"Demo Org {stamp}"})
    say(f"created organisation {org['name']} ({org['id']})")

    people: dict[str, Api] = {}
    ids: dict[str, str] = {}
    for role in ("CLIENT", "REVIEWER", "PM", "LINGUIST"):
        user_email = f"demo-{role.lower()}-{stamp}-{os.getpid()}@example.com"
        invite = admin.json(
            "POST", f"/api/v1/organizations/{org['id']}/invite", json={"email": user_email, "role": role}
        )
        pw = PASSWORD.format(role.lower())
        accepted = anon.json(
            "POST",
            "/api/v1/auth/accept-invite",
            json={"token": invite["token"], "password": pw, "name": f"Demo {role.title()}"},
        )
        people[role] = anon.as_user(accepted["access_token"], role)
        ids[role] = accepted["user"]["id"]
        say(f"invited and signed up {role:8s} {user_email}")

    workdir = Path(tempfile.mkdtemp(prefix="avp-demo-"))
    try:
        video = make_video(workdir)
        client = people["CLIENT"]
        outputs = ["en"] + [lang for lang in languages if lang != "en"]
        with open(video, "rb") as fh:
            job = client.json(
                "POST",
                "/api/v1/jobs",
                files={"file": ("demo.mp4", fh, "video/mp4")},
                data={"source_language": "en", "requested_outputs": ",".join(outputs), "title": f"Demo {stamp}"},
                timeout=300,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    job_id = job["_id"]
    say(f"CLIENT uploaded the video: job {job_id}, outputs {', '.join(outputs)}, status {job['status']}")

    follower = Follower(client, job_id)
    try:
        follower.wait_for({"SOURCE_QC"}, timeout)
        reviewer = people["REVIEWER"]
        edit_caption(reviewer, job_id)
        reviewer.json("POST", f"/api/v1/jobs/{job_id}/actions/approve")
        say("REVIEWER approved SOURCE_QC")

        translated = [lang for lang in outputs if lang != "en"]
        if translated:
            follower.wait_for({"LANGUAGE_QC"}, timeout)
            pm, linguist = people["PM"], people["LINGUIST"]
            for lang in translated:
                pm.json(
                    "POST", f"/api/v1/jobs/{job_id}/language-qc/{lang}/assign", json={"linguist_id": ids["LINGUIST"]}
                )
                say(f"PM assigned {lang} to the LINGUIST")
                link = linguist.json("GET", f"/api/v1/files/{job_id}/{lang}/captions.vtt")
                text = linguist.call("GET", link["url"]).text
                first = next((ln for ln in text.splitlines()[2:] if ln and "-->" not in ln and not ln.isdigit()), "")
                say(f"LINGUIST read the {lang} captions ({len(text)} bytes), first line: {first[:60]!r}")
                linguist_edit(linguist, job_id, lang, text)
                linguist.json("POST", f"/api/v1/jobs/{job_id}/language-qc/{lang}/approve")
                say(f"LINGUIST approved {lang}")
            state = pm.json("GET", f"/api/v1/jobs/{job_id}/language-qc")
            say("language QC: " + ", ".join(f"{e['lang']}={e['status']}" for e in state["languages"]))

        for _ in range(3):
            follower.wait_for({"FINAL_QC"}, timeout)
            after = reviewer.json("POST", f"/api/v1/jobs/{job_id}/actions/approve")
            say(f"REVIEWER approved FINAL_QC -> {after['status']}")
            if after["status"] == "COMPLETED":
                break
            say("a VTT changed since the last render: speech and render run again")
        else:
            raise DemoError("FINAL_QC did not complete after three approvals")
        follower.wait_for({"COMPLETED"}, 60)
    finally:
        follower.close()

    folder = out / job_id
    files = download_all(client, job_id, folder)
    say(f"done: job {job_id} COMPLETED, {len(files)} deliverables in {folder}")
    return {"job_id": job_id, "folder": str(folder), "files": files}


def edit_caption(reviewer: Api, job_id: str) -> None:
    doc = reviewer.call("GET", f"/api/v1/jobs/{job_id}/vtt/en?kind=captions")
    body = doc.json()
    lines = body["content"].split("\n")
    for i, line in enumerate(lines):
        if "-->" in line and i + 1 < len(lines) and lines[i + 1].strip():
            old = lines[i + 1]
            lines[i + 1] = old.replace("widget", "Widget") if "widget" in old else old.rstrip(".") + "."
            if lines[i + 1] == old:
                lines[i + 1] = old + " (reviewed)"
            break
    else:
        raise DemoError("the English captions have no cue to edit")
    saved = reviewer.json(
        "PATCH",
        f"/api/v1/jobs/{job_id}/vtt/en?kind=captions",
        json={"content": "\n".join(lines), "message": "Demo: reviewer fixes a caption"},
        headers={"If-Match": doc.headers["ETag"]},
    )
    say(f"REVIEWER edited a caption: {old!r} -> {lines[i + 1]!r} (version {saved['version_id']})")
    versions = reviewer.json("GET", f"/api/v1/jobs/{job_id}/vtt-versions/en?kind=captions")["items"]
    if len(versions) >= 2:
        diff = reviewer.json(
            "GET", f"/api/v1/jobs/{job_id}/vtt-versions/en/diff?from={versions[1]['id']}&to={versions[0]['id']}"
        )
        say(f"version diff: {diff['summary']}")


def linguist_edit(linguist: Api, job_id: str, lang: str, text: str) -> None:
    """A linguist reads their language through GET /files (the spec gives them no GET on /vtt);
    the ETag is derived from the content (docs/decisions/0400), so the If-Match is the hash
    of what they read."""
    import hashlib

    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'
    lines = text.split("\n")
    i = next((n for n, line in enumerate(lines) if "-->" in line and n + 1 < len(lines) and lines[n + 1].strip()), None)
    if i is None:
        raise DemoError(f"the {lang} captions have no cue to edit")
    lines[i + 1] = lines[i + 1].replace("Widget", "widget") if "Widget" in lines[i + 1] else lines[i + 1] + " (OK)"
    saved = linguist.json(
        "PATCH",
        f"/api/v1/jobs/{job_id}/vtt/{lang}?kind=captions",
        json={"content": "\n".join(lines), "message": f"Demo: linguist polishes {lang}"},
        headers={"If-Match": etag},
    )
    say(f"LINGUIST edited a {lang} caption -> {lines[i + 1]!r} (version {saved['version_id']})")


def download_all(client: Api, job_id: str, folder: Path) -> list[str]:
    listing = client.json("GET", f"/api/v1/jobs/{job_id}/downloads")
    if not listing["files"]:
        raise DemoError("the completed job lists no deliverables")
    saved = []
    for item in listing["files"]:
        target = folder / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        url = urllib.parse.urljoin(client.base + "/", item["url"])
        with requests.get(url, stream=True, timeout=300) as resp:
            if resp.status_code != 200:
                raise DemoError(f"download of {item['path']} -> {resp.status_code}")
            with open(target, "wb") as fh:
                for chunk in resp.iter_content(1 << 16):
                    fh.write(chunk)
        say(f"downloaded {item['language']:5s} {item['kind']:20s} {target.stat().st_size:>9,d} bytes  {item['path']}")
        saved.append(item["path"])
    return saved


def main(argv: list[str] | None = None) -> int:
    port = os.environ.get("AVP_PORT", "8003")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=os.environ.get("AVP_DEMO_URL", f"http://localhost:{port}"))
    ap.add_argument("--out", default=os.environ.get("AVP_DEMO_OUT", "demo-output"), type=Path)
    ap.add_argument("--languages", default="es", help="comma-separated output languages besides English")
    ap.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("AVP_DEMO_STEP_TIMEOUT", "900")),
        help="seconds to wait for each automated stage",
    )
    args = ap.parse_args(argv)
    try:
        result = run(args.url, args.out, [x.strip() for x in args.languages.split(",") if x.strip()], args.timeout)
    except DemoError as exc:
        say(f"FAILED: {exc}")
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
