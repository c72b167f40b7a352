"""scripts/demo against the real local platform: starts `python -m shared.local.serve` on a free
port with a fresh data folder and runs the demo, which drives one job from upload to COMPLETED
over HTTP (and the WebSocket) and downloads every deliverable."""

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.platform_process import PY, ROOT, platform_env, run_demo, running

pytestmark = pytest.mark.slow

ADMIN_EMAIL, ADMIN_PASSWORD = "demo-admin@example.com", "Demo-Admin-Passw0rd!"


@pytest.fixture
def platform_server(tmp_path):
    env = platform_env(tmp_path / "data", ADMIN_EMAIL, ADMIN_PASSWORD)
    log = tmp_path / "server.log"
    with running([PY, "-m", "shared.local.serve"], env, log) as base:
        yield {"base": base, "env": env, "log": log}


def test_demo_drives_one_job_to_completion(platform_server, tmp_path):
    out = tmp_path / "demo-output"
    run = run_demo(platform_server["base"], out, dict(platform_server["env"]))
    if run.returncode != 0:
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


def test_demo_refuses_a_video_that_is_not_there(tmp_path):
    run = subprocess.run(
        [str(ROOT / "scripts" / "demo"), "--url", "http://127.0.0.1:9", "--video", str(tmp_path / "mine.mp4")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and f"{tmp_path / 'mine.mp4'} is not a file" in run.stdout
