"""The local server's gunicorn worker: gunicorn's threaded worker, except that the thread that
answered a request on a kept-alive connection goes on serving that connection while its client
sends the next request within `STAY_SECONDS` (decision 1220).

gunicorn's own threaded worker hands every kept-alive connection back to its main thread after
each response: the main thread puts the socket on its poller, waits for it, takes it off and
submits it to the thread pool again. That is five hand-offs per request through the main thread,
which has to win the GIL from the request threads each time, so under load requests queue behind
it (the latency tail) and each costs more CPU. A client that calls again at once (an API client,
the console loading a screen) is now answered by the same thread without a hand-off; a
connection that stays quiet longer goes back to the poller as before, so idle connections hold
no thread."""

from __future__ import annotations

import select

from gunicorn.workers.gthread import ThreadWorker

# How long a thread waits on its connection for the next request before handing it back to the
# poller: long enough for a client's back-to-back calls, short enough that idle keep-alive
# connections do not hold threads.
STAY_SECONDS = 0.25


class KeepServingThreadWorker(ThreadWorker):
    def handle(self, conn):
        keep = super().handle(conn)
        while keep is True and self.alive and not conn.is_http2:
            buffered = conn.parser is not None and conn.parser.unreader.buf.getvalue()
            if not buffered and not _readable(conn.sock, STAY_SECONDS):
                break  # quiet: back to the poller (gunicorn's finish_request)
            keep = super().handle(conn)
        return keep


def _readable(sock, timeout: float) -> bool:
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    except (OSError, ValueError):
        return False
