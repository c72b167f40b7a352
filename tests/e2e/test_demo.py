"""scripts/demo against the real local platform: starts `python -m shared.local.serve` on a free
port with a fresh data folder and runs the demo, which drives one job from upload to COMPLETED
over HTTP (and the WebSocket) and downloads every deliverable."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
ADMIN_EMAIL, ADMIN_PASSWORD = "demo-admin@example.com", "Demo-Admin-Passw0rd!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def platform_server(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVP_")}
    env.update(AVP_DATA_DIR=str(tmp_path / "data"), AVP_PORT=str(port), AVP_ADMIN_EMAIL=ADMIN_EMAIL,
               AVP_ADMIN_PASSWORD=ADMIN_PASSWORD, AVP_COOKIE_SECURE="0", AVP_TASK_BACKOFF_SECONDS="1")
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([PY, "-m", "shared.local.serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if proc.poll() is not None:
                break
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pass
        if proc.poll() is not None:
            pytest.fail("the platform did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
        yield {"base": base, "env": env, "log": tmp_path / "server.log"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_demo_drives_one_job_to_completion(platform_server, tmp_path):
    out = tmp_path / "demo-output"
    env = dict(platform_server["env"])
    run = subprocess.run([str(ROOT / "scripts" / "demo"), "--url", platform_server["base"], "--out", str(out),
                          "--languages", "es", "--timeout", "900"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=2400)
    print(run.stdout[-6000:])
    if run.returncode != 0:
        print(run.stderr[-3000:])
        print(platform_server["log"].read_text()[-4000:])
    assert run.returncode == 0
    result = json.loads(run.stdout[run.stdout.index("\n{") + 1:])
    folder = Path(result["folder"])
    for step in ("created organisation", "invited and signed up CLIENT", "invited and signed up LINGUIST",
                 "CLIENT uploaded the video", "REVIEWER edited a caption", "REVIEWER approved SOURCE_QC",
                 "PM assigned es", "LINGUIST edited a es caption", "LINGUIST approved es", "REVIEWER approved FINAL_QC -> COMPLETED", "downloaded"):
        assert step in run.stdout, step
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(result["files"]) == files
    for lang in ("en", "es"):
        assert f"{lang}/captions.vtt" in files and f"{lang}/accessible.mp4" in files
        assert (folder / lang / "captions.vtt").read_text().startswith("WEBVTT")
    assert (folder / "en" / "accessible.mp4").stat().st_size > 10_000
