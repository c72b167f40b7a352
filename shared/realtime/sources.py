"""Where a process's hub gets its events.

- Local backend: `SqliteTailSource`, one thread per process tailing the SQLite event log
  (shared.events.sqlite_events.SqliteEvents) that every process of the data folder writes.
  Several service processes on one data folder therefore all see every event.
- GCP backend: `PubSubSource`, a subscription of this instance's own on the events topic
  (created at start, deleted at stop, expiring by itself if the instance dies), so every
  instance receives every event whichever function published it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from typing import Any

from shared.events.sqlite_events import SqliteEvents
from shared.realtime.protocol import poll_seconds

log = logging.getLogger("avp.realtime")
OnEvent = Callable[[dict], object]


def source_for(cfg, on_event: OnEvent):
    if cfg.backend == "local":
        return SqliteTailSource(SqliteEvents.from_settings(cfg), on_event, poll_seconds())
    return PubSubSource(cfg, on_event)


class SqliteTailSource:
    """Reads new events from the event log every `interval` seconds, in one thread."""

    BATCH = 500

    def __init__(self, events, on_event: OnEvent, interval: float = 0.02):
        self.events = events
        self.on_event = on_event
        self.interval = interval
        self.seq = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        # Start after what exists now: connections send current state from the documents.
        self.seq = self.events.last_seq()
        self._thread = threading.Thread(target=self._run, name="avp-ws-event-tail", daemon=True)
        self._thread.start()

    def poll(self) -> int:
        """Deliver what is new; returns how many events were read."""
        batch = self.events.read_after(self.seq, limit=self.BATCH)
        for seq, event in batch:
            self.seq = seq
            try:
                self.on_event(event)
            except Exception:
                log.exception("event dispatch failed", extra={"fields": {"seq": seq}})
        return len(batch)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                read = self.poll()
                failures = 0
            except Exception:  # e.g. "database is locked" under heavy writes: retry shortly
                failures += 1
                if failures in (1, 10) or failures % 100 == 0:
                    log.exception("reading the event log failed", extra={"fields": {"failures": failures}})
                read = 0
            if read < self.BATCH:
                self._stop.wait(self.interval * (1 if failures == 0 else min(50, 2 ** min(failures, 6))))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def instance_name() -> str:
    """A name unique to this instance (Cloud Run revision + random), for its subscription."""
    base = os.environ.get("AVP_WS_INSTANCE") or os.environ.get("K_REVISION") or "ws"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in base.lower())[:60]
    return f"{safe}-{secrets.token_hex(4)}"


class PubSubSource:
    """A per-instance Pub/Sub subscription on the events topic, pulled by a streaming pull."""

    def __init__(self, cfg, on_event: OnEvent):
        self.cfg = cfg
        self.on_event = on_event
        self.subscription: str | None = None
        self._client: Any = None  # pubsub_v1.SubscriberClient, built on start
        self._future = None

    def start(self) -> None:
        from google.cloud import pubsub_v1  # type: ignore[attr-defined]  # namespace package, no stubs

        project = self.cfg.gcp_project
        if not project:
            raise RuntimeError("GOOGLE_CLOUD_PROJECT (or AVP_GCP_PROJECT) must be set for Pub/Sub events")
        client = pubsub_v1.SubscriberClient()
        topic = f"projects/{project}/topics/{self.cfg.events_topic}"
        name = f"projects/{project}/subscriptions/{self.cfg.events_topic}-ws-{instance_name()}"
        client.create_subscription(
            request={
                "name": name,
                "topic": topic,
                "ack_deadline_seconds": 10,
                # An instance killed without cleanup leaves a subscription nobody pulls: it expires
                # after a day (the minimum Pub/Sub allows) and keeps at most ten minutes of events.
                "expiration_policy": {"ttl": {"seconds": 24 * 3600}},
                "message_retention_duration": {"seconds": 600},
            }
        )
        self._client, self.subscription = client, name
        from concurrent.futures import ThreadPoolExecutor

        from google.cloud.pubsub_v1.subscriber.scheduler import ThreadScheduler

        flow = pubsub_v1.types.FlowControl(max_messages=1000)
        # One dispatch thread, like the local tailer: the hub's fan-out is the work, and one
        # thread keeps the arrival order Pub/Sub happened to deliver.
        scheduler = ThreadScheduler(executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="avp-ws-pubsub"))
        self._future = client.subscribe(name, callback=self._on_message, flow_control=flow, scheduler=scheduler)
        log.info("subscribed to events", extra={"fields": {"subscription": name}})

    def _on_message(self, message) -> None:
        try:
            event = json.loads(message.data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            log.warning("dropping a malformed event message", extra={"fields": {"message_id": message.message_id}})
            message.ack()
            return
        try:
            if isinstance(event, dict):
                self.on_event(event)
        finally:
            # Acked even if dispatch failed: a redelivery would reach the same broken state, and
            # clients resynchronise from current state on reconnect.
            message.ack()

    def stop(self) -> None:
        future, self._future = self._future, None
        if future is not None:
            future.cancel()
            try:
                future.result(timeout=5)
            except Exception:  # cancelled futures raise; nothing to report
                pass
        client = self._client
        if client is not None and self.subscription:
            try:
                client.delete_subscription(request={"subscription": self.subscription})
            except Exception:
                log.warning(
                    "could not delete the instance subscription", extra={"fields": {"subscription": self.subscription}}
                )
            client.close()
        self._client = None
