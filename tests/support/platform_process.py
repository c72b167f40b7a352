"""Running the platform as a separate process for end-to-end tests: a free port, a clean
environment, start, wait for /health, stop with a signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
# The project's interpreter for the processes tests start (the one running the tests otherwise)
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**avp) -> dict:
    """This process's environment without any AVP_* setting, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVP_")}
    env.update({k: str(v) for k, v in avp.items()})
    return env


def platform_env(data_dir: Path, admin_email: str, admin_password: str, **avp) -> dict:
    """clean_env() for a local platform process: its own data folder and a free port, a first
    ADMIN, cookies over plain HTTP, retries after 1 s, argon2 at the tests' cost (decision
    1320); `avp` adds or overrides settings."""
    return clean_env(
        **{
            "AVP_DATA_DIR": data_dir,
            "AVP_PORT": free_port(),
            "AVP_ADMIN_EMAIL": admin_email,
            "AVP_ADMIN_PASSWORD": admin_password,
            "AVP_COOKIE_SECURE": "0",
            "AVP_TASK_BACKOFF_SECONDS": "1",
            "AVP_INSECURE_FAST_PASSWORD_HASHING": "1",
            **avp,
        }
    )


def run_demo(base: str, out: Path, env: dict) -> subprocess.CompletedProcess:
    """scripts/demo against the platform at `base`: one job with a Spanish version through every
    stage to COMPLETED, the deliverables downloaded into `out`. Its output is printed (and the
    platform's log by the caller) when it fails."""
    run = subprocess.run(
        [str(ROOT / "scripts" / "demo"), "--url", base, "--out", str(out), "--languages", "es", "--timeout", "900"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=2400,
    )
    print(run.stdout[-6000:])
    if run.returncode != 0:
        print(run.stderr[-3000:])
    return run


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    """Start `cmd` in its own process group (so stop() reaches its children), output to `log`."""
    with open(log, "wb") as fh:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(proc: subprocess.Popen, base: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the platform did not answer {base}/health:\n" + log.read_text()[-4000:])


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Signal the process group and return the exit code (SIGKILL if it does not stop in time)."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


@contextmanager
def running(cmd: list[str], env: dict, log: Path, timeout: float = 120):
    """The platform started with `cmd` on env's AVP_PORT, healthy; stopped with SIGTERM after."""
    base = f"http://127.0.0.1:{env['AVP_PORT']}"
    proc = start(cmd, env, log)
    try:
        wait_healthy(proc, base, log, timeout)
        yield base
    finally:
        stop(proc)
