"""The pipeline runner with injected fake steps on the real SQLite stores: idempotence under
duplicate and out-of-order delivery, retries with backoff, permanent failures, deletion while a
step runs, progress, the heavy-step limit and recovery of a lost task."""

import threading
import time

import pytest

from shared import config
from shared.auth.tokens import Principal
from shared.errors import PermanentStepError
from shared.ids import new_id
from shared.local.worker import Worker
from shared.pipeline import runner
from shared.realtime.protocol import event_message
from shared.services.jobs import delete_job, transition
from shared.storage.layout import job_path
from tests.support.jobs import stored_job


def make_job(platform, status="CREATED", outputs=("en",)) -> str:
    return stored_job(platform, status=status, outputs=outputs)


def start(platform, job_id):
    return transition(job_id, "CREATED", "UPLOADED")


def writer(name):
    def step(io):
        path = job_path(io.job["id"], "en", name)
        io.put_text(path, f"{name} for {io.job['id']}")
        return {"outputs": {"en": {name.replace(".", "_"): path}}}

    return step


FAKE = {
    "probe": lambda io: {"media": {"duration": 1.0}},
    "transcribe": writer("captions.vtt"),
    "describe": writer("descriptions.vtt"),
}


def status_events(platform, job_id):
    return [
        e["status"]
        for _, e in platform.events.read_after(0)
        if e["type"] == "job_status_update" and e["job_id"] == job_id
    ]


def drain(platform, steps, rounds=20):
    """Run every ready task inline (a deterministic single-threaded worker)."""
    outcomes = []
    for _ in range(rounds):
        task = platform.tasks.claim("inline", 30)
        if task is None:
            break
        outcomes.append((task.step, task.attempt, runner.run_task(task.job_id, task.step, task.attempt, steps=steps)))
        platform.tasks.complete(task.name, "inline")
    return outcomes


def test_happy_path_and_deep_merge(platform):
    job_id = make_job(platform)
    start(platform, job_id)
    assert drain(platform, FAKE) == [("probe", 1, "done"), ("transcribe", 1, "done"), ("describe", 1, "done")]
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "SOURCE_QC"
    assert job["outputs"] == {
        "en": {
            "captions_vtt": f"jobs/{job_id}/en/captions.vtt",
            "descriptions_vtt": f"jobs/{job_id}/en/descriptions.vtt",
        }
    }
    assert [h["step"] for h in job["step_history"]] == ["probe", "transcribe", "describe"]
    assert status_events(platform, job_id) == ["UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC"]


def test_duplicate_and_out_of_order_deliveries_change_nothing(platform):
    job_id = make_job(platform)
    start(platform, job_id)
    drain(platform, FAKE)
    before = platform.documents.get("jobs", job_id)
    seq = platform.events.last_seq()
    calls = []
    counting = {k: (lambda f: lambda io: calls.append(1) or f(io))(f) for k, f in FAKE.items()}
    for step in ("probe", "transcribe", "describe", "transcribe", "probe"):
        assert runner.run_task(job_id, step, 1, steps=counting) == "stale"
    assert runner.run_task(job_id, "transcribe", 7, steps=counting) == "stale"
    assert runner.run_task(job_id, "translate", 1, steps=counting) == "stale"
    assert runner.run_task(new_id(), "probe", 1, steps=counting) == "gone"
    assert calls == []
    assert platform.documents.get("jobs", job_id)["_version"] == before["_version"]
    assert platform.events.last_seq() == seq


def test_early_delivery_of_a_later_step_is_stale(platform):
    job_id = make_job(platform)
    start(platform, job_id)
    assert runner.run_task(job_id, "describe", 1, steps=FAKE) == "stale"  # job is still UPLOADED
    assert platform.documents.get("jobs", job_id)["status"] == "UPLOADED"


