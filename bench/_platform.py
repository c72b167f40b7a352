"""Starts the local platform in a subprocess for benchmarks (temp data folder, free port)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADMIN_EMAIL = "bench-admin@example.com"
ADMIN_PASSWORD = "Bench-Admin-Password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPlatform:
    def __init__(self, extra_env: dict | None = None):
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix="avp-bench-")
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "AVP_DATA_DIR": self.data,
            "AVP_PORT": str(self.port),
            "AVP_ADMIN_EMAIL": ADMIN_EMAIL,
            "AVP_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "AVP_LOGIN_MAX_PER_ADDRESS": "100000",
            "AVP_LOGIN_MAX_PER_ACCOUNT": "100000",
        }
        env.update(extra_env or {})
        self.log = open(Path(self.data) / "server.log", "w+b")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "shared.local.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            # a file, not a pipe: nobody drains a pipe during the bench, and once it is full every
            # log write (the pipeline workers', a request's warning) would block the server
            stderr=self.log,
        )

    def __enter__(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    self.log.seek(0)
                    raise SystemExit("platform failed to start:\n" + self.log.read().decode()[-2000:])
                time.sleep(0.2)
        raise SystemExit("platform did not answer /health within 60 s")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)  # a 100,000-job store is ~100 MB

    def login(self) -> str:
        req = urllib.request.Request(
            self.base + "/api/v1/auth/login",
            method="POST",
            data=json.dumps({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        return json.loads(urllib.request.urlopen(req, timeout=10).read())["access_token"]
