"""The durable SQLite task queue: name dedupe, delays, leases that lapse, heavy-step limit,
job deletion, and durability across instances (a restart)."""

import threading
import time

from shared.queues.sqlite_tasks import SqliteTasks

HEAVY = frozenset({"transcribe", "render"})


def test_enqueue_dedupes_by_name_even_after_done(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    assert q.enqueue("j1", "probe", 1) is True
    assert q.enqueue("j1", "probe", 1) is False
    task = q.claim("w", 30)
    assert (task.job_id, task.step, task.attempt, task.deliveries) == ("j1", "probe", 1, 1)
    q.complete(task.name, "w")
    assert q.enqueue("j1", "probe", 1) is False
    assert q.enqueue("j1", "probe", 2) is True
    assert q.counts() == {"done": 1, "pending": 1}


def test_delay_and_order(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    q.enqueue("j1", "probe", 1, delay_seconds=0.3)
    q.enqueue("j2", "probe", 1)
    q.enqueue("j3", "probe", 1)
    assert [q.claim("w", 30).job_id for _ in range(2)] == ["j2", "j3"]
    assert q.claim("w", 30) is None
    assert 0 < q.next_due_in() <= 0.3
    time.sleep(0.35)
    assert q.claim("w", 30).job_id == "j1"


def test_lapsed_lease_is_claimed_again_and_survives_restart(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    q.enqueue("j1", "tts", 1)
    first = q.claim("dead-worker", 0.2)
    assert q.claim("other", 30) is None  # leased
    restarted = SqliteTasks(tmp_path / "t.sqlite3")  # a new process opening the same file
    time.sleep(0.25)
    second = restarted.claim("new-worker", 30)
    assert second.name == first.name and second.deliveries == 2
    assert q.extend(first.name, "dead-worker", 30) is False  # the old owner lost it
    assert restarted.extend(second.name, "new-worker", 30) is True
    restarted.complete(second.name, "new-worker")
    assert restarted.counts() == {"done": 1}


def test_release_makes_task_runnable_after_delay(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    q.enqueue("j1", "probe", 1)
    t = q.claim("w", 30)
    q.release(t.name, "w", 0.1)
    assert q.claim("w", 30) is None
    time.sleep(0.15)
    assert q.claim("w", 30).deliveries == 2


def test_heavy_limit_across_instances(tmp_path):
    a, b = SqliteTasks(tmp_path / "t.sqlite3"), SqliteTasks(tmp_path / "t.sqlite3")
    a.enqueue("j1", "transcribe", 1)
    a.enqueue("j2", "render", 1)
    a.enqueue("j3", "probe", 1)
    t1 = a.claim("w1", 30, HEAVY, heavy_limit=1)
    assert t1.step == "transcribe"
    t2 = b.claim("w2", 30, HEAVY, heavy_limit=1)
    assert t2.step == "probe"  # the heavy one waits
    assert b.claim("w2", 30, HEAVY, heavy_limit=1) is None
    a.complete(t1.name, "w1")
    assert b.claim("w2", 30, HEAVY, heavy_limit=1).step == "render"


def test_delete_for_job_drops_unfinished(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    q.enqueue("j1", "probe", 1)
    q.complete(q.claim("w", 30).name, "w")
    q.enqueue("j1", "transcribe", 1)
    q.enqueue("j1", "describe", 1, delay_seconds=60)
    q.enqueue("j2", "probe", 1)
    assert q.delete_for_job("j1") == 2
    assert q.counts("j1") == {"done": 1} and q.counts("j2") == {"pending": 1}


def test_concurrent_claims_never_share_a_task(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    for i in range(200):
        q.enqueue(f"j{i}", "probe", 1)
    got: list[str] = []
    lock = threading.Lock()

    def drain(owner):
        mine = SqliteTasks(tmp_path / "t.sqlite3")
        while (t := mine.claim(owner, 30)) is not None:
            with lock:
                got.append(t.name)

    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 200 and len(set(got)) == 200


def test_enqueue_wakes_a_waiting_worker(tmp_path):
    q = SqliteTasks(tmp_path / "t.sqlite3")
    woke = []

    def waiter():
        start = time.monotonic()
        q.wait(5)
        woke.append(time.monotonic() - start)

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.05)
    q.enqueue("j1", "probe", 1)
    t.join(2)
    assert woke and woke[0] < 1.0
