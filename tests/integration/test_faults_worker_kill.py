"""Fault test: a standalone worker process (`python -m shared.local.worker`, synthetic steps
that write deterministic files) is SIGKILLed at random points while 24 jobs move through every
automated step; after restarts every job reaches COMPLETED, each status change happened once,
each output exists exactly once with its expected content, and replaying every task afterwards
changes nothing."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.domain.status import status_after_approve
from shared.ids import new_id
from shared.pipeline import synthetic_steps
from shared.pipeline.runner import run_task
from shared.services.jobs import transition
from shared.storage.layout import ACCESSIBLE_MP4, CAPTIONS_VTT, DESCRIPTIONS_VTT, NARRATION
from shared.timestamps import now_iso

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
JOBS = 24
LANG_SETS = (["en"], ["en", "es"], ["en", "es", "ca"])


def spawn(data_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "AVP_DATA_DIR": str(data_dir),
        "AVP_STEP_REGISTRY": "shared.pipeline.synthetic_steps:STEPS",
        "AVP_SYNTHETIC_STEP_SECONDS": "0.05",
        "AVP_TASK_LEASE_SECONDS": "0.6",
        "AVP_TASK_BACKOFF_SECONDS": "0.05",
        "AVP_WORKER_THREADS": "3",
        "AVP_HEAVY_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "shared.local.worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.startswith("worker ready"), line
    return proc


def advance_human_stages(platform, ids) -> None:
    """What reviewers and linguists would do, racing the worker."""
    for job_id in ids:
        job = platform.documents.get("jobs", job_id)
        try:
            if job["status"] in ("SOURCE_QC", "FINAL_QC"):
                transition(job_id, job["status"], status_after_approve(job))
            elif job["status"] == "LANGUAGE_QC":
                transition(job_id, "LANGUAGE_QC", "TTS_GENERATING")
        except Exception:  # noqa: BLE001 - a Conflict here only means the worker moved first
            pass


def expected_statuses(langs):
    out = ["UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC"]
    if len(langs) > 1:
        out += ["TRANSLATING", "LANGUAGE_QC"]
    return out + ["TTS_GENERATING", "RENDERING", "FINAL_QC", "COMPLETED"]


def expected_files(job_id, langs):
    files = {f"jobs/{job_id}/en/{CAPTIONS_VTT}", f"jobs/{job_id}/en/{DESCRIPTIONS_VTT}"}
    for lang in langs[1:]:
        files |= {f"jobs/{job_id}/{lang}/{CAPTIONS_VTT}", f"jobs/{job_id}/{lang}/{DESCRIPTIONS_VTT}"}
    for lang in langs:
        files |= {f"jobs/{job_id}/{lang}/{NARRATION}", f"jobs/{job_id}/{lang}/{ACCESSIBLE_MP4}"}
    return files


def test_sigkill_at_random_points(platform, isolated_settings):
    rng = random.Random(20261125)
    data_dir = isolated_settings.data_dir
    ids, langs_of = [], {}
    for i in range(JOBS):
        job_id = new_id()
        langs = LANG_SETS[i % len(LANG_SETS)]
        now = now_iso()
        platform.documents.create(
            "jobs",
            job_id,
            {
                "org_id": "org1",
                "status": "CREATED",
                "source_language": "en",
                "requested_outputs": langs,
                "outputs": {},
                "language_qc": {},
                "created_at": now,
                "updated_at": now,
                "step_attempts": {},
            },
        )
        transition(job_id, "CREATED", "UPLOADED")
        ids.append(job_id)
        langs_of[job_id] = langs

    kills, interrupted = 0, 0
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        proc = spawn(data_dir)
        end = time.monotonic() + rng.uniform(0.15, 0.9)
        while time.monotonic() < end:
            advance_human_stages(platform, ids)
            time.sleep(0.02)
        leased = platform.tasks.counts().get("leased", 0)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        interrupted += leased
        if kills >= 20:
            break
    # a final worker that is left to finish
    proc = spawn(data_dir)
    try:
        while time.monotonic() < deadline:
            advance_human_stages(platform, ids)
            if all(platform.documents.get("jobs", j)["status"] == "COMPLETED" for j in ids):
                break
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)

    redelivered = [t for j in ids for t in platform.tasks.tasks_for(j) if t["deliveries"] > 1]
    print(f"\n{kills} kills, {interrupted} leased tasks at kill time, {len(redelivered)} tasks delivered again")
    assert kills >= 20 and redelivered, "the kills should have interrupted running tasks"
    for job_id in ids:
        job = platform.documents.get("jobs", job_id)
        langs = langs_of[job_id]
        assert job["status"] == "COMPLETED", (job_id, job["status"], job.get("error"))
        statuses = [
            e["status"]
            for _, e in platform.events.read_after(0, limit=100000)
            if e["type"] == "job_status_update" and e["job_id"] == job_id
        ]
        assert statuses == expected_statuses(langs)
        steps = [h["step"] for h in job["step_history"]]
        want = ["probe", "transcribe", "describe"] + (["translate"] if len(langs) > 1 else []) + ["tts", "render"]
        assert steps == want
        names = platform.files.list(f"jobs/{job_id}/")
        assert len(names) == len(set(names)) and set(names) == expected_files(job_id, langs)
        for name in names:
            _, _, lang, fname = name.split("/")
            assert platform.files.get_bytes(name).decode() == synthetic_steps.content(job_id, lang, fname)
        tasks = platform.tasks.tasks_for(job_id)
        assert all(t["state"] == "done" and t["attempt"] == 1 for t in tasks)
        assert sorted(t["step"] for t in tasks) == sorted(want)
    assert not list((data_dir / "files").rglob(".avp-tmp-*"))

    # duplicate and out-of-order deliveries after the fact change nothing
    seq = platform.events.last_seq()
    versions = {j: platform.documents.get("jobs", j)["_version"] for j in ids}
    for job_id in ids:
        for step in ("render", "probe", "tts", "describe", "transcribe", "translate"):
            assert run_task(job_id, step, 1, steps=synthetic_steps.STEPS) == "stale"
    assert platform.events.last_seq() == seq
    assert {j: platform.documents.get("jobs", j)["_version"] for j in ids} == versions
