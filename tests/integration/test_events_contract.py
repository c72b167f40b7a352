"""The event contract: SqliteEvents (tailed by sequence number) and PubSubEvents (read through
a subscription on the Pub/Sub emulator) pass the same tests."""

from __future__ import annotations

import json
import time

import pytest

from shared.events.pubsub_events import PubSubEvents
from shared.events.sqlite_events import SqliteEvents
from tests.integration.emulators import gcp_emulators, unique_project  # noqa: F401


class SqliteHarness:
    def __init__(self, tmp_path):
        self.bus = SqliteEvents(tmp_path / "events.sqlite3")
        self.seq = self.bus.last_seq()

    def received(self, count: int, timeout: float = 5.0) -> list[dict]:
        out, deadline = [], time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            for seq, event in self.bus.read_after(self.seq):
                self.seq = seq
                out.append({"event": event, "attributes": None})
            if len(out) < count:
                time.sleep(0.05)
        return out

    def close(self):
        pass


class PubSubHarness:
    def __init__(self):
        from google.cloud import pubsub_v1

        self.bus = PubSubEvents(unique_project(), "job-events")
        self.bus.ensure_topic()
        self.subscriber = pubsub_v1.SubscriberClient()
        self.subscription = f"projects/{self.bus.project}/subscriptions/contract"
        self.subscriber.create_subscription(request={"name": self.subscription, "topic": self.bus.topic_path})

    def received(self, count: int, timeout: float = 10.0) -> list[dict]:
        out, deadline = [], time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            resp = self.subscriber.pull(request={"subscription": self.subscription, "max_messages": 50}, timeout=5)
            if resp.received_messages:
                self.subscriber.acknowledge(
                    request={"subscription": self.subscription, "ack_ids": [m.ack_id for m in resp.received_messages]}
                )
            for m in resp.received_messages:
                out.append({"event": json.loads(m.message.data), "attributes": dict(m.message.attributes)})
        return out

    def close(self):
        self.subscriber.close()


@pytest.fixture(params=["sqlite", pytest.param("pubsub", marks=pytest.mark.emulators)])
def events(request, tmp_path):
    if request.param == "sqlite":
        harness = SqliteHarness(tmp_path)
    else:
        request.getfixturevalue("gcp_emulators")
        harness = PubSubHarness()
    yield harness
    harness.close()


def _status(job_id: str, status: str) -> dict:
    return {
        "type": "job_status_update",
        "job_id": job_id,
        "org_id": "o" * 24,
        "status": status,
        "updated_at": "2026-11-25T10:00:00Z",
    }


def test_published_event_arrives_intact(events):
    event = _status("a" * 24, "TRANSCRIBING")
    events.bus.publish(event)
    got = events.received(1)
    assert [g["event"] for g in got] == [event]
    if got[0]["attributes"] is not None:
        assert got[0]["attributes"] == {"type": "job_status_update", "job_id": "a" * 24, "org_id": "o" * 24}


def test_every_event_arrives(events):
    sent = [_status("b" * 24, s) for s in ("UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC")]
    sent.append(
        {
            "type": "notification",
            "kind": "feedback",
            "job_id": "b" * 24,
            "org_id": None,
            "status": "SOURCE_QC",
            "updated_at": "2026-11-25T10:00:01Z",
            "message": "Check cue 3 — «ñ»",
        }
    )
    for event in sent:
        events.bus.publish(event)
    got = [g["event"] for g in events.received(len(sent))]
    key = lambda e: json.dumps(e, sort_keys=True)  # noqa: E731
    assert sorted(got, key=key) == sorted(sent, key=key)


def test_an_event_needs_a_type(events):
    for bad in ({"job_id": "x"}, {"type": ""}, "not a dict"):
        with pytest.raises(ValueError):
            events.bus.publish(bad)
    assert events.received(1, timeout=0.5) == []
