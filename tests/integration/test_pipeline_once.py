"""The local pipeline workers run in exactly one server process (decision 1200): PipelineOnce
contenders on one lock file start the workers once, and another takes over when the holder
stops; the real server (two gunicorn workers) holds the lock in one worker and hands it over
when that worker is killed."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from shared.local.pipeline_once import PipelineOnce
from tests.support.platform_process import platform_env, start, stop, wait_healthy


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_one_contender_runs_the_workers_and_another_takes_over(tmp_path):
    started, stopped = [], []
    lock = threading.Lock()

    def starter(name):
        def start_workers():
            with lock:
                started.append(name)
            return lambda: stopped.append(name)

        return start_workers

    contenders = {n: PipelineOnce(tmp_path / "pipeline.lock", starter(n), poll_seconds=0.05).start() for n in "abc"}
    assert _wait(lambda: len(started) == 1)
    time.sleep(0.3)  # the others keep waiting
    assert len(started) == 1
    first = started[0]
    contenders[first].stop()
    assert stopped == [first]
    assert _wait(lambda: len(started) == 2)
    time.sleep(0.3)
    assert len(started) == 2 and started[1] != first
    for c in contenders.values():
        c.stop()
    assert sorted(stopped) == sorted(started)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return out


def _lock_holders(lock_file: Path) -> list[int]:
    """PIDs holding an flock on `lock_file` (from /proc/locks)."""
    if not lock_file.exists():
        return []
    inode = lock_file.stat().st_ino
    holders = []
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()  # "1: FLOCK  ADVISORY  WRITE <pid> <major>:<minor>:<inode> 0 EOF"
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].split(":")[-1] == str(inode):
            holders.append(int(parts[4]))
    return holders


@pytest.mark.slow
def test_server_runs_the_pipeline_in_one_worker_and_hands_it_over(tmp_path):
    data = tmp_path / "data"
    env = platform_env(data, "admin@example.com", "Admin-Password-123", AVP_HTTP_WORKERS=2, AVP_HTTP_THREADS=16)
    port = env["AVP_PORT"]
    log = tmp_path / "server.log"
    proc = start([sys.executable, "-m", "shared.local.serve"], env, log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(proc, base, log)
        assert _wait(lambda: len(_children(proc.pid)) == 2), _children(proc.pid)
        lock_file = data / "pipeline.lock"
        assert _wait(lambda: len(_lock_holders(lock_file)) == 1), log.read_text()[-2000:]
        holder = _lock_holders(lock_file)[0]
        assert holder in _children(proc.pid)
        os.kill(holder, signal.SIGKILL)
        assert _wait(lambda: [h for h in _lock_holders(lock_file) if h != holder], timeout=20), log.read_text()[-2000:]
        assert len(_lock_holders(lock_file)) == 1
        assert _lock_holders(lock_file)[0] in _children(proc.pid)
        # both processes answer authenticated requests meanwhile
        token = requests.post(
            f"{base}/api/v1/auth/login",
            json={"email": "admin@example.com", "password": "Admin-Password-123"},
            timeout=10,
        ).json()["access_token"]
        for _ in range(10):
            r = requests.get(f"{base}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert r.status_code == 200 and r.json()["email"] == "admin@example.com"
    finally:
        assert stop(proc) == 0, log.read_text()[-2000:]
