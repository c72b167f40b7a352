"""The fan-out hub, the subscriber's direct-or-queued delivery and the wire helpers, with
fake sinks (no sockets)."""

from __future__ import annotations

import json
import threading

import pytest

from shared.realtime import protocol as P
from shared.realtime.hub import NOT_WRITTEN, PARTIAL, WRITTEN, Hub, Stale, Subscriber, job_channel, org_channel


class FakeSink:
    """Accepts frames until told to refuse (a full socket), records what it wrote."""

    def __init__(self, outcome=WRITTEN):
        self.outcome = outcome
        self.frames: list[bytes] = []

    def try_write(self, frame: bytes) -> int:
        if self.outcome in (WRITTEN, PARTIAL):
            self.frames.append(frame)
        return self.outcome


def status(job_id="j1", org_id="o1", st="TRANSLATING", at="2026-01-01T00:00:01.000000Z", **extra):
    return {"type": "job_status_update", "job_id": job_id, "org_id": org_id, "status": st, "updated_at": at, **extra}


def decode(frame: bytes) -> dict:
    """Parse one server frame with wsproto acting as the client."""
    from wsproto import ConnectionType
    from wsproto.connection import Connection
    from wsproto.events import TextMessage

    client = Connection(ConnectionType.CLIENT)
    client.receive_data(frame)
    events = list(client.events())
    assert len(events) == 1 and isinstance(events[0], TextMessage) and events[0].message_finished
    return json.loads(events[0].data)