def test_transient_failures_back_off_then_fail_readably(platform, isolated_settings):
    config.configure(task_max_attempts=3, task_backoff_seconds=10)
    job_id = make_job(platform)
    start(platform, job_id)

    def flaky(io):
        raise ConnectionError("socket details nobody should see")

    steps = {**FAKE, "probe": flaky}
    task = platform.tasks.claim("w", 30)
    assert runner.run_task(job_id, "probe", 1, steps=steps) == "retry"
    pending = {t["name"]: t for t in platform.tasks.tasks_for(job_id)}
    assert f"{job_id}-probe-2" in pending
    due = platform.tasks.next_due_in()
    assert 9 <= due <= 10  # backoff 10 s for the first retry
    assert runner.run_task(job_id, "probe", 2, steps=steps) == "retry"
    job = platform.documents.get("jobs", job_id)
    assert job["step_attempts"]["probe"] == 3 and job["step_tries"] == 3
    # while it retries, what failed (no advice yet: the platform is still trying)
    assert job["last_error"] == (
        "Checking the upload stopped on an error inside the platform (ConnectionError), not a problem found "
        "in the video."
    )
    # each failed attempt is published (a job page shows it live), with what the client may read
    retries = [e for _, e in platform.events.read_after(0) if e.get("kind") == "retry"]
    assert [(e["attempt"], e["max_attempts"], e["delay_seconds"]) for e in retries] == [(2, 3, 10), (3, 3, 20)]
    assert event_message(retries[-1]) == {
        "type": "notification",
        "job_id": job_id,
        "org_id": job["org_id"],
        "status": "UPLOADED",
        "updated_at": retries[-1]["updated_at"],
        "kind": "retry",
        "message": job["last_error"],
        "step": "probe",
        "attempt": 3,
        "max_attempts": 3,
        "delay_seconds": 20,
    }
    assert runner.run_task(job_id, "probe", 3, steps=steps) == "failed"
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "UPLOAD_INVALID"
    assert len([e for _, e in platform.events.read_after(0) if e.get("kind") == "retry"]) == 2  # giving up is a status
    assert job["error"] == (
        "Checking the upload stopped on an error inside the platform (ConnectionError), not a problem found "
        "in the video. Create the job again with the same video; if it fails again, give support the job id. "
        "It was tried 3 times."
    )
    assert task is not None


def test_backoff_doubles(platform, isolated_settings):
    config.configure(task_max_attempts=4, task_backoff_seconds=1)
    job_id = make_job(platform)
    start(platform, job_id)
    steps = {**FAKE, "probe": lambda io: 1 / 0}
    delays = []
    for attempt in (1, 2, 3):
        t0 = time.time()
        assert runner.run_task(job_id, "probe", attempt, steps=steps) == "retry"
        row = (
            platform.tasks._conn()
            .execute(  # noqa: SLF001
                "SELECT available_at FROM tasks WHERE name=?", (f"{job_id}-probe-{attempt + 1}",)
            )
            .fetchone()
        )
        delays.append(round(row[0] - t0))
    assert delays == [1, 2, 4]


def test_permanent_failure_fails_at_once(platform):
    job_id = make_job(platform)
    start(platform, job_id)

    def bad(io):
        raise PermanentStepError("The file has no video stream; upload a video, not an audio file")

    assert runner.run_task(job_id, "probe", 1, steps={"probe": bad}) == "failed"
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "UPLOAD_INVALID" and job["error"].startswith("The file has no video stream")
    assert [t["step"] for t in platform.tasks.tasks_for(job_id)] == ["probe"]


def test_missing_step_is_a_readable_failure(platform):
    job_id = make_job(platform)
    start(platform, job_id)
    drain(platform, {"probe": FAKE["probe"]})
    job = platform.documents.get("jobs", job_id)
    assert job["status"] == "TRANSCRIPTION_FAILED" and "transcribe step is not available" in job["error"]


def test_deleted_mid_step_stops_without_recreating_files(platform, users):
    job_id = make_job(platform)
    start(platform, job_id)
    drain(platform, FAKE, rounds=1)  # probe done, job TRANSCRIBING
    entered, release = threading.Event(), threading.Event()
    refused = []

    def slow(io):
        io.put_text(job_path(io.job["id"], "en", "part1.vtt"), "one")
        entered.set()
        release.wait(5)
        refused.append(io.cancelled())
        try:
            io.put_text(job_path(io.job["id"], "en", "part2.vtt"), "two")  # refused: the job is gone
        except runner.JobGone:
            refused.append("JobGone")
            raise
        return {}

    outcome = []
    t = threading.Thread(
        target=lambda: outcome.append(runner.run_task(job_id, "transcribe", 1, steps={"transcribe": slow}))
    )
    t.start()
    entered.wait(5)
    admin = Principal(user_id="a", role="ADMIN", org_id=None)
    delete_job(admin, job_id)
    release.set()
    t.join(5)
    assert outcome == ["cancelled"] and refused == [True, "JobGone"]
    assert platform.files.list(f"jobs/{job_id}") == []
    assert platform.documents.get("jobs", job_id) is None


