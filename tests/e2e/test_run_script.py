"""./scripts/run as a newcomer uses it: it serves the platform, creates the first ADMIN with a
generated password printed once, stops cleanly on Ctrl-C, and a second run reuses the data."""

import re
import signal

import pytest
import requests

from tests.support.platform_process import clean_env, free_port, start, stop, wait_healthy

pytestmark = pytest.mark.slow


def test_run_serves_creates_admin_stops_on_ctrl_c_and_reuses_data(tmp_path):
    data, port = tmp_path / "data", free_port()
    env = clean_env(AVP_DATA_DIR=data, AVP_PORT=port)
    base = f"http://127.0.0.1:{port}"
    first_log = tmp_path / "first.log"
    proc = start(["./scripts/run"], env, first_log)
    try:
        wait_healthy(proc, base, first_log)
        assert requests.get(f"{base}/health").json() == {"status": "healthy", "version": "1.0.0"}
        out = first_log.read_text()
        assert f"http://localhost:{port}/docs" in out
        password = re.search(r"Generated password .*: (\S+)", out).group(1)
        login = requests.post(f"{base}/api/v1/auth/login", json={"email": "admin@example.com", "password": password})
        assert login.status_code == 200 and login.json()["user"]["role"] == "ADMIN"
        assert requests.get(f"{base}/docs").status_code == 200
    finally:
        code = stop(proc, signal.SIGINT)  # Ctrl-C
    assert code == 0, first_log.read_text()[-2000:]
    assert (data / "documents.sqlite3").exists()

    second_log = tmp_path / "second.log"
    proc = start(["./scripts/run"], env, second_log)
    try:
        wait_healthy(proc, base, second_log)
        assert "Created the first ADMIN" not in second_log.read_text()
        again = requests.post(f"{base}/api/v1/auth/login", json={"email": "admin@example.com", "password": password})
        assert again.status_code == 200
    finally:
        assert stop(proc, signal.SIGINT) == 0
