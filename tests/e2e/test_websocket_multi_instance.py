"""Delivery across instances: two server processes on one data folder (the whole local
platform, `python -m shared.local.serve`, and the Cloud Run WebSocket service entry,
functions/websocket/serve.py), changes made by a third process and through the REST API of one
of them; clients on each instance must receive every event of their channels, in order."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from shared.ids import new_id

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CYCLE = ["LANGUAGE_QC", "FINAL_QC", "SOURCE_QC"]  # QC stages: no pipeline step reacts to them


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc: subprocess.Popen, port: int, name: str) -> None:
    deadline = time.time() + 40
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited: {proc.stderr.read().decode()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{name} did not answer /health on port {port}")


@pytest.fixture
def instances(isolated_settings):
    """{'platform': port, 'service': port}: two processes on this test's data folder."""
    env = dict(
        os.environ,
        AVP_HTTP_THREADS="32",
        AVP_WS_THREADS="32",
        AVP_WS_POLL_SECONDS="0.02",
        AVP_ADMIN_PASSWORD="E2e-admin-password-1",
        AVP_BIND="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    ports = {"platform": free_port(), "service": free_port()}
    commands = {
        "platform": [sys.executable, "-m", "shared.local.serve"],
        "service": [sys.executable, str(ROOT / "functions" / "websocket" / "serve.py")],
    }
    procs = {}
    try:
        for name, cmd in commands.items():
            procs[name] = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=dict(env, AVP_PORT=str(ports[name])),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        for name, proc in procs.items():
            wait_healthy(proc, ports[name], name)
        yield ports
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def collect(ws, count: int, timeout: float = 15.0) -> list[dict]:
    """The next `count` non-ping messages."""
    out, deadline = [], time.monotonic() + timeout
    while len(out) < count:
        msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if msg["type"] != "ping":
            out.append(msg)
    return out


PUBLISHER = """
import sys
from shared.services.job_events import publish_notification
from shared.services.jobs import cas_transition, get_job
job_id, rounds = sys.argv[1], int(sys.argv[2])
cycle = {cycle!r}
for i in range(rounds):
    job = get_job(job_id)
    job = cas_transition(job_id, job["status"], cycle[i % len(cycle)], enqueue=False)
    if i % 3 == 2:
        publish_notification(job, "progress", "step " + str(i), percent=i)
print("done")
"""


def test_every_instance_delivers_every_event_whoever_caused_it(instances, users, platform):
    org = users.org()
    client = users.user("CLIENT", org)
    reviewer = users.user("REVIEWER")
    now = "2026-01-01T00:00:00.000000Z"

    job = platform.documents.create(
        "jobs",
        new_id(),
        {
            "org_id": org,
            "created_by": client["id"],
            "status": "SOURCE_QC",
            "updated_at": now,
            "source_language": "en",
            "requested_outputs": ["en"],
            "language_qc": {},
        },
    )
    a, b = instances["platform"], instances["service"]
    urls = {
        "job@platform": f"ws://127.0.0.1:{a}/api/v1/ws/jobs/{job['id']}?token={client['token']}",
        "org@platform": f"ws://127.0.0.1:{a}/api/v1/ws/org/{org}?token={client['token']}",
        "job@service": f"ws://127.0.0.1:{b}/api/v1/ws/jobs/{job['id']}?token={reviewer['token']}",
        "org@service": f"ws://127.0.0.1:{b}/api/v1/ws/org/{org}?token={reviewer['token']}",
    }
    with contextlib.ExitStack() as stack:
        conns = {name: stack.enter_context(connect(url, open_timeout=10)) for name, url in urls.items()}
        for name in ("job@platform", "job@service"):
            first = collect(conns[name], 1)[0]
            assert (first["type"], first["status"], first["updated_at"]) == ("job_status_update", "SOURCE_QC", now)
        for name in ("org@platform", "org@service"):  # an org stream's first message: a ping, once live
            assert json.loads(conns[name].recv(timeout=10))["type"] == "ping"

        # 1. A change through the REST API of one instance (the jobs function on the platform).
        req = urllib.request.Request(
            f"http://127.0.0.1:{a}/api/v1/jobs/{job['id']}/actions/feedback",
            method="POST",
            data=json.dumps({"message": "Cue 4 is early"}).encode(),
            headers={"Content-Type": "application/json", **reviewer["headers"]},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200

        # 2. Status changes and notifications from a third process.
        rounds = 9
        out = subprocess.run(
            [sys.executable, "-c", PUBLISHER.format(cycle=CYCLE), job["id"], str(rounds)],
            cwd=ROOT,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr[-2000:]

        expected = [("notification", "feedback", "SOURCE_QC")]
        for i in range(rounds):
            expected.append(("job_status_update", None, CYCLE[i % len(CYCLE)]))
            if i % 3 == 2:
                expected.append(("notification", "progress", CYCLE[i % len(CYCLE)]))
        for name, ws in conns.items():
            got = collect(ws, len(expected))
            assert [(m["type"], m.get("kind"), m["status"]) for m in got] == expected, name
            assert all(m["job_id"] == job["id"] and m["org_id"] == org for m in got), name
            assert got[0]["message"] == "Cue 4 is early"
            stamps = [m["updated_at"] for m in got if m["type"] == "job_status_update"]
            assert stamps == sorted(stamps) and len(set(stamps)) == rounds, name
            with pytest.raises(TimeoutError):  # and nothing else
                while True:
                    if json.loads(ws.recv(timeout=0.3))["type"] != "ping":
                        break


def test_refusals_are_the_same_on_both_instances(instances, users, platform):
    org, other = users.org(), users.org()
    client = users.user("CLIENT", org)
    for port in instances.values():
        for path, code in (
            (f"/api/v1/ws/org/{other}?token={client['token']}", 4403),
            (f"/api/v1/ws/jobs/{'0' * 24}?token={client['token']}", 4404),
            (f"/api/v1/ws/org/{org}?token=bad", 4401),
        ):
            with connect(f"ws://127.0.0.1:{port}{path}", open_timeout=10) as ws:
                with pytest.raises(ConnectionClosed) as info:
                    ws.recv(timeout=10)
                assert info.value.rcvd.code == code, (port, path)


@pytest.mark.parametrize("entry", ["service", "platform"])
def test_sigterm_closes_connections_with_going_away(entry, isolated_settings, users, platform):
    """Cloud Run stops an instance with SIGTERM (and a developer the local platform): clients must
    hear 1001 at once and reconnect, not wait out the graceful timeout on a dead socket."""
    org = users.org()
    client = users.user("CLIENT", org)
    port = free_port()
    env = dict(
        os.environ,
        AVP_WS_THREADS="16",
        AVP_HTTP_THREADS="16",
        AVP_PORT=str(port),
        AVP_BIND="127.0.0.1",
        AVP_ADMIN_PASSWORD="E2e-admin-password-1",
    )
    cmd = (
        [sys.executable, str(ROOT / "functions" / "websocket" / "serve.py")]
        if entry == "service"
        else [sys.executable, "-m", "shared.local.serve"]
    )
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_healthy(proc, port, entry)
        with connect(f"ws://127.0.0.1:{port}/api/v1/ws/org/{org}?token={client['token']}", open_timeout=10) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "ping"
            started = time.monotonic()
            proc.terminate()
            with pytest.raises(ConnectionClosed) as info:
                while True:
                    ws.recv(timeout=10)
            assert info.value.rcvd is not None and info.value.rcvd.code == 1001
            assert time.monotonic() - started < 5
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
