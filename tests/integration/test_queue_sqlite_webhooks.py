"""The SQLite task queue's two queues (decision 1110): webhook delivery attempts are rows of the
same table marked `webhooks`, claimed alone or with pipeline steps, untouched by job deletion;
a file written before the queue column existed gains it, its webhook rows marked."""

import sqlite3

import pytest

from shared.queues.sqlite_tasks import SqliteTasks
from shared.queues.tasks import PIPELINE, WEBHOOKS

OLD_SCHEMA = """
CREATE TABLE tasks (
    name TEXT PRIMARY KEY, job_id TEXT NOT NULL, step TEXT NOT NULL, attempt INTEGER NOT NULL,
    state TEXT NOT NULL, enqueued_at REAL NOT NULL, available_at REAL NOT NULL, lease_owner TEXT,
    lease_until REAL, started_at REAL, finished_at REAL, deliveries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_ready ON tasks (state, available_at);
CREATE INDEX tasks_job ON tasks (job_id);
"""


def test_each_task_is_claimed_from_its_queue(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    assert q.enqueue("j1", "transcribe", 0) is True
    assert q.enqueue("d1", "webhook", 0, queue=WEBHOOKS) is True
    assert q.enqueue("d1", "webhook", 0, queue=WEBHOOKS) is False
    hook = q.claim("w", 30, queues=(WEBHOOKS,))
    assert (hook.job_id, hook.step, hook.queue) == ("d1", "webhook", WEBHOOKS)
    assert q.claim("w", 30, queues=(WEBHOOKS,)) is None  # the media step is not taken by a webhook claim
    step = q.claim("w", 30, queues=(PIPELINE,))
    assert (step.job_id, step.queue) == ("j1", PIPELINE)
    assert [t["queue"] for t in q.tasks_for("d1")] == [WEBHOOKS]


def test_an_unfiltered_claim_takes_both_in_order_and_heavy_limits_spare_webhooks(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    heavy = frozenset({"transcribe", "render"})
    q.enqueue("j1", "transcribe", 0)
    q.enqueue("j2", "render", 0)
    q.enqueue("d1", "webhook", 0, queue=WEBHOOKS)
    first = q.claim("w1", 30, heavy, heavy_limit=1)
    assert first.job_id == "j1"
    # the heavy slot is taken: the next claim skips the render and runs the webhook attempt
    second = q.claim("w2", 30, heavy, heavy_limit=1)
    assert (second.job_id, second.queue) == ("d1", WEBHOOKS)
    assert q.claim("w3", 30, heavy, heavy_limit=1) is None


def test_job_deletion_leaves_webhook_attempts(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    q.enqueue("x1", "probe", 0, delay_seconds=5)
    q.enqueue("x1", "webhook", 0, queue=WEBHOOKS, delay_seconds=5)  # ids never collide; this checks the filter
    assert q.delete_for_job("x1") == 1
    assert [(t["step"], t["queue"]) for t in q.tasks_for("x1")] == [("webhook", WEBHOOKS)]


def test_unknown_queue_is_refused(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    with pytest.raises(ValueError, match="unknown task queue"):
        q.enqueue("j1", "probe", 0, queue="media")
    with pytest.raises(ValueError, match="unknown task queue"):
        q.claim("w", 30, queues=("media",))


def test_a_file_from_before_the_queue_column_is_upgraded_on_open(tmp_path):
    path = tmp_path / "t.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    conn.executemany(
        "INSERT INTO tasks (name, job_id, step, attempt, state, enqueued_at, available_at) "
        "VALUES (?, ?, ?, 0, 'pending', 0, 0)",
        [("j1-probe-0", "j1", "probe"), ("d1-webhook-0", "d1", "webhook")],
    )
    conn.commit()
    conn.close()
    q = SqliteTasks(path)
    again = SqliteTasks(path)  # a second process opening the upgraded file
    assert [t["queue"] for t in q.tasks_for("d1")] == [WEBHOOKS]
    assert [t["queue"] for t in q.tasks_for("j1")] == [PIPELINE]
    assert again.claim("w", 30, queues=(WEBHOOKS,)).name == "d1-webhook-0"
    assert q.enqueue("d1", "webhook", 1, queue=WEBHOOKS) is True
    assert q.counts() == {"leased": 1, "pending": 2}
