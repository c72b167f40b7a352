"""The WebSocket routes on a Flask app, carried by flask-sock / simple-websocket. The local
server (localhost:8003) and the Cloud Run service (functions/websocket) both call `register`."""

from __future__ import annotations

import socket
import threading

from flask import Blueprint, Flask, jsonify, request

from shared.realtime import protocol as P
from shared.realtime.hub import NOT_WRITTEN, PARTIAL, WRITTEN
from shared.realtime.hub import hub as process_hub
from shared.realtime.session import Session
from shared.routes import WEBSOCKET_PATHS, werkzeug_rule

# Compression is refused (the handshake never offers permessage-deflate): messages are ~150
# bytes, and a deflate context per connection costs ~300 KB and CPU on every fan-out.
SERVER_OPTIONS = {"max_message_size": 4096}


_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)


class _HookedEvent(threading.Event):
    """simple-websocket sets its event when input arrives or the socket closes; the session
    registers a hook here so it wakes at once instead of at its next timeout."""

    hook = None

    def set(self):
        super().set()
        hook = self.hook
        if hook is not None:
            hook()


class FrameSocket:
    """Stands in for the connection's socket inside simple-websocket so that every write (its
    own: pongs, close frames; the hub's pre-built frames; the session's) goes out whole and
    in one piece, under one lock. The hub's writes never block: a frame the kernel takes only
    partly is finished by the connection's own thread (`flush`) before anything else."""

    def __init__(self, sock):
        self._sock = sock
        self._lock = threading.Lock()
        self._rest = b""
        try:  # small frames, sent at once rather than coalesced (Nagle)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass

    def __getattr__(self, name):  # recv, close, fileno... go to the real socket
        return getattr(self._sock, name)

    def send(self, data) -> int:
        with self._lock:
            if self._rest:
                self._sock.sendall(self._rest)
                self._rest = b""
            self._sock.sendall(data)
        return len(data)

    sendall = send

    def flush(self) -> None:
        with self._lock:
            if self._rest:
                self._sock.sendall(self._rest)
                self._rest = b""

    def try_write(self, frame: bytes) -> int:
        if not self._lock.acquire(blocking=False):
            return NOT_WRITTEN
        try:
            if self._rest:
                return NOT_WRITTEN
            try:
                n = self._sock.send(frame, _DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return NOT_WRITTEN
            if n == len(frame):
                return WRITTEN
            self._rest = frame[n:]
            return PARTIAL
        finally:
            self._lock.release()


class FlaskSockTransport:
    """A simple-websocket server connection as a session Transport."""

    def __init__(self, ws):
        self.ws = ws
        self.sock = FrameSocket(ws.sock)
        ws.sock = self.sock  # simple-websocket looks the attribute up on every use

    @property
    def connected(self) -> bool:
        return self.ws.connected

    def try_write(self, frame: bytes) -> int:
        if not self.ws.connected:
            raise BrokenPipeError("websocket closed")
        return self.sock.try_write(frame)

    def write(self, frame: bytes) -> None:
        if not self.ws.connected:
            raise BrokenPipeError("websocket closed")
        self.sock.send(frame)

    def flush(self) -> None:
        self.sock.flush()

    def close(self, code: int, reason: str) -> None:
        self.ws.close(reason=code, message=reason)
        # Nothing more will be written: half-close now, so the client's TCP close follows its
        # close reply at once, whatever the WSGI server does after the view returns (werkzeug
        # reads the socket until EOF).
        try:
            self.sock.flush()
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def drain(self) -> None:
        buf = self.ws.input_buffer
        while buf:
            buf.pop(0)

    def on_activity(self, callback) -> None:
        event = self.ws.event
        if isinstance(event, _HookedEvent):
            event.hook = callback
            if event.is_set() or not self.ws.connected:
                callback()


def _job(ws, id):  # noqa: A002 - the path parameter is named `id` in the spec
    Session(FlaskSockTransport(ws), "job", id, request.args.to_dict()).run()


def _org(ws, org_id):
    Session(FlaskSockTransport(ws), "org", org_id, request.args.to_dict()).run()


def register(app: Flask) -> None:
    """Add `WS /api/v1/ws/jobs/{id}` and `WS /api/v1/ws/org/{org_id}` to `app`."""
    from flask_sock import Sock

    bp = Blueprint("avp_websocket", __name__)
    sock = Sock()
    job_path, org_path = WEBSOCKET_PATHS
    sock.route(werkzeug_rule(job_path), bp=bp)(_job)
    sock.route(werkzeug_rule(org_path), bp=bp)(_org)

    @bp.before_request
    def _no_compression():
        request.environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        # Full instance: refuse before the upgrade (429), so no thread stays held. A connection
        # that slips past in a race is closed with 1013 by the session's admission.
        if process_hub().connection_count() >= P.max_connections():
            resp = jsonify(detail="This server holds too many WebSocket connections; retry later")
            resp.status_code = 429
            resp.headers["Retry-After"] = "5"
            return resp
        return None

    options = dict(SERVER_OPTIONS, event_class=_HookedEvent)
    app.config["SOCK_SERVER_OPTIONS"] = {**options, **app.config.get("SOCK_SERVER_OPTIONS", {})}
    app.register_blueprint(bp)
