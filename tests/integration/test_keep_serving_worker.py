"""The local server's gunicorn worker (shared.local.gunicorn_worker, decision 1220) on the real
server: back-to-back and pipelined requests on one kept-alive connection are answered in order,
a connection left quiet goes back to the poller without holding a thread (a pool of two threads
still serves a fourth connection while three sit idle), an idle connection answers again, and a
WebSocket on the same server ends without errors and gives its thread back."""

from __future__ import annotations

import socket
import sys
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from shared.local.gunicorn_worker import STAY_SECONDS
from tests.support.platform_process import platform_env, start, stop, wait_healthy

pytestmark = pytest.mark.slow  # a real server per test


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()


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

    def get(self, path: str = "/health") -> tuple[int, dict[str, str], bytes]:
        self.sock.sendall(_request(path))
        return _read_response(self.stream)

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


@pytest.fixture()
def server(tmp_path):
    env = platform_env(
        tmp_path / "data", "admin@example.com", "Admin-Password-123", AVP_HTTP_WORKERS=1, AVP_HTTP_THREADS=2
    )
    port = int(env["AVP_PORT"])
    log = tmp_path / "server.log"
    proc = start([sys.executable, "-m", "shared.local.serve"], env, log)
    try:
        wait_healthy(proc, f"http://127.0.0.1:{port}", log)
        yield port, log
    finally:
        assert stop(proc) == 0, log.read_text()[-2000:]
    assert "Traceback" not in log.read_text(), log.read_text()[-4000:]


def test_back_to_back_and_pipelined_requests_on_one_connection(server):
    port, _ = server
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
        # quiet for longer than a thread waits: the poller hands it back and it still answers
        time.sleep(STAY_SECONDS * 4)
        assert conn.get("/health")[0] == 200
    finally:
        conn.close()


def test_quiet_connections_hold_no_thread(server):
    port, _ = server
    idle = [Conn(port) for _ in range(3)]  # more kept-alive connections than the pool's 2 threads
    try:
        for conn in idle:
            assert conn.get()[0] == 200
        time.sleep(STAY_SECONDS * 4)
        fresh = Conn(port)
        started = time.monotonic()
        assert fresh.get()[0] == 200
        assert time.monotonic() - started < 3  # not behind an idle connection's 5 s keep-alive
        fresh.close()
        for conn in idle:
            assert conn.get()[0] == 200
        idle[0].close()  # a client that goes away while its thread waits for it
        time.sleep(STAY_SECONDS / 2)
        assert idle[1].get()[0] == 200
    finally:
        for conn in idle:
            conn.close()


def test_websocket_upgrade_ends_cleanly_and_frees_its_thread(server):
    port, _ = server
    for _ in range(3):  # more sockets than the pool's 2 threads, one after another
        with connect(f"ws://127.0.0.1:{port}/api/v1/ws/org/{'0' * 24}?token=bad", open_timeout=10) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    conn = Conn(port)
    try:
        assert conn.get()[0] == 200
    finally:
        conn.close()
