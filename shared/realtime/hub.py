"""The per-process fan-out hub. One event source (a tailer thread locally, a Pub/Sub streaming
pull in GCP) calls `Hub.dispatch` once per event; the hub builds the client message and its
WebSocket frame once and hands the frame to every subscriber of the event's channels
(`job:<id>`, `org:<id>`). A subscriber writes it to its socket at once when that cannot block,
or queues it for the connection's own thread (docs/decisions/0501-websocket-serving.md). No
connection ever reads the event store itself."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from shared.bootstrap import platform
from shared.config import settings
from shared.domain.jobs import JobDocument
from shared.persistence.job_store import JobStore
from shared.realtime import protocol as P
from shared.realtime.access import Refused
from shared.realtime.sources import source_for

log = logging.getLogger("avp.realtime")


def job_channel(job_id: str) -> str:
    return f"job:{job_id}"


def org_channel(org_id: str) -> str:
    return f"org:{org_id}"


class JobLookup:
    """Job documents read at most once per dispatched event, shared by that event's filters."""

    def __init__(self):
        self._jobs: dict[str, JobDocument | None] = {}

    def job(self, job_id: str) -> JobDocument | None:
        if job_id not in self._jobs:
            self._jobs[job_id] = JobStore(platform().documents).get(job_id)
        return self._jobs[job_id]


# accept(event, lookup) -> bool: per-subscriber filter (e.g. a linguist's assigned jobs only).
Accept = Callable[[dict, JobLookup], bool]


class Sink(Protocol):
    """The socket side of a subscriber (see shared.realtime.flask_ws.FrameSocket)."""

    def try_write(self, frame: bytes) -> int:
        """Write without blocking: WRITTEN, PARTIAL (the sink keeps the rest; call flush from
        the connection's thread) or NOT_WRITTEN (queue it)."""


NOT_WRITTEN, WRITTEN, PARTIAL = 0, 1, 2


class Stale:
    """Drops a status update older than one already sent for that job (events may be seen
    after the current state they led to, and Pub/Sub does not keep order)."""

    __slots__ = ("last",)

    def __init__(self):
        self.last: dict[str, tuple[str, str | None]] = {}

    def check(self, msg: dict) -> bool:
        """True if `msg` is stale; otherwise records it and returns False."""
        if msg.get("type") != P.JOB_STATUS_UPDATE or not msg.get("updated_at"):
            return False
        at, status = msg["updated_at"], msg.get("status")
        prev = self.last.get(msg["job_id"])
        if prev is not None and (at < prev[0] or (at == prev[0] and status == prev[1])):
            return True
        if len(self.last) > 10_000:
            self.last.clear()
        self.last[msg["job_id"]] = (at, status)
        return False


class Subscriber:
    """One connection's delivery state. The hub writes a message's pre-built frame straight to
    the socket when it can do so without blocking and nothing is queued before it; otherwise
    it queues the frame and wakes the connection's thread, which writes it (blocking). So the
    common case costs one non-blocking send per connection and no thread switch, a slow client
    only delays itself, and order is kept."""

    __slots__ = (
        "channel",
        "accept",
        "limit",
        "overflowed",
        "sink",
        "stale",
        "_cond",
        "_items",
        "_woken",
        "_busy",
        "_flush",
    )

    def __init__(self, channel: str, accept: Accept | None = None, limit: int = 2000):
        self.channel = channel
        self.accept = accept
        self.limit = limit
        self.overflowed = False
        self.sink: Sink | None = None
        self.stale = Stale()
        self._cond = threading.Condition(threading.Lock())
        self._items: deque = deque()
        self._woken = False
        self._busy = False  # the connection's thread is writing frames it took
        self._flush = False  # the sink holds the rest of a partly written frame

    def prime(self, current: list[dict]) -> list[dict]:
        """Seed the stale filter with the current state about to be sent, and drop queued
        updates older than it. Returns the messages of `current` to send (in order)."""
        with self._cond:
            self.stale = Stale()
            fresh = [m for m in current if not self.stale.check(m)]
            kept = [(m, f) for m, f in self._items if not self.stale.check(m)]
            self._items.clear()
            self._items.extend(kept)
            return fresh

    def attach(self, sink: Sink) -> None:
        """From now on the hub may write to `sink` directly (after anything queued)."""
        with self._cond:
            self.sink = sink

    def push(self, msg: dict, frame: bytes) -> bool:
        """Deliver one message; True if it was written directly, False if queued or dropped."""
        with self._cond:
            if self.stale.check(msg):
                return False
            sink = self.sink
            if sink is not None and not self._items and not self._busy and not self._flush:
                try:
                    outcome = sink.try_write(frame)
                except OSError:  # the peer is gone: let the connection's thread find out
                    outcome = NOT_WRITTEN
                    self.sink = None
                if outcome == WRITTEN:
                    return True
                if outcome == PARTIAL:
                    self._flush = True
                    self._cond.notify()
                    return True
            if len(self._items) >= self.limit:
                self.overflowed = True
            else:
                self._items.append((msg, frame))
            self._cond.notify()
            return False

    def wake(self) -> None:
        """Make a pending `take` return now (the socket has news: input, or it closed)."""
        with self._cond:
            self._woken = True
            self._cond.notify()

    def take(self, timeout: float) -> tuple[bool, list[bytes]]:
        """(flush needed, frames to write); waits up to `timeout` s while there is nothing.
        While it returns frames the hub queues behind them; an empty answer ends that."""
        with self._cond:
            self._busy = False  # called again: the frames it returned before are written
            if not self._items and not self._woken and not self._flush:
                self._cond.wait(max(0.0, timeout))
            flush, items = self._flush, [f for _, f in self._items]
            self._items.clear()
            self._woken = self._flush = False
            self._busy = bool(items) or flush
            return flush, items

    def pending(self) -> int:
        with self._cond:
            return len(self._items)


