"""scripts/demo against the real local platform: starts `python -m shared.local.serve` on a free
port with a fresh data folder and runs the demo, which drives one job from upload to COMPLETED
over HTTP (and the WebSocket) and downloads every deliverable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.platform_process import clean_env, free_port, running

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
ADMIN_EMAIL, ADMIN_PASSWORD = "demo-admin@example.com", "Demo-Admin-Passw0rd!"


@pytest.fixture
def platform_server(tmp_path):
    env = clean_env(
        AVP_DATA_DIR=tmp_path / "data",
        AVP_PORT=free_port(),
        AVP_ADMIN_EMAIL=ADMIN_EMAIL,
        AVP_ADMIN_PASSWORD=ADMIN_PASSWORD,
        AVP_COOKIE_SECURE="0",
        AVP_TASK_BACKOFF_SECONDS="1",
    )
    log = tmp_path / "server.log"
    with running([PY, "-m", "shared.local.serve"], env, log) as base:
        yield {"base": base, "env": env, "log": log}


def test_demo_drives_one_job_to_completion(platform_server, tmp_path):
    out = tmp_path / "demo-output"
    env = dict(platform_server["env"])
    run = subprocess.run(
        [
            str(ROOT / "scripts" / "demo"),
            "--url",
            platform_server["base"],
            "--out",
            str(out),
            "--languages",
            "es",
            "--timeout",
            "900",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=2400,
    )
    print(run.stdout[-6000:])
    if run.returncode != 0:
        print(run.stderr[-3000:])
        print(platform_server["log"].read_text()[-4000:])
    assert run.returncode == 0
    result = json.loads(run.stdout[run.stdout.index("\n{") + 1 :])
    folder = Path(result["folder"])
    for step in (
        "created organisation",
        "invited and signed up CLIENT",
        "invited and signed up LINGUIST",
        "CLIENT uploaded the video",
        "REVIEWER edited a caption",
        "REVIEWER approved SOURCE_QC",
        "PM assigned es",
        "LINGUIST edited a es caption",
        "LINGUIST approved es",
        "REVIEWER approved FINAL_QC -> COMPLETED",
        "downloaded",
    ):
        assert step in run.stdout, step
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(result["files"]) == files
    for lang in ("en", "es"):
        assert f"{lang}/captions.vtt" in files and f"{lang}/accessible.mp4" in files
        assert (folder / lang / "captions.vtt").read_text().startswith("WEBVTT")
    assert (folder / "en" / "accessible.mp4").stat().st_size > 10_000