@pytest.mark.parametrize("size", [10, 125, 126, 5000, 65535, 65536, 200_000])
def test_text_frame_is_a_valid_unmasked_server_frame(size):
    text = json.dumps({"type": "notification", "message": "é" * (size // 2)})
    frame = P.text_frame(text)
    assert frame[0] == 0x81 and not frame[1] & 0x80  # FIN + text, not masked
    assert decode(frame) == json.loads(text)


def test_event_message_keeps_only_client_fields():
    ev = status(internal_path="gs://bucket/x", attempts=3)
    assert P.event_message(ev) == status()
    note = {
        "type": "notification",
        "kind": "feedback",
        "job_id": "j",
        "org_id": "o",
        "status": "SOURCE_QC",
        "updated_at": "t",
        "message": "m",
        "lang": "es",
        "secret": 1,
    }
    msg = P.event_message(note)
    assert msg["kind"] == "feedback" and msg["lang"] == "es" and "secret" not in msg
    assert P.event_message({"type": "task_leased", "job_id": "j"}) is None
    assert P.event_message({"type": "job_status_update"}) is None


def test_stale_filter_drops_older_and_duplicate_updates_only():
    s = Stale()
    assert not s.check(status(at="2026-01-01T00:00:02.000000Z", st="B"))
    assert s.check(status(at="2026-01-01T00:00:01.000000Z", st="A"))  # older
    assert s.check(status(at="2026-01-01T00:00:02.000000Z", st="B"))  # duplicate
    assert not s.check(status(at="2026-01-01T00:00:03.000000Z", st="C"))
    assert not s.check(status(job_id="j2", at="2026-01-01T00:00:00.000000Z"))  # another job
    assert not s.check({"type": "notification", "job_id": "j1", "updated_at": "2000"})  # notifications pass


def test_subscriber_writes_directly_while_the_socket_takes_frames():
    sink = FakeSink()
    sub = Subscriber("org:o1")
    sub.attach(sink)
    assert sub.push(status(at="a1"), b"f1") is True
    assert sub.push(status(at="a2"), b"f2") is True
    assert sink.frames == [b"f1", b"f2"]
    assert sub.take(0) == (False, [])


def test_subscriber_queues_in_order_once_the_socket_is_full():
    sink = FakeSink(NOT_WRITTEN)
    sub = Subscriber("org:o1")
    sub.attach(sink)
    assert sub.push(status(at="a1"), b"f1") is False
    sink.outcome = WRITTEN  # room again, but f1 is still queued: f2 must queue behind it
    assert sub.push(status(at="a2"), b"f2") is False
    assert sink.frames == []
    assert sub.take(0) == (False, [b"f1", b"f2"])
    # While the connection's thread writes what it took, new frames queue behind them ...
    assert sub.push(status(at="a3"), b"f3") is False
    # ... and once it comes back for more, direct writes resume.
    assert sub.take(0) == (False, [b"f3"])
    assert sub.take(0) == (False, [])
    assert sub.push(status(at="a4"), b"f4") is True
    assert sink.frames == [b"f4"]


def test_partial_write_hands_the_rest_to_the_connection_thread():
    sink = FakeSink(PARTIAL)
    sub = Subscriber("org:o1")
    sub.attach(sink)
    assert sub.push(status(at="a1"), b"f1") is True
    sink.outcome = WRITTEN
    assert sub.push(status(at="a2"), b"f2") is False  # queued until the rest is flushed
    assert sub.take(0) == (True, [b"f2"])


def test_a_sink_that_fails_stops_direct_writes():
    class Broken:
        def try_write(self, frame):
            raise BrokenPipeError()

    sub = Subscriber("org:o1")
    sub.attach(Broken())
    assert sub.push(status(at="a1"), b"f1") is False
    assert sub.sink is None
    assert sub.take(0) == (False, [b"f1"])


def test_overflow_is_flagged_not_grown():
    sub = Subscriber("org:o1", limit=3)
    for i in range(5):
        sub.push(status(at=f"a{i}"), b"f")
    assert sub.overflowed and sub.pending() == 3


def test_prime_drops_queued_updates_older_than_the_current_state():
    sub = Subscriber("job:j1")
    sub.push(status(at="2026-01-01T00:00:01.000000Z", st="A"), b"old")
    sub.push(status(at="2026-01-01T00:00:03.000000Z", st="C"), b"new")
    current = status(at="2026-01-01T00:00:02.000000Z", st="B")
    assert sub.prime([current]) == [current]
    assert sub.take(0) == (False, [b"new"])


def test_take_waits_until_woken():
    sub = Subscriber("org:o1")
    threading.Timer(0.05, sub.wake).start()
    assert sub.take(5) == (False, [])


def test_hub_routes_by_job_and_org_channel_and_applies_filters():
    hub = Hub()
    on_job, on_org, other_org = FakeSink(), FakeSink(), FakeSink()
    filtered = FakeSink()
    subs = [
        Subscriber(job_channel("j1")),
        Subscriber(org_channel("o1")),
        Subscriber(org_channel("o2")),
        Subscriber(org_channel("o1"), accept=lambda ev, lookup: ev["job_id"] == "j2"),
    ]
    for sub, sink in zip(subs, (on_job, on_org, other_org, filtered)):
        sub.attach(sink)
        hub.subscribe(sub)
    assert hub.dispatch(status(job_id="j1", org_id="o1", at="t1")) == 2
    assert hub.dispatch(status(job_id="j2", org_id="o1", at="t2")) == 2
    assert hub.dispatch({"type": "internal", "job_id": "j1", "org_id": "o1"}) == 0
    assert [decode(f)["job_id"] for f in on_job.frames] == ["j1"]
    assert [decode(f)["job_id"] for f in on_org.frames] == ["j1", "j2"]
    assert [decode(f)["job_id"] for f in filtered.frames] == ["j2"]
    assert other_org.frames == []
    assert hub.messages_direct == hub.messages_delivered == 4
    hub.unsubscribe(subs[1])
    hub.dispatch(status(job_id="j1", org_id="o1", at="t3"))
    assert len(on_org.frames) == 2 and hub.subscriber_count() == 3


def test_a_failing_filter_does_not_stop_the_fan_out():
    hub = Hub()
    good = FakeSink()

    def boom(ev, lookup):
        raise RuntimeError("filter bug")

    bad_sub, good_sub = Subscriber(org_channel("o1"), accept=boom), Subscriber(org_channel("o1"))
    bad_sub.attach(FakeSink())
    good_sub.attach(good)
    hub.subscribe(bad_sub)
    hub.subscribe(good_sub)
    assert hub.dispatch(status()) == 1 and len(good.frames) == 1


def test_hub_starts_its_source_once_and_shutdown_wakes_everyone():
    started = []

    class Source:
        def __init__(self, on_event):
            self.on_event = on_event

        def start(self):
            started.append(self)

        def stop(self):
            started.remove(self)

    hub = Hub(Source)
    a, b = Subscriber(org_channel("o1")), Subscriber(job_channel("j1"))
    hub.subscribe(a)
    hub.subscribe(b)
    assert len(started) == 1
    started[0].on_event(status(job_id="j1", org_id="o1"))
    assert a.pending() == b.pending() == 1  # not attached yet: queued
    hub.shutdown()
    assert hub.closing and started == []