class Hub:
    """Subscribers by channel, and the event source that feeds them."""

    def __init__(self, source_factory: Callable[[Callable[[dict], object]], Any] | None = None):
        self._lock = threading.Lock()
        # Copy-on-write tuples: dispatch reads them without taking the lock.
        self._channels: dict[str, tuple[Subscriber, ...]] = {}
        self._source_factory = source_factory
        self._source: Any = None
        self.closing = False
        self.events_dispatched = 0
        self.messages_delivered = 0
        self.messages_direct = 0  # written by the hub without waking the connection's thread
        self._connections = 0
        self._per_user: dict[str, int] = {}

    # -- subscribers -------------------------------------------------------------------------
    def subscribe(self, sub: Subscriber) -> None:
        self.start()
        with self._lock:
            self._channels[sub.channel] = self._channels.get(sub.channel, ()) + (sub,)

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            remaining = tuple(s for s in self._channels.get(sub.channel, ()) if s is not sub)
            if remaining:
                self._channels[sub.channel] = remaining
            else:
                self._channels.pop(sub.channel, None)

    # -- admission (decision 0903): caps per user and per process ----------------------------
    def admit(self, user_id: str) -> bool:
        """Count one connection of `user_id`; Refused(1013) beyond the per-user or total cap."""
        with self._lock:
            if self._connections >= P.max_connections():
                raise Refused(P.TRY_AGAIN_LATER, "This server holds too many connections; retry later")
            if self._per_user.get(user_id, 0) >= P.max_per_user():
                raise Refused(P.TRY_AGAIN_LATER, "You hold too many connections; close some and retry")
            self._connections += 1
            self._per_user[user_id] = self._per_user.get(user_id, 0) + 1
        return True

    def release(self, user_id: str) -> None:
        with self._lock:
            self._connections = max(0, self._connections - 1)
            left = self._per_user.get(user_id, 0) - 1
            if left > 0:
                self._per_user[user_id] = left
            else:
                self._per_user.pop(user_id, None)

    def connection_count(self) -> int:
        return self._connections

    def subscriber_count(self) -> int:
        return sum(len(subs) for subs in self._channels.values())

    # -- events ------------------------------------------------------------------------------
    def dispatch(self, event: dict) -> int:
        """Queue one event for every subscriber of its channels; returns how many got it."""
        msg = P.event_message(event)
        if msg is None:
            return 0
        self.events_dispatched += 1
        frame = P.text_frame(P.dumps(msg))
        channels = [job_channel(msg["job_id"])]
        if msg.get("org_id"):
            channels.append(org_channel(msg["org_id"]))
        lookup = JobLookup()
        count = direct = 0
        for channel in channels:
            for sub in self._channels.get(channel, ()):
                if sub.accept is not None:
                    try:
                        if not sub.accept(event, lookup):
                            continue
                    except Exception:  # a failing filter must not stop the fan-out
                        log.exception("subscriber filter failed")
                        continue
                direct += sub.push(msg, frame)
                count += 1
        self.messages_delivered += count
        self.messages_direct += direct
        return count

    # -- source lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        """Start the event source once; returns when it is receiving (so a caller that then
        reads current state cannot miss a change made after that read)."""
        if self._source is not None or self._source_factory is None:
            return
        with self._lock:
            if self._source is None:
                source = self._source_factory(self.dispatch)
                source.start()
                self._source = source

    def shutdown(self) -> None:
        """The instance is stopping: every session closes with 1001 (going away) and the
        event source stops."""
        self.closing = True
        for subs in list(self._channels.values()):
            for sub in subs:
                sub.wake()
        self.stop()

    def stop(self) -> None:
        with self._lock:
            source, self._source = self._source, None
        if source is not None:
            source.stop()


_hub: Hub | None = None
_hub_settings = None
_hub_lock = threading.Lock()


def hub() -> Hub:
    """The process-wide hub for the current settings (fed by the backend's event source)."""
    global _hub, _hub_settings
    cfg = settings()
    with _hub_lock:
        if _hub is None or _hub_settings is not cfg:
            old = _hub
            _hub = Hub(lambda on_event: source_for(cfg, on_event))
            _hub_settings = cfg
            if old is not None:
                old.stop()
        return _hub


def reset() -> None:
    """Stop the process hub (tests; shutdown)."""
    global _hub, _hub_settings
    with _hub_lock:
        old, _hub, _hub_settings = _hub, None, None
    if old is not None:
        old.stop()


def close_on_signals(signals: tuple[str, ...] = ("SIGTERM", "SIGINT", "SIGQUIT")) -> None:
    """When the server process is told to stop, close every WebSocket with 1001 (going away)
    before the server's own handler runs, so clients reconnect at once instead of waiting for
    a dead socket. Call from the process's main thread (gunicorn: post_worker_init)."""
    import signal

    for name in signals:
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        previous = signal.getsignal(signum)

        def handler(sig, frame, previous=previous):
            h = _hub
            if h is not None:
                h.shutdown()
            if callable(previous):
                previous(sig, frame)

        signal.signal(signum, handler)
