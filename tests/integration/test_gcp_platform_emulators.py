"""The whole platform on the emulators backend: `scripts/run --backend emulators` (Firestore,
Pub/Sub, GCS and Cloud Tasks emulators; uploads reach the upload trigger through the
bucket-notification bridge and a Pub/Sub push; steps arrive as Cloud Tasks HTTP tasks), driven
by scripts/demo from upload to COMPLETED exactly as tests/e2e/test_demo.py drives the local
backend."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.integration.emulators import gcp_emulators  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL, ADMIN_PASSWORD = "emu-admin@example.com", "Emu-Admin-Passw0rd!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def emulator_platform(gcp_emulators, tmp_path):
    port = _free_port()
    project = f"avp-e2e-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVP_")}
    env.update(AVP_DATA_DIR=str(tmp_path / "data"), AVP_PORT=str(port), AVP_ADMIN_EMAIL=ADMIN_EMAIL,
               AVP_ADMIN_PASSWORD=ADMIN_PASSWORD, AVP_COOKIE_SECURE="0", AVP_TASK_BACKOFF_SECONDS="1",
               GOOGLE_CLOUD_PROJECT=project, AVP_UPLOADS_BUCKET=f"{project}-uploads",
               AVP_DELIVERABLES_BUCKET=f"{project}-deliverables")
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([str(ROOT / "scripts" / "run"), "--backend", "emulators"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        if proc.poll() is not None or time.monotonic() >= deadline:
            pytest.fail("the platform did not start on the emulators:\n" + (tmp_path / "server.log").read_text()[-4000:])
        yield {"base": base, "env": env, "log": tmp_path / "server.log", "project": project}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_demo_job_completes_on_the_emulators(emulator_platform, tmp_path):
    out = tmp_path / "demo-output"
    run = subprocess.run([str(ROOT / "scripts" / "demo"), "--url", emulator_platform["base"], "--out", str(out),
                          "--languages", "es", "--timeout", "900"],
                         cwd=ROOT, env=emulator_platform["env"], capture_output=True, text=True, timeout=2400)
    print(run.stdout[-6000:])
    if run.returncode != 0:
        print(run.stderr[-3000:])
        print(emulator_platform["log"].read_text()[-6000:])
    assert run.returncode == 0
    result = json.loads(run.stdout[run.stdout.index("\n{") + 1:])
    for step in ("CLIENT uploaded the video", "REVIEWER approved SOURCE_QC", "LINGUIST approved es",
                 "REVIEWER approved FINAL_QC -> COMPLETED", "downloaded"):
        assert step in run.stdout, step
    folder = Path(result["folder"])
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for lang in ("en", "es"):
        assert f"{lang}/captions.vtt" in files and f"{lang}/accessible.mp4" in files
        assert (folder / lang / "captions.vtt").read_text().startswith("WEBVTT")

    # the data really lives in the emulators: the job in Firestore, its outputs in the GCS emulator
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore, storage

    project = emulator_platform["project"]
    db = firestore.Client(project=project)
    job = db.collection("jobs").document(result["job_id"]).get()
    assert job.exists and job.get("status") == "COMPLETED"
    bucket = storage.Client(project=project, credentials=AnonymousCredentials()).bucket(f"{project}-deliverables")
    names = {b.name for b in bucket.list_blobs(prefix=f"jobs/{result['job_id']}/")}
    assert f"jobs/{result['job_id']}/en/accessible.mp4" in names
