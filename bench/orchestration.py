"""Orchestration bench: throughput (steps/s) and enqueue-to-start latency (p50, p99) of the
local SQLite queue + worker threads, with synthetic steps that do no media work.

    .venv/bin/python bench/orchestration.py [--jobs 20] [--threads 2] [--heavy 1]

Scenarios: one job at a time, then 4 jobs at once. Human QC stages are approved by a driver
thread as soon as a job reaches them (that wait is not a task latency). Prints figures only."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import bootstrap, config  # noqa: E402
from shared.domain.status import status_after_approve  # noqa: E402
from shared.errors import Conflict  # noqa: E402
from shared.ids import new_id  # noqa: E402
from shared.local.worker import Worker  # noqa: E402
from shared.services.jobs import transition  # noqa: E402
from shared.timestamps import now_iso  # noqa: E402


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _new_job(platform, langs: list[str]) -> str:
    job_id = new_id()
    now = now_iso()
    platform.documents.create(
        "jobs",
        job_id,
        {
            "org_id": "bench",
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
    return job_id


class Driver(threading.Thread):
    """Approves QC stages at once, like an instant reviewer and linguist."""

    def __init__(self, platform, ids: list[str]):
        super().__init__(daemon=True)
        self.platform, self.ids, self.stop = platform, ids, threading.Event()

    def run(self):
        while not self.stop.wait(0.003):
            for job_id in list(self.ids):
                job = self.platform.documents.get("jobs", job_id)
                try:
                    if job["status"] in ("SOURCE_QC", "FINAL_QC"):
                        transition(job_id, job["status"], status_after_approve(job))
                    elif job["status"] == "LANGUAGE_QC":
                        transition(job_id, "LANGUAGE_QC", "TTS_GENERATING")
                except Conflict:
                    pass


def run_scenario(platform, worker, jobs: int, concurrent: int, langs: list[str]) -> dict:
    worker.latencies.clear()
    handled_before = worker.handled
    started = time.perf_counter()
    done = 0
    while done < jobs:
        batch = [_new_job(platform, langs) for _ in range(min(concurrent, jobs - done))]
        driver = Driver(platform, batch)
        driver.start()
        for job_id in batch:
            transition(job_id, "CREATED", "UPLOADED")
        while not all(platform.documents.get("jobs", j)["status"] == "COMPLETED" for j in batch):
            time.sleep(0.002)
        driver.stop.set()
        driver.join()
        done += len(batch)
    elapsed = time.perf_counter() - started
    steps = worker.handled - handled_before
    lat = [x * 1000 for x in worker.latencies]
    return {
        "jobs": jobs,
        "concurrent": concurrent,
        "steps": steps,
        "seconds": elapsed,
        "steps_per_s": steps / elapsed,
        "p50_ms": _percentile(lat, 50),
        "p99_ms": _percentile(lat, 99),
        "mean_ms": statistics.fmean(lat),
    }


def raw_queue(platform, n: int = 2000) -> dict:
    """The queue alone: enqueue n tasks, one thread claims and completes them."""
    q = platform.tasks
    t0 = time.perf_counter()
    for i in range(n):
        q.enqueue(f"raw{i:06d}", "probe", 1)
    t1 = time.perf_counter()
    claimed = 0
    while (task := q.claim("bench", 30)) is not None:
        q.complete(task.name, "bench")
        claimed += 1
    t2 = time.perf_counter()
    return {"enqueue_per_s": n / (t1 - t0), "claim_complete_per_s": claimed / (t2 - t1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=20, help="jobs per scenario")
    parser.add_argument("--threads", type=int, default=2, help="worker threads")
    parser.add_argument("--heavy", type=int, default=1, help="heavy-step concurrency")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="avp-bench-")
    os.environ.update(
        {
            "AVP_DATA_DIR": data,
            "AVP_JWT_SECRET": "bench-" + "x" * 40,
            "AVP_STEP_REGISTRY": "shared.pipeline.synthetic_steps:STEPS",
            "AVP_SYNTHETIC_STEP_SECONDS": "0",
        }
    )
    config.reset()
    config.configure(worker_threads=args.threads, heavy_step_concurrency=args.heavy)
    platform = bootstrap.platform()
    import logging

    logging.getLogger("avp").setLevel(logging.WARNING)
    worker = Worker(record_latency=True, poll_seconds=0.05).start()
    print(f"data: {data}  cpus: {os.cpu_count()}  worker threads: {args.threads}  heavy concurrency: {args.heavy}")
    print("steps per job: probe, transcribe, describe, translate, tts, render (synthetic, no media)")
    try:
        run_scenario(platform, worker, 2, 1, ["en", "es"])  # warm-up
        for concurrent in (1, 4):
            r = run_scenario(platform, worker, args.jobs, concurrent, ["en", "es"])
            print(
                f"{concurrent} job(s) at once: {r['jobs']} jobs, {r['steps']} steps in {r['seconds']:.2f} s "
                f"= {r['steps_per_s']:.1f} steps/s; enqueue-to-start p50 {r['p50_ms']:.1f} ms, "
                f"p99 {r['p99_ms']:.1f} ms (mean {r['mean_ms']:.1f} ms)",
                flush=True,
            )
    finally:
        worker.stop()
    raw = raw_queue(platform)
    print(f"queue alone: {raw['enqueue_per_s']:.0f} enqueues/s, {raw['claim_complete_per_s']:.0f} claim+complete/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
