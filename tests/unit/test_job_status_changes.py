"""The job's status change, outbox and task repair with their ports passed in (decision 1311):
a JobStore over a real SQLite document store in a temporary folder, a list as the event log
and a recording queue; no platform is booted."""

from __future__ import annotations

import pytest

from shared.domain.jobs import JobDocument
from shared.errors import Conflict, NotFound
from shared.persistence.documents import Query
from shared.persistence.job_store import JobStore
from shared.persistence.sqlite_documents import SqliteDocuments
from shared.services.jobs import change_status, ensure_current_task, flush_outbox

JOB_ID = "0123456789abcdef01234567"


@pytest.fixture
def jobs(tmp_path) -> JobStore:
    store = JobStore(SqliteDocuments(tmp_path / "documents.sqlite3"))
    new: JobDocument = {
        "org_id": "org1",
        "created_by": "u1",
        "status": "UPLOADED",
        "source_language": "en",
        "requested_outputs": ["en"],
        "created_at": "2026-01-01T00:00:00.000000Z",
        "updated_at": "2026-01-01T00:00:00.000000Z",
        "step_attempts": {"probe": 1},
        "step_tries": 1,
        "outbox": [],
        "outbox_pending": False,
    }
    store.create(JOB_ID, new)
    return store


class Queue:
    """Records enqueued tasks; a name is created once, like the real queues."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, str, int]] = []

    def enqueue(self, job_id: str, step: str, attempt: int = 0, delay_seconds: float = 0.0) -> bool:
        if (job_id, step, attempt) in self.tasks:
            return False
        self.tasks.append((job_id, step, attempt))
        return True

    def delete_for_job(self, job_id: str) -> int:
        return 0


def test_a_status_change_counts_the_attempt_and_queues_its_event(jobs):
    stored = change_status(jobs, JOB_ID, "UPLOADED", "TRANSCRIBING")
    assert stored["status"] == "TRANSCRIBING"
    assert stored["step_attempts"] == {"probe": 1, "transcribe": 1}
    assert stored["progress"] == {"step": "transcribe", "percent": 0}
    assert stored["outbox_pending"] is True
    assert [(e["status"], e["job_id"]) for e in stored["outbox"]] == [("TRANSCRIBING", JOB_ID)]
    assert jobs.require(JOB_ID)["_version"] == 2


def test_a_status_change_from_elsewhere_is_refused_and_writes_nothing(jobs):
    with pytest.raises(Conflict, match="Job is UPLOADED; this needs it to be SOURCE_QC"):
        change_status(jobs, JOB_ID, "SOURCE_QC", "TRANSLATING")
    assert jobs.require(JOB_ID)["_version"] == 1
    with pytest.raises(NotFound, match="Job not found"):
        change_status(jobs, "ffffffffffffffffffffffff", "UPLOADED", "TRANSCRIBING")


def test_the_outbox_is_published_in_order_and_emptied(jobs):
    change_status(jobs, JOB_ID, "UPLOADED", "TRANSCRIBING")
    job = change_status(jobs, JOB_ID, "TRANSCRIBING", "DESCRIBING")
    log: list[dict] = []
    assert flush_outbox(job, jobs, log.append) == 2
    assert [e["status"] for e in log] == ["TRANSCRIBING", "DESCRIBING"]
    stored = jobs.require(JOB_ID)
    assert stored["outbox"] == [] and stored["outbox_pending"] is False
    assert flush_outbox(stored, jobs, log.append) == 0 and len(log) == 2


def test_an_event_that_cannot_be_published_stays_with_the_ones_after_it(jobs):
    change_status(jobs, JOB_ID, "UPLOADED", "TRANSCRIBING")
    job = change_status(jobs, JOB_ID, "TRANSCRIBING", "DESCRIBING")
    log: list[dict] = []

    def second_fails(event: dict) -> None:
        if event["status"] == "DESCRIBING":
            raise ConnectionError("event log unavailable")
        log.append(event)

    assert flush_outbox(job, jobs, second_fails) == 1
    stored = jobs.require(JOB_ID)
    assert [e["status"] for e in stored["outbox"]] == ["DESCRIBING"] and stored["outbox_pending"] is True
    assert flush_outbox(stored, jobs, log.append) == 1
    assert [e["status"] for e in log] == ["TRANSCRIBING", "DESCRIBING"]
    assert jobs.require(JOB_ID)["outbox_pending"] is False


def test_the_current_task_is_recreated_once_and_only_for_automated_steps(jobs):
    queue = Queue()
    job = change_status(jobs, JOB_ID, "UPLOADED", "TRANSCRIBING")
    assert ensure_current_task(job, queue) is True
    assert ensure_current_task(job, queue) is False
    assert queue.tasks == [(JOB_ID, "transcribe", 1)]
    job = change_status(jobs, JOB_ID, "TRANSCRIBING", "SOURCE_QC")
    assert ensure_current_task(job, queue) is False
    assert queue.tasks == [(JOB_ID, "transcribe", 1)]


def test_the_store_reads_typed_jobs_and_refuses_other_collections(jobs):
    assert [j["id"] for j in jobs.in_statuses(["UPLOADED"])] == [JOB_ID]
    assert jobs.in_statuses(["COMPLETED"]) == []
    with pytest.raises(ValueError, match="not users"):
        jobs.query(Query("users"))
    assert jobs.get("") is None and jobs.update("ffffffffffffffffffffffff", lambda job: job) is None
