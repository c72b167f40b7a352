"""A real HTTP server on 127.0.0.1 that receives webhook deliveries for tests: it records every
request (headers and raw body) and answers 500 to the first `fail_first` of them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support import servers


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class WebhookReceiver:
    fail_first: int = 0
    status_after: int = 204
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self):
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._cond:
                    receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    failing = len(receiver.requests) <= receiver.fail_first
                    receiver._cond.notify_all()
                self.send_response(500 if failing else receiver.status_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self) -> WebhookReceiver:
        servers.start(self.server, "webhook-receiver")
        return self

    def __exit__(self, *exc) -> None:
        servers.stop(self.server)

    def wait_for(self, predicate, timeout: float = 30.0) -> list[Received]:
        """Wait until `predicate(requests)` is true; returns the requests."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(list(self.requests)), timeout):
                raise AssertionError(f"webhook receiver: condition not met in {timeout} s; got {len(self.requests)}")
            return list(self.requests)
