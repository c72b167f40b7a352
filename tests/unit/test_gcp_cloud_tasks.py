"""CloudTasksQueue and PubSubEvents against recording fakes of their clients: task shape (HTTP
POST, OIDC token, deterministic name, schedule), name dedupe on ALREADY_EXISTS (which the
emulator does not implement) and delete_for_job (DeleteTask, which the emulator lacks)."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from google.api_core.exceptions import AlreadyExists, NotFound

from shared import config
from shared.events.pubsub_events import PubSubEvents
from shared.queues.cloud_tasks import DISPATCH_DEADLINE_SECONDS, CloudTasksQueue

URL = "https://europe-west1-proj.cloudfunctions.net/pipeline_worker"
SA = "avp-tasks@proj.iam.gserviceaccount.com"


class FakeTasksClient:
    """Keeps tasks by name and refuses a second one of the same name, as Cloud Tasks does."""

    def __init__(self):
        self.tasks: dict[str, dict] = {}
        self.deleted: list[str] = []
        self.ran: set[str] = set()

    def create_task(self, request):
        name = request["task"]["name"]
        if name in self.tasks or name in self.ran:
            raise AlreadyExists(f"task {name} exists")
        self.tasks[name] = request["task"]
        return SimpleNamespace(name=name)

    def list_tasks(self, request):
        return [SimpleNamespace(name=n) for n in self.tasks if n.startswith(request["parent"] + "/tasks/")]

    def delete_task(self, request):
        if request["name"] not in self.tasks:
            raise NotFound("gone")
        del self.tasks[request["name"]]
        self.deleted.append(request["name"])

    def run(self, name):  # the task executes: the name stays taken (tombstone)
        del self.tasks[name]
        self.ran.add(name)


@pytest.fixture
def fake():
    return FakeTasksClient()


def queue(fake, sa=SA):
    return CloudTasksQueue("proj", "europe-west1", "pipeline-steps", URL, service_account_email=sa, client=fake)


def test_task_is_an_authenticated_http_post_with_a_deterministic_name(fake):
    q = queue(fake)
    assert q.enqueue("a" * 24, "transcribe", 2) is True
    name = "projects/proj/locations/europe-west1/queues/pipeline-steps/tasks/" + "a" * 24 + "-transcribe-2"
    task = fake.tasks[name]
    http = task["http_request"]
    assert http["http_method"] == "POST" and http["url"] == URL
    assert http["headers"] == {"Content-Type": "application/json"}
    assert json.loads(http["body"]) == {"job_id": "a" * 24, "step": "transcribe", "attempt": 2}
    assert http["oidc_token"] == {"service_account_email": SA, "audience": URL}
    assert task["dispatch_deadline"] == {"seconds": DISPATCH_DEADLINE_SECONDS} and DISPATCH_DEADLINE_SECONDS <= 1800
    assert "schedule_time" not in task


def test_no_oidc_token_without_a_service_account(fake):
    q = queue(fake, sa="")
    q.enqueue("a" * 24, "probe", 0)
    assert "oidc_token" not in next(iter(fake.tasks.values()))["http_request"]


def test_delay_sets_schedule_time(fake):
    q = queue(fake)
    before = time.time()
    q.enqueue("a" * 24, "render", 1, delay_seconds=30)
    scheduled = next(iter(fake.tasks.values()))["schedule_time"].ToNanoseconds() / 1e9
    assert before + 29 <= scheduled <= time.time() + 31


def test_same_name_is_created_once_even_after_it_ran(fake):
    q = queue(fake)
    assert q.enqueue("b" * 24, "probe", 0) is True
    assert q.enqueue("b" * 24, "probe", 0) is False
    fake.run(next(iter(fake.tasks)))
    assert q.enqueue("b" * 24, "probe", 0) is False
    assert q.enqueue("b" * 24, "probe", 1) is True


def test_delete_for_job_deletes_only_that_jobs_tasks(fake):
    q = queue(fake)
    q.enqueue("c" * 24, "probe", 0)
    q.enqueue("c" * 24, "transcribe", 0)
    q.enqueue("d" * 24, "probe", 0)
    other = CloudTasksQueue("proj", "europe-west1", "other-queue", URL, client=fake)
    other.enqueue("c" * 24, "probe", 0)
    assert q.delete_for_job("c" * 24) == 2
    assert sorted(n.rsplit("/", 1)[1] for n in fake.tasks) == ["c" * 24 + "-probe-0", "d" * 24 + "-probe-0"]
    assert q.delete_for_job("c" * 24) == 0


def test_from_settings_and_required_configuration():
    cfg = config.configure(
        backend="gcp",
        gcp_project="proj",
        gcp_region="us-central1",
        tasks_queue="steps",
        tasks_target_url=URL,
        tasks_service_account=SA,
    )
    q = CloudTasksQueue.from_settings(cfg)
    assert q.parent == "projects/proj/locations/us-central1/queues/steps"
    assert q.service_account_email == SA and q._client is None  # lazily created
    with pytest.raises(RuntimeError, match="AVP_TASKS_TARGET_URL"):
        CloudTasksQueue.from_settings(config.configure(tasks_target_url=""))


class FakePublisher:
    def __init__(self):
        self.published = []

    def publish(self, topic, data, **attributes):
        self.published.append((topic, data, attributes))
        return SimpleNamespace(result=lambda timeout=None: "msg-1")


def test_pubsub_event_message_shape():
    pub = FakePublisher()
    bus = PubSubEvents("proj", "job-events", client=pub)
    event = {
        "type": "job_status_update",
        "job_id": "a" * 24,
        "org_id": None,
        "status": "RENDERING",
        "updated_at": "2026-11-25T10:00:00Z",
    }
    assert bus.publish(event) == "msg-1"
    topic, data, attributes = pub.published[0]
    assert topic == "projects/proj/topics/job-events"
    assert json.loads(data) == event
    assert attributes == {"type": "job_status_update", "job_id": "a" * 24}
    with pytest.raises(ValueError):
        bus.publish({"job_id": "x"})
    assert len(pub.published) == 1


def test_pubsub_from_settings():
    bus = PubSubEvents.from_settings(config.configure(gcp_project="proj", events_topic="ev"))
    assert bus.topic_path == "projects/proj/topics/ev" and bus._client is None
