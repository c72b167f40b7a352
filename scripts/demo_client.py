"""Drive one complete job through a RUNNING platform, as the people would, over the public API.

    scripts/demo [--url http://localhost:8003] [--out demo-output] [--languages es] [--video my.mp4]

Needs the first ADMIN's credentials in AVP_ADMIN_EMAIL / AVP_ADMIN_PASSWORD. Steps: sign in as
ADMIN, create an organisation, invite a CLIENT, a REVIEWER, a PM and a LINGUIST (each accepts
the invite), generate a short video (espeak-ng speech, on-screen text drawn by ffmpeg, a
pause) unless --video names your own English-speaking MP4, upload it as the CLIENT, follow progress over the WebSocket, edit a caption and approve
SOURCE_QC as the REVIEWER, assign every language and approve it as PM and LINGUIST, approve
FINAL_QC, and download every deliverable into a folder. Every call goes through the platform's
Python client (clients/python, the library behind the `avp` command); nothing is imported from
the platform's own code.
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
from pathlib import Path

from avp_client import AvpError, Client

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PASSWORD = "Demo-Passw0rd!-{}"


class DemoError(RuntimeError):
    pass


_t0 = time.monotonic()
_print_lock = threading.Lock()


def say(message: str) -> None:
    with _print_lock:
        print(f"[demo {time.monotonic() - _t0:6.1f}s] {message}", flush=True)


def person(base: str) -> Client:
    """A signed-out client that keeps its tokens in memory only (the demo's people are new)."""
    return Client(base, persist=False, timeout=300)


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


class Printer:
    """Prints the WebSocket messages of a job as they arrive (status changes, each step by
    quarters, notifications)."""

    def __init__(self):
        self.status = None
        self.last_progress = None

    def __call__(self, msg: dict) -> None:
        if msg.get("type") == "job_status_update" and msg.get("status") != self.status:
            self.status = msg["status"]
            say(f"  [{'poll' if msg.get('source') == 'poll' else 'ws'}] status {msg['status']}")
        elif msg.get("type") == "notification" and msg.get("kind") == "progress":
            key = (msg.get("step"), int(msg.get("percent") or 0) // 25)
            if key != self.last_progress:
                self.last_progress = key
                say(f"  [ws] {msg.get('step') or 'step'} {msg.get('percent', 0):.0f}%")
        elif msg.get("type") == "notification":
            say(f"  [ws] {msg.get('kind')}: {msg.get('message')}")


def wait_for(api: Client, job_id: str, wanted: set[str], timeout: float, printer: Printer) -> dict:
    say(f"waiting for {' or '.join(sorted(wanted))} ...")
    try:
        return api.wait_for(job_id, wanted, timeout=timeout, on_message=printer)
    except AvpError as exc:
        raise DemoError(exc.message) from None


# ------------------------------------------------------------------------------- the story


def run(base: str, out: Path, languages: list[str], timeout: float, own_video: Path | None = None) -> dict:
    email = os.environ.get("AVP_ADMIN_EMAIL", "")
    password = os.environ.get("AVP_ADMIN_PASSWORD", "")
    if not email or not password:
        raise DemoError("Set AVP_ADMIN_EMAIL and AVP_ADMIN_PASSWORD to the platform's ADMIN account")
    admin = person(base)
    for _ in range(60):
        try:
            if admin.http.get("/health", timeout=5).status_code == 200:
                break
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(1)
    else:
        raise DemoError(f"no platform answers at {base}/health")
    say(f"platform is up at {base}")

    admin.login(email, password)
    say(f"signed in as ADMIN {email}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    org = admin.call("POST", "/api/v1/organizations", json={"name": f"Demo Org {stamp}"})
    say(f"created organisation {org['name']} ({org['id']})")

    people: dict[str, Client] = {}
    ids: dict[str, str] = {}
    for role in ("CLIENT", "REVIEWER", "PM", "LINGUIST"):
        user_email = f"demo-{role.lower()}-{stamp}-{os.getpid()}@example.com"
        invite = admin.call(
            "POST", f"/api/v1/organizations/{org['id']}/invite", json={"email": user_email, "role": role}
        )
        people[role] = person(base)
        user = people[role].accept_invite(invite["token"], PASSWORD.format(role.lower()), f"Demo {role.title()}")
        ids[role] = user["id"]
        say(f"invited and signed up {role:8s} {user_email}")

    workdir = Path(tempfile.mkdtemp(prefix="avp-demo-"))
    try:
        video = own_video or make_video(workdir)
        client = people["CLIENT"]
        outputs = ["en"] + [lang for lang in languages if lang != "en"]
        job = client.create_job(video, outputs[1:], source_language="en", title=f"Demo {stamp}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    job_id = job["_id"]
    say(f"CLIENT uploaded the video: job {job_id}, outputs {', '.join(outputs)}, status {job['status']}")
    say(f"following job {job_id} over the WebSocket /api/v1/ws/jobs/{job_id}")

    printer = Printer()
    wait_for(client, job_id, {"SOURCE_QC"}, timeout, printer)
    reviewer = people["REVIEWER"]
    edit_caption(reviewer, job_id)
    reviewer.job_action(job_id, "approve")
    say("REVIEWER approved SOURCE_QC")

    translated = [lang for lang in outputs if lang != "en"]
    if translated:
        wait_for(client, job_id, {"LANGUAGE_QC"}, timeout, printer)
        pm, linguist = people["PM"], people["LINGUIST"]
        for lang in translated:
            pm.assign_language(job_id, lang, ids["LINGUIST"])
            say(f"PM assigned {lang} to the LINGUIST")
            doc = linguist.get_vtt(job_id, lang)
            text = doc["content"]
            first = next((ln for ln in text.splitlines()[2:] if ln and "-->" not in ln and not ln.isdigit()), "")
            say(f"LINGUIST read the {lang} captions ({len(text)} bytes), first line: {first[:60]!r}")
            linguist_edit(linguist, job_id, lang, doc)
            linguist.language_action(job_id, lang, "approve")
            say(f"LINGUIST approved {lang}")
        state = pm.language_qc(job_id)
        say("language QC: " + ", ".join(f"{e['lang']}={e['status']}" for e in state["languages"]))

    for _ in range(3):
        wait_for(client, job_id, {"FINAL_QC"}, timeout, printer)
        after = reviewer.job_action(job_id, "approve")
        say(f"REVIEWER approved FINAL_QC -> {after['status']}")
        if after["status"] == "COMPLETED":
            break
        say("a VTT changed since the last render: speech and render run again")
    else:
        raise DemoError("FINAL_QC did not complete after three approvals")
    wait_for(client, job_id, {"COMPLETED"}, 60, printer)

    folder = out / job_id
    files = download_all(client, job_id, folder)
    say(f"done: job {job_id} COMPLETED, {len(files)} deliverables in {folder}")
    return {"job_id": job_id, "folder": str(folder), "files": files}


def edit_caption(reviewer: Client, job_id: str) -> None:
    doc = reviewer.get_vtt(job_id, "en")
    lines = doc["content"].split("\n")
    for i, line in enumerate(lines):
        if "-->" in line and i + 1 < len(lines) and lines[i + 1].strip():
            old = lines[i + 1]
            lines[i + 1] = old.replace("widget", "Widget") if "widget" in old else old.rstrip(".") + "."
            if lines[i + 1] == old:
                lines[i + 1] = old + " (reviewed)"
            break
    else:
        raise DemoError("the English captions have no cue to edit")
    saved = reviewer.save_vtt(job_id, "en", "\n".join(lines), doc["etag"], message="Demo: reviewer fixes a caption")
    say(f"REVIEWER edited a caption: {old!r} -> {lines[i + 1]!r} (version {saved['version_id']})")
    versions = reviewer.vtt_versions(job_id, "en")
    if len(versions) >= 2:
        diff = reviewer.vtt_diff(job_id, "en", versions[1]["id"], versions[0]["id"])
        say(f"version diff: {diff['summary']}")


def linguist_edit(linguist: Client, job_id: str, lang: str, doc: dict) -> None:
    """A linguist reads their language through GET /files (the spec gives them no GET on /vtt);
    the client derives the If-Match from the content as the server does (docs/decisions/0400)."""
    lines = doc["content"].split("\n")
    i = next((n for n, line in enumerate(lines) if "-->" in line and n + 1 < len(lines) and lines[n + 1].strip()), None)
    if i is None:
        raise DemoError(f"the {lang} captions have no cue to edit")
    lines[i + 1] = lines[i + 1].replace("Widget", "widget") if "Widget" in lines[i + 1] else lines[i + 1] + " (OK)"
    saved = linguist.save_vtt(job_id, lang, "\n".join(lines), doc["etag"], message=f"Demo: linguist polishes {lang}")
    say(f"LINGUIST edited a {lang} caption -> {lines[i + 1]!r} (version {saved['version_id']})")


def download_all(client: Client, job_id: str, folder: Path) -> list[str]:
    listing = client.downloads(job_id)
    if not listing["files"]:
        raise DemoError("the completed job lists no deliverables")
    saved = []
    for item in listing["files"]:
        target = folder / item["path"]
        size = client.download(item["url"], target)
        say(f"downloaded {item['language']:5s} {item['kind']:20s} {size:>9,d} bytes  {item['path']}")
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
    ap.add_argument("--video", type=Path, help="your own English-speaking MP4 instead of the generated one")
    args = ap.parse_args(argv)
    if args.video is not None and not args.video.is_file():
        say(f"FAILED: {args.video} is not a file")
        return 2
    try:
        languages = [x.strip() for x in args.languages.split(",") if x.strip()]
        result = run(args.url, args.out, languages, args.timeout, args.video)
    except (DemoError, AvpError) as exc:
        say(f"FAILED: {exc}")
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
