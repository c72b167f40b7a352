"""SqliteEvents: the event port on an append-only SQLite log (cfg.data_dir/events.sqlite3).

Every process of the local platform (API server, standalone pipeline worker, WebSocket
service) opens the same file: publishers append, tailers poll `read_after(last_seq)`. The
sequence number is the log's cursor, so a tailer that restarts resumes where it stopped."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from shared.persistence.sqlite_documents import connect

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


class SqliteEvents:
    """Append-only event log shared by every local process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._conn().executescript(SCHEMA)

    @classmethod
    def from_settings(cls, cfg) -> "SqliteEvents":
        return cls(Path(cfg.data_dir) / "events.sqlite3")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn

    def publish(self, event: dict) -> int:
        """Append `event` (a JSON-able dict with a `type`); returns its sequence number."""
        if not isinstance(event, dict) or not event.get("type"):
            raise ValueError("an event is a dict with a type")
        cur = self._conn().execute(
            "INSERT INTO events (created, job_id, org_id, type, payload) VALUES (?, ?, ?, ?, ?)",
            (time.time(), event.get("job_id"), event.get("org_id"), event["type"],
             json.dumps(event, default=str, separators=(",", ":"))),
        )
        return int(cur.lastrowid)

    def read_after(self, seq: int, limit: int = 500) -> list[tuple[int, dict]]:
        """Events with a sequence number above `seq`, oldest first, at most `limit`."""
        rows = self._conn().execute(
            "SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (int(seq), int(limit))
        ).fetchall()
        return [(int(s), json.loads(p)) for s, p in rows]

    def last_seq(self) -> int:
        """The sequence number of the newest event (0 when the log is empty)."""
        row = self._conn().execute("SELECT MAX(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def prune(self, older_than_seconds: float) -> int:
        """Drop events older than the given age (the log is a feed, not an archive)."""
        cur = self._conn().execute("DELETE FROM events WHERE created < ?", (time.time() - older_than_seconds,))
        return cur.rowcount
