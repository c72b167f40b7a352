"""The event-driven functions through functions-framework's own app, as Cloud Functions runs
them: the Cloud Tasks HTTP target (pipeline_worker) and the Pub/Sub CloudEvent upload trigger."""

import json

import functions_framework
import pytest

from shared.auth.tokens import Principal
from shared.local import functions as local_functions
from shared.local.upload_notifications import pubsub_cloud_event
from shared.services.jobs import transition
from shared.services.uploads import claim_upload, new_upload
from shared.storage.local_files import object_resource
from tests.support.jobs import stored_job

SRC = local_functions.FUNCTIONS_DIR


@pytest.fixture
def worker_app(isolated_settings):
    return functions_framework.create_app(target="entry", source=str(SRC / "pipeline_worker" / "main.py")).test_client()


@pytest.fixture
def trigger_app(isolated_settings):
    return functions_framework.create_app(
        target="entry", source=str(SRC / "upload_trigger" / "main.py"), signature_type="cloudevent"
    ).test_client()


def _job(platform, status="CREATED"):
    return stored_job(platform, org_id="o", status=status)


def test_pipeline_worker_runs_a_task_and_ignores_duplicates(worker_app, platform, monkeypatch):
    monkeypatch.setenv("AVP_STEP_REGISTRY", "shared.pipeline.synthetic_steps:STEPS")
    job_id = _job(platform)
    transition(job_id, "CREATED", "UPLOADED")
    body = {"job_id": job_id, "step": "probe", "attempt": 1}
    first = worker_app.post("/", json=body, headers={"X-CloudTasks-TaskName": f"{job_id}-probe-1"})
    assert first.status_code == 200 and first.get_json() == {"outcome": "done"}
    assert platform.documents.get("jobs", job_id)["status"] == "TRANSCRIBING"
    again = worker_app.post("/", json=body)
    assert again.status_code == 200 and again.get_json() == {"outcome": "stale"}
    assert worker_app.post("/", json={"job_id": job_id}).status_code == 400


def test_upload_trigger_cloud_event_attaches_upload(trigger_app, platform, users):
    org = users.org()
    principal = Principal(user_id="u1", role="CLIENT", org_id=org)
    job_id = _job(platform)
    upload = new_upload(principal, org, "video/mp4", "a.mp4")
    claim_upload(upload["id"], job_id)
    # written straight to disk (no local listener), then delivered the way Eventarc delivers it
    dest = platform.files.local_path(upload["path"])
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(b"not checked here")
    event = pubsub_cloud_event(object_resource("avp-uploads", upload["path"], 16, "video/mp4", 1))
    headers = {
        "ce-id": event["id"],
        "ce-source": event["source"],
        "ce-type": event["type"],
        "ce-specversion": "1.0",
        "Content-Type": "application/json",
    }
    resp = trigger_app.post("/", data=json.dumps(event.data), headers=headers)
    assert resp.status_code == 200
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "UPLOADED" and job["source_path"] == f"jobs/{job_id}/source.mp4"
    assert platform.files.get_bytes(job["source_path"]) == b"not checked here"
    assert platform.documents.get("uploads", upload["id"])["status"] == "consumed"
    assert not platform.files.exists(upload["path"])
    again = trigger_app.post("/", data=json.dumps(event.data), headers=headers)  # redelivery
    assert again.status_code == 200
    statuses = [e["status"] for _, e in platform.events.read_after(0) if e.get("job_id") == job_id]
    assert statuses == ["UPLOADED"]
    assert [t["step"] for t in platform.tasks.tasks_for(job_id)] == ["probe"]


def test_pipeline_worker_reconcile_recreates_a_stranded_task(worker_app, platform):
    job_id = _job(platform, status="TRANSCRIBING")  # as if the worker died after the transition
    job = platform.documents.get("jobs", job_id)
    platform.documents.update(
        "jobs", job_id, {**job, "step_attempts": {"transcribe": 1}}, expected_version=job["_version"]
    )
    assert platform.tasks.tasks_for(job_id) == []
    resp = worker_app.post("/", json={"reconcile": True})
    assert resp.status_code == 200 and resp.get_json() == {"reconciled": 1}
    assert [t["step"] for t in platform.tasks.tasks_for(job_id)] == ["transcribe"]
    again = worker_app.post("/", json={"reconcile": True})  # the task exists: nothing more
    assert again.get_json() == {"reconciled": 0}
