"""SqliteDocuments: the document-store port on SQLite (WAL), one connection per thread."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from shared.errors import AlreadyExists, Invalid, VersionConflict
from shared.file_modes import private_dir, private_file
from shared.persistence.documents import OPS, Page, Query, cursor_for, decode_cursor

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID;
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the settings every local SQLite file of the platform uses."""
    private_dir(path.parent)
    private_file(path)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class PerThreadConnection:
    """One connection per thread to one SQLite file (sqlite3 connections are not shared across
    threads here); call it to get the calling thread's connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn


def _json_path(field: str) -> str:
    if not all(part.replace("_", "").replace("-", "").isalnum() for part in field.split(".")):
        raise Invalid(f"Invalid field name: {field}")
    return "$." + ".".join(f'"{p}"' for p in field.split("."))


def _sql_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


class _Tx:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, collection: str, doc_id: str) -> dict | None:
        row = self.conn.execute(
            "SELECT version, data FROM documents WHERE collection=? AND id=?", (collection, doc_id)
        ).fetchone()
        if row is None:
            return None
        doc = json.loads(row[1])
        doc["id"] = doc_id
        doc["_version"] = row[0]
        return doc

    def create(self, collection: str, doc_id: str, data: dict) -> dict:
        body = {k: v for k, v in data.items() if k not in ("id", "_version")}
        try:
            self.conn.execute(
                "INSERT INTO documents (collection, id, version, data) VALUES (?, ?, 1, ?)",
                (collection, doc_id, json.dumps(body)),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExists(f"{collection}/{doc_id}") from None
        return {**body, "id": doc_id, "_version": 1}

    def update(self, collection: str, doc_id: str, data: dict, *, expected_version: int) -> dict:
        body = {k: v for k, v in data.items() if k not in ("id", "_version")}
        cur = self.conn.execute(
            "UPDATE documents SET version=version+1, data=? WHERE collection=? AND id=? AND version=?",
            (json.dumps(body), collection, doc_id, expected_version),
        )
        if cur.rowcount != 1:
            raise VersionConflict(f"{collection}/{doc_id}")
        return {**body, "id": doc_id, "_version": expected_version + 1}

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        if expected_version is None:
            cur = self.conn.execute("DELETE FROM documents WHERE collection=? AND id=?", (collection, doc_id))
            return cur.rowcount == 1
        cur = self.conn.execute(
            "DELETE FROM documents WHERE collection=? AND id=? AND version=?", (collection, doc_id, expected_version)
        )
        if cur.rowcount != 1:
            if self.get(collection, doc_id) is None:
                return False
            raise VersionConflict(f"{collection}/{doc_id}")
        return True


class SqliteDocuments:
    """Document store on one SQLite file in WAL mode."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = PerThreadConnection(self.path)
        self._conn().executescript(SCHEMA)

    def get(self, collection: str, doc_id: str) -> dict | None:
        return _Tx(self._conn()).get(collection, doc_id)

    def create(self, collection: str, doc_id: str, data: dict) -> dict:
        return _Tx(self._conn()).create(collection, doc_id, data)

    def update(self, collection: str, doc_id: str, data: dict, *, expected_version: int) -> dict:
        return _Tx(self._conn()).update(collection, doc_id, data, expected_version=expected_version)

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        return _Tx(self._conn()).delete(collection, doc_id, expected_version=expected_version)

    def transaction(self, fn: Callable[[_Tx], T]) -> T:
        conn = self._conn()
        for attempt in range(50):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                time.sleep(0.01 * (attempt + 1))
                continue
            try:
                result = fn(_Tx(conn))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result
        raise VersionConflict("database busy")

    def query(self, q: Query) -> Page:
        sql = ["SELECT id, version, data FROM documents WHERE collection=?"]
        params: list[Any] = [q.collection]
        for field, op, value in q.where:
            if op not in OPS:
                raise Invalid(f"Unsupported filter operator: {op}")
            path = _json_path(field)
            if op == "array_contains":
                sql.append(f"AND EXISTS (SELECT 1 FROM json_each(data, '{path}') WHERE value = ?)")
                params.append(_sql_value(value))
            elif op == "in":
                values = list(value)
                if not values:
                    return Page([], None)
                sql.append(f"AND json_extract(data, '{path}') IN ({','.join('?' * len(values))})")
                params.extend(_sql_value(v) for v in values)
            elif op == "==" and value is None:
                sql.append(f"AND json_extract(data, '{path}') IS NULL")
            else:
                sql_op = "=" if op == "==" else op
                sql.append(f"AND json_extract(data, '{path}') {sql_op} ?")
                params.append(_sql_value(value))
        order = list(q.order_by) + [("__id__", q.order_by[-1][1] if q.order_by else "asc")]
        exprs = ["id" if f == "__id__" else f"json_extract(data, '{_json_path(f)}')" for f, _ in order]
        if q.cursor:
            values = decode_cursor(q.cursor)
            if len(values) != len(order):
                raise Invalid("Invalid cursor; use the next_cursor value of the previous page")
            # keyset pagination: (a, b, id) strictly after the cursor under mixed directions
            ors = []
            for i in range(len(order)):
                parts = []
                for j in range(i):
                    parts.append(f"{exprs[j]} = ?")
                    params.append(_sql_value(values[j]))
                cmp = ">" if order[i][1] == "asc" else "<"
                parts.append(f"{exprs[i]} {cmp} ?")
                params.append(_sql_value(values[i]))
                ors.append("(" + " AND ".join(parts) + ")")
            sql.append("AND (" + " OR ".join(ors) + ")")
        sql.append("ORDER BY " + ", ".join(f"{e} {'ASC' if d == 'asc' else 'DESC'}" for e, (_, d) in zip(exprs, order)))
        if q.limit is not None:
            sql.append("LIMIT ?")
            params.append(int(q.limit) + 1)
        rows = self._conn().execute(" ".join(sql), params).fetchall()
        items = []
        for doc_id, version, data in rows:
            doc = json.loads(data)
            doc["id"] = doc_id
            doc["_version"] = version
            items.append(doc)
        next_cursor = None
        if q.limit is not None and len(items) > q.limit:
            items = items[: q.limit]
            next_cursor = cursor_for(items[-1], list(q.order_by))
        return Page(items, next_cursor)
