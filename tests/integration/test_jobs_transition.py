"""The compare-and-set job transition and the SQLite event log it publishes to."""

import threading

import pytest

from shared.errors import Conflict
from shared.events.sqlite_events import SqliteEvents
from shared.pipeline.runner import reconcile, run_task
from shared.services import job_events
from shared.services.jobs import transition
from tests.support.jobs import stored_job


def _job(platform, status="SOURCE_QC", outputs=("en", "es")):
    return stored_job(platform, status=status, outputs=outputs, created_by="u1", title="t", options={}, feedback=[])


def test_transition_sets_status_publishes_and_enqueues(platform):
    job_id = _job(platform)
    before = platform.events.last_seq()
    job = transition(job_id, "SOURCE_QC", "TRANSLATING", note="x")
    assert job["status"] == "TRANSLATING" and job["note"] == "x"
    assert job["step_attempts"] == {"translate": 1} and job["progress"] == {"step": "translate", "percent": 0}
    events = platform.events.read_after(before)
    assert [e["type"] for _, e in events] == ["job_status_update"]
    ev = events[0][1]
    assert ev == {
        "type": "job_status_update",
        "job_id": job_id,
        "org_id": "org1",
        "status": "TRANSLATING",
        "updated_at": job["updated_at"],
    }
    assert platform.tasks.tasks_for(job_id) == [
        {"name": f"{job_id}-translate-1", "step": "translate", "attempt": 1, "state": "pending", "deliveries": 0}
    ]


def test_transition_conflict_names_current_status(platform):
    job_id = _job(platform, status="TRANSCRIBING")
    with pytest.raises(Conflict) as exc:
        transition(job_id, "LANGUAGE_QC", "TTS_GENERATING")
    assert "TRANSCRIBING" in exc.value.detail


def test_racing_transitions_happen_exactly_once(platform):
    job_id = _job(platform, status="LANGUAGE_QC")
    before = platform.events.last_seq()
    wins, losses = [], []

    def go():
        try:
            transition(job_id, "LANGUAGE_QC", "TTS_GENERATING")
            wins.append(1)
        except Conflict:
            losses.append(1)

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(losses) == 7
    assert len(platform.events.read_after(before)) == 1
    assert [t["name"] for t in platform.tasks.tasks_for(job_id)] == [f"{job_id}-tts-1"]


def test_events_log_is_shared_between_instances(platform, isolated_settings):
    other = SqliteEvents.from_settings(isolated_settings)
    assert other.last_seq() == 0
    seq = platform.events.publish({"type": "notification", "job_id": "j", "org_id": "o", "kind": "feedback"})
    assert other.last_seq() == seq
    assert other.read_after(0) == [(seq, {"type": "notification", "job_id": "j", "org_id": "o", "kind": "feedback"})]
    seqs = [platform.events.publish({"type": "job_status_update", "job_id": str(i)}) for i in range(5)]
    assert [s for s, _ in other.read_after(seq, limit=3)] == seqs[:3]


def test_republishing_a_status_change_is_deduplicated(platform):
    event = {"type": "job_status_update", "job_id": "j1", "org_id": "o", "status": "FINAL_QC", "updated_at": "t1"}
    first = platform.events.publish(event)
    assert platform.events.publish(dict(event)) == first
    later = platform.events.publish({**event, "updated_at": "t2"})  # a new change to the same status
    note = {"type": "notification", "job_id": "j1", "kind": "feedback", "message": "same"}
    a, b = platform.events.publish(note), platform.events.publish(note)
    assert later > first and b > a
    assert [s for s, _ in platform.events.read_after(0)] == [first, later, a, b]


def test_lost_status_events_are_published_later_in_order(platform, monkeypatch):
    job_id = _job(platform, status="RENDERING")
    real = job_events.publish_status_strict

    def down(event):
        raise ConnectionError("event log unavailable")

    # as if the worker died right after writing FINAL_QC, before publishing it
    monkeypatch.setattr(job_events, "publish_status_strict", down)
    transition(job_id, "RENDERING", "FINAL_QC")
    job = platform.documents.get("jobs", job_id)
    assert platform.events.last_seq() == 0 and job["outbox_pending"] is True
    monkeypatch.setattr(job_events, "publish_status_strict", real)
    assert run_task(job_id, "render", 0, steps={}) == "stale"  # any later touch publishes it
    events = [e for _, e in platform.events.read_after(0)]
    assert events == [
        {
            "type": "job_status_update",
            "job_id": job_id,
            "org_id": "org1",
            "status": "FINAL_QC",
            "updated_at": job["updated_at"],
        }
    ]
    assert platform.documents.get("jobs", job_id)["outbox"] == []
    assert run_task(job_id, "render", 0, steps={}) == "stale"
    assert len(platform.events.read_after(0)) == 1

    # lost again, then the next transition publishes both, in order
    monkeypatch.setattr(job_events, "publish_status_strict", down)
    transition(job_id, "FINAL_QC", "TTS_GENERATING")
    monkeypatch.setattr(job_events, "publish_status_strict", real)
    transition(job_id, "TTS_GENERATING", "RENDERING")
    assert [e["status"] for _, e in platform.events.read_after(0)] == ["FINAL_QC", "TTS_GENERATING", "RENDERING"]

    # and a job nobody touches is repaired by the worker's reconcile pass
    monkeypatch.setattr(job_events, "publish_status_strict", down)
    transition(job_id, "RENDERING", "FINAL_QC")
    monkeypatch.setattr(job_events, "publish_status_strict", real)
    reconcile()
    assert [e["status"] for _, e in platform.events.read_after(0)][-1] == "FINAL_QC"
    assert platform.documents.get("jobs", job_id)["outbox_pending"] is False
