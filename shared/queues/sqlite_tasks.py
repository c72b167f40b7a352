"""SqliteTasks: the step-task port as a durable queue in SQLite (cfg.data_dir/tasks.sqlite3).

A task row is (name, queue, job_id, step, attempt) plus its delivery state:
  pending -> leased (a worker holds it until lease_until, extending it while it runs) -> done.
A worker that dies (SIGKILL, power loss) stops extending its lease; once the lease lapses any
worker claims the task again, so every task is delivered at least once. Rows stay after they
are done so a task name is never reused (the same dedupe Cloud Tasks applies to task names);
`prune` drops old finished rows.

Both queues of the port (pipeline steps, webhook deliveries: decision 1110) share the one table;
`queue` says which a row belongs to and `claim(queues=...)` takes from some only. Task names stay
unique across the table (job ids and delivery ids are distinct random ids). A file written before
the column existed gains it on open, its webhook rows marked as such.

Heavy steps are limited across every process sharing the file: a claim skips heavy tasks while
`heavy_limit` of them hold live leases."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from shared.persistence.sqlite_documents import PerThreadConnection
from shared.queues.tasks import PIPELINE, WEBHOOKS, check_queue, task_name

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    name TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    step TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL,
    enqueued_at REAL NOT NULL,
    available_at REAL NOT NULL,
    lease_owner TEXT,
    lease_until REAL,
    started_at REAL,
    finished_at REAL,
    deliveries INTEGER NOT NULL DEFAULT 0,
    queue TEXT NOT NULL DEFAULT 'pipeline'
);
CREATE INDEX IF NOT EXISTS tasks_ready ON tasks (state, available_at);
CREATE INDEX IF NOT EXISTS tasks_job ON tasks (job_id);
"""
# The step a webhook delivery attempt runs as (shared.services.webhooks.TASK_STEP): rows of a file
# from before the queue column are put on the webhooks queue by it.
_WEBHOOK_STEP = "webhook"


@dataclass(frozen=True)
class ClaimedTask:
    name: str
    job_id: str
    step: str
    attempt: int
    available_at: float  # when it became runnable (enqueue time + delay)
    started_at: float
    deliveries: int
    queue: str = PIPELINE