def test_step_finishing_after_deletion_leaves_nothing(platform):
    job_id = make_job(platform)
    start(platform, job_id)

    def write_then_delete(io):
        io.put_text(job_path(io.job["id"], "work", "x.json"), "{}")
        platform.documents.delete("jobs", io.job["id"])  # deleted between the last write and the end
        return {"media": {}}

    assert runner.run_task(job_id, "probe", 1, steps={"probe": write_then_delete}) == "cancelled"
    assert platform.files.list(f"jobs/{job_id}") == []


def test_progress_is_recorded_and_published(platform):
    job_id = make_job(platform)
    start(platform, job_id)
    seen = []

    def step(io):
        io.progress(50)
        seen.append(platform.documents.get("jobs", io.job["id"])["progress"])
        return {}

    assert runner.run_task(job_id, "probe", 1, steps={"probe": step}) == "done"
    assert seen == [{"step": "probe", "percent": 50.0}]
    notes = [e for _, e in platform.events.read_after(0) if e["type"] == "notification"]
    assert notes and notes[0]["kind"] == "progress" and notes[0]["percent"] == 50.0
    assert platform.documents.get("jobs", job_id)["progress"] == {"step": "transcribe", "percent": 0}


def test_lost_task_is_recreated_by_reconcile(platform):
    job_id = make_job(platform)
    start(platform, job_id)
    platform.tasks.delete_for_job(job_id)  # as if the process died between transition and enqueue
    assert platform.tasks.counts(job_id) == {}
    assert runner.reconcile() == 1
    assert runner.reconcile() == 0
    assert drain(platform, FAKE)[0] == ("probe", 1, "done")


def test_heavy_steps_respect_the_concurrency_limit(platform, isolated_settings):
    config.configure(heavy_step_concurrency=1, worker_threads=3)
    running, peak = [0], [0]
    lock = threading.Lock()

    def heavy(io):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return {}

    steps = {"probe": FAKE["probe"], "transcribe": heavy, "describe": heavy}
    ids = [make_job(platform) for _ in range(4)]
    w = Worker(steps=steps, poll_seconds=0.01).start()
    try:
        for j in ids:
            start(platform, j)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(platform.documents.get("jobs", j)["status"] == "SOURCE_QC" for j in ids):
                break
            time.sleep(0.05)
    finally:
        w.stop()
    assert all(platform.documents.get("jobs", j)["status"] == "SOURCE_QC" for j in ids)
    assert peak[0] == 1


@pytest.mark.parametrize(
    "result, expected",
    [
        (
            {"outputs": {"es": {"narration": "n"}}},
            {"en": {"captions_vtt": "c"}, "es": {"captions_vtt": "e", "narration": "n"}},
        ),
        (
            {"outputs": {"fr": {"mp4": "m"}}},
            {"en": {"captions_vtt": "c"}, "es": {"captions_vtt": "e"}, "fr": {"mp4": "m"}},
        ),
    ],
)
def test_merge_is_per_language(result, expected):
    doc = {"outputs": {"en": {"captions_vtt": "c"}, "es": {"captions_vtt": "e"}}, "status": "X"}
    runner._merge(doc, {**result, "status": "HACKED"})  # noqa: SLF001
    assert doc["outputs"] == expected and doc["status"] == "X"


def test_an_unexpected_render_error_says_what_failed_and_who_can_retry():
    """A step's own exception text (paths, tool output) never reaches the client: while the step
    is retried `last_error` says which work stopped; once it gives up, `error` adds what to do
    (RENDER_FAILED is retryable by an admin)."""
    message = runner._readable("render", RuntimeError("ffmpeg /tmp/avp-render-x/mix.wav: Invalid data"))
    assert message == (
        "Making the accessible videos stopped on an error inside the platform (RuntimeError), not a problem "
        "found in the video."
    )
    assert runner._gave_up("render", message, 5) == (
        "Making the accessible videos stopped on an error inside the platform (RuntimeError), not a problem "
        "found in the video. An admin can retry the step from the job page; if it fails again, give support "
        "the job id. It was tried 5 times."
    )
