"""The whole platform on the emulators backend: `scripts/run --backend emulators` (Firestore,
Pub/Sub, GCS and Cloud Tasks emulators; uploads reach the upload trigger through the
bucket-notification bridge and a Pub/Sub push; steps arrive as Cloud Tasks HTTP tasks), driven
by scripts/demo from upload to COMPLETED exactly as tests/e2e/test_demo.py drives the local
backend."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.integration.emulators import gcp_emulators  # noqa: F401
from tests.support.platform_process import platform_env, run_demo, running

pytestmark = [pytest.mark.emulators, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL, ADMIN_PASSWORD = "emu-admin@example.com", "Emu-Admin-Passw0rd!"


@pytest.fixture
def emulator_platform(gcp_emulators, tmp_path):
    project = f"avp-e2e-{uuid.uuid4().hex[:8]}"
    env = platform_env(
        tmp_path / "data",
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        GOOGLE_CLOUD_PROJECT=project,
        AVP_UPLOADS_BUCKET=f"{project}-uploads",
        AVP_DELIVERABLES_BUCKET=f"{project}-deliverables",
    )
    log = tmp_path / "server.log"
    with running([str(ROOT / "scripts" / "run"), "--backend", "emulators"], env, log, timeout=180) as base:
        yield {"base": base, "env": env, "log": log, "project": project}


def test_demo_job_completes_on_the_emulators(emulator_platform, tmp_path):
    out = tmp_path / "demo-output"
    run = run_demo(emulator_platform["base"], out, emulator_platform["env"])
    if run.returncode != 0:
        print(emulator_platform["log"].read_text()[-6000:])
    assert run.returncode == 0
    result = json.loads(run.stdout[run.stdout.index("\n{") + 1 :])
    for step in (
        "CLIENT uploaded the video",
        "REVIEWER approved SOURCE_QC",
        "LINGUIST approved es",
        "REVIEWER approved FINAL_QC -> COMPLETED",
        "downloaded",
    ):
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