class SqliteTasks:
    """Durable local task queue; worker threads (shared.local.worker) claim from it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = PerThreadConnection(self.path)
        self._wake = threading.Condition()
        conn = self._conn()
        conn.executescript(SCHEMA)
        self._add_queue_column(conn)

    @staticmethod
    def _add_queue_column(conn: sqlite3.Connection) -> None:
        """Files made before the queue column existed gain it (every process may race to do so)."""
        if any(row[1] == "queue" for row in conn.execute("PRAGMA table_info(tasks)")):
            return
        try:
            conn.execute("ALTER TABLE tasks ADD COLUMN queue TEXT NOT NULL DEFAULT 'pipeline'")
        except sqlite3.OperationalError as exc:
            if "duplicate column" not in str(exc):
                raise
        conn.execute("UPDATE tasks SET queue=? WHERE step=?", (WEBHOOKS, _WEBHOOK_STEP))

    @classmethod
    def from_settings(cls, cfg) -> SqliteTasks:
        return cls(Path(cfg.data_dir) / "tasks.sqlite3")

    # -- the port ---------------------------------------------------------------------------
    def enqueue(
        self, job_id: str, step: str, attempt: int = 0, delay_seconds: float = 0.0, queue: str = PIPELINE
    ) -> bool:
        """Create the task on `queue` unless one of that name exists there; True if created."""
        now = time.time()
        cur = self._conn().execute(
            "INSERT OR IGNORE INTO tasks (name, queue, job_id, step, attempt, state, enqueued_at, available_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                task_name(job_id, step, attempt),
                check_queue(queue),
                job_id,
                step,
                int(attempt),
                now,
                now + max(0.0, delay_seconds),
            ),
        )
        created = cur.rowcount == 1
        if created:
            with self._wake:
                self._wake.notify_all()
        return created

    def delete_for_job(self, job_id: str) -> int:
        """Drop the job's pipeline tasks that have not finished (job deletion)."""
        cur = self._conn().execute(
            "DELETE FROM tasks WHERE job_id=? AND queue=? AND state != 'done'", (job_id, PIPELINE)
        )
        return cur.rowcount

    # -- worker side (local only) -----------------------------------------------------------
    def claim(
        self,
        owner: str,
        lease_seconds: float,
        heavy_steps: frozenset = frozenset(),
        heavy_limit: int = 0,
        queues: tuple[str, ...] | None = None,
    ) -> ClaimedTask | None:
        """Lease the oldest runnable task (pending and due, or leased with a lapsed lease), of
        `queues` only when given."""
        conn = self._conn()
        now = time.time()
        for attempt in range(50):
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:
                time.sleep(0.005 * (attempt + 1))
        else:
            return None
        try:
            exclude = ""
            params: list = [now, now]
            if heavy_steps and heavy_limit > 0:
                marks = ",".join("?" * len(heavy_steps))
                running = conn.execute(
                    f"SELECT COUNT(*) FROM tasks WHERE state='leased' AND lease_until > ? AND step IN ({marks})",
                    [now, *sorted(heavy_steps)],
                ).fetchone()[0]
                if running >= heavy_limit:
                    exclude = f" AND step NOT IN ({marks})"
                    params += sorted(heavy_steps)
            if queues is not None:
                exclude += f" AND queue IN ({','.join('?' * len(queues))})"
                params += [check_queue(q) for q in queues]
            row = conn.execute(
                "SELECT name, job_id, step, attempt, available_at, deliveries, queue FROM tasks "
                "WHERE ((state='pending' AND available_at <= ?) OR (state='leased' AND lease_until <= ?))"
                f"{exclude} ORDER BY available_at, rowid LIMIT 1",
                params,
            ).fetchone()
            if row is None:
                conn.execute("COMMIT")
                return None
            name, job_id, step, att, available_at, deliveries, queue = row
            conn.execute(
                "UPDATE tasks SET state='leased', lease_owner=?, lease_until=?, started_at=?, "
                "deliveries=deliveries+1 WHERE name=?",
                (owner, now + lease_seconds, now, name),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return ClaimedTask(name, job_id, step, int(att), float(available_at), now, int(deliveries) + 1, queue)

    def extend(self, name: str, owner: str, lease_seconds: float) -> bool:
        """Keep a running task's lease alive; False if the lease was lost."""
        cur = self._conn().execute(
            "UPDATE tasks SET lease_until=? WHERE name=? AND state='leased' AND lease_owner=?",
            (time.time() + lease_seconds, name, owner),
        )
        return cur.rowcount == 1

    def complete(self, name: str, owner: str) -> None:
        """Mark a task delivered and handled."""
        self._conn().execute(
            "UPDATE tasks SET state='done', finished_at=?, lease_owner=? WHERE name=? AND state='leased'",
            (time.time(), owner, name),
        )
        with self._wake:  # a heavy slot may have freed up for a waiting worker
            self._wake.notify_all()

    def release(self, name: str, owner: str, delay_seconds: float) -> None:
        """Give a task back (the worker failed before handling it); it runs again after the delay."""
        self._conn().execute(
            "UPDATE tasks SET state='pending', available_at=?, lease_owner=NULL, lease_until=NULL "
            "WHERE name=? AND state='leased' AND lease_owner=?",
            (time.time() + max(0.0, delay_seconds), name, owner),
        )
        with self._wake:
            self._wake.notify_all()

    def next_due_in(self) -> float | None:
        """Seconds until the next task becomes runnable (0 if one is ready), None if none waits."""
        now = time.time()
        row = (
            self._conn()
            .execute(
                "SELECT MIN(CASE WHEN state='pending' THEN available_at ELSE lease_until END) FROM tasks "
                "WHERE state IN ('pending', 'leased')"
            )
            .fetchone()
        )
        if row is None or row[0] is None:
            return None
        return max(0.0, float(row[0]) - now)

    def wait(self, timeout: float) -> None:
        """Sleep until a task is enqueued in this process or `timeout` passes."""
        with self._wake:
            self._wake.wait(timeout)

    def wake_all(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def counts(self, job_id: str | None = None) -> dict[str, int]:
        """Tasks by state (for tests, the bench and diagnostics)."""
        sql = "SELECT state, COUNT(*) FROM tasks"
        params: tuple = ()
        if job_id is not None:
            sql += " WHERE job_id=?"
            params = (job_id,)
        return {state: n for state, n in self._conn().execute(sql + " GROUP BY state", params).fetchall()}

    def tasks_for(self, job_id: str) -> list[dict]:
        rows = (
            self._conn()
            .execute(
                "SELECT name, step, attempt, state, deliveries, queue FROM tasks WHERE job_id=? ORDER BY rowid",
                (job_id,),
            )
            .fetchall()
        )
        return [dict(zip(("name", "step", "attempt", "state", "deliveries", "queue"), r)) for r in rows]

    def prune(self, older_than_seconds: float) -> int:
        """Forget finished tasks older than the given age."""
        cur = self._conn().execute(
            "DELETE FROM tasks WHERE state='done' AND finished_at < ?", (time.time() - older_than_seconds,)
        )
        return cur.rowcount
