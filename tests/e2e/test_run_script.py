"""./scripts/run as a newcomer uses it: it serves the platform, creates the first ADMIN with a
generated password printed once, stops cleanly on Ctrl-C, and a second run reuses the data."""
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVP_")}
    env.update(AVP_DATA_DIR=str(data), AVP_PORT=str(port))
    return subprocess.Popen(["./scripts/run"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_healthy(proc, base: str, log: Path) -> None:
    for _ in range(240):
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if requests.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError("scripts/run did not serve /health:\n" + log.read_text()[-3000:])


def _ctrl_c(proc) -> int:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise


def test_run_serves_creates_admin_stops_on_ctrl_c_and_reuses_data(tmp_path):
    data, port = tmp_path / "data", _free_port()
    base = f"http://127.0.0.1:{port}"
    first_log = tmp_path / "first.log"
    proc = _start(data, port, first_log)
    try:
        _wait_healthy(proc, base, first_log)
        assert requests.get(f"{base}/health").json() == {"status": "healthy", "version": "1.0.0"}
        out = first_log.read_text()
        assert f"http://localhost:{port}/docs" in out
        password = re.search(r"Generated password .*: (\S+)", out).group(1)
        login = requests.post(f"{base}/api/v1/auth/login", json={"email": "admin@example.com", "password": password})
        assert login.status_code == 200 and login.json()["user"]["role"] == "ADMIN"
        assert requests.get(f"{base}/docs").status_code == 200
    finally:
        code = _ctrl_c(proc)
    assert code == 0, first_log.read_text()[-2000:]
    assert (data / "documents.sqlite3").exists()

    second_log = tmp_path / "second.log"
    proc = _start(data, port, second_log)
    try:
        _wait_healthy(proc, base, second_log)
        assert "Created the first ADMIN" not in second_log.read_text()
        again = requests.post(f"{base}/api/v1/auth/login", json={"email": "admin@example.com", "password": password})
        assert again.status_code == 200
    finally:
        assert _ctrl_c(proc) == 0
