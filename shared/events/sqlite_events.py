"""SqliteEvents: the event port on an append-only SQLite log (cfg.data_dir/events.sqlite3).

Every process of the local platform (API server, standalone pipeline worker, WebSocket
service) opens the same file: publishers append, tailers poll `read_after(last_seq)`. The
sequence number is the log's cursor, so a tailer that restarts resumes where it stopped."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from shared.persistence.sqlite_documents import PerThreadConnection

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    job_id TEXT,
    org_id TEXT,
    type TEXT NOT NULL,
    payload JSON NOT NULL
);
CREATE INDEX IF NOT EXISTS events_job ON events (job_id, seq);
"""
# A status change is identified by (job, status, updated_at): publishing it again (a worker
# that crashed between the job write and the publish re-announces the job's current status on
# the next delivery) must not show it twice.
DEDUPE = """
CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events (dedupe_key);
"""


class SqliteEvents:
    """Append-only event log shared by every local process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = PerThreadConnection(self.path)
        conn = self._conn()
        conn.executescript(SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
        if "dedupe_key" not in columns:
            try:
                conn.execute("ALTER TABLE events ADD COLUMN dedupe_key TEXT")
            except sqlite3.OperationalError:  # another process added it first
                pass
        conn.executescript(DEDUPE)

    @classmethod
    def from_settings(cls, cfg) -> SqliteEvents:
        return cls(Path(cfg.data_dir) / "events.sqlite3")

    def publish(self, event: dict) -> int:
        """Append `event` (a JSON-able dict with a `type`); returns its sequence number."""
        if not isinstance(event, dict) or not event.get("type"):
            raise ValueError("an event is a dict with a type")
        key = None
        if event["type"] == "job_status_update" and event.get("job_id") and event.get("updated_at"):
            key = f"{event['job_id']}|{event.get('status')}|{event['updated_at']}"
        conn = self._conn()
        cur = conn.execute(
            "INSERT OR IGNORE INTO events (created, job_id, org_id, type, payload, dedupe_key) VALUES (?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                event.get("job_id"),
                event.get("org_id"),
                event["type"],
                json.dumps(event, default=str, separators=(",", ":")),
                key,
            ),
        )
        if cur.rowcount == 1:
            return int(cur.lastrowid or 0)  # set by the INSERT that counted one row
        row = conn.execute("SELECT seq FROM events WHERE dedupe_key=?", (key,)).fetchone()
        return int(row[0])

    def read_after(self, seq: int, limit: int = 500) -> list[tuple[int, dict]]:
        """Events with a sequence number above `seq`, oldest first, at most `limit`."""
        rows = (
            self._conn()
            .execute("SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (int(seq), int(limit)))
            .fetchall()
        )
        return [(int(s), json.loads(p)) for s, p in rows]

    def last_seq(self) -> int:
        """The sequence number of the newest event (0 when the log is empty)."""
        row = self._conn().execute("SELECT MAX(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def prune(self, older_than_seconds: float) -> int:
        """Drop events older than the given age (the log is a feed, not an archive)."""
        cur = self._conn().execute("DELETE FROM events WHERE created < ?", (time.time() - older_than_seconds,))
        return cur.rowcount
