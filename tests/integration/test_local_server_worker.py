"""The local server's gunicorn worker (shared.local.gunicorn_worker, decisions 1220/1221) on the
real server: back-to-back and pipelined requests on one kept-alive connection are answered in
order, quiet connections hold no request thread, open WebSockets live on threads of their own
(a request pool of one thread still answers while several sockets are open and pinging, or
while an upload through a local signed URL is half way), a refused upgrade gives its connection
back, and two server processes share connections evenly."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.support.platform_process import platform_env, start, stop, wait_healthy

pytestmark = pytest.mark.slow  # a real server per test

ADMIN = ("admin@example.com", "Admin-Password-123")


def _request(path: str, token: str | None = None, method: str = "GET", body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def _read_response(stream) -> tuple[int, dict[str, str], bytes]:
    status = stream.readline()
    assert status.startswith(b"HTTP/1.1 "), status
    headers = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = stream.read(int(headers.get("content-length", "0")))
    return int(status.split()[1]), headers, body


class Conn:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.stream = self.sock.makefile("rb")

    def get(self, path: str = "/health", token: str | None = None) -> tuple[int, dict[str, str], bytes]:
        self.sock.sendall(_request(path, token))
        return _read_response(self.stream)

    def post(self, path: str, payload: dict, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
        self.sock.sendall(_request(path, token, "POST", json.dumps(payload).encode()))
        return _read_response(self.stream)

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


def _serve(tmp_path, **avp):
    env = platform_env(tmp_path / "data", *ADMIN, **avp)
    port = int(env["AVP_PORT"])
    log = tmp_path / "server.log"
    proc = start([sys.executable, "-m", "shared.local.serve"], env, log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", log)
        yield proc, port, log
    finally:
        assert stop(proc) == 0, log.read_text()[-2000:]
    assert "Traceback" not in log.read_text(), log.read_text()[-4000:]


@pytest.fixture()
def server(tmp_path):
    yield from _serve(tmp_path, AVP_HTTP_WORKERS=1, AVP_HTTP_REQUEST_THREADS=2)


@pytest.fixture()
def one_thread_server(tmp_path):
    yield from _serve(tmp_path, AVP_HTTP_WORKERS=1, AVP_HTTP_REQUEST_THREADS=1, AVP_WS_PING_SECONDS=0.3)


@pytest.fixture()
def two_process_server(tmp_path):
    yield from _serve(tmp_path, AVP_HTTP_WORKERS=2)


def test_back_to_back_and_pipelined_requests_on_one_connection(server):
    _, port, _ = server
    conn = Conn(port)
    try:
        for _ in range(20):
            status, headers, body = conn.get("/health")
            assert status == 200 and headers.get("connection", "").lower() != "close"
            assert b'"healthy"' in body
        status, _, body = conn.get("/api/v1/users/me")
        assert status == 401 and b"bearer token" in body.lower()
        # two requests in one write: both answered, in order
        conn.sock.sendall(_request("/health") + _request("/api/v1/no-such-endpoint"))
        assert _read_response(conn.stream)[0] == 200
        assert _read_response(conn.stream)[0] == 404
        time.sleep(1)  # quiet: back on the poller, and it still answers
        assert conn.get("/health")[0] == 200
    finally:
        conn.close()


def test_quiet_connections_hold_no_thread(server):
    _, port, _ = server
    idle = [Conn(port) for _ in range(3)]  # more kept-alive connections than the pool's 2 threads
    try:
        for conn in idle:
            assert conn.get()[0] == 200
        fresh = Conn(port)
        started = time.monotonic()
        assert fresh.get()[0] == 200
        assert time.monotonic() - started < 3  # not behind an idle connection's 5 s keep-alive
        fresh.close()
        for conn in idle:
            assert conn.get()[0] == 200
        idle[0].close()  # a client that goes away
        assert idle[1].get()[0] == 200
    finally:
        for conn in idle:
            conn.close()


def test_open_websockets_do_not_take_the_request_pool(one_thread_server):
    """With one request thread, four open WebSockets (each receiving pings) and API requests are
    all served at once: the sockets live on threads of their own."""
    _, port, _ = one_thread_server
    conn = Conn(port)
    try:
        status, _, body = conn.post("/api/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]})
        assert status == 200, body
        token = json.loads(body)["access_token"]
        status, _, body = conn.post("/api/v1/organizations", {"name": "Worker test"}, token)
        assert status == 201, body
        org_id = json.loads(body)["id"]
        with contextlib.ExitStack() as stack:
            url = f"ws://127.0.0.1:{port}/api/v1/ws/org/{org_id}?token={token}"
            sockets = [stack.enter_context(connect(url, open_timeout=10)) for _ in range(4)]
            for ws in sockets:
                assert json.loads(ws.recv(timeout=10))["type"] == "ping"
            started = time.monotonic()
            assert conn.get("/api/v1/users/me", token)[0] == 200
            assert Conn(port).get("/health")[0] == 200  # a new connection too
            assert time.monotonic() - started < 3
            for ws in sockets:  # still served after the requests
                assert json.loads(ws.recv(timeout=10))["type"] == "ping"
        assert conn.get("/health")[0] == 200
    finally:
        conn.close()


def test_a_slow_upload_does_not_take_the_request_pool(one_thread_server):
    """An upload through a local signed URL lasts as long as the client's network: with one
    request thread, the API still answers while a client is half way through its upload."""
    _, port, _ = one_thread_server
    conn = Conn(port)
    try:
        status, _, body = conn.post("/api/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]})
        token = json.loads(body)["access_token"]
        status, _, body = conn.post("/api/v1/files/upload-url", {"filename": "slow.mp4"}, token)
        assert status == 201, body
        url = json.loads(body)["url"]
        path = url[url.index("/_files/") :]
        payload = b"\0" * 200_000
        upload = Conn(port)
        try:
            upload.sock.sendall(
                f"PUT {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: video/mp4\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload[:1000]
            )
            time.sleep(0.5)  # the server is reading the body now
            started = time.monotonic()
            assert conn.get("/api/v1/users/me", token)[0] == 200
            assert time.monotonic() - started < 3
            upload.sock.sendall(payload[1000:])
            status, _, body = _read_response(upload.stream)
            assert status == 200, body
            assert upload.get()[0] == 200  # the connection is kept alive and served again
        finally:
            upload.close()
    finally:
        conn.close()


def test_refused_upgrade_gives_its_connection_back(server):
    _, port, _ = server
    for _ in range(3):  # more sockets than the pool's 2 threads, one after another
        with connect(f"ws://127.0.0.1:{port}/api/v1/ws/org/{'0' * 24}?token=bad", open_timeout=10) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    # an upgrade the app answers without upgrading (no such path): a plain JSON error, and a
    # connection kept alive by that answer is served again
    conn = Conn(port)
    try:
        conn.sock.sendall(
            b"GET /api/v1/ws/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        status, headers, body = _read_response(conn.stream)
        assert 400 <= status < 500 and b"detail" in body, (status, body)
        if headers.get("connection", "").lower() != "close":
            assert conn.get()[0] == 200
    finally:
        conn.close()


def _connections_per_process(server_pid: int, port: int) -> list[int]:
    """Established connections on `port` held by each child process of the server (from /proc)."""
    inodes = set()
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        cols = row.split()
        if int(cols[1].split(":")[1], 16) == port and cols[3] == "01":  # local port, ESTABLISHED
            inodes.add(cols[9])
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    counts = []
    for child in children:
        held = 0
        for fd in Path(f"/proc/{child}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
        counts.append(held)
    return sorted(counts)


def _wait_until_both_processes_serve(server_pid: int, port: int, timeout: float = 60.0) -> None:
    """/health answers as soon as one process is up; on a busy machine the other may still be
    importing, and until it joins the board the first rightly takes every connection."""
    deadline = time.monotonic() + timeout
    while True:
        probes = [Conn(port) for _ in range(4)]
        try:
            for conn in probes:
                assert conn.get()[0] == 200
            counts = _connections_per_process(server_pid, port)
        finally:
            for conn in probes:
                conn.close()
        if len(counts) == 2 and counts[0] >= 1:
            return
        assert time.monotonic() < deadline, f"the second server process never took a connection: {counts}"
        time.sleep(0.5)


def test_two_processes_share_connections_evenly(two_process_server):
    proc, port, _ = two_process_server
    _wait_until_both_processes_serve(proc.pid, port)
    conns = [Conn(port) for _ in range(16)]
    try:
        barrier = threading.Barrier(len(conns))

        def call(conn: Conn) -> None:
            barrier.wait()
            assert conn.get()[0] == 200

        threads = [threading.Thread(target=call, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        counts = _connections_per_process(proc.pid, port)
        assert sum(counts) == 16 and len(counts) == 2, counts
        assert counts[0] >= 6, counts  # not 16/0 or 14/2: each process has its share
    finally:
        for conn in conns:
            conn.close()
