"""The step-task contract: SqliteTasks (claimed by local workers) and CloudTasksQueue (HTTP
tasks delivered by gcloud-tasks-emulator to a real HTTP server here) pass the same tests,
including the second queue of webhook delivery attempts (decision 1110)."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.queues.cloud_tasks import CloudTasksQueue
from shared.queues.sqlite_tasks import SqliteTasks
from shared.queues.tasks import PIPELINE, WEBHOOKS, task_name
from tests.integration.emulators import gcp_emulators, unique_project  # noqa: F401
from tests.support import servers


class SqliteHarness:
    cloud = False

    def __init__(self, tmp_path):
        self.queue = SqliteTasks(tmp_path / "tasks.sqlite3")

    def delivered(self, timeout: float) -> list[dict]:
        """Deliveries made within `timeout` (the worker side claims and completes them)."""
        out, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            task = self.queue.claim("contract-worker", lease_seconds=30)
            if task is None:
                time.sleep(0.05)
                continue
            out.append(
                {
                    "job_id": task.job_id,
                    "step": task.step,
                    "attempt": task.attempt,
                    "name": task.name,
                    "queue": task.queue,
                }
            )
            self.queue.complete(task.name, "contract-worker")
        return out

    def close(self):
        pass


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.received.append(
            {
                **body,
                "name": self.headers.get("X-CloudTasks-TaskName"),
                "content_type": self.headers.get("Content-Type"),
                "queue": WEBHOOKS if self.path == "/webhook_worker" else PIPELINE,
            }
        )
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class CloudHarness:
    """A real HTTP target on 127.0.0.1 plays the pipeline_worker and webhook_worker functions."""

    cloud = True

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self.server.received = []
        servers.start(self.server, "cloud-tasks-target")
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.queue = CloudTasksQueue(
            unique_project(),
            "europe-west1",
            "pipeline-steps",
            f"{base}/pipeline_worker",
            webhook_queue="webhook-deliveries",
            webhook_target_url=f"{base}/webhook_worker",
        )
        self.queue.ensure_queue()

    def delivered(self, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            time.sleep(0.1)
            seen = len(self.server.received)
        out, self.server.received[:seen] = self.server.received[:seen], []
        return out

    def close(self):
        servers.stop(self.server)


@pytest.fixture(params=["sqlite", pytest.param("cloud_tasks", marks=pytest.mark.emulators)])
def tasks(request, tmp_path):
    if request.param == "sqlite":
        harness = SqliteHarness(tmp_path)
    else:
        request.getfixturevalue("gcp_emulators")
        harness = CloudHarness()
    yield harness
    harness.close()


def test_enqueued_task_is_delivered_with_its_identity(tasks):
    assert tasks.queue.enqueue("a" * 24, "transcribe", 0) is True
    got = tasks.delivered(timeout=2.5)
    assert len(got) == 1
    task = got[0]
    assert (task["job_id"], task["step"], task["attempt"]) == ("a" * 24, "transcribe", 0)
    assert task["name"] == task_name("a" * 24, "transcribe", 0)
    if tasks.cloud:
        assert task["content_type"] == "application/json"


def test_webhook_attempts_reach_their_own_queue_and_worker(tasks):
    assert tasks.queue.enqueue("a" * 24, "transcribe", 0) is True
    assert tasks.queue.enqueue("9" * 24, "webhook", 0, queue=WEBHOOKS) is True
    assert tasks.queue.enqueue("9" * 24, "webhook", 1, queue=WEBHOOKS, delay_seconds=1.0) is True
    got = tasks.delivered(timeout=3)
    assert sorted((t["job_id"][0], t["step"], t["attempt"], t["queue"]) for t in got) == [
        ("9", "webhook", 0, WEBHOOKS),
        ("9", "webhook", 1, WEBHOOKS),
        ("a", "transcribe", 0, PIPELINE),
    ]
    assert {t["name"] for t in got if t["queue"] == WEBHOOKS} == {
        task_name("9" * 24, "webhook", 0),
        task_name("9" * 24, "webhook", 1),
    }


def test_distinct_tasks_are_all_delivered(tasks):
    for step in ("probe", "transcribe"):
        for attempt in (0, 1):
            assert tasks.queue.enqueue("b" * 24, step, attempt) is True
    got = tasks.delivered(timeout=3)
    assert sorted((t["step"], t["attempt"]) for t in got) == [
        ("probe", 0),
        ("probe", 1),
        ("transcribe", 0),
        ("transcribe", 1),
    ]


def test_delay_holds_the_task_back(tasks):
    start = time.monotonic()
    assert tasks.queue.enqueue("c" * 24, "render", 0, delay_seconds=2.0) is True
    early = tasks.delivered(timeout=1.0)
    assert early == []
    late = tasks.delivered(timeout=3.5)
    assert [t["step"] for t in late] == ["render"]
    assert time.monotonic() - start >= 2.0


def test_same_task_name_is_created_once(tasks):
    if tasks.cloud:
        pytest.skip(
            "gcloud-tasks-emulator 0.6.2 does not deduplicate task names (real Cloud Tasks answers "
            "ALREADY_EXISTS); tests/unit/test_gcp_cloud_tasks.py covers CloudTasksQueue's handling"
        )
    assert tasks.queue.enqueue("d" * 24, "probe", 0, delay_seconds=1.0) is True
    assert tasks.queue.enqueue("d" * 24, "probe", 0) is False
    assert len(tasks.delivered(timeout=2.0)) == 1


def test_delete_for_job_drops_its_pending_tasks(tasks):
    if tasks.cloud:
        pytest.skip(
            "gcloud-tasks-emulator 0.6.2 does not implement DeleteTask; tests/unit/test_gcp_cloud_tasks.py "
            "covers CloudTasksQueue.delete_for_job"
        )
    tasks.queue.enqueue("e" * 24, "probe", 0, delay_seconds=1.0)
    tasks.queue.enqueue("e" * 24, "transcribe", 0, delay_seconds=1.0)
    tasks.queue.enqueue("f" * 24, "probe", 0, delay_seconds=1.0)
    assert tasks.queue.delete_for_job("e" * 24) == 2
    got = tasks.delivered(timeout=2.0)
    assert [(t["job_id"], t["step"]) for t in got] == [("f" * 24, "probe")]
