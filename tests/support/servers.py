"""Servers that tests run on a thread beside them: start, stop, and a WSGI app on a free port.

`serve_forever` checks for shutdown every POLL_SECONDS; at the standard library's 0.5 s every
test that stopped a server waited ~0.5 s in its teardown.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

POLL_SECONDS = 0.05


def start(server: socketserver.BaseServer, name: str) -> threading.Thread:
    """Serve on a daemon thread (it dies with the test process if a test never stops it)."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, name=name)
    thread.daemon = True
    thread.start()
    return thread


def stop(server: socketserver.BaseServer) -> None:
    server.shutdown()
    server.server_close()


@contextmanager
def wsgi(app) -> Iterator[str]:
    """`app` served by werkzeug's threaded server on 127.0.0.1 and a free port: "127.0.0.1:<port>"."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    start(server, "wsgi-app")
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        stop(server)
