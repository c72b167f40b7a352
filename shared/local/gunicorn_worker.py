"""The local server's gunicorn worker (decisions 1220 and 1221): gunicorn's threaded worker with
a small request pool, long-lived requests (WebSockets, local file transfers) on threads of their
own, and connections shared out evenly between the server processes.

- Requests: a connection with a request waiting is queued (first in, first out) for a pool of
  `threads` threads, two per process by default. With one thread per busy connection (the
  previous design) every busy connection's thread competed for the GIL and Python hands it to
  no thread in particular, so some requests waited behind many others: the latency tail. Two
  threads keep one running Python while the other waits on SQLite or the socket.
- WebSockets live as long as their client, and an upload or download of a video through a local
  signed URL (`/_files/`) as long as the client's network needs: the pool thread that parsed
  such a request hands the connection to a new thread and goes back to the queue, so they never
  take the request pool's threads. When that thread is done the connection is closed, or goes
  back to the poller if the answer kept it alive (a refused upgrade, a finished transfer).
- Sharing: the processes accept from one listening socket, and the first to wake takes the
  connection, so a busy moment could leave one process with 30 of 32 connections and the other
  with 2 (measured). Each process publishes its open connections on a board shared by all
  processes (`LoadBoard`); a process with more than the least loaded one leaves a waiting
  connection to it, and takes it anyway after `MAX_DEFER_SECONDS` in case that process is
  stuck."""

from __future__ import annotations

import ctypes
import mmap
import multiprocessing
import os
import threading
import time
from concurrent import futures

from gunicorn import http
from gunicorn.workers.gthread import ThreadWorker

from shared.processes import pid_alive
from shared.storage.local_files import URL_PREFIX

# Longest a process leaves a waiting connection to a less loaded process before it accepts it
# itself, and how long it looks away from the listening socket each time it leaves one.
MAX_DEFER_SECONDS = 0.02
BACKOFF_SECONDS = 0.001

_DETACHED = object()  # handle(): the connection now belongs to a thread of its own


class LoadBoard:
    """Open connections of each server process, in memory shared across fork: one slot per
    process (its pid and its count), each written only by its owner. Created in the master
    before the workers fork."""

    SLOTS = 64

    def __init__(self) -> None:
        self._mem = mmap.mmap(-1, self.SLOTS * 16)  # anonymous and shared: forked children see one copy
        self._pids = (ctypes.c_int64 * self.SLOTS).from_buffer(self._mem)
        self._counts = (ctypes.c_int64 * self.SLOTS).from_buffer(self._mem, self.SLOTS * 8)
        self._lock = multiprocessing.Lock()

    def claim(self, pid: int) -> int:
        """A free slot (never used, or left by a process that is gone) for `pid`, or -1."""
        with self._lock:
            for i in range(self.SLOTS):
                owner = self._pids[i]
                if owner == 0 or owner == pid or not pid_alive(owner):
                    self._pids[i] = pid
                    self._counts[i] = 0
                    return i
        return -1

    def release(self, slot: int) -> None:
        with self._lock:
            self._pids[slot] = 0
            self._counts[slot] = 0

    def publish(self, slot: int, count: int) -> None:
        self._counts[slot] = count

    def least_other(self, slot: int) -> int | None:
        """The fewest open connections among the other live processes, None if there is none (a
        process killed without releasing its slot does not count)."""
        counts = [
            self._counts[i] for i in range(self.SLOTS) if i != slot and self._pids[i] and pid_alive(self._pids[i])
        ]
        return min(counts) if counts else None


class FairThreadWorker(ThreadWorker):
    board: LoadBoard | None = None  # set by `share_connections` in the master, before the fork

    @classmethod
    def share_connections(cls) -> None:
        cls.board = LoadBoard()

    def __init__(self, *args, **kwargs):
        self._slot = -1
        self._conns = 0
        self._backoff_until = 0.0
        self._deferring_since: float | None = None
        self._last_deferral = 0.0
        super().__init__(*args, **kwargs)

    # gunicorn keeps the open connection count in `nr_conns`; every change is published
    @property
    def nr_conns(self) -> int:
        return self._conns

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        self._conns = value
        if self.board is not None and self._slot >= 0:
            self.board.publish(self._slot, value)

    def init_process(self):
        if self.board is not None:
            self._slot = self.board.claim(os.getpid())
        super().init_process()

    def run(self):
        try:
            super().run()
        finally:
            if self.board is not None and self._slot >= 0:
                self.board.release(self._slot)
                self._slot = -1

    # --- sharing connections between the processes -------------------------------------------

    def _over_share(self) -> bool:
        if self.board is None or self._slot < 0:
            return False
        least = self.board.least_other(self._slot)
        return least is not None and self._conns > least

    def accept(self, listener):
        now = time.monotonic()
        if self._over_share():
            if self._deferring_since is None or now - self._last_deferral > 4 * BACKOFF_SECONDS:
                self._deferring_since = now  # a new wait (not the same connection seen again)
            self._last_deferral = now
            if now - self._deferring_since < MAX_DEFER_SECONDS:
                self._backoff_until = now + BACKOFF_SECONDS  # look away; a less loaded process takes it
                return
        self._deferring_since = None
        super().accept(listener)

    def wait_for_and_dispatch_events(self, timeout):
        wait = self._backoff_until - time.monotonic()
        if wait > 0:
            if self._accepting:
                self.set_accept_enabled(False)
            timeout = min(timeout, wait)
        elif not self._accepting and self.alive and self._conns < self.worker_connections:
            self.set_accept_enabled(True)
        super().wait_for_and_dispatch_events(timeout)

    # --- long-lived requests on threads of their own ---

    def handle_request(self, req, conn):
        if _long_lived(req):
            thread = threading.Thread(
                target=self._serve_detached, args=(req, conn), name="avp-long-request", daemon=True
            )
            thread.start()
            return _DETACHED
        return super().handle_request(req, conn)

    def _keepalive_after(self, conn, keepalive):
        if keepalive is _DETACHED:
            return _DETACHED
        return super()._keepalive_after(conn, keepalive)

    def finish_request(self, conn, fs):
        if not fs.cancelled() and fs.exception() is None and fs.result() is _DETACHED:
            return  # the request's own thread hands the connection back when it ends
        super().finish_request(conn, fs)

    def _serve_detached(self, req, conn) -> None:
        """Runs the request (for a WebSocket, its whole life) on this thread, then gives the
        connection back to the main thread as gunicorn's pool threads do: closed, or kept alive
        if the answer allows it."""
        keep = False
        try:
            keep = self._keepalive_after(conn, super().handle_request(req, conn))
        except (StopIteration, http.errors.NoMoreData, OSError):
            keep = False  # the socket ended (flask-sock ends a finished WebSocket this way)
        except Exception as exc:  # noqa: BLE001 - answered as gunicorn answers a failed request
            self.handle_error(req, conn.sock, conn.client, exc)
        done: futures.Future = futures.Future()
        done.set_result(bool(keep))
        self.method_queue.defer(self.finish_request, conn, done)


def _long_lived(req) -> bool:
    """A WebSocket upgrade, or a transfer of a local signed-URL file (an upload or a download
    of a video takes as long as the client's network): served on a thread of its own."""
    if req.path.startswith(URL_PREFIX):
        return True
    return any(name == "UPGRADE" and "websocket" in value.lower() for name, value in req.headers)
